package dev.tandem.bench.push;

import dev.tandem.bench.Results;
import dev.tandem.bench.Verdict;
import dev.tandem.bench.churn.Args;
import dev.tandem.bench.churn.Fmt;
import dev.tandem.bench.churn.Loopback;
import dev.tandem.bench.churn.Threads;
import dev.tandem.core.ConnectionManager;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * B6, push-heavy: a server pushes 1 KiB messages to {@code connections} loopback clients as fast
 * as they read ({@link PushRun}), Tandem ({@code send} + a {@code MessageWriter} writing through
 * {@code ctx.output()}) against the bare two-thread-per-connection server
 * ({@link TwoThreadPushServer}), on platform threads and, on JDK 21+, on virtual threads as well.
 * Rounds as in B2: a warm-up round at half the messages, then {@code rounds} rounds, every variant
 * once per round in an order rotated each round; medians of rounds, ratios as medians of per-round
 * ratios, targets judged by {@link Verdict}. Writes {@code b6.md}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.push.PushBench [--quick] [--out DIR]
 *     [--connections N] [--messages K] [--rounds R] [--capacity Q] [--pushers P] [--client-threads C] [--append]
 * </pre>
 */
public final class PushBench {
    static final String USAGE = "usage: PushBench [--quick] [--out DIR] [--connections N] [--messages K] [--rounds R]"
            + " [--capacity Q] [--pushers P] [--client-threads C] [--append]";
    static final String BARE = "bare, 2 platform threads";
    static final String TANDEM = "Tandem, platform threads";
    static final String BARE_VIRTUAL = "bare, 2 virtual threads";
    static final String TANDEM_VIRTUAL = "Tandem, virtual threads";
    static final double TARGET = 0.95;

    /** What a B6 run did: every run of every variant, and the fragment it wrote. */
    record Outcome(Map<String, List<PushRun.Result>> results, String markdown, Path file) {}

    private PushBench() {}

    public static void main(String[] args) throws Exception {
        Outcome o = run(args, System.out);
        System.out.println("wrote " + o.file());
        boolean balanced = o.results().values().stream().flatMap(List::stream).allMatch(PushRun.Result::booksBalance);
        if (!balanced) {
            System.err.println("B6: a run's books did not balance (b6.md says which)");
            System.exit(1);
        }
    }

    static Outcome run(String[] argv, PrintStream log) throws Exception {
        Args args = new Args(argv, USAGE, new String[] {"--quick", "--append"},
                new String[] {"--out", "--connections", "--messages", "--rounds", "--capacity", "--pushers", "--client-threads"});
        boolean quick = args.flag("--quick");
        int connections = args.positive("--connections", quick ? 50 : 1_000);
        int messages = args.positive("--messages", quick ? 40 : 200);
        int rounds = args.positive("--rounds", quick ? 1 : 5);
        int capacity = args.positive("--capacity", 64);
        int pushers = args.positive("--pushers", 1);
        int clientThreads = args.positive("--client-threads", 2);
        Path out = Path.of(args.string("--out", "benchmarks/target/results"));

        List<PushRun.Variant> variants = new ArrayList<>();
        variants.add(new PushRun.Variant(BARE, (n, q) -> new TwoThreadPushServer(n, q, Threads.platform("b6-bare-")).start()));
        variants.add(new PushRun.Variant(TANDEM, (n, q) -> new TandemPushServer(n, q, false).start()));
        boolean virtual = ConnectionManager.virtualThreadsSupported();
        if (virtual) {
            variants.add(new PushRun.Variant(BARE_VIRTUAL, (n, q) -> new TwoThreadPushServer(n, q, Threads.virtual("b6-bare-")).start()));
            variants.add(new PushRun.Variant(TANDEM_VIRTUAL, (n, q) -> new TandemPushServer(n, q, true).start()));
        }
        Loopback sources = new Loopback(66, 64);
        PushRun warmup = new PushRun(connections, Math.max(10, messages / 2), capacity, pushers, clientThreads, sources);
        PushRun load = new PushRun(connections, messages, capacity, pushers, clientThreads, sources);
        log.printf(Locale.ROOT, "B6 on %s: %d connections, %d messages each per run, queues of %d, pushers %d, client threads %d,"
                + " %d rounds%n", System.getProperty("java.version"), connections, messages, capacity, pushers, clientThreads, rounds);
        String loadBefore = Results.loadAverage();
        long t0 = System.nanoTime();
        Map<String, List<PushRun.Result>> results = new LinkedHashMap<>();
        for (PushRun.Variant v : variants) {
            results.put(v.name(), new ArrayList<>());
            log.println("  warm-up " + warmup.run(v));
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < variants.size(); i++) {
                PushRun.Variant v = variants.get((i + r) % variants.size());
                PushRun.Result result = load.run(v);
                log.println("  round " + (r + 1) + " " + result);
                results.get(v.name()).add(result);
            }
        }
        long wall = System.nanoTime() - t0;

