package dev.tandem.bench.churn;

import dev.tandem.bench.Results;
import dev.tandem.bench.Verdict;
import dev.tandem.core.ConnectionManager;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * B2: what Tandem's lifecycle costs per connection over loopback. The same echo logic written four
 * (on JDK 21+ six) ways, churned alike: a bare thread-per-connection server with a new thread per
 * connection, the same server with its threads from a cached pool, Tandem on platform threads, a
 * bare server with Tandem's old shape (two threads per connection), and on JDK 21+ the bare server
 * and Tandem on virtual threads. Writes {@code b2.md}; judges the targets with {@link Verdict}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.churn.LifecycleBench [--quick] [--out DIR]
 *     [--connections N] [--rounds R] [--concurrency C] [--append]
 * </pre>
 * {@code --append} adds this JVM's table to an existing {@code b2.md} (run.d/20-b2.sh runs it once
 * on JDK 17 and once more on JDK 25).
 */
public final class LifecycleBench {
    static final String USAGE = "usage: LifecycleBench " + ChurnRun.COMMON_OPTIONS + " [--append]";
    static final String BARE = "bare, platform threads";
    static final String POOLED = "bare, pooled platform threads";
    static final String TANDEM = "Tandem, platform threads";
    static final String TWO = "bare, 2 platform threads";
    static final String BARE_VIRTUAL = "bare, virtual threads";
    static final String TANDEM_VIRTUAL = "Tandem, virtual threads";
    static final String INLINE = "Tandem, reader writes inline, platform threads";
    static final String INLINE_VIRTUAL = "Tandem, reader writes inline, virtual threads";

    private LifecycleBench() {}

    public static void main(String[] args) throws Exception {
        Outcome o = run(args, System.out);
        System.out.println("wrote " + o.file);
    }

    /** Runs B2 as the command line says and writes (or extends) {@code <out>/b2.md}. */
    static Outcome run(String[] argv, PrintStream log) throws Exception {
        ChurnRun run = new ChurnRun(argv, USAGE, 5_000, new String[] {"--append"}, new String[0]);
        List<ChurnLoad.Variant> variants = new ArrayList<>();
        variants.add(bare(BARE, false));
        variants.add(pooled(POOLED));
        variants.add(tandem(TANDEM, false, false));
        variants.add(tandem(INLINE, false, true));
        variants.add(twoThreads(TWO));
        boolean virtual = ConnectionManager.virtualThreadsSupported();
        if (virtual) {
            variants.add(bare(BARE_VIRTUAL, true));
            variants.add(tandem(TANDEM_VIRTUAL, true, false));
            variants.add(tandem(INLINE_VIRTUAL, true, true));
        }
        Map<String, List<RunResult>> results = run.run("B2", "", variants, new Loopback(62, 64),
                TimeUnit.SECONDS.toNanos(5), log);

        StringBuilder md = new StringBuilder();
        Path file = run.out.resolve("b2.md");
        boolean append = run.args.flag("--append") && Files.isRegularFile(file);
        if (append) {
            md.append(Files.readString(file, StandardCharsets.UTF_8).stripTrailing()).append("\n\n");
        } else {
            md.append("### B2 — lifecycle overhead over loopback\n\n")
                    .append("Method: see [B2](#b2--lifecycle-overhead-over-loopback) above. Command: `bash benchmarks/run.sh")
                    .append(run.quick ? " --quick" : "").append("` (part `benchmarks/run.d/20-b2.sh`).\n\n");
        }
        md.append(table(results, run, virtual)).append('\n');
        return new Outcome(results, md.toString(), Results.write(run.out, "b2", md.toString()));
    }

    static ChurnLoad.Variant bare(String name, boolean virtual) {
        return new ChurnLoad.Variant(name, clock -> new BareEchoServer(clock,
                virtual ? Threads.virtual("bare-conn-") : Threads.platform("bare-conn-")).start());
    }

    static ChurnLoad.Variant pooled(String name) {
        return new ChurnLoad.Variant(name, clock -> BareEchoServer.pooled(clock, Threads.platform("bare-pool-")).start());
    }

    static ChurnLoad.Variant twoThreads(String name) {
        return new ChurnLoad.Variant(name, clock -> new TwoThreadEchoServer(clock, Threads.platform("bare2-")).start());
    }

    /** Tandem's echo server; {@code inline}: the reader writes its replies ({@code readerWritesInline}). */
    static ChurnLoad.Variant tandem(String name, boolean virtual, boolean inline) {
        return new ChurnLoad.Variant(name, clock -> {
            ConnectionManager.Builder b = ConnectionManager.builder().name("b2").readerWritesInline(inline);
            if (virtual) {
                b.virtualThreads();
            }
            return new TandemEchoServer(clock, b.build()).start();
        });
    }

