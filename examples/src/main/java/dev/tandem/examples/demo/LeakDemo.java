package dev.tandem.examples.demo;

import dev.tandem.core.diagnostics.ThreadProfile;
import dev.tandem.stats.SinkStats;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The leak demo: the story behind Tandem, reproduced on your machine. Two echo servers run side by
 * side on loopback and report a "connection closed" stat to the same stats platform: the story's
 * naive design, and the same server on Tandem. Clients connect and disconnect in waves; after a
 * couple of waves the platform stops answering. The naive server then leaks a socket and two
 * threads per disconnect; the Tandem server drops stats and closes every connection.
 *
 * <p>Run: {@code mvn -B -q -Pdemo -pl examples -am -DskipTests package}
 * (options through {@code -Ddemo.args="--clients 1000"}). Exit code 0 when Tandem leaked nothing.
 */
public final class LeakDemo {
    static final String USAGE = String.join("\n",
            "usage: LeakDemo [options]",
            "",
            "  --clients N          clients per server, in total (default 3000)",
            "  --waves W            connect/disconnect waves (default 15)",
            "  --queue Q            stats queue size of both servers (default 100)",
            "  --hang-after-wave K  the stats platform stops answering after wave K (default 2; 0: from the start)",
            "  --interval-ms MS     pause between waves (default 2500)",
            "  --help               this text",
            "",
            "Two echo servers run side by side on loopback, each sending a \"connection closed\" stat to the",
            "same stats platform (a small HTTP server). The naive server is the story's design: a reader",
            "and a writer thread per connection; on disconnect the reader put()s -1 into a bounded queue",
            "drained by one thread that POSTs to the platform, then closes the socket. The Tandem server",
            "is the same echo server on ConnectionPair and the stats pipeline. When the platform hangs,",
            "the naive server's queue fills and every later disconnect leaks a socket and two threads;",
            "the Tandem server drops the stats, counts the drops, and closes every connection.",
            "Exit code 0 when the Tandem server leaked nothing.");

    /** What the run measured; the test asserts on it. */
    static final class Result {
        long clientsPerServer;
        long naiveOpenSockets;
        long naiveThreads;
        long naiveBelievedLive;
        long tandemOpenSockets;
        long tandemThreads;
        long tandemBelievedLive;
        long tandemStatsDropped;
        int exitCode;
    }

    static final class Options {
        int clients = 3000;
        int waves = 15;
        int queue = 100;
        int hangAfterWave = 2;
        long intervalMillis = 2500;
    }

