package dev.tandem.bench.soak;

import dev.tandem.bench.Results;
import dev.tandem.bench.churn.Args;
import dev.tandem.bench.churn.Fmt;
import dev.tandem.bench.churn.Loopback;
import dev.tandem.core.CloseReason;
import dev.tandem.core.ConnectionCounts;
import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ShutdownReport;
import dev.tandem.examples.demo.StatsEndpoint;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * B5: a soak. {@code --connections} connections (100,000 by default) churn through one Tandem
 * server, at most {@code --concurrency} at a time, with every fault at once: peers that reset,
 * that vanish silently (the idle timeout must end them), that stop reading (the write timeout
 * must end them), and a stats pipeline whose four sinks are healthy, 10x slow, hung and
 * throwing. Afterwards: nothing leaked, every count exact, file descriptors and {@code tandem-}
 * threads back where they were. Writes {@code b5.md}; exits 1 if a fact did not hold.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.soak.Soak [--quick] [--out DIR]
 *     [--connections N] [--concurrency C] [--stop-reading PER_MILLE] [--vanish PER_MILLE] [--reset PER_MILLE]
 * </pre>
 */
public final class Soak {
    static final String USAGE = "usage: Soak [--quick] [--out DIR] [--connections N] [--concurrency C] "
            + "[--stop-reading PER_MILLE] [--vanish PER_MILLE] [--reset PER_MILLE] [--virtual]";
    /**
     * Short enough that the stuck peers do not dominate the wall time, long enough that a busy
     * machine's scheduling pauses do not end a healthy connection (750 ms did, once, on a machine
     * shared with four builds: a reader thread that had not run yet when the idle timeout fired).
     */
    static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    static final String[] SINKS = {"healthy", "slow", "hung", "throwing"};

    /** The soak's size and mix. */
    static final class Options {
        int connections = 100_000;
        int concurrency = 128;
        int stopReadingPerMille = 10;
        int vanishPerMille = 10;
        int resetPerMille = 50;
        boolean virtual;
        int warmupConnections = 1_000;
    }

    /** What one soak measured: the harness's facts, read by the report and by the CI test. */
    static final class Result {
        Options options;
        long wallNanos;
        long teardownNanos;
        long[] started = new long[PeerKind.values().length];
        long[] served = new long[PeerKind.values().length];
        long[] failed = new long[PeerKind.values().length];
        long[] neverClosed = new long[PeerKind.values().length];
        long[][] closes = new long[PeerKind.values().length][CloseReason.values().length];
        List<String> failureSamples = new ArrayList<>();
        /** Closes of pairs whose first line was never read, by reason. */
        long[] unidentified = new long[CloseReason.values().length];
        List<String> unidentifiedSamples = new ArrayList<>();
        long strangers;
        long socketsOpenAtClose;
        long stuckAtClose;
        long accepted;
        ConnectionCounts countsAfterClients;
        ShutdownReport shutdown;
        long peakLive;
        long peakFds;
        long fdsBefore;
        long fdsAfter;
        List<String> tandemThreadsBefore;
        List<String> tandemThreadsAfter;
        final Map<String, SinkStats> sinks = new LinkedHashMap<>();

        long total(long[] byKind) {
            long sum = 0;
            for (long x : byKind) {
                sum += x;
            }
            return sum;
        }

        /** Closes with this reason that the harness saw, identified or not. */
        long closedWith(CloseReason reason) {
            long sum = unidentified[reason.ordinal()];
            for (long[] byReason : closes) {
                sum += byReason[reason.ordinal()];
            }
            return sum;
        }

        /** Pairs not closed when every client was done: must be 0. */
        long leaked() {
            return countsAfterClients.live();
        }