        Path file = out.resolve("b6.md");
        StringBuilder md = new StringBuilder();
        if (args.flag("--append") && Files.isRegularFile(file)) {
            md.append(Files.readString(file, StandardCharsets.UTF_8).stripTrailing()).append("\n\n");
        } else {
            md.append("### B6 — push-heavy: 1 KiB messages to 1,000 clients\n\n")
                    .append("Method: see [B6](#b6--push-heavy-1-kib-messages-to-1000-clients) above. Command: `bash benchmarks/run.sh")
                    .append(quick ? " --quick" : "").append("` (part `benchmarks/run.d/60-b6.sh`).\n\n");
        }
        md.append("#### ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", all variants in one JVM\n\n")
                .append("Machine: ").append(Results.machine()).append(" (shared: other builds may have run alongside; load average ")
                .append(loadBefore).append(" before, ").append(Results.loadAverage()).append(" after). This JVM: `PushBench ")
                .append(String.join(" ", argv).strip()).append("`: ")
                .append(String.format(Locale.ROOT, "%,d connections, %,d messages of 1 KiB per connection per run (%,d in all), ",
                        connections, messages, (long) connections * messages))
                .append("queues of ").append(capacity).append(", ").append(Fmt.plural(pushers, "pusher thread")).append(", ")
                .append(Fmt.plural(clientThreads, "client reader thread")).append("; one warm-up round then ")
                .append(Fmt.plural(rounds, "measured round")).append(", ").append(Fmt.seconds(wall)).append(" in all.")
                .append(quick ? " A smoke pass (`--quick`): a check of the harness, not a measurement." : "").append("\n\n")
                .append(table(results, virtual)).append('\n');
        return new Outcome(results, md.toString(), Results.write(out, "b6", md.toString()));
    }

