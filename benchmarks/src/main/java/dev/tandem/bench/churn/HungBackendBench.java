package dev.tandem.bench.churn;

import dev.tandem.bench.Verdict;
import dev.tandem.bench.Results;
import dev.tandem.core.ConnectionManager;
import dev.tandem.examples.demo.StatsEndpoint;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.StatsSink;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * B3: does a stats backend that hangs (or throws) slow down or leak connections? The B2 churn
 * against Tandem's echo server whose stats pipeline has one sink: healthy (the leak demo's
 * platform, answering), hung (the same platform, never answering) or throwing; and against the
 * leak demo's naive server with the platform healthy, then hung. Writes {@code b3.md}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.churn.HungBackendBench [--quick] [--out DIR]
 *     [--connections N] [--rounds R] [--concurrency C] [--queue Q]
 * </pre>
 */
public final class HungBackendBench {
    static final String USAGE = "usage: HungBackendBench " + ChurnRun.COMMON_OPTIONS + " [--queue Q]";
    static final String HEALTHY = "Tandem, healthy sink";
    static final String HUNG = "Tandem, hung sink";
    static final String THROWING = "Tandem, throwing sink";
    static final String NAIVE_HEALTHY = "naive, healthy platform";
    static final String NAIVE_HUNG = "naive, hung platform";

    private HungBackendBench() {}

    public static void main(String[] args) throws Exception {
        Outcome o = run(args, System.out);
        System.out.println("wrote " + o.file);
    }

    /** Runs B3 as the command line says and writes {@code <out>/b3.md}. */
    static Outcome run(String[] argv, PrintStream log) throws Exception {
        ChurnRun run = new ChurnRun(argv, USAGE, 2_000, new String[0], new String[] {"--queue"});
        int queue = run.args.positive("--queue", 100);
        List<ChurnLoad.Variant> variants = List.of(
                tandem(HEALTHY, queue, false, BackendSinks::post),
                tandem(HUNG, queue, true, BackendSinks::post),
                tandem(THROWING, queue, false, platform -> BackendSinks.throwing()),
                naive(NAIVE_HEALTHY, queue, false),
                naive(NAIVE_HUNG, queue, true));
        Map<String, List<RunResult>> results = run.run("B3", ", stats queue " + queue, variants, new Loopback(63, 64),
                TimeUnit.SECONDS.toNanos(1), // the naive server with a hung platform waits this long, every run
                log);
        String md = fragment(results, run, queue);
        return new Outcome(results, md, Results.write(run.out, "b3", md));
    }

    /** Tandem's echo server reporting to one sink; the platform is started (and hung) per run. */
    static ChurnLoad.Variant tandem(String name, int queue, boolean hang,
                                    Function<java.net.InetSocketAddress, StatsSink> sink) {
        return new ChurnLoad.Variant(name, clock -> {
            StatsEndpoint platform = platform(hang);
            StatsPipeline stats = StatsPipeline.builder()
                    .sink("backend", sink.apply(platform.address()), BackendSinks.options(queue))
                    .closeTimeout(Duration.ofSeconds(1))
                    .build();
            ConnectionManager manager = ConnectionManager.builder().name("b3").stats(stats).build();
            TandemEchoServer server = new TandemEchoServer(clock, manager);
            server.start();
            return new WithBackend(server, stats, platform);
        });
    }

    /** The leak demo's naive server, its platform healthy or hung from the start. */
    static ChurnLoad.Variant naive(String name, int queue, boolean hang) {
        return new ChurnLoad.Variant(name, clock -> {
            StatsEndpoint platform = platform(hang);
            return new WithBackend(new NaiveEchoServer(clock, platform.address(), queue), null, platform);
        });
    }

    /** The demo's stats platform, started; hung from the start if {@code hang}. */
    private static StatsEndpoint platform(boolean hang) throws IOException {
        StatsEndpoint platform = new StatsEndpoint();
        if (hang) {
            platform.hang();
        }
        return platform;
    }

    /** A server with its stats backend: closing it ends the server, then the pipeline, then the platform. */
    static final class WithBackend extends ForwardingTarget {
        private final StatsPipeline stats;
        private final StatsEndpoint platform;

