package dev.tandem.bench.scale;

import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-memory transport of B4: a connection that uses no file descriptor. Its read side blocks
 * the way a socket read does (the thread parks, unmounting a virtual thread) until the pipe is
 * closed, then sees end of stream; an interrupt ends the read with {@link InterruptedIOException},
 * as {@link java.io.PipedInputStream} does. No data ever flows: the pairs of B4 are idle.
 *
 * <h2>Implementation notes</h2>
 * One thread reads ({@link #read()}), at most one other waits for the close
 * ({@link #awaitClose()}, the bare baseline's writer); any thread closes. {@code closed} is
 * volatile and written before the waiters are read, and each waiter is published before it
 * re-checks {@code closed}: either the closer sees the waiter and unparks it, or the waiter sees
 * the close (Dekker-style on volatiles). A spurious wake-up re-checks and parks again. The
 * counters are a {@link Tally} shared by every pipe of a run.
 */
final class MemoryPipe implements AutoCloseable {
    private static final AtomicIntegerFieldUpdater<MemoryPipe> CLOSES =
            AtomicIntegerFieldUpdater.newUpdater(MemoryPipe.class, "closes");

    private final Tally tally;
    private volatile Thread reader;
    private volatile Thread closeWaiter;
    private volatile boolean closed;
    private volatile int closes;

    MemoryPipe(Tally tally) {
        this.tally = tally;
    }

    /**
     * Blocks until the pipe is closed and returns -1 (end of stream).
     *
     * @throws InterruptedIOException if the thread is interrupted first (its interrupt status is
     *     then cleared, as a blocking stream read leaves it)
     */
    int read() throws InterruptedIOException {
        reader = Thread.currentThread();
        tally.blocked.increment();
        try {
            while (!closed) {
                LockSupport.park(this);
                if (Thread.interrupted() && !closed) {
                    throw new InterruptedIOException("read interrupted");
                }
            }
            return -1;
        } finally {
            reader = null;
            tally.ended.increment();
        }
    }

    /** Blocks until the pipe is closed; an interrupt does not end it. */
    void awaitClose() {
        closeWaiter = Thread.currentThread();
        tally.blocked.increment();
        while (!closed) {
            LockSupport.park(this);
        }
        closeWaiter = null;
        tally.ended.increment();
    }

    /** Closes the pipe and wakes its waiters; never blocks. Closing again does nothing more. */
    @Override
    public void close() {
        if (CLOSES.getAndIncrement(this) != 0) {
            return;
        }
        closed = true;
        tally.closed.increment();
        Thread r = reader;
        if (r != null) {
            LockSupport.unpark(r);
        }
        Thread w = closeWaiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** How many times {@link #close()} was called on this pipe. */
    int closeCalls() {
        return closes;
    }
}