    private static String table(Map<String, List<PushRun.Result>> results, boolean virtual) {
        StringBuilder sb = new StringBuilder("| variant | messages/s (min–max) | vs bare | send-to-receive p50 | p99 | p50 vs bare "
                + "| p99 vs bare | CPU per message | books: every message sent received once, in order |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<PushRun.Result>> e : results.entrySet()) {
            List<PushRun.Result> runs = e.getValue();
            List<PushRun.Result> base = results.get(e.getKey().endsWith("virtual threads") ? BARE_VIRTUAL : BARE);
            long sent = runs.stream().mapToLong(r -> r.sent).sum();
            long received = runs.stream().mapToLong(r -> r.received).sum();
            long bad = runs.stream().mapToLong(r -> r.outOfOrder).sum();
            boolean books = runs.stream().allMatch(PushRun.Result::booksBalance);
            sb.append("| ").append(e.getKey())
                    .append(" | ").append(Fmt.whole(median(runs, PushRun.Result::messagesPerSecond))).append(" (")
                    .append(Fmt.whole(runs.stream().mapToDouble(PushRun.Result::messagesPerSecond).min().orElse(Double.NaN)))
                    .append("–").append(Fmt.whole(runs.stream().mapToDouble(PushRun.Result::messagesPerSecond).max().orElse(Double.NaN)))
                    .append(") | ").append(Fmt.ratio(medianOf(ratios(runs, base, PushRun.Result::messagesPerSecond))))
                    .append(" | ").append(Fmt.micros(median(runs, r -> r.micros(50))))
                    .append(" | ").append(Fmt.micros(median(runs, r -> r.micros(99))))
                    .append(" | ").append(Fmt.ratio(medianOf(ratios(runs, base, r -> r.micros(50)))))
                    .append(" | ").append(Fmt.ratio(medianOf(ratios(runs, base, r -> r.micros(99)))))
                    .append(" | ").append(Fmt.micros(median(runs, PushRun.Result::cpuMicrosPerMessage)))
                    .append(" | ").append(books ? "yes" : "**no**").append(String.format(Locale.ROOT,
                            ": sent %,d, received %,d, out of order %,d |%n", sent, received, bad));
        }
        sb.append('\n');
        target(sb, results, TANDEM, BARE);
        if (virtual) {
            target(sb, results, TANDEM_VIRTUAL, BARE_VIRTUAL);
        } else {
            sb.append("- Virtual threads: not on this JDK (").append(System.getProperty("java.version"))
                    .append("); see the JDK 25 table.\n");
        }
        for (Map.Entry<String, List<PushRun.Result>> e : results.entrySet()) {
            for (PushRun.Result r : e.getValue()) {
                if (!r.booksBalance()) {
                    sb.append("- Books did not balance: ").append(r).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** The two target lines of one kind of thread: messages/s, and p99 (as bare p99 / Tandem p99, so that higher is better). */
    private static void target(StringBuilder sb, Map<String, List<PushRun.Result>> results, String tandem, String bare) {
        List<PushRun.Result> runs = results.get(tandem);
        List<PushRun.Result> base = results.get(bare);
        double[] rate = ratios(runs, base, PushRun.Result::messagesPerSecond);
        double[] p99 = ratios(runs, base, r -> r.micros(99));
        double[] p99Inverse = Arrays.stream(p99).map(x -> 1 / x).toArray();
        sb.append("- Target (").append(tandem).append(" >= 0.95× the messages/s of the bare two-thread server, ").append(bare)
                .append("): **").append(Verdict.atLeast(rate, TARGET)).append("**: ").append(Fmt.ratio(medianOf(rate)))
                .append(" (rounds ").append(span(rate)).append(").\n");
        sb.append("- Target (").append(tandem).append(" p99 send-to-receive within 1/0.95 of the bare two-thread server's, ")
                .append(bare).append("): **").append(Verdict.atLeast(p99Inverse, TARGET)).append("**: p99 ")
                .append(Fmt.ratio(medianOf(p99))).append(" (rounds ").append(span(p99)).append(").\n");
    }

    private static double[] ratios(List<PushRun.Result> runs, List<PushRun.Result> base, ToDoubleFunction<PushRun.Result> f) {
        int n = Math.min(runs.size(), base.size());
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = f.applyAsDouble(runs.get(i)) / f.applyAsDouble(base.get(i));
        }
        return xs;
    }

    private static double median(List<PushRun.Result> runs, ToDoubleFunction<PushRun.Result> f) {
        return medianOf(runs.stream().mapToDouble(f).toArray());
    }

    private static double medianOf(double[] values) {
        double[] xs = values.clone();
        Arrays.sort(xs);
        int n = xs.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }

    private static String span(double[] values) {
        double[] xs = values.clone();
        Arrays.sort(xs);
        return xs.length == 0 ? "none" : Fmt.ratio(xs[0]) + "–" + Fmt.ratio(xs[xs.length - 1]);
    }
}
