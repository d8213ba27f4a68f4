package dev.tandem.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Where harnesses put what they measured: one Markdown fragment per harness
 * ({@code <dir>/b1.md} ... {@code b6.md}), which {@link Report} stitches into docs/benchmarks.md.
 * A fragment starts with the machine it ran on and the command that produced it.
 */
public final class Results {
    private Results() {}

    /** One line about this machine and JVM, for the top of a fragment. */
    public static String machine() {
        return String.format(Locale.ROOT, "%s, %d cores, %s %s (%s), %s %s, %s",
                cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("java.vendor"), System.getProperty("os.name"),
                System.getProperty("os.arch"), LocalDate.now(ZoneOffset.UTC));
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
            for (String l : lines) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "unknown CPU";
    }

    /** /proc/loadavg's first three fields (the machine's load over 1, 5 and 15 minutes), or "?". */
    public static String loadAverage() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).get(0).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException notLinux) {
            return "?";
        }
    }

    /** CPU time of the whole process so far (every thread, GC included), or -1 where the JVM does not say. */
    public static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }

    /** Writes {@code <dir>/<name>.md}, creating the directory. */
    public static Path write(Path dir, String name, String markdown) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(name + ".md");
        Files.writeString(p, markdown, StandardCharsets.UTF_8);
        return p;
    }

    /** The results directory given as {@code --out DIR}, or {@code benchmarks/target/results}. */
    public static Path outDir(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--out")) {
                return Path.of(args[i + 1]);
            }
        }
        return Path.of("benchmarks", "target", "results");
    }
}
