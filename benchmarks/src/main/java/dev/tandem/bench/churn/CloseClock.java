package dev.tandem.bench.churn;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Times each connection from the client's side to the server's: the client reports when it started
 * to connect and when it called {@code close()}, the server reports when its side of the same
 * connection had fully closed; whichever comes second records both intervals. Connections are
 * matched by the client's (address, port) ({@link Loopback#key}).
 *
 * <h2>Implementation notes</h2>
 * Client threads call {@link #client}, server threads (readers, Tandem side threads, the naive
 * server's readers) call {@link #server}, any number at once. {@link ConcurrentHashMap#compute} is
 * atomic per key, so the two halves meet exactly once whatever their order; the second one removes
 * the entry and records after its compute returned, so a connection is counted as matched only
 * once it has left {@link #pending} (then {@code matched + pending} never counts one twice); histograms are
 * updated under this object's lock (a few hundred nanoseconds, next to a connection's hundred
 * microseconds). A server report that never finds its client (the client failed before it
 * reported) stays pending and is counted by {@link #unmatched()}.
 */
final class CloseClock {
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(120);

    /** One connection's half-known times; 0 means "not reported yet". */
    private static final class Times {
        long connectStart;
        long closeStart;
        long closed;
    }

    private final ConcurrentHashMap<Long, Times> pending = new ConcurrentHashMap<>();
    private final Histogram connectToClosed = new Histogram(MAX_NANOS, 3);
    private final Histogram closeToClosed = new Histogram(MAX_NANOS, 3);
    private final AtomicLong lastClosed = new AtomicLong(Long.MIN_VALUE);
    private long matched; // under this
    private final Object done = new Object();

    /** The client's half: it started to connect at {@code connectStart} and called close at {@code closeStart}. */
    void client(long key, long connectStart, long closeStart) {
        Times[] met = new Times[1];
        pending.compute(key, (k, t) -> {
            Times mine = t == null ? new Times() : t;
            mine.connectStart = connectStart;
            mine.closeStart = closeStart;
            met[0] = t;
            return t == null ? mine : null;
        });
        if (met[0] != null) {
            record(met[0]);
        }
    }

    /** The server's half: its side of the connection finished closing at {@code closedAt}. */
    void server(long key, long closedAt) {
        lastClosed.accumulateAndGet(closedAt, Math::max);
        Times[] met = new Times[1];
        pending.compute(key, (k, t) -> {
            Times mine = t == null ? new Times() : t;
            mine.closed = closedAt;
            met[0] = t;
            return t == null ? mine : null;
        });
        if (met[0] != null) {
            record(met[0]);
        }
    }

    private void record(Times t) {
        synchronized (this) {
            connectToClosed.recordValue(Math.min(MAX_NANOS, Math.max(0, t.closed - t.connectStart)));
            closeToClosed.recordValue(Math.min(MAX_NANOS, Math.max(0, t.closed - t.closeStart)));
            matched++;
        }
        synchronized (done) {
            done.notifyAll();
        }
    }

    /**
     * Waits until {@code expected} connections were matched, or no connection was matched for
     * {@code quietNanos} (a server that stopped closing), or {@code maxNanos} passed (a server
     * that closes, slowly, without end); true if all were matched.
     */
    boolean awaitMatched(long expected, long quietNanos, long maxNanos) throws InterruptedException {
        long now = System.nanoTime();
        long deadline = now + maxNanos;
        long seen = matched();
        long lastProgress = now;
        synchronized (done) {
            while (true) {
                long m = matched();
                now = System.nanoTime();
                if (m >= expected) {
                    return true;
                }
                if (m != seen) {
                    seen = m;
                    lastProgress = now;
                }
                long left = Math.min(deadline, lastProgress + quietNanos) - now;
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(done, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        }
    }

    synchronized long matched() {
        return matched;
    }

    /** Halves still waiting for their other half: clients whose server side never closed, or the reverse. */
    long unmatched() {
        return pending.size();
    }

    /** The halves still pending, for a report: "c" for a client half, "s" for a server half. */
    String describePending() {
        StringBuilder sb = new StringBuilder();
        pending.forEach((k, t) -> sb.append(t.closed == 0 ? " c" : " s").append(':').append(k >>> 16 & 0xff)
                .append(':').append(k & 0xffff));
        return sb.toString();
    }

    /** Clients that reported and whose server side has not closed (yet). */
    long clientsWithoutClose() {
        return pending.values().stream().filter(t -> t.closed == 0).count();
    }

    /** When the last server side closed ({@link System#nanoTime()}), or {@link Long#MIN_VALUE}. */
    long lastClosed() {
        return lastClosed.get();
    }

    synchronized Histogram connectToClosed() {
        return connectToClosed.copy();
    }

    synchronized Histogram closeToClosed() {
        return closeToClosed.copy();
    }
}
