package dev.tandem.bench.scale;

import dev.tandem.core.diagnostics.StackGroup;
import dev.tandem.core.diagnostics.ThreadDumpParser;
import dev.tandem.core.diagnostics.ThreadProfile;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM-wide thread profile at scale (issue 12): N virtual threads parked at one line, then per
 * round: the JDK's part alone (its plain-text dump of every thread to a file, what {@code jcmd
 * Thread.dump_to_file} runs), Tandem's part alone ({@link ThreadDumpParser} streaming that file:
 * time, bytes allocated), and {@link ThreadProfile#capture()} end to end (time, peak heap above
 * the parked baseline, size of the text). Wall and CPU time of the calling thread, since a shared
 * machine stretches wall time. Needs JDK 21+.
 *
 * <p>{@code java -Xmx2g -cp benchmarks.jar dev.tandem.bench.scale.ProfileBench --threads 100000 --rounds 5}
 */
public final class ProfileBench {
    private ProfileBench() {}

    static void parkedHere(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        int n = 100_000;
        int rounds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads": n = Integer.parseInt(args[++i]); break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i] + " (expected: --threads N, --rounds N)");
            }
        }
        if (!ThreadProfile.seesVirtualThreads()) {
            throw new IllegalStateException("needs JDK 21+ (virtual threads); this is " + Runtime.version());
        }
        ThreadFactory virtual = Threads.factory(true);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Thread t = virtual.newThread(() -> parkedHere(release));
            t.start();
            all.add(t);
        }
        for (Thread t : all) {
            while (t.getState() != Thread.State.WAITING) {
                LockSupport.parkNanos(100_000);
            }
        }
        System.out.printf(Locale.ROOT, "%d virtual threads parked in %.2f s on %s%n", n, (System.nanoTime() - t0) / 1e9,
                Runtime.version());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        com.sun.management.HotSpotDiagnosticMXBean bean =
                ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        java.lang.reflect.Method dumpThreads = com.sun.management.HotSpotDiagnosticMXBean.class.getMethod("dumpThreads",
                String.class, Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat"));
        Path dir = Files.createTempDirectory("profile-bench");
        String text = "";
        double[] dumps = new double[rounds];
        double[] captures = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 1; r <= rounds; r++) {
            // the JDK's part alone: its dump of every thread, to a file, in the format capture() asks
            // for first (plain text: the JDK writes it faster than JSON)
            Path file = dir.resolve("dump-" + r + ".txt");
            System.gc();
            long w0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            dumpThreads.invoke(bean, file.toString(), format("TEXT_PLAIN"));
            long dumpWall = System.nanoTime() - w0;
            long dumpCpu = threads.getCurrentThreadCpuTime() - c0;
            // Tandem's part alone: stream the file through the parser and group it
            w0 = System.nanoTime();
            c0 = threads.getCurrentThreadCpuTime();
            long a0 = threads.getThreadAllocatedBytes(self);
            List<StackGroup> groups;
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                groups = ThreadDumpParser.parse(in);
            }
            long parseWall = System.nanoTime() - w0;
            long parseCpu = threads.getCurrentThreadCpuTime() - c0;
            long parseAlloc = threads.getThreadAllocatedBytes(self) - a0;
            long size = Files.size(file);
            Files.delete(file);
            // end to end, as a caller sees it
            System.gc();
            long baseline = heapUsed();
            resetPeaks();
            w0 = System.nanoTime();
            c0 = threads.getCurrentThreadCpuTime();
            text = ThreadProfile.capture();
            long capWall = System.nanoTime() - w0;
            long capCpu = threads.getCurrentThreadCpuTime() - c0;
            dumps[r - 1] = dumpWall / 1e9;
            captures[r - 1] = capWall / 1e9;
            ratios[r - 1] = (double) capWall / dumpWall;
            System.out.printf(Locale.ROOT, "round %d: JDK dump %.2f s wall / %.2f s cpu (%.1f MB of text); parse+group %.2f s wall"
                    + " / %.2f s cpu, %.0f MB allocated, first group %d; capture() %.2f s wall / %.2f s cpu, peak heap +%.0f MB,"
                    + " text %d bytes%n", r, dumpWall / 1e9, dumpCpu / 1e9, size / 1e6, parseWall / 1e9, parseCpu / 1e9,
                    parseAlloc / 1e6, groups.get(0).count(), capWall / 1e9, capCpu / 1e9, (peakHeap() - baseline) / 1e6,
                    text.length());
        }
        Files.delete(dir);
        System.out.printf(Locale.ROOT, "medians of %d rounds: JDK dump alone %.2f s, capture() %.2f s (rounds %.2f-%.2f),"
                + " capture() / JDK dump of the same round %.2fx (rounds %.2f-%.2f)%n", rounds, median(dumps), median(captures),
                min(captures), max(captures), median(ratios), min(ratios), max(ratios));
        System.out.println("--- profile text (head) ---");
        System.out.println(text.substring(0, Math.min(text.length(), 900)));
        release.countDown();
        for (Thread t : all) {
            t.join();
        }
        System.out.printf(Locale.ROOT, "load average at the end: %.1f on %d cores%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static Object format(String name) throws ClassNotFoundException {
        for (Object c : Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat").getEnumConstants()) {
            if (((Enum<?>) c).name().equals(name)) {
                return c;
            }
        }
        throw new IllegalStateException("no " + name + " thread dump format");
    }

    private static long heapUsed() {
        return sumOverHeapPools(p -> p.getUsage().getUsed());
    }

    private static void resetPeaks() {
        sumOverHeapPools(p -> {
            p.resetPeakUsage();
            return 0;
        });
    }

    private static long peakHeap() {
        return sumOverHeapPools(p -> p.getPeakUsage().getUsed());
    }

    private static long sumOverHeapPools(java.util.function.ToLongFunction<MemoryPoolMXBean> f) {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += f.applyAsLong(p);
            }
        }
        return sum;
    }
}