        WithBackend(EchoTarget server, StatsPipeline stats, StatsEndpoint platform) {
            super(server);
            this.stats = stats;
            this.platform = platform;
        }

        @Override
        public SinkStats sinkStats() {
            return stats == null ? null : stats.sinkStats("backend");
        }

        @Override
        public String notes() {
            String sink = "";
            if (stats != null) {
                SinkStats s = stats.sinkStats("backend");
                sink = String.format(Locale.ROOT, "; stats recorded %d, delivered %d, dropped %d %s, state %s",
                        s.recorded(), s.delivered(), s.droppedTotal(), nonZero(s), s.state());
            }
            return server.notes() + sink + String.format(Locale.ROOT, "; platform answered %d, held %d",
                    platform.answered(), platform.held());
        }

        /** Server first (a Tandem shutdown or the naive server's cleanup), then the pipeline (1 s), then the platform. */
        @Override
        public void close() throws IOException {
            try {
                server.close();
            } finally {
                try {
                    if (stats != null) {
                        stats.close(Duration.ofSeconds(1));
                    }
                } finally {
                    platform.close(); // ends a hung POST: its delivery thread returns
                }
            }
        }
    }

    static String nonZero(SinkStats s) {
        StringBuilder sb = new StringBuilder("{");
        s.droppedByReason().forEach((r, n) -> {
            if (n > 0) {
                sb.append(sb.length() > 1 ? ", " : "").append(r.tagValue()).append(' ').append(n);
            }
        });
        return sb.append('}').toString();
    }

