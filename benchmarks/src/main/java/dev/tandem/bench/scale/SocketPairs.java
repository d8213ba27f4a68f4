package dev.tandem.bench.scale;

import dev.tandem.core.CloseReason;
import dev.tandem.core.ConnectionCounts;
import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ReadLoop;
import dev.tandem.core.ShutdownReport;
import dev.tandem.core.MessageWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * B4, real sockets: this JVM is the server and holds N idle pairs over accepted loopback sockets
 * (one file descriptor each), up to just under its {@code ulimit -n}; the other ends are held by
 * {@link SocketClients} processes it starts (each with its own descriptor limit and its own
 * loopback source address). One run measures one kind: {@code --mode bare} (per socket a reader
 * thread in {@code read()} and a writer thread parked, no Tandem) or {@code --mode tandem} (the
 * same socket opened as a pair: reader in {@code ctx.input().read()}, writer idle on Tandem's
 * queue), on virtual or platform threads. Bare and Tandem run in separate, fresh JVMs so that each
 * resident-set figure starts from the same place.
 *
 * <p>Order: a small warm-up round (same path, fewer sockets; on platform threads it also measures
 * the threads a pair takes, and N is capped so that the machine's thread ids are not exhausted:
 * {@link #threadCap}); the empty heap after GC, VmRSS and
 * open descriptors; the clients connect and the server opens N pairs; heap after GC, VmRSS,
 * descriptors, platform threads and all threads (virtual ones too: {@link ThreadCensus}) with N
 * idle pairs; then close (the server closes first:
 * {@code shutdown} for Tandem, closing every socket and unparking the writers for bare); the
 * clients see the end of stream on each, close their ends and exit; descriptors again.
 *
 * <p>{@code java -Xmx2g -XX:+UseSerialGC -cp benchmarks.jar dev.tandem.bench.scale.SocketPairs
 * --mode tandem --threads virtual --pairs max --clients 2 --facts out.properties}
 */
public final class SocketPairs {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int FD_MARGIN = 256;
    private static final int THREAD_MARGIN = 3_000;

    static final class Config {
        boolean tandem = true;
        boolean virtual = true;
        int pairs = -1; // -1: as many as the descriptor limit allows
        int clients = 2;
        int warmupPairs = 2000;
        String sourcePrefix = "127.0.90.";
        Duration shutdownTimeout = Duration.ofSeconds(60);
    }

    private SocketPairs() {}

    public static void main(String[] args) throws Exception {
        Config c = new Config();
        Path factsFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode":
                    String m = args[++i];
                    if (!m.equals("bare") && !m.equals("tandem")) {
                        throw new IllegalArgumentException("mode: " + m + " (expected: bare or tandem)");
                    }
                    c.tandem = m.equals("tandem");
                    break;
                case "--threads":
                    c.virtual = IdlePairs.parseThreads(args[++i]);
                    break;
                case "--pairs":
                    String n = args[++i];
                    c.pairs = n.equals("max") ? -1 : Integer.parseInt(n);
                    break;
                case "--clients":
                    c.clients = Integer.parseInt(args[++i]);
                    break;
                case "--warmup":
                    c.warmupPairs = Integer.parseInt(args[++i]);
                    break;
                case "--source-prefix":
                    c.sourcePrefix = args[++i];
                    break;
                case "--facts":
                    factsFile = Path.of(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i] + " (expected: --mode bare|tandem"
                            + " --threads virtual|platform --pairs N|max [--clients K] [--warmup N]"
                            + " [--source-prefix 127.0.90.] --facts FILE)");
            }
        }
        Facts f = run(c);
        if (factsFile != null) {
            f.save(factsFile);
        }
        System.out.println(f);
    }

    /** The most pairs this process can hold: its descriptor limit minus what is open, minus a margin. */
    static int maxPairs() {
        int limit = HeapProbe.maxOpenFiles();
        int open = HeapProbe.openFds();
        if (limit < 0 || open < 0) {
            throw new IllegalStateException("no /proc here: give --pairs N");
        }
        return Math.max(1, limit - open - FD_MARGIN);
    }

    /**
     * The most pairs at {@code perPair} platform threads each that the machine's thread ids allow:
     * {@code pid_max} (and {@code threads-max}) less the tasks already running on the machine (other
     * processes share them), less a margin of {@value #THREAD_MARGIN}; no cap where /proc does not say.
     */
    static int threadCap(double perPair) {
        long limit = Math.min(procLong("/proc/sys/kernel/pid_max"), procLong("/proc/sys/kernel/threads-max"));
        long tasks = machineTasks();
        if (limit <= 0 || tasks < 0 || perPair < 0.5) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, (limit - tasks - THREAD_MARGIN) / perPair);
    }

    private static long procLong(String file) {
        try {
            // readString trusts the size procfs reports and can return a truncated value: read lines
            return Long.parseLong(java.nio.file.Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).get(0).trim());
        } catch (IOException | RuntimeException notLinux) {
            return -1;
        }
    }

    /** Threads and processes on the whole machine now (/proc/loadavg's fourth field, after the slash); -1 if unknown. */
    private static long machineTasks() {
        try {
            String[] f = java.nio.file.Files.readAllLines(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).get(0).trim().split("\\s+");
            return Long.parseLong(f[3].substring(f[3].indexOf('/') + 1));
        } catch (IOException | RuntimeException notLinux) {
            return -1;
        }
    }

    static Facts run(Config c) throws Exception {
        if (c.clients <= 0 || c.clients > 200) {
            throw new IllegalArgumentException("clients: " + c.clients + " (expected: 1..200)");
        }
        int pairs = c.pairs < 0 ? maxPairs() : c.pairs;
        Facts f = new Facts();
        f.put("mode", c.tandem ? "tandem" : "bare").put("threads", c.virtual ? "virtual" : "platform")
                .put("pairs", pairs).put("clients", c.clients).put("fdLimit", HeapProbe.maxOpenFiles());
        IdlePairs.describeJvm(f);

        try (ServerSocket server = new ServerSocket(0, 4096, InetAddress.getByName("127.0.0.1"))) {
            int warm = Math.min(pairs, c.warmupPairs);
            if (warm > 0) {
                Round w = new Round(c, server, warm);
                long before = HeapProbe.platformThreads();
                w.open();
                double perPair = (HeapProbe.platformThreads() - before) / (double) warm;
                w.close();
                int cap = c.virtual ? Integer.MAX_VALUE : threadCap(perPair);
                if (cap < pairs) {
                    f.put("pairs.requested", pairs).put("pairs.cappedBy", String.format(java.util.Locale.ROOT,
                            "%.2f platform threads a pair in the warm-up; pid_max %d, threads-max %d, %d tasks on the machine",
                            perPair, procLong("/proc/sys/kernel/pid_max"), procLong("/proc/sys/kernel/threads-max"), machineTasks()));
                    pairs = cap;
                    f.put("pairs", pairs);
                }
            }
            f.put("threads.empty", ThreadCensus.allThreads()); // first: the first dump may leave a descriptor open (a jar it reads)
            f.put("heap.empty", HeapProbe.usedAfterGc()).put("rss.empty", HeapProbe.rssBytes())
                    .put("fds.empty", HeapProbe.openFds()).put("platformThreads.empty", HeapProbe.platformThreads());

            Round r = new Round(c, server, pairs);
            long t0 = System.nanoTime();
            r.open();
            f.put("openNanos", System.nanoTime() - t0);
            f.put("heap.held", HeapProbe.usedAfterGc()).put("rss.held", HeapProbe.rssBytes())
                    .put("heapCommitted.held", HeapProbe.heapCommitted())
                    .put("fds.held", HeapProbe.openFds()).put("platformThreads.held", HeapProbe.platformThreads())
                    .put("threads.held", ThreadCensus.allThreads());
            if (r.manager != null) {
                f.put("tandem.platformThreadNames", String.join(",", HeapProbe.platformThreadNames("tandem-timer")));
            }
            HeapProbe.resetPeakThreads();
            long closeNanos = r.close();
            f.put("closeNanos", closeNanos).put("clientsClosed", r.clientsClosed)
                    .put("serverSocketsClosed", r.socketsClosed()).put("platformThreads.peakInClose", HeapProbe.peakPlatformThreads());
            if (r.report != null) {
                ConnectionCounts counts = r.manager.counts();
                f.put("tandem.shutdownClean", r.report.clean()).put("tandem.opened", counts.opened())
                        .put("tandem.closedShutdown", counts.closed(CloseReason.SHUTDOWN))
                        .put("tandem.liveAfter", counts.live()).put("tandem.stuck", counts.stuck())
                        .put("tandem.peakStuckInShutdown", r.peakStuck);
            }
        }
        f.put("fds.end", HeapProbe.openFds()).put("heap.end", HeapProbe.usedAfterGc());
        return f;
    }

    /** One round: start the clients, accept and open {@code n} pairs, hold them, close them. */
    private static final class Round {
        private final Config c;
        private final ServerSocket server;
        private final int n;
        private final Tally tally = new Tally();
        private final Socket[] sockets;
        private final Thread[] bareWriters;
        private final List<Process> clients = new ArrayList<>();
        private final List<BufferedReader> clientOut = new ArrayList<>();
        ConnectionManager manager;
        ShutdownReport report;
        long peakStuck;
        int clientsClosed;

        Round(Config c, ServerSocket server, int n) {
            this.c = c;
            this.server = server;
            this.n = n;
            this.sockets = new Socket[n];
            this.bareWriters = c.tandem ? null : new Thread[n];
        }

        void open() throws Exception {
            if (c.tandem) {
                manager = IdlePairs.manager("b4-sockets", c.virtual);
            }
            ThreadFactory threads = Threads.factory(c.virtual);
            Tally t = tally;
            ReadLoop<byte[]> reader = ctx -> {
                InputStream in = ctx.input();
                t.blocked.increment();
                try {
                    while (in.read() >= 0) {
                        // the clients send nothing
                    }
                } finally {
                    t.ended.increment();
                }
            };
            MessageWriter<byte[]> writer = (m, ctx) -> ctx.output().write(m);
            AtomicInteger accepted = new AtomicInteger();
            Throwable[] acceptFailure = new Throwable[1];
            Thread acceptor = new Thread(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        Socket s = server.accept();
                        sockets[i] = s;
                        if (manager != null) {
                            manager.open(s, reader, writer);
                        } else {
                            startBare(threads, s, i);
                        }
                        accepted.incrementAndGet();
                    }
                } catch (Throwable e) {
                    acceptFailure[0] = e;
                }
            }, "b4-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            startClients();
            for (BufferedReader out : clientOut) {
                String line = out.readLine();
                if (line == null || !line.startsWith("CONNECTED")) {
                    throw new IllegalStateException("a client failed: " + line);
                }
            }
            acceptor.join(WAIT.toMillis());
            if (acceptor.isAlive() || acceptFailure[0] != null) {
                throw new IllegalStateException("accepted " + accepted.get() + " of " + n, acceptFailure[0]);
            }
            IdlePairs.awaitCount(tally.blocked, n, "readers blocked in read");
            Thread.sleep(100); // the last readers move from "about to read" to parked in the poller
        }

        private void startBare(ThreadFactory threads, Socket s, int i) {
            Tally t = tally;
            threads.newThread(() -> {
                t.blocked.increment();
                try {
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // the clients send nothing
                    }
                } catch (IOException closed) {
                    // the server closed it
                } finally {
                    t.ended.increment();
                }
            }).start();
            Thread w = threads.newThread(() -> {
                while (!s.isClosed()) {
                    LockSupport.park(s); // an idle writer: nothing to send
                }
            });
            bareWriters[i] = w;
            w.start();
        }

        private void startClients() throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            int left = n;
            for (int i = 0; i < c.clients; i++) {
                int count = left / (c.clients - i);
                left -= count;
                if (count == 0) {
                    continue;
                }
                ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-Xss256k",
                        "-cp", System.getProperty("java.class.path"), SocketClients.class.getName(),
                        "--connect", "127.0.0.1:" + server.getLocalPort(), "--count", String.valueOf(count),
                        "--source", c.sourcePrefix + (i + 1), "--max-seconds", "600");
                pb.redirectError(ProcessBuilder.Redirect.INHERIT);
                Process p = pb.start();
                clients.add(p);
                clientOut.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
        }

        /** Closes every pair from the server's side and waits for the clients to finish; returns how long the close took. */
        long close() throws Exception {
            long t0 = System.nanoTime();
            if (manager != null) {
                IdlePairs.StuckSampler stuck = new IdlePairs.StuckSampler(manager);
                report = manager.shutdown(c.shutdownTimeout);
                peakStuck = stuck.stop();
            } else {
                for (int i = 0; i < n; i++) {
                    try {
                        sockets[i].close();
                    } catch (IOException e) {
                        // closing a socket we own: nothing to do
                    }
                    LockSupport.unpark(bareWriters[i]);
                }
            }
            IdlePairs.awaitCount(tally.ended, n, "readers ended");
            long took = System.nanoTime() - t0;
            for (int i = 0; i < clients.size(); i++) {
                Process p = clients.get(i);
                String line = clientOut.get(i).readLine();
                if (line != null && line.startsWith("CLOSED")) {
                    clientsClosed += Integer.parseInt(line.substring(7).trim());
                }
                if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("a client did not exit after the server closed its sockets");
                }
                p.getOutputStream().close();
                clientOut.get(i).close();
            }
            return took;
        }

        int socketsClosed() {
            int closed = 0;
            for (Socket s : sockets) {
                if (s != null && s.isClosed()) {
                    closed++;
                }
            }
            return closed;
        }
    }
}
