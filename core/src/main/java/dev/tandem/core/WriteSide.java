package dev.tandem.core;

import dev.tandem.stats.internal.JcTools;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A pair's writer side: the bounded outbound queue and its drain. No thread waits between bursts:
 * a {@code send} that finds the side idle schedules one drain on the manager's side threads; the
 * drain writes until the queue is empty, then releases the side.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>One state, moved by CAS</b> ({@link Drain}): IDLE → SCHEDULED (the send that wins the
 *       CAS submits the drain) → DRAINING (the drain, as it starts) → IDLE (the drain, with the
 *       queue empty). The close moves IDLE or SCHEDULED → ENDED and then releases the writer's
 *       token itself (a scheduled drain that starts later sees ENDED and returns without writing:
 *       no drain starts after close), or DRAINING → STOPPING, and then the drain, as it leaves,
 *       moves STOPPING → ENDED and releases the token. A drain that sees the pair closed before
 *       the closer's CAS moves DRAINING → ENDED itself. Whoever moves the state to ENDED releases
 *       the token: exactly once.</li>
 *   <li><b>No lost wake-up.</b> The sender offers, then reads the state; the drain sets IDLE,
 *       then reads the queue. Either the sender sees IDLE and schedules a drain, or the drain sees
 *       the message and takes DRAINING back by CAS; if both try, one CAS wins. A message sent
 *       during the release is never stranded (model-checked by {@code DrainLincheckTest}).</li>
 *   <li><b>The close cuts a drain off</b> (G1), Dekker-style on volatiles: the drain sets
 *       {@code writing}, then re-reads the pair's state; the closer moves the state, then reads
 *       {@code writing}. Either the drain sees the close and writes nothing more, or the closer
 *       sees the write and interrupts it ({@link SideRun#wake}: never after the drain left its
 *       pooled thread); closing the resource frees a blocked socket write.</li>
 *   <li><b>The reader writes its own sends</b> (opt-in, {@code readerWritesInline}): a send on the
 *       pair's reader thread that finds the side IDLE takes DRAINING by CAS itself, from IDLE,
 *       and runs the burst right there, with the reader's {@link SideRun} as the drain's, published
 *       after the CAS (before it, another drain may own {@code run}; the closer reads {@code run}
 *       only after {@code writing}, which the burst sets later). The message goes through the
 *       queue like any other, so what was queued before it is written first. After its budget
 *       ({@link PairHost#readerInlineBudget}: {@link #INLINE_BUDGET} messages in a manager) the
 *       reader releases the side (DRAINING → IDLE) and schedules a drain for the rest as a send
 *       would (IDLE → SCHEDULED): no new state, the same release and re-check. A send while
 *       DRAINING, on any thread, only queues: no burst runs inside another. The writer side never
 *       releases the pair's last token inside such a send (the reader, still running, holds its
 *       own), so no hook runs inside it.</li>
 *   <li><b>Made on demand.</b> A pair makes its side at its first send; until then it reads the
 *       shared {@link #UNUSED}, and a pair that closes first gets the shared {@link #ENDED_UNUSED}
 *       by the same CAS on its field (see {@code PairImpl.outbound}). Idle pairs that never sent
 *       (B4) hold no writer side at all.</li>
 *   <li><b>Threads.</b> Any thread calls {@link #send}; one drain at a time runs
 *       {@link #drain}; the closer calls {@link #close}; the timer and the dump read the progress
 *       fields racily (a stale read delays a write timeout by a tick). Drains follow one another
 *       through the state's CAS, so the fields written by one drain are seen by the next.</li>
 * </ul>
 */
final class WriteSide<M> {
    /** Where the writer side is: see the class notes. */
    enum Drain { IDLE, SCHEDULED, DRAINING, STOPPING, ENDED }

    /** The pair as its writer side sees it. */
    interface Owner<M> {
        long id();

        boolean isOpen();

        PairHost host();

        PairContext<M> context();

        /** Closes the pair; true if this call closed it. */
        boolean closeWith(CloseReason reason, Throwable cause);

        /** The writer side has ended: its token goes back to the teardown. */
        void writerEnded();

        /**
         * The run of the pair's reader if the calling thread is that reader and the manager lets a
         * reader write what it sends ({@link PairHost#readerInlineBudget}), else null.
         */
        SideRun inlineRun();
    }

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<WriteSide, Drain> STATE =
            AtomicReferenceFieldUpdater.newUpdater(WriteSide.class, Drain.class, "state");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<WriteSide, Queue> QUEUE =
            AtomicReferenceFieldUpdater.newUpdater(WriteSide.class, Queue.class, "queue");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<WriteSide> BYTES = AtomicLongFieldUpdater.newUpdater(WriteSide.class, "bytesOut");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<WriteSide> DROPPED = AtomicLongFieldUpdater.newUpdater(WriteSide.class, "dropped");

    /** The most messages a reader writes in one inline burst before it hands the rest on (a manager's budget). */
    static final int INLINE_BUDGET = 16;

    private final Owner<M> pair;
    private final MessageWriter<M> writer;
    private volatile Drain state = Drain.IDLE;
    private volatile Queue<M> queue; // made by the first send: idle pairs pay nothing for it
    private volatile SideRun run;    // the drain in progress, while DRAINING or STOPPING
    private volatile boolean writing;
    private volatile long writeProgressNanos;
    private volatile long messagesOut; // written by the drain in progress only
    private volatile int unsentInHand; // a message taken from the queue that was not written in full
    private volatile long bytesOut;
    private volatile long dropped;

    /** The writer side of a pair that has not sent yet, for reading: nothing queued, no drain. */
    static final WriteSide<Object> UNUSED = new WriteSide<>(Drain.IDLE);
    /** The writer side of a pair that closed before its first send: refuses every send. */
    @SuppressWarnings("rawtypes")
    static final WriteSide ENDED_UNUSED = new WriteSide<>(Drain.ENDED);

    WriteSide(Owner<M> pair, MessageWriter<M> writer) {
        this.pair = pair;
        this.writer = writer;
    }

    /** A shared side of no pair, fixed in {@code state}. */
    private WriteSide(Drain state) {
        this.pair = null;
        this.writer = null;
        this.state = state;
    }

    // ================================================================== send

    /** Queues {@code message} (the pair was seen OPEN) and schedules a drain if none runs. */
    SendResult send(M message) {
        if (pair == null) { // ENDED_UNUSED: the pair closed before its first send
            return SendResult.CLOSED;
        }
        Queue<M> q = queue;
        if (q == null) {
            q = createQueue();
        }
        if (!q.offer(message)) {
            if (pair.host().overflowPolicy() == OverflowPolicy.DROP_MESSAGE) {
                DROPPED.incrementAndGet(this);
                pair.host().messageDropped();
            } else {
                pair.closeWith(CloseReason.SLOW_CONSUMER, null);
            }
            return SendResult.OVERFLOW;
        }
        if (state == Drain.IDLE) {
            SideRun reader = pair.inlineRun();
            if (reader != null) {
                if (STATE.compareAndSet(this, Drain.IDLE, Drain.DRAINING)) {
                    drainOnReader(reader);
                }
            } else if (STATE.compareAndSet(this, Drain.IDLE, Drain.SCHEDULED) && !schedule()) {
                return SendResult.CLOSED; // the message is counted unsent: send never throws
            }
        }
        return SendResult.ACCEPTED;
    }

    /** Submits the drain (the caller moved IDLE → SCHEDULED); false if no thread could be had and the pair is closed. */
    private boolean schedule() {
        try {
            pair.host().runSide("tandem-" + pair.id() + "-writer", this::drain);
            return true;
        } catch (Throwable noThread) { // the close then ends the side (SCHEDULED → ENDED)
            pair.closeWith(CloseReason.THREAD_START_FAILED, new IllegalStateException(
                    "pair " + pair.id() + ": no thread could be had for the writer's drain", noThread));
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private Queue<M> createQueue() {
        Queue<M> fresh = JcTools.newGrowableMpscQueue(16, pair.host().queueCapacity());
        return QUEUE.compareAndSet(this, null, fresh) ? fresh : queue; // no lock on the user's object
    }

    // ================================================================== drain

    /** One burst, on a side thread: writes until the queue is empty or the pair closes. */
    void drain() {
        SideRun me = new SideRun();
        run = me;
        if (!STATE.compareAndSet(this, Drain.SCHEDULED, Drain.DRAINING)) {
            me.leave(); // the close ended the side before this drain began
            return;
        }
        Throwable error = burst(Integer.MAX_VALUE);
        me.leave();
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            throw (VirtualMachineError) error; // after cleanup: let the thread's handler see it
        }
    }

    /**
     * One burst on the pair's own reader thread, which took DRAINING from IDLE in its send. The
     * reader's run stands for the drain's (the closer's wake-up interrupts the reader, which the
     * close wakes anyway) and is not left here: the reader goes on reading.
     */
    private void drainOnReader(SideRun reader) {
        run = reader; // after the CAS: before it, another drain may own the side (see the class notes)
        Throwable error = burst(pair.host().readerInlineBudget());
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            throw (VirtualMachineError) error; // after cleanup, as a pooled drain would
        }
    }

    /** Writes while the side is DRAINING; ends the side if the pair closed. The user's error, if any. */
    private Throwable burst(int budget) {
        Throwable error = null;
        boolean ending = true;
        try {
            ending = writeUntilEmpty(budget);
        } catch (Throwable t) { // user code
            error = t;
        }
        if (ending) {
            // Only while the side is still this burst's (DRAINING or STOPPING until end()): once
            // released to IDLE, the next burst may already be inside a write, and clearing its flag
            // would hide that write from the write timeout and from the closer's wake-up. On the
            // release path the flag was cleared after the last write.
            writing = false;
        }
        if (error != null) {
            pair.closeWith(CloseReason.WRITER_ERROR, error);
        }
        if (ending) {
            end();
        }
        return error;
    }

    /**
     * True if the pair closed during the burst (this drain ends the side); false once released to
     * IDLE, with the queue empty or, after {@code budget} messages, what is left handed to a drain
     * on the side threads.
     */
    private boolean writeUntilEmpty(int budget) throws Exception {
        Queue<M> q = queue; // not null: a drain is scheduled only after an offer
        PairContext<M> ctx = pair.context();
        TimeSource clock = pair.host().clock();
        int left = budget;
        while (true) {
            if (left == 0) {
                return handOff(q);
            }
            M m = q.poll();
            if (m != null) {
                writeProgressNanos = clock.nanoTime();
                unsentInHand = 1;
                writing = true;
                if (!pair.isOpen()) { // re-check after announcing the write
                    return true;
                }
                writer.write(m, ctx); // if this throws, the message stays counted as unsent
                writing = false;
                unsentInHand = 0;
                messagesOut = messagesOut + 1;
                left--;
                continue;
            }
            if (!pair.isOpen() || !STATE.compareAndSet(this, Drain.DRAINING, Drain.IDLE)) {
                return true;
            }
            if (q.isEmpty() || !STATE.compareAndSet(this, Drain.IDLE, Drain.DRAINING)) {
                return false; // released: a send from now on schedules its own drain
            }
        }
    }

    /**
     * A reader's burst has written its budget: it releases the side and, if messages are left,
     * schedules a drain for them as a send would (the same release and re-check, so a message sent
     * meanwhile is never stranded). True if the pair closed first (this drain ends the side).
     */
    private boolean handOff(Queue<M> q) {
        if (!pair.isOpen() || !STATE.compareAndSet(this, Drain.DRAINING, Drain.IDLE)) {
            return true;
        }
        if (!q.isEmpty() && STATE.compareAndSet(this, Drain.IDLE, Drain.SCHEDULED)) {
            schedule();
        }
        return false;
    }

    /** The drain leaves a closed pair: it ends the side unless the close already did. */
    private void end() {
        while (true) {
            Drain s = state;
            switch (s) {
                case DRAINING, STOPPING -> {
                    if (STATE.compareAndSet(this, s, Drain.ENDED)) {
                        pair.writerEnded();
                        return;
                    }
                }
                case ENDED -> {
                    return;
                }
                default -> throw new IllegalStateException("pair " + pair.id() + ": a drain ends in state " + s);
            }
        }
    }

    // ================================================================== close

    /** The closer, once, after the pair left OPEN: ends an idle side now, or cuts the drain in progress off. */
    void close() {
        while (true) {
            Drain s = state;
            switch (s) {
                case IDLE, SCHEDULED -> {
                    if (STATE.compareAndSet(this, s, Drain.ENDED)) {
                        pair.writerEnded();
                        return;
                    }
                }
                case DRAINING -> {
                    if (STATE.compareAndSet(this, s, Drain.STOPPING)) {
                        if (writing) { // before run: a write seen in progress has its burst's run published
                            SideRun r = run;
                            if (r != null) {
                                r.wake(); // frees a write blocked on something other than the resource
                            }
                        }
                        return;
                    }
                }
                case ENDED -> {
                    return; // the drain saw the close first and ended the side
                }
                default -> throw new IllegalStateException("pair " + pair.id() + ": closed twice, writer side " + s);
            }
        }
    }

    // ================================================================== observation

    Drain state() {
        return state;
    }

    boolean writing() {
        return writing;
    }

    long writeProgressNanos() {
        return writeProgressNanos;
    }

    void markWritten(long bytes, long nowNanos) {
        if (pair == null) { // a shared side of no pair: bytes a handler writes after such a close are not counted
            return;
        }
        if (bytes > 0) {
            BYTES.addAndGet(this, bytes);
        }
        writeProgressNanos = nowNanos;
    }

    long bytesOut() {
        return bytesOut;
    }

    long messagesOut() {
        return messagesOut;
    }

    long dropped() {
        return dropped;
    }

    int queued() {
        Queue<M> q = queue;
        return q == null ? 0 : q.size();
    }

    /** Queued plus the one taken and not written in full: what the closed event reports as unsent. */
    int unsent() {
        return queued() + unsentInHand;
    }

    /** True if {@code t} runs this side's drain in progress. */
    boolean onDrainThread(Thread t) {
        SideRun r = run;
        return r != null && r.thread == t && r.running() && draining();
    }

    /** True while a drain runs (also one cut off by the close and not yet out). */
    boolean draining() {
        Drain s = state;
        return s == Drain.DRAINING || s == Drain.STOPPING;
    }

    /** The writer for a snapshot: the drain's thread and stack during a burst, else no thread. */
    PairSnapshot.Side side() {
        Drain s = state;
        SideRun r = run;
        return switch (s) {
            case IDLE -> PairSnapshot.Side.idle("(idle: no drain)");
            case SCHEDULED -> PairSnapshot.Side.idle("(drain scheduled)");
            case DRAINING, STOPPING -> r != null ? r.side() : PairSnapshot.Side.idle("(drain starting)");
            case ENDED -> new PairSnapshot.Side("(ended)", false, Thread.State.TERMINATED, List.of());
        };
    }
}
