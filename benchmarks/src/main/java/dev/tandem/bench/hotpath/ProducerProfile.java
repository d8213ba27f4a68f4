package dev.tandem.bench.hotpath;

import dev.tandem.bench.Results;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Where a producer's time goes (B1, issue 11): runs {@code EventRecordBench.record} for one
 * queue, regime and producer count, in one fork with Flight Recorder's
 * execution sampling on (not biased to safepoints: {@code -XX:+DebugNonSafepoints}), and prints
 * the producer threads' samples by top frame, the share outside the pacing, and what that share
 * is of the producers' CPU time per record (from the run's {@code producerCpuNanos} and
 * {@code records} counters). The rest of a call's wall time the producer was not running. The
 * recording spans the whole fork, its two warm-up iterations included, while the CPU time per
 * record is the measured iterations': the share is applied to a figure of a slightly different
 * window (after the first second C2 has compiled these loops, so the two differ little).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.ProducerProfile [--queue Q] [--regime room|flood]
 *     [--threads N] [--out DIR]
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.ProducerProfile --jfr FILE
 * </pre>
 *
 * <p>Defaults: {@code --queue tandem --regime room --threads 1}; about 15 s. Writes
 * {@code b1-profile-Q-R-tN.txt} and the recording {@code b1-profile-Q-R-tN.jfr} into the results
 * directory. The sampler takes a thread only while it runs Java code, every 10 ms (the JDK's
 * {@code profile} settings), so a few hundred samples per producer and second: shares of a
 * percent are a handful of samples. With {@code --jfr}, it reads an existing recording of any JMH
 * run instead (such as {@code RoomBurstBench} with the same JVM flags) and prints the shares only.
 */
public final class ProducerProfile {
    private static final String PACING = "org.openjdk.jmh.infra.Blackhole.consumeCPU";
    private static final int TOP = 12;

    private ProducerProfile() {}

    public static void main(String[] args) throws IOException, RunnerException {
        Map<String, String> options = options(args);
        String recording = options.get("--jfr");
        if (recording != null) { // an existing recording of any JMH run: the shares only
            System.out.print(shares(count(Path.of(recording))));
            return;
        }
        String queue = options.getOrDefault("--queue", "tandem");
        if (!Arrays.asList(B1Report.QUEUES).contains(queue)) {
            throw new IllegalArgumentException("--queue: '" + queue + "' (expected one of "
                    + Arrays.toString(B1Report.QUEUES) + ")");
        }
        String regime = options.getOrDefault("--regime", "room");
        if (!regime.equals("room") && !regime.equals("flood")) {
            throw new IllegalArgumentException("--regime: '" + regime + "' (expected: room or flood)");
        }
        String t = options.getOrDefault("--threads", "1");
        int threads;
        try {
            threads = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            threads = 0;
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads: '" + t + "' (expected: a whole number, at least 1)");
        }
        Path out = Results.outDir(args);
        Files.createDirectories(out);
        String name = "b1-profile-" + queue + "-" + regime + "-t" + threads;
        Path jfr = out.resolve(name + ".jfr").toAbsolutePath();
        Files.deleteIfExists(jfr);
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(HotPath.PKG + "EventRecordBench\\.record$")
                .param("queue", queue)
                .param("regime", regime)
                .threads(threads)
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(6).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
                        "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile")
                .shouldFailOnError(true)
                .build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("expected one JMH result for queue '" + queue + "', got " + results.size());
        }
        RunResult result = results.iterator().next();
        Map<String, Result> secondary = result.getSecondaryResults();
        Result<?> cpuNanos = secondary.get("producerCpuNanos");
        Result<?> records = secondary.get("records");
        if (cpuNanos == null || records == null || cpuNanos.getScore() < 0 || records.getScore() <= 0) {
            throw new IllegalStateException("the run has no producer CPU time per record (producerCpuNanos "
                    + (cpuNanos == null ? "missing" : cpuNanos.getScore()) + ", records "
                    + (records == null ? "missing" : records.getScore()) + "): this JVM may not measure thread CPU time");
        }
        double wall = result.getPrimaryResult().getScore();
        String text = render(queue, regime, threads, wall, cpuNanos.getScore() / records.getScore(), count(jfr));
        Files.writeString(out.resolve(name + ".txt"), text);
        System.out.print(text);
    }

    private static final List<String> OPTIONS = List.of("--jfr", "--queue", "--regime", "--threads", "--out");

    /** The options by name; every argument must be a known option followed by its value. */
    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i])) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "' (expected: " + OPTIONS
                        + ", each with a value)");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            out.put(args[i], args[i + 1]);
        }
        return out;
    }

    /** Samples of the JMH worker threads (the producers) by top frame, "class.method". */
    static Map<String, Integer> count(Path jfr) throws IOException {
        Map<String, Integer> byFrame = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedThread t = e.getThread("sampledThread");
            RecordedStackTrace stack = e.getStackTrace();
            if (t == null || t.getJavaName() == null || !t.getJavaName().contains("-jmh-worker-") || stack == null
                    || stack.getFrames().isEmpty()) {
                continue;
            }
            RecordedFrame top = stack.getFrames().get(0);
            byFrame.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
        }
        return byFrame;
    }

    static String render(String queue, String regime, int threads, double wallNs, double cpuNs,
                         Map<String, Integer> byFrame) {
        double rest = 1 - byFrame.getOrDefault(PACING, 0) / (double) total(byFrame);
        return String.format(Locale.ROOT, "# EventRecordBench.record, queue %s, %s, %d producer(s): %.1f ns a call"
                + " (wall), %.1f ns on the CPU, %.1f ns off it%n", queue, regime, threads, wallNs, cpuNs,
                Math.max(0, wallNs - cpuNs))
                + String.format(Locale.ROOT, "# outside the pacing, about %.1f ns of the CPU time per record (samples of the"
                        + " whole fork, warm-up included; CPU time of the measured iterations)%n", rest * cpuNs)
                + shares(byFrame);
    }

    /** The samples' count, the share outside the pacing, and the top frames with their shares. */
    static String shares(Map<String, Integer> byFrame) {
        int total = total(byFrame);
        int pacing = byFrame.getOrDefault(PACING, 0);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "# %d producer samples, %.1f%% of them outside the pacing%n", total, 100.0 * (total - pacing) / total));
        byFrame.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .forEach(en -> sb.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * en.getValue() / total,
                        en.getKey())));
        return sb.toString();
    }

    /** The producer samples in all; an error if there are none. */
    private static int total(Map<String, Integer> byFrame) {
        int total = byFrame.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            throw new IllegalStateException("no execution sample of a producer thread in the recording");
        }
        return total;
    }
}
