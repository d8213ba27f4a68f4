package dev.tandem.bench.hotpath;

import dev.tandem.bench.Results;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * B1's entry point: runs every B1 benchmark with JMH in three passes (one producer thread; two;
 * two again for recording an event, in {@value #TWO_THREAD_FORKS} forks), keeps the raw JSON, and
 * writes the {@code b1.md} fragment from it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.HotPath [--quick] [--out DIR]
 * </pre>
 *
 * <p>Full size: each case in its own forked JVM with the warm-up and measurement its class
 * declares, but recording an event with two producers, in {@value #TWO_THREAD_FORKS} forks of
 * {@value #TWO_THREAD_FORK_ITERATIONS} iterations (about 14 minutes on 2 cores). {@code --quick}:
 * in-process (no fork), no warm-up, one 100 ms iteration per case: seconds, for checking the
 * harness, not for figures. Writes
 * {@code b1-t1.json}, {@code b1-t2.json}, {@code b1-t2-forked.json} (JMH's results), and
 * {@code b1-jmh-t*.log} (its text output) and {@code b1.md} into the results directory.
 */
public final class HotPath {
    static final String PKG = "dev\\.tandem\\.bench\\.hotpath\\.";
    /** Run with one producer thread: everything. */
    static final List<String> ONE_THREAD = List.of(PKG + "EventRecordBench\\.", PKG + "CounterBench\\.",
            PKG + "ReferenceBench\\.", PKG + "RoomBurstBench\\.");
    /** Run with two: the contended cases, and the pacing alone to subtract from them. */
    static final List<String> TWO_THREADS = List.of(PKG + "CounterBench\\.",
            PKG + "ReferenceBench\\.pace$", PKG + "RoomBurstBench\\.");
    /**
     * Run with two, in {@value #TWO_THREAD_FORKS} forks: recording an event. Where two producers and
     * the sink's delivery thread share two cores, a fork settles into one schedule for its whole
     * life, and forks of one jar differed by 2.3x (tandem, room: 125 against 55 ns a record, each
     * fork steady to a few percent); over several forks, forks that differ widen JMH's error, so
     * that a verdict reads inconclusive rather than follow one fork's luck.
     */
    static final List<String> TWO_THREADS_FORKED = List.of(PKG + "EventRecordBench\\.");
    static final int TWO_THREAD_FORKS = 3;
    static final int TWO_THREAD_FORK_ITERATIONS = 4;

    private HotPath() {}

    public static void main(String[] args) throws IOException, RunnerException {
        boolean quick = List.of(args).contains("--quick");
        Path out = Results.outDir(args);
        Path md = run(out, quick);
        System.out.println("B1: wrote " + md);
    }

    /** Runs the three passes and writes the fragment; returns its path. */
    static Path run(Path out, boolean quick) throws IOException, RunnerException {
        Files.createDirectories(out);
        runPass(out, 1, "", ONE_THREAD, quick, 0);
        runPass(out, 2, "", TWO_THREADS, quick, 0);
        runPass(out, 2, "-forked", TWO_THREADS_FORKED, quick, TWO_THREAD_FORKS);
        String command = "java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.HotPath --out "
                + out + (quick ? " --quick" : "");
        return Results.write(out, "b1", B1Report.render(out, command, quick));
    }

    /**
     * {@code forks}: 0 for what each class declares, else that many forks of
     * {@value #TWO_THREAD_FORK_ITERATIONS} iterations.
     */
    private static void runPass(Path out, int threads, String suffix, List<String> includes, boolean quick, int forks)
            throws RunnerException {
        Path json = out.resolve("b1-t" + threads + suffix + ".json");
        Path log = out.resolve("b1-jmh-t" + threads + suffix + ".log");
        System.out.println("B1: JMH with " + threads + " thread(s)" + (forks > 0 && !quick ? ", " + forks + " forks" : "")
                + (quick ? " (quick)" : "") + "; log " + log);
        ChainedOptionsBuilder o = new OptionsBuilder()
                .threads(threads)
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .output(log.toString())
                .shouldFailOnError(true);
        for (String include : includes) {
            o.include(include);
        }
        if (forks > 0 && !quick) {
            o.forks(forks).measurementIterations(TWO_THREAD_FORK_ITERATIONS);
        }
        if (quick) {
            o.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        }
        new Runner(o.build()).run();
    }
}