    private static String table(Map<String, List<RunResult>> results, ChurnRun run, boolean virtual) {
        StringBuilder sb = new StringBuilder();
        sb.append("#### ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", all variants in one JVM\n\n")
                .append("Machine: ").append(Results.machine()).append(" (shared: other builds may have run alongside; ")
                .append("load average ").append(run.loadBefore).append(" before, ").append(Results.loadAverage()).append(" after). ")
                .append("This JVM: ").append(run.size("LifecycleBench", ""))
                .append(" Figures are medians of rounds; ")
                .append("ratios are medians of per-round ratios to the bare server on the same kind of thread.\n\n")
                .append("| variant | connections/s (min–max) | vs bare | connect-to-closed p50 | p99 | p50 vs bare "
                        + "| p99 vs bare | CPU per connection | platform threads started per connection | failed | left open |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<RunResult>> e : results.entrySet()) {
            String name = e.getKey();
            List<RunResult> runs = e.getValue();
            List<RunResult> base = results.get(name.endsWith("virtual threads") ? BARE_VIRTUAL : BARE);
            sb.append("| ").append(name)
                    .append(" | ").append(Fmt.whole(Rounds.median(runs, RunResult::closesPerSecond)))
                    .append(" (").append(Fmt.whole(Rounds.min(runs, RunResult::closesPerSecond)))
                    .append("–").append(Fmt.whole(Rounds.max(runs, RunResult::closesPerSecond))).append(')')
                    .append(" | ").append(Fmt.ratio(Rounds.pairedRatio(runs, base, RunResult::closesPerSecond)))
                    .append(" | ").append(Fmt.micros(Rounds.median(runs, r -> RunResult.micros(r.connectToClosed, 50))))
                    .append(" | ").append(Fmt.micros(Rounds.median(runs, r -> RunResult.micros(r.connectToClosed, 99))))
                    .append(" | ").append(Fmt.ratio(Rounds.pairedRatio(runs, base, r -> RunResult.micros(r.connectToClosed, 50))))
                    .append(" | ").append(Fmt.ratio(Rounds.pairedRatio(runs, base, r -> RunResult.micros(r.connectToClosed, 99))))
                    .append(" | ").append(Fmt.micros(Rounds.median(runs, RunResult::cpuMicrosPerConnection)))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", Rounds.median(runs, RunResult::threadsStartedPerConnection)))
                    .append(" | ").append(Rounds.sum(runs, r -> r.failures + r.unmatched))
                    .append(" | ").append(Rounds.sum(runs, r -> r.leftOpenSockets + r.leftBelievedLive)).append(" |\n");
        }
        StringBuilder verdicts = new StringBuilder();
        target(verdicts, results, TANDEM, BARE, 1.0, "the bare thread-per-connection server");
        target(verdicts, results, TANDEM, POOLED, 0.95, "the bare server on a cached thread pool");
        target(verdicts, results, INLINE, BARE, 1.0, "the bare thread-per-connection server");
        target(verdicts, results, INLINE, POOLED, 0.95, "the bare server on a cached thread pool");
        if (virtual) {
            target(verdicts, results, TANDEM_VIRTUAL, BARE_VIRTUAL, 0.95, "the bare virtual-thread server");
            target(verdicts, results, INLINE_VIRTUAL, BARE_VIRTUAL, 0.95, "the bare virtual-thread server");
        }
        if (results.containsKey(TWO)) {
            List<RunResult> two = results.get(TWO);
            verdicts.append("- Reference, not a target: Tandem against the bare server with two threads per connection (")
                    .append(TWO).append("): connections/s ")
                    .append(Fmt.ratio(Rounds.pairedRatio(results.get(TANDEM), two, RunResult::closesPerSecond)))
                    .append(", p50 ").append(Fmt.ratio(Rounds.pairedRatio(results.get(TANDEM), two,
                            r -> RunResult.micros(r.connectToClosed, 50))))
                    .append("; that server against the bare one: connections/s ")
                    .append(Fmt.ratio(Rounds.pairedRatio(two, results.get(BARE), RunResult::closesPerSecond)))
                    .append(".\n");
        }
        if (!virtual) {
            verdicts.append("- Virtual threads: not on this JDK (").append(System.getProperty("java.version"))
                    .append("); see the JDK 25 table.\n");
        }
        return sb.append('\n').append(verdicts).toString();
    }

    /**
     * One target line: {@code tandem}'s connections/s at least {@code target} times {@code base}'s,
     * judged from the per-round ratios ({@link Verdict#atLeast}); p50 and p99 are reported with it.
     */
    private static void target(StringBuilder out, Map<String, List<RunResult>> results, String tandem, String base,
                               double target, String baseWords) {
        List<RunResult> runs = results.get(tandem);
        List<RunResult> baseline = results.get(base);
        double[] perRound = Rounds.ratios(runs, baseline, RunResult::closesPerSecond);
        double[] sorted = perRound.clone();
        java.util.Arrays.sort(sorted);
        out.append("- Target (").append(tandem).append(" >= ").append(String.format(Locale.ROOT, "%.2f", target))
                .append("× the connections/s of ").append(baseWords).append(", ").append(base).append("): **")
                .append(Verdict.atLeast(perRound, target)).append("**: connections/s ")
                .append(Fmt.ratio(Rounds.pairedRatio(runs, baseline, RunResult::closesPerSecond)))
                .append(" (rounds ").append(Fmt.ratio(sorted[0])).append("–").append(Fmt.ratio(sorted[sorted.length - 1]))
                .append("); reported with it: p50 ")
                .append(Fmt.ratio(Rounds.pairedRatio(runs, baseline, r -> RunResult.micros(r.connectToClosed, 50))))
                .append(", p99 ").append(Fmt.ratio(Rounds.pairedRatio(runs, baseline, r -> RunResult.micros(r.connectToClosed, 99))))
                .append(".\n");
    }
}
