package dev.tandem.bench.churn;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the churn harnesses (B2 {@link LifecycleBench}, B3 {@link HungBackendBench}) share: the
 * options every one of them takes ({@link #COMMON_OPTIONS}), and one timed series of rounds: a
 * warm-up round at half the size (at least 100 connections), then the measured rounds
 * ({@link Rounds}), every run the same {@link ChurnLoad}. A harness adds its own options and
 * variants and writes its own fragment. One instance per harness run, on the harness's thread.
 */
final class ChurnRun {
    /** The options of every churn harness, for its usage line. */
    static final String COMMON_OPTIONS = "[--quick] [--out DIR] [--connections N] [--rounds R] [--concurrency C]";
    /** Connections per run with {@code --quick}. */
    static final int QUICK_CONNECTIONS = 300;
    /** The longest wait, after the last client of a run, for the server's closes to finish. */
    static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** The whole command line, for the harness's own options. */
    final Args args;
    final boolean quick;
    final int connections;
    final int rounds;
    final int concurrency;
    /** Where the fragment goes ({@code --out}, default {@code benchmarks/target/results}). */
    final Path out;
    /** The command line as given, for the fragment. */
    final String commandLine;
    /** The machine's load average when {@link #run} began (it is shared: other work shows in every figure). */
    String loadBefore = "?";
    private long wallNanos = -1;

    /**
     * Parses {@code argv}: the common options, plus the harness's own {@code flags} and
     * {@code options} (names with a value).
     *
     * @param fullConnections connections per run without {@code --quick}
     * @throws IllegalArgumentException on an unknown name, a missing value or a bad number, with {@code usage}
     */
    ChurnRun(String[] argv, String usage, int fullConnections, String[] flags, String[] options) {
        this.args = new Args(argv, usage, concat(new String[] {"--quick"}, flags),
                concat(new String[] {"--out", "--connections", "--rounds", "--concurrency"}, options));
        this.quick = args.flag("--quick");
        this.connections = args.positive("--connections", quick ? QUICK_CONNECTIONS : fullConnections);
        this.rounds = args.positive("--rounds", quick ? 1 : 5);
        this.concurrency = args.positive("--concurrency", 16);
        this.out = Path.of(args.string("--out", "benchmarks/target/results"));
        this.commandLine = String.join(" ", argv);
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }

    /**
     * Logs {@code "<label> on <java version>: N connections per run, C clients, R rounds<detail>"},
     * then runs the warm-up round and the measured rounds of {@code variants}, clients bound to
     * {@code sources}; a run ends once every close is in, or after {@code quietNanos} without one.
     */
    Map<String, List<RunResult>> run(String label, String detail, List<ChurnLoad.Variant> variants, Loopback sources,
                                     long quietNanos, PrintStream log) throws Exception {
        ChurnLoad warmup = new ChurnLoad(Math.max(100, connections / 2), concurrency, sources, SETTLE_NANOS, quietNanos);
        ChurnLoad load = new ChurnLoad(connections, concurrency, sources, SETTLE_NANOS, quietNanos);
        log.printf(Locale.ROOT, "%s on %s: %d connections per run, %d clients, %d rounds%s%n",
                label, System.getProperty("java.version"), connections, concurrency, rounds, detail);
        loadBefore = dev.tandem.bench.Results.loadAverage();
        long t0 = System.nanoTime();
        Map<String, List<RunResult>> results = Rounds.run(variants, warmup, load, rounds, log);
        wallNanos = System.nanoTime() - t0;
        return results;
    }

    /**
     * The run's size for a fragment: {@code `<harness> <command line>`: 5,000 connections per run,
     * 16 clients in flight, <detail>one warm-up round then 5 measured rounds, 41.2 s in all.}
     * {@code detail} is empty or ends with {@code ", "}.
     */
    String size(String harness, String detail) {
        return "`" + harness + " " + commandLine.strip() + "`: " + String.format(Locale.ROOT, "%,d", connections)
                + " connections per run, " + concurrency + " clients in flight, " + detail
                + "one warm-up round then " + Fmt.plural(rounds, "measured round") + ", " + Fmt.seconds(wallNanos)
                + " in all.";
    }

    /** The wall time of {@link #run}, warm-up included. */
    long wallNanos() {
        return wallNanos;
    }
}
