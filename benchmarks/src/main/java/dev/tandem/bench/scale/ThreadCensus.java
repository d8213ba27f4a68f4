package dev.tandem.bench.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts every live thread of this JVM, virtual ones included. {@code Thread.getAllStackTraces}
 * and the thread MXBean list platform threads only; on JDK 21+ the JDK's thread dump
 * ({@code HotSpotDiagnosticMXBean.dumpThreads(file, JSON)}, what {@code jcmd Thread.dump_to_file}
 * writes) lists virtual threads too (every thread started through the {@code Thread} API is
 * tracked while {@code jdk.trackAllThreads} is true, the default). The dump is written to a
 * temporary file, its {@code "tid"} entries counted, and the file deleted. Called reflectively:
 * the benchmarks are Java 17 bytecode.
 */
final class ThreadCensus {
    private ThreadCensus() {}

    /** All live threads, platform and virtual; on a JDK without the dump (before 21), the platform threads. */
    static long allThreads() {
        if (!Threads.virtualSupported()) {
            return HeapProbe.platformThreads();
        }
        Path file = null;
        try {
            file = Files.createTempFile("b4-threads-", ".json");
            Files.delete(file); // dumpThreads refuses to overwrite
            dump(file.toAbsolutePath());
            return countTids(file);
        } catch (IOException | ReflectiveOperationException e) {
            throw new IllegalStateException("could not take a thread dump", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temporary file left behind: nothing to count
                }
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void dump(Path file) throws ReflectiveOperationException {
        Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
        Class<? extends Enum> format = (Class<? extends Enum>) Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
        Object mx = ManagementFactory.getPlatformMXBean((Class<? extends PlatformManagedObject>) bean);
        Method dumpThreads = bean.getMethod("dumpThreads", String.class, format);
        dumpThreads.invoke(mx, file.toString(), Enum.valueOf(format, "JSON"));
    }

    /** How many threads a JSON thread dump lists: one {@code "tid"} key each. */
    static long countTids(Path file) throws IOException {
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                int at = 0;
                while ((at = line.indexOf("\"tid\"", at)) >= 0) {
                    n++;
                    at += 5;
                }
            }
        }
        return n;
    }
}