        /** Every fact that must hold, as "what: expected, got" lines; empty when all hold. */
        List<String> problems() {
            List<String> p = new ArrayList<>();
            ConnectionCounts c = countsAfterClients;
            check(p, "client failures", 0, total(failed));
            check(p, "connections whose server side never closed", 0, total(neverClosed));
            check(p, "pairs leaked (live after the clients)", 0, c.live());
            check(p, "pairs stuck", 0, c.stuck());
            check(p, "pairs that went STUCK on their way to closed", 0, stuckAtClose);
            check(p, "sockets still open when their pair's close future completed", 0, socketsOpenAtClose);
            check(p, "pairs opened == connections accepted", accepted, c.opened());
            check(p, "pairs closed == pairs opened", c.opened(), c.closedTotal());
            check(p, "closes seen by the harness == pairs closed", c.closedTotal(), sumCloses());
            check(p, "connections no client announced", 0, strangers);
            for (CloseReason r : CloseReason.values()) {
                check(p, "closes with reason " + r.tagValue() + ": the harness's count == the manager's",
                        c.closed(r), closedWith(r));
            }
            check(p, "pairs the shutdown had to close", 0, shutdown.closedByShutdown());
            check(p, "stragglers at shutdown", 0, shutdown.stragglers().size());
            // At most, not exactly: a socket of the warm-up that the GC's cleaner closes late can take
            // one fd away during the run; none may be added.
            checkAtMost(p, "open file descriptors after <= before", fdsBefore, fdsAfter);
            check(p, "tandem- threads after == before", tandemThreadsBefore.size(), tandemThreadsAfter.size());
            for (SinkStats s : sinks.values()) {
                check(p, "sink " + s.name() + ": events recorded == pairs closed", c.closedTotal(), s.recorded());
                check(p, "sink " + s.name() + ": recorded == delivered + dropped (nothing in flight after close)",
                        s.recorded(), s.delivered() + s.droppedTotal());
            }
            return p;
        }

        private long sumCloses() {
            long sum = total(unidentified);
            for (long[] byReason : closes) {
                for (long x : byReason) {
                    sum += x;
                }
            }
            return sum;
        }

        private static void check(List<String> p, String what, long expected, long got) {
            if (expected != got) {
                p.add(what + ": expected " + expected + ", got " + got);
            }
        }

        private static void checkAtMost(List<String> p, String what, long limit, long got) {
            if (got > limit) {
                p.add(what + ": expected at most " + limit + ", got " + got);
            }
        }
    }

