package dev.tandem.bench.push;

import dev.tandem.bench.Results;
import dev.tandem.bench.churn.Loopback;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One timed run of one B6 variant: start its server, connect the clients, push
 * {@code perConnection} messages to every connection from {@code pushers} threads as fast as the
 * queues take them, wait until the clients have every message (or the deadline), close the
 * clients, wait for the server's side of every connection to close, close the server.
 *
 * <p>A pusher owns the connections {@code i} with {@code i % pushers == its index} and goes round
 * them in turn, one message per connection per pass, skipping a connection whose queue is full or
 * whose messages are all sent; a pass that sent nothing parks the pusher for 20 µs (a full machine:
 * the writers and clients need the CPU). The same pushers drive every variant.
 */
final class PushRun {
    /** The longest a run may take from the first push to the last message received. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    /** How a variant's server is started for a run. */
    @FunctionalInterface
    interface Server {
        PushServer<?> start(int connections, int capacity) throws Exception;
    }

    /** One way to write the push server: its name in the report, how to start it. */
    record Variant(String name, Server server) {}

    /** What one run measured. Plain data, filled in by {@link #run}. */
    static final class Result {
        final String variant;
        final int connections;
        final int perConnection;
        long sent;
        long received;
        long outOfOrder;
        long complete;
        long serverClosed;
        long wallNanos;
        long cpuNanos = -1;
        boolean inTime;
        Histogram latency;
        String notes = "";

        Result(String variant, int connections, int perConnection) {
            this.variant = variant;
            this.connections = connections;
            this.perConnection = perConnection;
        }

        double messagesPerSecond() {
            return wallNanos <= 0 ? 0 : received * 1e9 / wallNanos;
        }

        double micros(double percentile) {
            return latency == null || latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e3;
        }

        double cpuMicrosPerMessage() {
            return cpuNanos < 0 || received == 0 ? Double.NaN : cpuNanos / 1e3 / received;
        }

        /** Every message sent was received once, in order, on every connection, and every connection closed. */
        boolean booksBalance() {
            long expected = (long) connections * perConnection;
            return sent == expected && received == expected && outOfOrder == 0 && complete == connections
                    && serverClosed == connections;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: sent %d received %d of %d (%d connections complete, %d out of order), "
                            + "server closed %d, %d ms (%.0f msgs/s, cpu %.1f us each), p50 %.0f us p99 %.0f us %s",
                    variant, sent, received, (long) connections * perConnection, complete, outOfOrder, serverClosed,
                    TimeUnit.NANOSECONDS.toMillis(wallNanos), messagesPerSecond(), cpuMicrosPerMessage(), micros(50), micros(99),
                    notes);
        }
    }

    private final int connections;
    private final int perConnection;
    private final int capacity;
    private final int pushers;
    private final int clientThreads;
    private final Loopback sources;

    PushRun(int connections, int perConnection, int capacity, int pushers, int clientThreads, Loopback sources) {
        this.connections = connections;
        this.perConnection = perConnection;
        this.capacity = capacity;
        this.pushers = pushers;
        this.clientThreads = clientThreads;
        this.sources = sources;
    }

    Result run(Variant v) throws Exception {
        Result r = new Result(v.name(), connections, perConnection);
        System.gc(); // every run from the same heap state
        try (PushServer<?> server = v.server().start(connections, capacity);
             PushClients clients = new PushClients(server.address(), connections, perConnection, clientThreads, sources)) {
            server.awaitConnected(SETTLE);
            clients.start();
            long cpu0 = Results.processCpuNanos();
            long t0 = System.nanoTime();
            long deadline = t0 + DEADLINE.toNanos();
            AtomicLong sent = new AtomicLong();
            Thread[] ps = new Thread[pushers];
            for (int p = 0; p < pushers; p++) {
                int index = p;
                ps[p] = new Thread(() -> sent.addAndGet(push(server, index, deadline)), "b6-pusher-" + p);
                ps[p].setDaemon(true);
                ps[p].start();
            }
            for (Thread t : ps) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 1_000);
                if (t.isAlive()) {
                    throw new IllegalStateException(t.getName() + " still pushing past the deadline");
                }
            }
            r.inTime = clients.join(Math.max(1, deadline - System.nanoTime()));
            r.cpuNanos = Results.processCpuNanos() - cpu0;
            r.wallNanos = clients.lastReceivedNanos() - t0;
            r.sent = sent.get();
            r.received = clients.received();
            r.outOfOrder = clients.outOfOrder();
            r.complete = clients.complete(perConnection);
            r.latency = clients.latency();
            clients.close();
            r.serverClosed = server.awaitClosed(SETTLE);
            r.notes = server.notes();
        }
        return r;
    }

    /** One pusher's loop; returns how many messages it sent. */
    private long push(PushServer<?> server, int index, long deadline) {
        int[] next = new int[connections];
        long left = 0;
        for (int i = index; i < connections; i += pushers) {
            left += perConnection;
        }
        long sent = 0;
        while (left > 0 && System.nanoTime() < deadline) {
            boolean progress = false;
            for (int i = index; i < connections; i += pushers) {
                if (next[i] < perConnection && server.push(i, next[i])) {
                    next[i]++;
                    left--;
                    sent++;
                    progress = true;
                }
            }
            if (!progress) {
                LockSupport.parkNanos(20_000);
            }
        }
        return sent;
    }
}