    private LeakDemo() {}

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LeakDemo: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.println(USAGE);
            return;
        }
        Result r = run(o, System.out);
        System.exit(r.exitCode); // the naive server's leaked threads are daemons; nothing else to wait for
    }

    /** Null for --help. */
    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.isBlank()) {
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--clients": o.clients = positive(a, v); break;
                case "--waves": o.waves = positive(a, v); break;
                case "--queue": o.queue = positive(a, v); break;
                case "--hang-after-wave": o.hangAfterWave = nonNegative(a, v); break;
                case "--interval-ms": o.intervalMillis = nonNegative(a, v); break;
                default: throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.waves > o.clients) {
            throw new IllegalArgumentException("--waves " + o.waves + " (expected: <= --clients " + o.clients + ")");
        }
        return o;
    }

    private static int positive(String name, String v) {
        int n = nonNegative(name, v);
        if (n == 0) {
            throw new IllegalArgumentException(name + ": 0 (expected: > 0)");
        }
        return n;
    }

    private static int nonNegative(String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new IllegalArgumentException(name + ": " + n + " (expected: >= 0)");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' (expected: a number)");
        }
    }

    static Result run(Options o, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "Tandem leak demo: %d clients per server in %d waves; stats queue %d; "
                + "the stats platform hangs after wave %d%n%n", o.clients, o.waves, o.queue, o.hangAfterWave);
        Result r = new Result();
        try (StatsEndpoint platform = new StatsEndpoint();
             NaiveServer naive = new NaiveServer(platform.address(), o.queue);
             TandemServer tandem = new TandemServer(platform.address(), o.queue)) {
            LoadGenerator naiveLoad = new LoadGenerator();
            LoadGenerator tandemLoad = new LoadGenerator();
            long dropsWhileOk = 0;
            if (o.hangAfterWave == 0) {
                platform.hang();
            }
            for (int w = 1; w <= o.waves; w++) {
                int n = o.clients / o.waves + (w <= o.clients % o.waves ? 1 : 0);
                Thread other = new Thread(() -> {
                    try {
                        tandemLoad.wave(tandem.port(), n);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, "demo-load-tandem");
                other.start();
                naiveLoad.wave(naive.port(), n);
                other.join();
                if (w == o.hangAfterWave) {
                    settle(tandem); // this wave's closes are all recorded before the platform hangs
                    dropsWhileOk = tandem.statsBooks().droppedTotal();
                    platform.hang();
                }
                Thread.sleep(o.intervalMillis); // pacing for the reader of the progress line, not synchronisation
                out.printf(Locale.ROOT, "wave %2d/%d  platform %-8s | naive: open sockets %5d, threads %5d, stats queue "
                                + "%d/%d | tandem: open sockets %d, threads %d, stats dropped %d%n",
                        w, o.waves, platform.isHanging() ? "HANGING" : "ok", naive.openSockets(),
                        naive.liveConnectionThreads(), naive.statsQueued(), o.queue, tandem.openSockets(),
                        TandemServer.liveConnectionThreads(), tandem.statsBooks().droppedTotal());
            }
            settle(tandem);

            SinkStats books = tandem.statsBooks();
            r.clientsPerServer = o.clients;
            r.naiveOpenSockets = naive.openSockets();
            r.naiveThreads = naive.liveConnectionThreads();
            r.naiveBelievedLive = naive.accepted() - naive.cleanedUp();
            r.tandemOpenSockets = tandem.openSockets();
            r.tandemThreads = TandemServer.liveConnectionThreads();
            r.tandemBelievedLive = tandem.manager().counts().live();
            r.tandemStatsDropped = books.droppedTotal();
            r.exitCode = r.tandemOpenSockets == 0 && r.tandemThreads == 0 && r.tandemBelievedLive == 0 ? 0 : 1;

            out.println();
            out.printf(Locale.ROOT, "%-40s %14s %14s%n", "after every client has left", "naive server", "tandem server");
            row(out, "clients connected", naiveLoad.connected(), tandemLoad.connected());
            row(out, "clients disconnected", naiveLoad.disconnected(), tandemLoad.disconnected());
            row(out, "server sockets still open", r.naiveOpenSockets, r.tandemOpenSockets);
            row(out, "reader/writer threads still alive", r.naiveThreads, r.tandemThreads);
            row(out, "stats delivered to the platform", naive.statsDelivered(), books.delivered());
            row(out, "POSTs the platform answered", naive.statsDelivered(), tandem.postsAnswered());
            row(out, "stats dropped (counted)", 0, books.droppedTotal());
            row(out, "stats waiting (queued or in flight)", naive.statsQueued(), books.inFlight());
            row(out, "live connections, as the server believes", r.naiveBelievedLive, r.tandemBelievedLive);
            out.println();
            explain(out, o, books, dropsWhileOk, tandem.postsAnswered(), platform.held());
            out.println();
            out.println("=== naive server: its threads grouped by identical stack (a goroutine profile) ===");
            out.println(ThreadProfile.capture(t -> t.getName().startsWith("naive-")));
            out.println("=== tandem server: the live pairs, grouped the same way (ConnectionManager.dump) ===");
            out.println(tandem.manager().dump());
            out.println("Closing both servers. The platform still hangs, so Tandem's stats pipeline gives its sink"
                    + " its close deadline (1 s) and then abandons it, with a warning: close never waits longer.");
        }
        out.println(r.exitCode == 0
                ? "Tandem leaked nothing: exit 0."
                : "Tandem left something open: exit 1 (that is a bug; please report it).");
        return r;
    }

    /** Waits (bounded) for Tandem's last closes to finish: they take microseconds, not seconds. */
    private static void settle(TandemServer tandem) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((tandem.manager().counts().live() > 0 || TandemServer.liveConnectionThreads() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** The lines under the table: what each number means, so that the table reads on its own. */
    private static void explain(PrintStream out, Options o, SinkStats books, long dropsWhileOk, long tandemPosts,
                                long held) {
        long delivered = books.delivered();
        out.printf(Locale.ROOT, "- stats delivered vs POSTs: the naive server POSTs one stat per request; Tandem's sink "
                + "POSTs a batch (up to %d stats) per request, so its %d stats took %d POSTs.%n",
                TandemServer.batchSize(o.queue), delivered, tandemPosts);
        out.printf(Locale.ROOT, "- stats dropped: %d while the platform still answered (queue_full: a wave's burst of "
                + "closes outran one POST at a time into a %d-slot queue; the naive server never drops because its "
                + "readers wait in put() instead, which is the leak once the platform hangs), %d after it hung.%n",
                dropsWhileOk, o.queue, books.droppedTotal() - dropsWhileOk);
        out.printf(Locale.ROOT, "- stats waiting: the naive server's full queue (its drainer holds one more, in a POST "
                + "that never returns); Tandem's events taken for its one hung POST or still queued. The platform "
                + "holds %d POSTs without an answer: one per server.%n", held);
        out.printf(Locale.ROOT, "- Tandem's sink is %s. STALLED: its current POST has run past the sink's "
                + "publishTimeout (1 s); Tandem cannot cancel the call, so it counts new stats as dropped (stalled) "
                + "instead of queueing them behind it, until the call returns.%n", books.state());
        out.printf(Locale.ROOT, "- Tandem's books: %s%n", books);
    }

    private static void row(PrintStream out, String label, long naive, long tandem) {
        out.printf(Locale.ROOT, "%-40s %14d %14d%n", label, naive, tandem);
    }
}
