package dev.tandem.core;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A pair's read side: one run of the user's {@link ReadLoop} on a side thread, and the progress
 * the reader reports (bytes and messages in, the time of the last read, the counting input stream).
 * The counterpart of {@link WriteSide}; it is a {@link Runnable} so that the pool runs it as is.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Threads.</b> A side thread calls {@link #run} once; the closer calls {@link #wake}; the
 *       reader (through the context) calls the {@code mark*} methods and {@link #input}; the timer
 *       and the dump read the progress fields racily (a stale read delays an idle timeout by a
 *       tick).</li>
 *   <li><b>Reader start.</b> The reader publishes its {@link SideRun} and then reads the pair's
 *       state; the closer moves the state and then reads the run: either the reader sees the close
 *       and does not enter the user's loop, or the closer sees the reader and wakes it (volatiles,
 *       Dekker-style).</li>
 *   <li><b>Exactly one exit.</b> {@link #exited} runs once: after the loop returned or threw, or
 *       in place of a run that never got a thread ({@link #neverStarted}); it closes the pair with
 *       the reason the exit gives and releases the reader's token.</li>
 * </ul>
 */
final class ReadSide<M> implements Runnable {
    /** The pair as its read side sees it. */
    interface Owner<M> {
        boolean isOpen();

        PairContext<M> context();

        /** Closes the pair; true if this call closed it. */
        boolean closeWith(CloseReason reason, Throwable cause);

        /** The reader has exited: its token goes back to the teardown. */
        void readerEnded();
    }

    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<ReadSide> BYTES = AtomicLongFieldUpdater.newUpdater(ReadSide.class, "bytesIn");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<ReadSide> MESSAGES = AtomicLongFieldUpdater.newUpdater(ReadSide.class, "messagesIn");

    private final Owner<M> pair;
    private final ReadLoop<M> loop;
    private volatile SideRun run;
    private volatile boolean alive = true;
    private volatile long lastReadNanos;
    private volatile long bytesIn;
    // Whether Tandem saw the bytes: set once input() or markRead is used; a handler that reads the
    // socket's own stream leaves it false (issue 14).
    private volatile boolean bytesCounted;
    private volatile long messagesIn;
    private InputStream input; // reader thread only

    ReadSide(Owner<M> pair, ReadLoop<M> loop, long openedNanos) {
        this.pair = pair;
        this.loop = loop;
        this.lastReadNanos = openedNanos;
    }

    /** The reader's one run, on a side thread. */
    @Override
    public void run() {
        SideRun me = new SideRun();
        run = me;
        Throwable error = null;
        if (pair.isOpen()) { // after publishing the run: see the class notes
            try {
                loop.read(pair.context());
            } catch (Throwable t) { // user code
                error = t;
            }
        }
        exited(error);
        me.leave();
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            throw (VirtualMachineError) error; // after cleanup: let the thread's handler see it
        }
    }

    /** No thread could be had for the reader: nobody may wait for a side that never ran. */
    void neverStarted() {
        alive = false;
    }

    /** The reader's loop returned ({@code error == null}: end of stream) or threw. */
    void exited(Throwable error) {
        alive = false;
        if (error == null) {
            pair.closeWith(CloseReason.READER_EOF, null);
        } else { // a read that timed out on the socket's own SO_TIMEOUT is an idle timeout too
            pair.closeWith(error instanceof SocketTimeoutException ? CloseReason.IDLE_TIMEOUT : CloseReason.READER_ERROR, error);
        }
        pair.readerEnded();
    }

    /** The closer: ends a wait on a queue or lock (a socket read ends when the resource closes). */
    void wake() {
        SideRun r = run;
        if (r != null && alive) {
            r.wake();
        }
    }

    /** True if {@code t} runs this reader now. */
    boolean onThread(Thread t) {
        SideRun r = run;
        return r != null && r.thread == t && r.running();
    }

    /** The reader's run if {@code t} runs this reader now and it has not exited, else null. */
    SideRun runningOn(Thread t) {
        SideRun r = run;
        return r != null && alive && r.thread == t && r.running() ? r : null;
    }

    /** What keeps the side from having exited, or null if it has. */
    String notExited() {
        if (!alive) {
            return null;
        }
        return run == null ? "the reader never started" : "the reader did not exit";
    }

    InputStream input(AutoCloseable resource, StreamProgress progress) {
        InputStream in = input;
        if (in == null) {
            in = new CountingInputStream(SocketAdapters.rawInput(resource), progress);
            input = in;
            bytesCounted = true;
        }
        return in;
    }

    void markRead(long bytes, long nowNanos) {
        if (!bytesCounted) {
            bytesCounted = true;
        }
        if (bytes > 0) {
            BYTES.addAndGet(this, bytes);
        }
        lastReadNanos = nowNanos;
    }

    void markMessageIn() {
        MESSAGES.incrementAndGet(this);
    }

    long lastReadNanos() {
        return lastReadNanos;
    }

    long bytesIn() {
        return bytesIn;
    }

    boolean bytesCounted() {
        return bytesCounted;
    }

    long messagesIn() {
        return messagesIn;
    }

    /** The reader for a snapshot: its thread and stack while it runs. */
    PairSnapshot.Side side(long pairId) {
        SideRun r = run;
        if (r == null) {
            return new PairSnapshot.Side("(not started)", false, Thread.State.NEW, List.of());
        }
        if (alive && r.running()) {
            return r.side();
        }
        return new PairSnapshot.Side("tandem-" + pairId + "-reader", false, Thread.State.TERMINATED, List.of());
    }
}
