package dev.tandem.bench.churn;

import dev.tandem.bench.Results;
import dev.tandem.core.ConnectionManager;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * B2: what Tandem's lifecycle costs per connection over loopback. The same echo logic written three
 * (on JDK 21+ four) ways, churned alike: a bare thread-per-connection server, Tandem on platform
 * threads, and on JDK 21+ the bare server and Tandem on virtual threads. Writes {@code b2.md}.
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
    static final String TANDEM = "Tandem, platform threads";
    static final String TWO = "bare, 2 platform threads";
    static final String BARE_VIRTUAL = "bare, virtual threads";
    static final String TANDEM_VIRTUAL = "Tandem, virtual threads";

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
        variants.add(tandem(TANDEM, false));
        variants.add(twoThreads(TWO));
        boolean virtual = ConnectionManager.virtualThreadsSupported();
        if (virtual) {
            variants.add(bare(BARE_VIRTUAL, true));
            variants.add(tandem(TANDEM_VIRTUAL, true));
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

    static ChurnLoad.Variant twoThreads(String name) {
        return new ChurnLoad.Variant(name, clock -> new TwoThreadEchoServer(clock, Threads.platform("bare2-")).start());
    }

    static ChurnLoad.Variant tandem(String name, boolean virtual) {
        return new ChurnLoad.Variant(name, clock -> {
            ConnectionManager.Builder b = ConnectionManager.builder().name("b2");
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
                .append("Machine: ").append(Results.machine()).append(". This JVM: ").append(run.size("LifecycleBench", ""))
                .append(" Figures are medians of rounds; ")
                .append("ratios are medians of per-round ratios to the bare server on the same kind of thread.\n\n")
                .append("| variant | connections/s (min–max) | vs bare | connect-to-closed p50 | p99 | p50 vs bare "
                        + "| p99 vs bare | CPU per connection | failed | left open |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder verdicts = new StringBuilder();
        for (Map.Entry<String, List<RunResult>> e : results.entrySet()) {
            String name = e.getKey();
            List<RunResult> runs = e.getValue();
            List<RunResult> base = results.get(name.endsWith("virtual threads") ? BARE_VIRTUAL : BARE);
            double rate = Rounds.median(runs, RunResult::closesPerSecond);
            double p50 = Rounds.median(runs, r -> RunResult.micros(r.connectToClosed, 50));
            double p99 = Rounds.median(runs, r -> RunResult.micros(r.connectToClosed, 99));
            double rateRatio = Rounds.pairedRatio(runs, base, RunResult::closesPerSecond);
            double p50Ratio = Rounds.pairedRatio(runs, base, r -> RunResult.micros(r.connectToClosed, 50));
            double p99Ratio = Rounds.pairedRatio(runs, base, r -> RunResult.micros(r.connectToClosed, 99));
            long failures = Rounds.sum(runs, r -> r.failures + r.unmatched);
            long leftOpen = Rounds.sum(runs, r -> r.leftOpenSockets + r.leftBelievedLive);
            sb.append("| ").append(name)
                    .append(" | ").append(Fmt.whole(rate)).append(" (").append(Fmt.whole(Rounds.min(runs, RunResult::closesPerSecond)))
                    .append("–").append(Fmt.whole(Rounds.max(runs, RunResult::closesPerSecond))).append(')')
                    .append(" | ").append(Fmt.ratio(rateRatio))
                    .append(" | ").append(Fmt.micros(p50)).append(" | ").append(Fmt.micros(p99))
                    .append(" | ").append(Fmt.ratio(p50Ratio)).append(" | ").append(Fmt.ratio(p99Ratio))
                    .append(" | ").append(Fmt.micros(Rounds.median(runs, RunResult::cpuMicrosPerConnection)))
                    .append(" | ").append(failures).append(" | ").append(leftOpen).append(" |\n");
            if (name.startsWith("Tandem")) {
                boolean met = rateRatio >= 0.95 && p50Ratio <= 1.05 && p99Ratio <= 1.05;
                verdicts.append("- Target (").append(name).append(" within 5% of the bare server on ")
                        .append(name.endsWith("virtual threads") ? "virtual" : "platform").append(" threads): **")
                        .append(met ? "met" : "missed").append("**: connections/s ").append(Fmt.ratio(rateRatio))
                        .append(", p50 ").append(Fmt.ratio(p50Ratio)).append(", p99 ").append(Fmt.ratio(p99Ratio))
                        .append(".\n");
            }
        }
        if (results.containsKey(TWO)) {
            List<RunResult> two = results.get(TWO);
            verdicts.append("- Where a platform-thread gap comes from: Tandem against the bare server with Tandem's shape (")
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
}
