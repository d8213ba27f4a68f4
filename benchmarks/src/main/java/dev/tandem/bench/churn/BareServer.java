package dev.tandem.bench.churn;

import java.io.IOException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The books of the baseline servers written without Tandem ({@link BareEchoServer},
 * {@link TwoThreadEchoServer}): their connection threads come from a {@link ThreadFactory} and
 * count themselves, so that virtual threads, which the JDK does not list, are counted too; a
 * connection counts as finished once its last thread is done with it.
 *
 * <h2>Implementation notes</h2>
 * Connection threads update the counts as they start and end; the harness reads them after the
 * run (racily during one, a snapshot). {@link #lastThreadDone} updates both counts before it
 * tells the clock, so a run that ends on the clock's word reads counts that include that
 * connection.
 */
abstract class BareServer extends ChurnServer {
    protected final ThreadFactory threads;
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong liveThreads = new AtomicLong();

    BareServer(CloseClock clock, ThreadFactory threads) throws IOException {
        super(clock);
        this.threads = threads;
    }

    /** Call before starting a connection's {@code count} threads. */
    final void threadsStarting(int count) {
        liveThreads.addAndGet(count);
    }

    /** A connection's thread is done, not its last one. */
    final void threadDone() {
        liveThreads.decrementAndGet();
    }

    /** The last thread of the connection {@code key} is done with it (the socket is closed): it has fully closed. */
    final void lastThreadDone(long key) {
        finished.incrementAndGet();
        liveThreads.decrementAndGet();
        clock.server(key, System.nanoTime());
    }

    /** Counted by the threads themselves (so virtual threads are counted too). */
    @Override
    public final long liveThreads() {
        return liveThreads.get();
    }

    @Override
    public final long believedLive() {
        return accepted() - finished.get();
    }
}
