package dev.tandem.bench.scale;

import dev.tandem.bench.Results;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * B4's driver: runs each measurement in a child JVM of its own, one at a time (the in-memory
 * pairs at 100k and 1M, then real sockets, bare and Tandem, on virtual and platform threads),
 * reads back what each measured and writes the fragment {@code <out>/b4.md}.
 *
 * <p>{@code java -cp benchmarks.jar dev.tandem.bench.scale.ScaleBench --jdk /usr/lib/jvm/temurin-25-jdk-amd64
 * --out benchmarks/target/results [--quick]}. {@code --jdk} is the JDK the children run on (virtual
 * threads need 21+; without it, this JVM's own); {@code --quick} runs every part at a smoke size.
 */
public final class ScaleBench {
    /** Sizes and JVM options of one pass. */
    static final class Plan {
        boolean quick;
        Path jdk = Path.of(System.getProperty("java.home"));
        Path out = Path.of("benchmarks", "target", "results");
        Path work;
        int memSmall = 100_000;
        int memLarge = 1_000_000;
        String memSmallHeap = "-Xmx2g";
        String memLargeHeap = "-Xmx6g";
        int platformSockets = 10_000;
        int virtualSockets = -1; // max
        int clients = 2;
        long childTimeoutSeconds = 600;

        void quick() {
            quick = true;
            memSmall = 3_000;
            memLarge = 0;
            memSmallHeap = "-Xmx512m";
            platformSockets = 200;
            virtualSockets = 300;
            clients = 1;
            childTimeoutSeconds = 120;
        }
    }

    private ScaleBench() {}

    public static void main(String[] args) throws Exception {
        Plan plan = new Plan();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    plan.quick();
                    break;
                case "--jdk":
                    plan.jdk = Path.of(args[++i]);
                    break;
                case "--out":
                    plan.out = Path.of(args[++i]);
                    break;
                case "--work":
                    plan.work = Path.of(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + " (expected: [--quick] [--jdk JAVA_HOME] [--out DIR] [--work DIR])");
            }
        }
        Path fragment = run(plan);
        System.out.println("wrote " + fragment);
    }

    /** Runs the whole plan and writes {@code b4.md}; returns its path. */
    static Path run(Plan plan) throws Exception {
        if (plan.work == null) {
            plan.work = plan.out.resolve("b4");
        }
        Files.createDirectories(plan.work);
        int feature = javaFeature(plan.jdk);
        boolean virtual = feature >= 21;
        String loadBefore = Results.loadAverage();
        long start = System.nanoTime();
        List<Facts> mem = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String memThreads = virtual ? "virtual" : "platform";
        String[] memFlags = {"-XX:+UseSerialGC", "-XX:MarkSweepDeadRatio=0"};
        if (!virtual) {
            notes.add("The JDK at " + plan.jdk + " is Java " + feature + ", without virtual threads: the in-memory "
                    + "pairs ran on platform threads at smoke size only, and the virtual-thread socket runs did not run.");
        }
        int small = virtual ? plan.memSmall : Math.min(plan.memSmall, 3_000);
        mem.add(child(plan, "mem-" + small, IdlePairs.class, flags(plan.memSmallHeap, memFlags),
                "--pairs", String.valueOf(small), "--threads", memThreads,
                "--warmup", String.valueOf(plan.quick ? 1_000 : 50_000), "--warmup-rounds", plan.quick ? "1" : "2",
                "--idle-cpu-ms", plan.quick ? "0" : "2000"));
        if (virtual && plan.memLarge > 0) {
            mem.add(child(plan, "mem-" + plan.memLarge, IdlePairs.class, flags(plan.memLargeHeap, memFlags),
                    "--pairs", String.valueOf(plan.memLarge), "--threads", memThreads, "--no-histogram",
                    "--warmup", "50000", "--warmup-rounds", "2", "--idle-cpu-ms", "2000"));
        }
        List<Facts[]> sockets = new ArrayList<>();
        String[] sockFlags = {"-Xmx1g", "-XX:+UseSerialGC", "-XX:MarkSweepDeadRatio=0"};
        if (virtual) {
            sockets.add(socketPair(plan, "virtual", plan.virtualSockets, sockFlags));
        }
        sockets.add(socketPair(plan, "platform", plan.platformSockets, sockFlags));
        long took = System.nanoTime() - start;

        String md = B4Fragment.render(plan, mem, sockets, notes, Results.machine(), loadBefore, Results.loadAverage(), took);
        return Results.write(plan.out, "b4", md);
    }

    private static Facts[] socketPair(Plan plan, String threads, int pairs, String[] flags) throws Exception {
        String n = pairs < 0 ? "max" : String.valueOf(pairs);
        String warm = plan.quick ? "50" : "2000"; // also opens the JDK's pollers before the fd baseline
        Facts bare = child(plan, "sockets-" + threads + "-bare", SocketPairs.class, flags, "--mode", "bare",
                "--threads", threads, "--pairs", n, "--clients", String.valueOf(plan.clients), "--warmup", warm,
                "--source-prefix", "127.0.91.");
        Facts tandem = child(plan, "sockets-" + threads + "-tandem", SocketPairs.class, flags, "--mode", "tandem",
                "--threads", threads, "--pairs", n, "--clients", String.valueOf(plan.clients), "--warmup", warm,
                "--source-prefix", "127.0.92.");
        return new Facts[] {bare, tandem};
    }

    private static String[] flags(String heap, String[] more) {
        String[] out = new String[more.length + 1];
        out[0] = heap;
        System.arraycopy(more, 0, out, 1, more.length);
        return out;
    }

    /** Runs {@code main} of {@code cls} in a child JVM on the plan's JDK and reads back its facts. */
    static Facts child(Plan plan, String name, Class<?> cls, String[] jvmFlags, String... args) throws Exception {
        Path facts = plan.work.resolve(name + ".properties");
        Path log = plan.work.resolve(name + ".log");
        Files.deleteIfExists(facts);
        List<String> cmd = new ArrayList<>();
        cmd.add(plan.jdk.resolve("bin").resolve("java").toString());
        cmd.addAll(List.of(jvmFlags));
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(cls.getName());
        cmd.addAll(List.of(args));
        cmd.add("--facts");
        cmd.add(facts.toString());
        System.out.println("B4: " + name + ": " + String.join(" ", cmd.subList(1, cmd.size()))
                .replace(System.getProperty("java.class.path"), "benchmarks.jar"));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(plan.childTimeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + plan.childTimeoutSeconds + " s; see " + log);
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(facts)) {
            throw new IllegalStateException(name + " failed (exit " + p.exitValue() + "):\n" + tail(log));
        }
        Facts f = Facts.load(facts);
        f.put("name", name).put("wallNanos", System.nanoTime() - t0).put("command", String.join(" ", cmd.subList(1, cmd.size()))
                .replace(System.getProperty("java.class.path"), "benchmarks.jar").replace(plan.work.toString(), "$OUT/b4"));
        f.put("stuckWarnings", countLines(log, "is STUCK"));
        return f;
    }

    private static long countLines(Path log, String needle) throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(needle)).count();
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The Java feature release of a JDK home, from its {@code release} file. */
    static int javaFeature(Path jdk) throws IOException {
        Path release = jdk.resolve("release");
        if (Files.isRegularFile(release)) {
            for (String l : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (l.startsWith("JAVA_VERSION=")) {
                    String v = l.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String head = v.split("[.+-]")[0];
                    return Integer.parseInt(head.equals("1") ? v.split("\\.")[1] : head);
                }
            }
        }
        if (jdk.toAbsolutePath().normalize().equals(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize())) {
            return Runtime.version().feature();
        }
        throw new IllegalArgumentException("jdk: " + jdk + " (expected: a JDK home with a release file)");
    }
}
