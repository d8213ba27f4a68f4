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
 * B1's entry point: runs every B1 benchmark with JMH in four passes (one producer thread; two;
 * two again for recording an event, once for the queues no target compares and in
 * {@value #TWO_THREAD_FORKS} forks for those the targets do), keeps the raw JSON, and writes the
 * {@code b1.md} fragment from it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.HotPath [--quick] [--out DIR]
 * </pre>
 *
 * <p>Full size: each case in its own forked JVM with the warm-up and measurement its class
 * declares, but the two-producer event cases the targets compare, in {@value #TWO_THREAD_FORKS}
 * forks of {@value #TWO_THREAD_FORK_ITERATIONS} iterations (about 14 minutes on 2 cores).
 * {@code --quick}: in-process (no fork), no warm-up, one 100 ms iteration per case: seconds, for
 * checking the harness, not for figures. Writes {@code b1-t1.json}, {@code b1-t2.json},
 * {@code b1-t2-other.json}, {@code b1-t2-forked.json} (JMH's results), {@code b1-jmh-t*.log} (its
 * text output) and {@code b1.md} into the results directory.
 */
public final class HotPath {
    static final String PKG = "dev\\.tandem\\.bench\\.hotpath\\.";
    /** Run with one producer thread: everything. */
    static final List<String> ONE_THREAD = List.of(PKG + "EventRecordBench\\.", PKG + "CounterBench\\.",
            PKG + "ReferenceBench\\.", PKG + "RoomBurstBench\\.");
    /** Run with two: the contended cases, and the pacing alone to subtract from them. */
    static final List<String> TWO_THREADS = List.of(PKG + "CounterBench\\.",
            PKG + "ReferenceBench\\.pace$", PKG + "RoomBurstBench\\.");
    /** Recording an event with two producers. */
    static final List<String> TWO_THREAD_EVENTS = List.of(PKG + "EventRecordBench\\.");
    /**
     * The queues the two-producer targets compare, run in {@value #TWO_THREAD_FORKS} forks. Where
     * two producers and the sink's delivery thread share two cores, a fork settles into one
     * schedule for its whole life, and forks of one jar differed by up to 2.3x (tandem, room: 125
     * against 55 ns a record; flooded, 16 against 27 ns; each fork steady to a few percent). Over several
     * forks the mean takes every schedule the forks met in, and forks that differ widen JMH's
     * error, so that a verdict follows no single fork's luck; with six, one odd fork in the flooded
     * regime no longer decides the verdict, as it did with three. The other queues of the table
     * run once (one fork, as their class declares).
     */
    static final String[] TARGET_QUEUES = {"tandem", "abq_offer"};
    static final String[] OTHER_QUEUES = {"tandem_b4096", "mpsc_bare", "mpsc_prebuilt", "lbq_offer", "clq_capped",
            "abq_put"};
    static final int TWO_THREAD_FORKS = 6;
    static final int TWO_THREAD_FORK_ITERATIONS = 4;

    private HotPath() {}

    public static void main(String[] args) throws IOException, RunnerException {
        boolean quick = List.of(args).contains("--quick");
        Path out = Results.outDir(args);
        Path md = run(out, quick);
        System.out.println("B1: wrote " + md);
    }

    /** Runs the four passes and writes the fragment; returns its path. */
    static Path run(Path out, boolean quick) throws IOException, RunnerException {
        Files.createDirectories(out);
        runPass(out, 1, "", ONE_THREAD, quick, 0, null);
        runPass(out, 2, "", TWO_THREADS, quick, 0, null);
        runPass(out, 2, "-other", TWO_THREAD_EVENTS, quick, 0, OTHER_QUEUES);
        runPass(out, 2, "-forked", TWO_THREAD_EVENTS, quick, TWO_THREAD_FORKS, TARGET_QUEUES);
        String command = "java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.HotPath --out "
                + out + (quick ? " --quick" : "");
        return Results.write(out, "b1", B1Report.render(out, command, quick));
    }

    /**
     * {@code forks}: 0 for what each class declares, else that many forks of
     * {@value #TWO_THREAD_FORK_ITERATIONS} iterations; {@code queues}: the values of the
     * {@code queue} parameter to run, or null for all.
     */
    private static void runPass(Path out, int threads, String suffix, List<String> includes, boolean quick, int forks,
                                String[] queues) throws RunnerException {
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
        if (queues != null) {
            o.param("queue", queues);
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
