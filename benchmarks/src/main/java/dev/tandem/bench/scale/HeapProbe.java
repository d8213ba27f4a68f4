package dev.tandem.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What B4 reads of its own JVM: heap in use after full collections, the resident set, open file
 * descriptors, platform threads, and a live-object class histogram. All through public management
 * APIs ({@code java.lang.management} and the {@code DiagnosticCommand} MBean that {@code jcmd
 * GC.class_histogram} uses), so nothing needs {@code jdk.internal} or an agent.
 */
final class HeapProbe {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private HeapProbe() {}

    /**
     * Heap in use after full collections: {@link System#gc()} (a full, compacting, stop-the-world
     * collection under Serial or G1 unless {@code -XX:+ExplicitGCInvokesConcurrent}), repeated
     * until two readings agree within 0.1 % (at least 2, at most 4 collections: a full collection
     * of two million parked virtual threads takes seconds); the lowest reading.
     */
    static long usedAfterGc() {
        long best = Long.MAX_VALUE;
        long previous = -1;
        for (int i = 0; i < 4; i++) {
            System.gc();
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            best = Math.min(best, used);
            if (previous >= 0 && Math.abs(used - previous) <= previous / 1000) {
                break;
            }
            previous = used;
        }
        return best;
    }

    /** Bytes committed for the heap now. */
    static long heapCommitted() {
        return MEMORY.getHeapMemoryUsage().getCommitted();
    }

    /** VmRSS of this process from /proc/self/status, in bytes; -1 where there is no /proc. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through
        }
        return -1;
    }

    /** Open file descriptors of this process (entries of /proc/self/fd); -1 where there is no /proc. */
    static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException | RuntimeException notLinux) {
            return -1;
        }
    }

    /** The soft "Max open files" limit of this process, from /proc/self/limits; -1 if unknown. */
    static int maxOpenFiles() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[0].equals("unlimited") ? Integer.MAX_VALUE : Integer.parseInt(f[0]);
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through
        }
        return -1;
    }

    /** Live platform threads (virtual threads are not counted by the JVM's thread bean). */
    static int platformThreads() {
        return THREADS.getThreadCount();
    }

    /** The most platform threads alive at once since start or the last {@link #resetPeakThreads()}. */
    static int peakPlatformThreads() {
        return THREADS.getPeakThreadCount();
    }

    static void resetPeakThreads() {
        THREADS.resetPeakThreadCount();
    }

    /** CPU time this process used so far, in nanoseconds; -1 if the JVM cannot tell. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return -1;
    }

    /** Milliseconds all collectors of this JVM spent collecting so far (pauses, for Serial). */
    static long gcMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Names of the live platform threads whose name starts with {@code prefix}. */
    static List<String> platformThreadNames(String prefix) {
        List<String> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                out.add(t.getName());
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The live-object histogram, as {@code jcmd <pid> GC.class_histogram} prints it (it runs a full
     * collection first); through the DiagnosticCommand MBean of this JVM.
     */
    static ClassHistogram liveHistogram() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            Object out = server.invoke(name, "gcClassHistogram", new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
            return ClassHistogram.parse((String) out);
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("this JVM has no GC.class_histogram diagnostic command", e);
        }
    }

    /** A JVM option's value as the running JVM has it, or "?" if it has no such option. */
    static String vmOption(String option) {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hs =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return hs.getVMOption(option).getValue();
        } catch (RuntimeException absent) {
            return "?";
        }
    }

    /** The name of the (first) garbage collector, e.g. "Copy" for Serial's young collector. */
    static String collectors() {
        List<String> names = new ArrayList<>();
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        return String.join(" + ", names);
    }
}
