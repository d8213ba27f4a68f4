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
 * B1's entry point: runs every B1 benchmark with JMH in six passes, keeps the raw JSON, and writes
 * the {@code b1.md} fragment from it. With one producer thread and then with two: everything but
 * recording an event; recording an event into the queues no target compares, once; and into those
 * the targets compare, in {@value #TARGET_FORKS} forks.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.HotPath [--quick] [--out DIR]
 * </pre>
 *
 * <p>Full size: each case in its own forked JVM with the warm-up and measurement its class
 * declares, but the event cases the targets compare, in {@value #TARGET_FORKS} forks of
 * {@value #TARGET_FORK_ITERATIONS} iterations (about 16 minutes on 2 cores). {@code --quick}:
 * in-process (no fork), no warm-up, one 100 ms iteration per case: seconds, for checking the
 * harness, not for figures. Writes {@code b1-t1.json}, {@code b1-t1-other.json},
 * {@code b1-t1-forked.json} and the same three for {@code t2} (JMH's results),
 * {@code b1-jmh-t*.log} (its text output) and {@code b1.md} into the results directory.
 */
public final class HotPath {
    static final String PKG = "dev\\.tandem\\.bench\\.hotpath\\.";
    /** Run with one producer thread: everything but recording an event. */
    static final List<String> ONE_THREAD = List.of(PKG + "CounterBench\\.", PKG + "ReferenceBench\\.",
            PKG + "RoomBurstBench\\.");
    /** Run with two: the contended cases, and the pacing alone to subtract from them. */
    static final List<String> TWO_THREADS = List.of(PKG + "CounterBench\\.",
            PKG + "ReferenceBench\\.pace$", PKG + "RoomBurstBench\\.");
    /** Recording an event, with one producer and with two. */
    static final List<String> EVENTS = List.of(PKG + "EventRecordBench\\.");
    /**
     * The queues the two-producer targets compare, run in {@value #TARGET_FORKS} forks. Where
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
    /**
     * The queues the one-producer targets compare (a record against 20 ns, and against a pre-built
     * offer), forked the same way: in one fork of 8 iterations a record measured 18.1 +- 2.2 ns
     * (2026-12-04), whose interval spans the target; JMH's interval narrows with the iterations it
     * has (a 99.9% t-interval over 24 is about 2.5 times narrower than over 8 at the same spread),
     * and over forks it takes in what differs between JVMs (their JIT decisions, the heap's layout).
     * That difference was the larger: the first forked run measured 19.8 +- 5.7 ns, its forks'
     * means 244-260 ns a call, so one fork had understated the error.
     */
    static final String[] ONE_THREAD_TARGET_QUEUES = {"tandem", "mpsc_prebuilt"};
    static final String[] ONE_THREAD_OTHER_QUEUES = {"tandem_b4096", "mpsc_bare", "abq_offer", "lbq_offer",
            "clq_capped", "abq_put"};
    static final int TARGET_FORKS = 6;
    static final int TARGET_FORK_ITERATIONS = 4;

    private HotPath() {}

    public static void main(String[] args) throws IOException, RunnerException {
        boolean quick = List.of(args).contains("--quick");
        Path out = Results.outDir(args);
        Path md = run(out, quick);
        System.out.println("B1: wrote " + md);
    }

    /** Runs the six passes and writes the fragment; returns its path. */
    static Path run(Path out, boolean quick) throws IOException, RunnerException {
        Files.createDirectories(out);
        runPass(out, 1, "", ONE_THREAD, quick, 0, null);
        runPass(out, 1, "-other", EVENTS, quick, 0, ONE_THREAD_OTHER_QUEUES);
        runPass(out, 1, "-forked", EVENTS, quick, TARGET_FORKS, ONE_THREAD_TARGET_QUEUES);
        runPass(out, 2, "", TWO_THREADS, quick, 0, null);
        runPass(out, 2, "-other", EVENTS, quick, 0, OTHER_QUEUES);
        runPass(out, 2, "-forked", EVENTS, quick, TARGET_FORKS, TARGET_QUEUES);
        String command = "java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.HotPath --out "
                + out + (quick ? " --quick" : "");
        return Results.write(out, "b1", B1Report.render(out, command, quick));
    }

    /**
     * {@code forks}: 0 for what each class declares, else that many forks of
     * {@value #TARGET_FORK_ITERATIONS} iterations; {@code queues}: the values of the
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
            o.forks(forks).measurementIterations(TARGET_FORK_ITERATIONS);
        }
        if (quick) {
            o.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        }
        new Runner(o.build()).run();
    }
}
