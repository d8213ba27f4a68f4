package dev.tandem.bench.churn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The churn clients: {@code concurrency} platform threads share {@code connections} connections;
 * each thread, one connection after another, connects (from the next {@link Loopback} source
 * address), writes one line, reads its echo, and closes. So at most {@code concurrency} client
 * connections are open at once; the servers' teardowns run behind them and are waited for at the
 * end (until all are closed, or none closed for {@code quiet}, or {@code settle} passed).
 *
 * <p>Every variant gets exactly this load, and {@link CloseClock} defines its latencies: from the
 * client's connect start (or its close call) to the moment the server side reported itself fully
 * closed.
 */
final class ChurnLoad {
    static final byte[] MESSAGE = "churn 0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;

    private final int connections;
    private final int concurrency;
    private final Loopback sources;
    private final long settleNanos;
    private final long quietNanos;

    /**
     * @param settleNanos the longest wait, after the last client, for the servers' closes to finish
     * @param quietNanos how long without any close ends that wait early (a server that stopped closing)
     */
    ChurnLoad(int connections, int concurrency, Loopback sources, long settleNanos, long quietNanos) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: > 0)");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: > 0)");
        }
        this.connections = connections;
        this.concurrency = concurrency;
        this.sources = sources;
        this.settleNanos = settleNanos;
        this.quietNanos = quietNanos;
    }

    /** Starts the variant's server, runs the churn against it, measures, and closes the server. */
    RunResult run(Variant variant) throws Exception {
        CloseClock clock = new CloseClock();
        RunResult r = new RunResult(variant.name(), connections, concurrency);
        System.gc(); // start every run from the same heap state, so one run's garbage is not the next one's pause
        try (EchoTarget target = variant.start(clock)) {
            AtomicInteger next = new AtomicInteger();
            AtomicLong served = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            AtomicLong lastClientDone = new AtomicLong(Long.MIN_VALUE);
            Thread[] clients = new Thread[concurrency];
            long cpuStart = dev.tandem.bench.Results.processCpuNanos();
            long startedBefore = java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
            long start = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                clients[i] = new Thread(() -> {
                    byte[] reply = new byte[MESSAGE.length];
                    while (next.getAndIncrement() < connections) {
                        if (once(target, clock, reply)) {
                            served.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                        }
                    }
                    lastClientDone.accumulateAndGet(System.nanoTime(), Math::max);
                }, "churn-client-" + i);
                clients[i].setDaemon(true);
                clients[i].start();
            }
            for (Thread t : clients) {
                t.join(TimeUnit.MINUTES.toMillis(5));
                if (t.isAlive()) {
                    throw new IllegalStateException(t.getName() + " still running after 5 minutes");
                }
            }
            clock.awaitMatched(served.get(), quietNanos, settleNanos);
            long end = Math.max(lastClientDone.get(), clock.lastClosed());
            r.cpuNanos = dev.tandem.bench.Results.processCpuNanos() - cpuStart;
            r.threadsStarted = java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount()
                    - startedBefore - concurrency;
            r.served = served.get();
            r.failures = failures.get();
            r.closed = clock.matched();
            r.wallNanos = end - start;
            r.connectToClosed = clock.connectToClosed();
            r.closeToClosed = clock.closeToClosed();
            r.unmatched = clock.unmatched();
            r.accepted = target.accepted();
            r.leftOpenSockets = target.openSockets();
            r.leftThreads = target.liveThreads();
            r.leftBelievedLive = target.believedLive();
            r.sink = target.sinkStats();
            r.notes = target.notes() + (r.unmatched > 0 && r.unmatched < 10 ? " pending:" + clock.describePending() : "");
        }
        return r;
    }

    /** One connection's life on the client side; false if anything failed. */
    private boolean once(EchoTarget target, CloseClock clock, byte[] reply) {
        Socket s = null;
        try {
            long connectStart = System.nanoTime();
            s = sources.bindNext();
            s.connect(target.address(), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(MESSAGE);
            out.flush();
            InputStream in = s.getInputStream();
            int got = 0;
            while (got < reply.length) {
                int n = in.read(reply, got, reply.length - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
            if (got != reply.length || !Arrays.equals(reply, MESSAGE)) {
                return false;
            }
            long closeStart = System.nanoTime();
            clock.client(Loopback.clientKey(s), connectStart, closeStart);
            s.close();
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            Loopback.closeQuietly(s);
        }
    }

    /** One way to write the echo server: its name in the report, and how to start it for a run. */
    record Variant(String name, Server server) {
        /** Starts a fresh server of this variant, reporting its closes to {@code clock}. */
        EchoTarget start(CloseClock clock) throws Exception {
            return server.start(clock);
        }
    }

    /** How a variant's server is started. */
    @FunctionalInterface
    interface Server {
        EchoTarget start(CloseClock clock) throws Exception;
    }
}