    private Soak() {}

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, USAGE, new String[] {"--quick", "--virtual"},
                new String[] {"--out", "--connections", "--concurrency", "--stop-reading", "--vanish", "--reset"});
        Options o = new Options();
        boolean quick = a.flag("--quick");
        o.connections = a.positive("--connections", quick ? 2_000 : o.connections);
        o.concurrency = a.positive("--concurrency", o.concurrency);
        o.stopReadingPerMille = a.nonNegative("--stop-reading", o.stopReadingPerMille);
        o.vanishPerMille = a.nonNegative("--vanish", o.vanishPerMille);
        o.resetPerMille = a.nonNegative("--reset", o.resetPerMille);
        o.virtual = a.flag("--virtual");
        o.warmupConnections = quick ? 200 : o.warmupConnections;
        Result r = run(o, System.out);
        Path out = Path.of(a.string("--out", "benchmarks/target/results"));
        Path written = Results.write(out, "b5", fragment(r, quick, String.join(" ", argv)));
        System.out.println("wrote " + written);
        List<String> problems = r.problems();
        if (!problems.isEmpty()) {
            System.err.println("B5: the soak's facts did not hold:\n  " + String.join("\n  ", problems));
            System.exit(1);
        }
    }

    /** A warm-up soak (so the JDK's lazily opened files and threads exist before the baseline), then the soak. */
    static Result run(Options o, PrintStream log) throws Exception {
        if (o.warmupConnections > 0) {
            Options w = new Options();
            w.connections = o.warmupConnections;
            w.concurrency = o.concurrency;
            w.stopReadingPerMille = o.stopReadingPerMille;
            w.vanishPerMille = o.vanishPerMille;
            w.resetPerMille = o.resetPerMille;
            w.virtual = o.virtual;
            Result warm = soak(w, log, TimeUnit.SECONDS.toNanos(1)); // the warm-up opens the JDK's lazy files: no need to wait
            log.println("warm-up: " + warm.countsAfterClients + (warm.problems().isEmpty() ? "" : " PROBLEMS " + warm.problems()));
        }
        return soak(o, log, TimeUnit.SECONDS.toNanos(10));
    }

    /** One soak; {@code settleNanos} bounds the wait, at the end, for threads and files to be back to the start. */
    static Result soak(Options o, PrintStream log, long settleNanos) throws Exception {
        Result r = new Result();
        r.options = o;
        System.gc();
        r.tandemThreadsBefore = tandemThreads();
        r.fdsBefore = openFds();

        StatsEndpoint hungPlatform = new StatsEndpoint();
        hungPlatform.hang();
        StatsPipeline.Builder pb = StatsPipeline.builder().closeTimeout(Duration.ofSeconds(1));
        pb.sink("healthy", FaultSinks.taking(FaultSinks.HEALTHY_PUBLISH), FaultSinks.options());
        pb.sink("slow", FaultSinks.taking(FaultSinks.SLOW_PUBLISH), FaultSinks.options());
        pb.sink("hung", FaultSinks.post(hungPlatform.address()), FaultSinks.options());
        pb.sink("throwing", FaultSinks.throwing(), FaultSinks.options());
        StatsPipeline stats = pb.build();
        ConnectionManager.Builder mb = ConnectionManager.builder().name("b5").stats(stats)
                .writeTimeout(WRITE_TIMEOUT).idleTimeout(IDLE_TIMEOUT);
        if (o.virtual) {
            mb.virtualThreads();
        }
        ConnectionManager manager = mb.build();
        SoakServer server = new SoakServer(manager);
        SoakClients clients = new SoakClients(o.connections, o.concurrency, o.stopReadingPerMille, o.vanishPerMille,
                o.resetPerMille, new Loopback(65, 64));
        log.printf(Locale.ROOT, "B5: %,d connections, %d at a time, per mille: stop-reading %d, vanish %d, reset %d%n",
                o.connections, o.concurrency, o.stopReadingPerMille, o.vanishPerMille, o.resetPerMille);

        long start = System.nanoTime();
        Thread[] threads = clients.start(server);
        long nextLog = start + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : threads) {
            while (t.isAlive()) {
                t.join(100);
                r.peakLive = Math.max(r.peakLive, manager.counts().live());
                r.peakFds = Math.max(r.peakFds, openFds());
                if (System.nanoTime() > nextLog) {
                    log.println("  " + Fmt.seconds(System.nanoTime() - start) + ": " + manager.counts());
                    nextLog += TimeUnit.SECONDS.toNanos(10);
                }
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(15)) {
                    throw new IllegalStateException("the soak is still running after 15 minutes: " + manager.counts());
                }
            }
        }
        r.wallNanos = System.nanoTime() - start;
        r.countsAfterClients = manager.counts();
        r.accepted = server.accepted();
        r.strangers = server.strangers();
        r.socketsOpenAtClose = server.openAtClose();
        r.stuckAtClose = server.stuckAtClose();
        r.unidentifiedSamples.addAll(server.unidentifiedSamples());
        for (CloseReason reason : CloseReason.values()) {
            r.unidentified[reason.ordinal()] = server.unidentified(reason);
        }
        for (PeerKind k : PeerKind.values()) {
            int i = k.ordinal();
            r.started[i] = clients.started.get(i);
            r.served[i] = clients.served.get(i);
            r.failed[i] = clients.failed.get(i);
            r.neverClosed[i] = clients.neverClosed.get(i);
            for (CloseReason reason : CloseReason.values()) {
                r.closes[i][reason.ordinal()] = server.closes(k, reason);
            }
        }
        r.failureSamples.addAll(clients.failureSamples);
        log.println("  clients done in " + Fmt.seconds(r.wallNanos) + ": " + r.countsAfterClients);

        long teardown = System.nanoTime();
        server.close();
        r.shutdown = manager.shutdown(Duration.ofSeconds(5));
        stats.close(Duration.ofSeconds(1)); // the hung sink is abandoned here: its POST never returns...
        hungPlatform.close();               // ...until its platform goes away at last
        awaitTandemThreads(r.tandemThreadsBefore.size(), settleNanos);
        r.fdsAfter = awaitFds(r.fdsBefore, settleNanos);
        r.tandemThreadsAfter = tandemThreads();
        r.teardownNanos = System.nanoTime() - teardown;
        for (String name : SINKS) {
            r.sinks.put(name, stats.sinkStats(name));
        }
        return r;
    }

    /** Names of live {@code tandem-} platform threads (virtual threads are not listed by the JDK). */
    static List<String> tandemThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("tandem-")) {
                names.add(t.getName());
            }
        }
        names.sort(null);
        return names;
    }

    private static void awaitTandemThreads(int count, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (tandemThreads().size() > count && System.nanoTime() < deadline) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("tandem-")) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    break;
                }
            }
        }
    }

    /** Waits (bounded) for the fd count to come back to {@code expected} or below: sockets closed by ending threads take a moment. */
    private static long awaitFds(long expected, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        long n = openFds();
        while (n > expected && System.nanoTime() < deadline) {
            Thread.sleep(20); // a bounded poll of /proc: nothing to wait on for a file descriptor
            n = openFds();
        }
        return n;
    }

    /** Open file descriptors of this process ({@code /proc/self/fd}), or -1 where there is no /proc. */
    static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- report

    static String fragment(Result r, boolean quick, String argv) {
        Options o = r.options;
        ConnectionCounts c = r.countsAfterClients;
        StringBuilder sb = new StringBuilder("### B5 — soak: every fault at once\n\n");
        sb.append("Method: see [B5](#b5--soak-every-fault-at-once) above. Command: `bash benchmarks/run.sh")
                .append(quick ? " --quick" : "").append("` (part `benchmarks/run.d/50-b5.sh`).\n\n")
                .append("Machine: ").append(Results.machine()).append(". `Soak ").append(argv.strip()).append("`: ")
                .append(String.format(Locale.ROOT, "%,d", o.connections)).append(" connections, at most ")
                .append(o.concurrency).append(" at a time, on ").append(o.virtual ? "virtual" : "platform")
                .append(" threads; write timeout ").append(FaultSinks.millis(WRITE_TIMEOUT)).append(" ms, idle timeout ")
                .append(FaultSinks.millis(IDLE_TIMEOUT)).append(" ms; after a warm-up soak of ")
                .append(String.format(Locale.ROOT, "%,d", o.warmupConnections)).append(" connections.\n\n");

        sb.append("| peers | behaviour | connections | closed as expected | other close reasons | client failures |\n")
                .append("|---|---|---|---|---|---|\n");
        for (PeerKind k : PeerKind.values()) {
            int i = k.ordinal();
            StringBuilder other = new StringBuilder();
            for (CloseReason reason : CloseReason.values()) {
                long n = r.closes[i][reason.ordinal()];
                if (reason != k.expected && n > 0) {
                    other.append(other.length() == 0 ? "" : ", ").append(reason.tagValue()).append(' ').append(n);
                }
            }
            sb.append("| ").append(k.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ").append(k.behaviour)
                    .append(" | ").append(Fmt.count(r.started[i]))
                    .append(" | ").append(Fmt.count(r.closes[i][k.expected.ordinal()])).append(" (")
                    .append(k.expected.tagValue()).append(')')
                    .append(" | ").append(other.length() == 0 ? "none" : other)
                    .append(" | ").append(r.failed[i]).append(" |\n");
        }

        if (r.total(r.unidentified) > 0) {
            StringBuilder why = new StringBuilder();
            for (CloseReason reason : CloseReason.values()) {
                long n = r.unidentified[reason.ordinal()];
                if (n > 0) {
                    why.append(why.length() == 0 ? "" : ", ").append(reason.tagValue()).append(' ').append(n);
                }
            }
            sb.append("| (closed before its first line was read) | | ").append(Fmt.count(r.total(r.unidentified)))
                    .append(" | | ").append(why).append(" | |\n");
        }

        List<String> problems = r.problems();
        sb.append("\n| fact | value |\n|---|---|\n");
        fact(sb, "connections served (client done, server side closed)", Fmt.count(r.total(r.served)) + " of "
                + Fmt.count(r.total(r.started)));
        fact(sb, "pairs leaked (live once every client was done; must be 0)", Fmt.count(r.leaked())
                + ", stuck " + c.stuck() + ", closed by the shutdown " + r.shutdown.closedByShutdown());
        fact(sb, "pairs that went STUCK; sockets not closed when their pair's close future completed",
                Fmt.count(r.stuckAtClose) + "; " + Fmt.count(r.socketsOpenAtClose));
        fact(sb, "opened == closed (the manager's exact counts)", Fmt.count(c.opened()) + " == " + Fmt.count(c.closedTotal())
                + (c.opened() == c.closedTotal() ? " ✓" : " ✗") + "; accepted " + Fmt.count(r.accepted));
        fact(sb, "closed by reason", reasons(c));
        fact(sb, "open file descriptors before / after (peak during)", r.fdsBefore + " / " + r.fdsAfter + " (" + r.peakFds + ")");
        fact(sb, "`tandem-` threads before / after", r.tandemThreadsBefore.size() + " / " + r.tandemThreadsAfter.size()
                + (o.virtual ? " (virtual threads are not listed: see leaked pairs)" : ""));
        fact(sb, "live pairs, peak", Fmt.count(r.peakLive));
        fact(sb, "wall time (churn; teardown)", Fmt.seconds(r.wallNanos) + "; " + Fmt.seconds(r.teardownNanos));
        fact(sb, "connections per second of wall time (the deadlines' waits included)",
                Fmt.whole(r.total(r.served) * 1e9 / r.wallNanos));

        sb.append("\n| sink | behaviour | recorded | delivered | dropped, by reason | state at the end |\n")
                .append("|---|---|---|---|---|---|\n");
        String[] behaviour = {
            "takes " + FaultSinks.millis(FaultSinks.HEALTHY_PUBLISH) + " ms per publish",
            "takes " + FaultSinks.millis(FaultSinks.SLOW_PUBLISH) + " ms per publish (10x)",
            "the demo's platform, hung: a POST never answered",
            "throws on every publish"};
        int i = 0;
        for (SinkStats s : r.sinks.values()) {
            StringBuilder drops = new StringBuilder();
            for (DropReason d : DropReason.values()) {
                if (s.dropped(d) > 0) {
                    drops.append(drops.length() == 0 ? "" : ", ").append(d.tagValue()).append(' ')
                            .append(Fmt.count(s.dropped(d)));
                }
            }
            sb.append("| ").append(s.name()).append(" | ").append(behaviour[i++]).append(" | ").append(Fmt.count(s.recorded()))
                    .append(" | ").append(Fmt.count(s.delivered())).append(" | ")
                    .append(drops.length() == 0 ? "none" : drops).append(" | ").append(s.state()).append(" |\n");
        }
        sb.append('\n');
        sb.append(problems.isEmpty()
                ? "- Target (0 pairs leaked, fd and `tandem-` thread counts back to the start, opened == closed, every "
                        + "count exact): **met**.\n"
                : "- Target (0 pairs leaked, fd and `tandem-` thread counts back to the start, opened == closed, every "
                        + "count exact): **missed**: " + String.join("; ", problems) + ".\n");
        if (!r.failureSamples.isEmpty()) {
            sb.append("- Client failures, first ones: ").append(String.join("; ", r.failureSamples)).append(".\n");
        }
        if (!r.unidentifiedSamples.isEmpty()) {
            sb.append("- Pairs closed before their first line was read, first ones: ")
                    .append(String.join("; ", r.unidentifiedSamples)).append(".\n");
        }
        return sb.toString();
    }

    private static void fact(StringBuilder sb, String what, String value) {
        sb.append("| ").append(what).append(" | ").append(value).append(" |\n");
    }

    private static String reasons(ConnectionCounts c) {
        StringBuilder sb = new StringBuilder();
        for (CloseReason r : CloseReason.values()) {
            if (c.closed(r) > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(r.tagValue()).append(' ').append(Fmt.count(c.closed(r)));
            }
        }
        return sb.toString();
    }
}