    private static String fragment(Map<String, List<RunResult>> results, ChurnRun run, int queue) {
        int connections = run.connections;
        StringBuilder sb = new StringBuilder("### B3 — closing while the stats backend hangs\n\n");
        sb.append("Method: see [B3](#b3--closing-while-the-stats-backend-hangs) above. Command: `bash benchmarks/run.sh")
                .append(run.quick ? " --quick" : "").append("` (part `benchmarks/run.d/30-b3.sh`).\n\n")
                .append("Machine: ").append(Results.machine()).append(". ")
                .append(run.size("HungBackendBench", "stats queue " + queue + " for both servers, "))
                .append(" Figures are medians of rounds; ratios are medians of ")
                .append("per-round ratios to the same server with a healthy backend. Close latency: from the client's ")
                .append("`close()` to the server side fully closed.\n\n")
                .append("| variant | closes/s | close p50 | close p99 | p50 vs healthy | p99 vs healthy "
                        + "| closed / connections | left open after a run: sockets, threads, believed live | stats dropped, all runs |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<RunResult>> e : results.entrySet()) {
            String name = e.getKey();
            List<RunResult> runs = e.getValue();
            List<RunResult> base = results.get(name.startsWith("naive") ? NAIVE_HEALTHY : HEALTHY);
            sb.append("| ").append(name)
                    .append(" | ").append(Fmt.whole(Rounds.median(runs, RunResult::closesPerSecond)))
                    .append(" | ").append(Fmt.micros(Rounds.median(runs, r -> RunResult.micros(r.closeToClosed, 50))))
                    .append(" | ").append(Fmt.micros(Rounds.median(runs, r -> RunResult.micros(r.closeToClosed, 99))))
                    .append(" | ").append(Fmt.ratio(Rounds.pairedRatio(runs, base, r -> RunResult.micros(r.closeToClosed, 50))))
                    .append(" | ").append(Fmt.ratio(Rounds.pairedRatio(runs, base, r -> RunResult.micros(r.closeToClosed, 99))))
                    .append(" | ").append(Fmt.whole(Rounds.median(runs, r -> r.closed))).append(" / ")
                    .append(Fmt.whole(connections))
                    .append(" | ").append(Fmt.whole(Rounds.median(runs, r -> r.leftOpenSockets))).append(", ")
                    .append(Fmt.count((long) Rounds.median(runs, r -> r.leftThreads))).append(", ")
                    .append(Fmt.whole(Rounds.median(runs, r -> r.leftBelievedLive)))
                    .append(" | ").append(dropped(runs)).append(" |\n");
        }
        sb.append('\n');
        List<RunResult> healthy = results.get(HEALTHY);
        for (String v : List.of(HUNG, THROWING)) {
            List<RunResult> runs = results.get(v);
            double p50 = Rounds.pairedRatio(runs, healthy, r -> RunResult.micros(r.closeToClosed, 50));
            double p99 = Rounds.pairedRatio(runs, healthy, r -> RunResult.micros(r.closeToClosed, 99));
            long left = Rounds.sum(runs, r -> r.leftOpenSockets + r.leftBelievedLive + Math.max(0, r.leftThreads));
            long unclosed = Rounds.sum(runs, r -> r.served - r.closed);
            double[] p50s = Rounds.ratios(runs, healthy, r -> RunResult.micros(r.closeToClosed, 50));
            double[] p99s = Rounds.ratios(runs, healthy, r -> RunResult.micros(r.closeToClosed, 99));
            // latency from the rounds' spread (as B2 and B6 judge); what is left open is counted
            Verdict verdict = Verdict.atMost(p50s, 1.05).and(Verdict.atMost(p99s, 1.05))
                    .and(Verdict.of(left == 0 && unclosed == 0));
            sb.append("- Target (").append(v).append(" / healthy close latency <= 1.05, nothing left open): **")
                    .append(verdict).append("**: p50 ").append(Fmt.ratio(p50)).append(" (rounds ")
                    .append(Fmt.ratio(min(p50s))).append("–").append(Fmt.ratio(max(p50s))).append("), p99 ")
                    .append(Fmt.ratio(p99)).append(" (rounds ").append(Fmt.ratio(min(p99s))).append("–")
                    .append(Fmt.ratio(max(p99s))).append("); left open over all runs ").append(left).append(", not closed ")
                    .append(unclosed).append(". All runs pooled (").append(Fmt.whole(Rounds.sum(runs, r -> r.closed)))
                    .append(" closes each): p50 ").append(Fmt.ratio(pooled(runs, 50) / pooled(healthy, 50)))
                    .append(", p99 ").append(Fmt.ratio(pooled(runs, 99) / pooled(healthy, 99))).append(".\n");
        }
        List<RunResult> naiveHung = results.get(NAIVE_HUNG);
        sb.append("- The naive server with the platform hung leaked ")
                .append(Fmt.whole(Rounds.median(naiveHung, r -> r.leftOpenSockets))).append(" of ")
                .append(Fmt.whole(connections)).append(" connections per run (median; ")
                .append(Fmt.whole(Rounds.sum(naiveHung, r -> r.leftOpenSockets))).append(" sockets and ")
                .append(Fmt.whole(Rounds.sum(naiveHung, r -> r.leftThreads)))
                .append(" threads over all runs, closed by the harness after each run).\n");
        return sb.toString();
    }

    /** A close-latency percentile over every run of a variant at once, in microseconds. */
    private static double pooled(List<RunResult> runs, double percentile) {
        org.HdrHistogram.Histogram all = runs.get(0).closeToClosed.copy();
        for (int i = 1; i < runs.size(); i++) {
            all.add(runs.get(i).closeToClosed);
        }
        return RunResult.micros(all, percentile);
    }

    /** Stats events dropped over all runs, by reason, or "n/a" for a server without a pipeline. */
    private static String dropped(List<RunResult> runs) {
        if (runs.get(0).sink == null) {
            return "n/a (no pipeline: its stats queue blocks instead)";
        }
        StringBuilder sb = new StringBuilder();
        long recorded = 0;
        for (DropReason d : DropReason.values()) {
            long n = Rounds.sum(runs, r -> r.sink.dropped(d));
            if (n > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(d.tagValue()).append(' ').append(Fmt.whole(n));
            }
        }
        recorded = Rounds.sum(runs, r -> r.sink.recorded());
        return (sb.length() == 0 ? "none" : sb) + " of " + Fmt.whole(recorded);
    }

    private static double min(double[] xs) {
        return java.util.Arrays.stream(xs).min().orElse(Double.NaN);
    }

    private static double max(double[] xs) {
        return java.util.Arrays.stream(xs).max().orElse(Double.NaN);
    }
}
