package dev.tandem.core;

import dev.tandem.stats.internal.JcTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocket;

/**
 * One pair: the lifecycle state machine, the outbound queue, the writer loop and the teardown.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Threads.</b> The reader thread runs the user's {@link ReadLoop}; the writer thread runs
 *       {@link #writeLoop()}; any thread may call {@link #send}, {@link #close()} and the
 *       {@code mark*} methods; the manager's timer calls {@link #checkDeadlines}; hooks run on a
 *       side thread of this pair, or on a cleanup thread when a hook was cut off or a side is
 *       stuck.</li>
 *   <li><b>One atomic state.</b> {@link #life} holds an immutable {@link Life} (state, first
 *       reason and cause, close time), replaced only by CAS and only forward: OPEN → CLOSING →
 *       (STUCK →) CLOSED. The CAS out of OPEN is the single point that decides the close reason
 *       (G4) and that runs {@link #onClosing} exactly once (G2).</li>
 *   <li><b>Tokens before teardown.</b> {@link #pending} starts at 4: reader, writer, the closer
 *       (released once it has woken both sides) and the resource (released once closed). Hooks run
 *       when it reaches 0, so they always run after the resource is closed and after every wake-up
 *       (no interrupt can land in a hook), and the thread that releases the last token is the one
 *       that runs them (inline on a side thread or on the cleanup thread that closed the resource,
 *       else on a new cleanup thread, never on the timer or a caller's thread).</li>
 *   <li><b>Finish barrier.</b> {@link #finishBarrier} starts at 2: "tokens at 0" and "hooks done".
 *       The thread bringing it to 0 does the accounting, then moves to CLOSED, then completes the
 *       close future, exactly once: whoever sees CLOSED or the future sees the counts. A STUCK
 *       pair runs its hooks early (forced by the timer) and reaches CLOSED only if its stuck side
 *       ever exits.</li>
 *   <li><b>Hook runs.</b> Each hook run has a status moved by one CAS: the runner's (RUNNING →
 *       DONE) after the hook returns, or the timer's (RUNNING → CUT) at the deadline. The winner owns
 *       the rest of the chain; a cut-off runner waits for the timer's interrupt to land, absorbs it
 *       and stops, so no interrupt meant for one hook reaches another task. Each hook runs at most
 *       once; the rest always run.</li>
 *   <li><b>Writer wake-up.</b> Dekker-style on volatiles: the writer sets {@code writing} then
 *       re-reads the state; the closer moves the state then reads {@code writing}. Either the
 *       writer sees the close, or the closer sees the write and interrupts it. An idle writer parks
 *       with {@code writerParked} set and is unparked by {@code send} or close.</li>
 *   <li><b>Who closes the resource.</b> A JDK socket: the closer, at once (it does not block). Any
 *       other resource: the pair's writer on its way out when it was idle at the close (the closer
 *       asks it, see {@link #askWriterToClose}), else a cleanup thread; never the timer or a
 *       caller's thread.</li>
 *   <li><b>Benign races.</b> A {@code send} that read OPEN just before a close may still enqueue:
 *       the message is reported as unsent. Progress fields are written by one thread each and read
 *       racily by the timer: a read that is a tick stale only delays a timeout by a tick.</li>
 * </ul>
 */
final class PairImpl<M> implements ConnectionPair<M>, PairContext<M> {
    private static final CleanupHook[] SEALED = new CleanupHook[0];
    private static final AtomicLongFieldUpdater<PairImpl<?>> BYTES_IN = updater("bytesIn");
    private static final AtomicLongFieldUpdater<PairImpl<?>> BYTES_OUT = updater("bytesOut");
    private static final AtomicLongFieldUpdater<PairImpl<?>> MESSAGES_IN = updater("messagesIn");
    private static final AtomicLongFieldUpdater<PairImpl<?>> DROPPED = updater("messagesDropped");
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<PairImpl<?>> CLOSE_REQUEST =
            (java.util.concurrent.atomic.AtomicIntegerFieldUpdater)
                    java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(PairImpl.class, "closeRequest");
    private static final int CLOSE_NONE = 0;
    private static final int CLOSE_ASKED = 1; // the closer asked the idle writer to close the resource
    private static final int CLOSE_TAKEN = 2; // the writer, or the closer that saw it gone, took the request
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final java.util.concurrent.atomic.AtomicReferenceFieldUpdater<PairImpl, Queue> OUTBOUND =
            java.util.concurrent.atomic.AtomicReferenceFieldUpdater.newUpdater(PairImpl.class, Queue.class, "outbound");

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AtomicLongFieldUpdater<PairImpl<?>> updater(String field) {
        return (AtomicLongFieldUpdater) AtomicLongFieldUpdater.newUpdater(PairImpl.class, field);
    }

    /** The lifecycle record: replaced, never mutated. */
    static final class Life {
        static final Life OPEN = new Life(PairState.OPEN, null, null, 0);

        final PairState state;
        final CloseReason reason;
        final Throwable cause;
        final long closeStartNanos;

        Life(PairState state, CloseReason reason, Throwable cause, long closeStartNanos) {
            this.state = state;
            this.reason = reason;
            this.cause = cause;
            this.closeStartNanos = closeStartNanos;
        }

        Life with(PairState next) {
            return new Life(next, reason, cause, closeStartNanos);
        }
    }

    /**
     * One run of one hook. Its status decides, by CAS, who owns what comes next: the runner (DONE)
     * or the timer that cut the hook off (CUT). A cut-off runner waits for the timer's interrupt to
     * land and absorbs it, so the interrupt can never reach the next task of that thread.
     */
    private static final class HookRun {
        static final int RUNNING = 0;
        static final int DONE = 1;
        static final int CUT = 2;

        final int index;
        final long startNanos;
        final Thread thread;
        final AtomicInteger status = new AtomicInteger(RUNNING);
        volatile boolean interruptSent;

        HookRun(int index, long startNanos, Thread thread) {
            this.index = index;
            this.startNanos = startNanos;
            this.thread = thread;
        }
    }

    final long id;
    private final PairHost mgr;
    private final AutoCloseable resource;
    private final ReadLoop<M> reader;
    private final MessageWriter<M> writer;
    private final long openedNanos;
    private final long openedMillis;

    private final AtomicReference<Life> life = new AtomicReference<>(Life.OPEN);
    private final AtomicReference<CleanupHook[]> hooks;
    private final AtomicInteger pending = new AtomicInteger(4);
    private final AtomicInteger finishBarrier = new AtomicInteger(2);
    private volatile HookRun hookRun;
    private final java.util.concurrent.atomic.AtomicBoolean teardownClaimed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile CleanupHook[] hookChain; // set once by onClosing
    private final CompletableFuture<CloseInfo> closeFuture = new CompletableFuture<>();
    private final List<Throwable> laterFailures = Collections.synchronizedList(new ArrayList<>(2));

    /** 0: never stuck; 1: declared STUCK (counted); 2: finished. One CAS each way, so the stuck count is exact. */
    private final AtomicInteger stuckFlag = new AtomicInteger();
    private volatile boolean resourceClosed;
    private volatile int closeRequest; // CLOSE_NONE, CLOSE_ASKED, CLOSE_TAKEN: see askWriterToClose
    private volatile Thread resourceCloser;
    private volatile String description; // the resource, described before it was closed
    private volatile Thread readerThread;
    private volatile Thread writerThread;
    private volatile boolean readerAlive = true;
    private volatile boolean writerAlive = true;

    private volatile Queue<M> outbound; // created on the first send: idle pairs pay nothing for it
    private volatile boolean writerParked;
    private volatile boolean writing;
    private volatile long writeProgressNanos;
    private volatile long lastReadNanos;

    private volatile long bytesIn;
    private volatile long bytesOut;
    // Whether Tandem saw the bytes: set once input()/output() or markRead/markWritten is used; a
    // handler that reads or writes the socket's own streams leaves them false (issue 14).
    private volatile boolean bytesInCounted;
    private volatile boolean bytesOutCounted;
    private volatile long messagesIn;
    private volatile long messagesOut; // writer thread only
    private volatile long messagesDropped;
    private volatile int unsentInHand; // a message taken from the queue that was not written in full

    private InputStream input;   // reader thread only
    private OutputStream output; // writer thread only

    PairImpl(long id, PairHost mgr, AutoCloseable resource, ReadLoop<M> reader, MessageWriter<M> writer,
             CleanupHook[] pairHooks) {
        this.id = id;
        this.mgr = mgr;
        this.resource = resource;
        this.reader = reader;
        this.writer = writer;
        this.hooks = new AtomicReference<>(pairHooks);
        this.openedNanos = mgr.clock().nanoTime();
        this.openedMillis = mgr.clock().currentTimeMillis();
        this.lastReadNanos = openedNanos;
    }

    // ================================================================== start

    /**
     * Starts both sides; a side that cannot start closes the pair with
     * {@link CloseReason#THREAD_START_FAILED} and releases its token.
     *
     * @return null, or why a side could not start (the pair is then closing)
     */
    Throwable start() {
        Throwable[] writerFactoryFailure = new Throwable[1];
        Throwable[] readerFactoryFailure = new Throwable[1];
        Thread w = newSide(this::runWriter, "writer", writerFactoryFailure);
        Thread r = newSide(this::runReader, "reader", readerFactoryFailure);
        writerThread = w;
        readerThread = r;
        Throwable writerFailure = startOrFail(w, false, writerFactoryFailure[0]);
        Throwable readerFailure = startOrFail(r, true, readerFactoryFailure[0]);
        return writerFailure != null ? writerFailure : readerFailure;
    }

    /** The side's thread, or null with the factory's failure in {@code failure[0]}. */
    private Thread newSide(Runnable body, String side, Throwable[] failure) {
        Thread t;
        try {
            t = mgr.threads().newThread(body);
        } catch (Throwable e) { // user code (the thread factory), or the JVM out of threads
            failure[0] = e;
            return null;
        }
        if (t != null) {
            t.setName("tandem-" + id + "-" + side);
        }
        return t;
    }

    private Throwable startOrFail(Thread t, boolean isReader, Throwable factoryFailure) {
        String side = isReader ? "reader" : "writer";
        Throwable failure;
        if (t == null) {
            failure = new IllegalStateException("pair " + id + ": the thread factory "
                    + (factoryFailure == null ? "returned no thread" : "threw") + " for the " + side, factoryFailure);
        } else {
            try {
                t.start();
                return null;
            } catch (Throwable e) {
                failure = new IllegalStateException("pair " + id + ": the " + side + " thread would not start", e);
            }
        }
        if (isReader) { // before the close: nobody may wait for a side that never ran
            readerAlive = false;
        } else {
            writerAlive = false;
        }
        closeWith(CloseReason.THREAD_START_FAILED, failure);
        release();
        return failure;
    }

    // ================================================================== sides

    private void runReader() {
        Throwable error = null;
        try {
            reader.read(this);
        } catch (Throwable t) { // user code
            error = t;
        }
        readerExited(error);
        rethrowIfFatal(error);
    }

    /** The reader's loop returned ({@code error == null}: end of stream) or threw. */
    void readerExited(Throwable error) {
        readerAlive = false;
        if (error == null) {
            closeWith(CloseReason.READER_EOF, null);
        } else {
            closeWith(classifyReadError(error), error);
        }
        release();
    }

    /** A read that timed out on the socket's own SO_TIMEOUT is an idle timeout too. */
    private static CloseReason classifyReadError(Throwable error) {
        return error instanceof java.net.SocketTimeoutException ? CloseReason.IDLE_TIMEOUT : CloseReason.READER_ERROR;
    }

    private void runWriter() {
        Throwable error = null;
        try {
            writeLoop();
        } catch (Throwable t) { // user code
            error = t;
        }
        writerExited(error);
        rethrowIfFatal(error);
    }

    /**
     * The writer loop ended: because the pair closed ({@code error == null}) or a write threw. If
     * the closer asked this writer to close the resource (see {@link #askWriterToClose}), it
     * does so now, on its way out.
     */
    void writerExited(Throwable error) {
        writing = false;
        writerAlive = false; // before taking the request: see askWriterToClose
        if (error != null) {
            closeWith(CloseReason.WRITER_ERROR, error);
        }
        if (CLOSE_REQUEST.compareAndSet(this, CLOSE_ASKED, CLOSE_TAKEN)) {
            Thread.interrupted(); // a closer that saw this writer announce a write interrupted it: not the close's business
            closeResourceNow(false);
        }
        release();
    }

    /** Drains the outbound queue in order until the pair closes. */
    private void writeLoop() throws Exception {
        while (true) {
            Queue<M> q = outbound;
            M m = q == null ? null : q.poll();
            if (m != null) {
                writeProgressNanos = mgr.clock().nanoTime();
                unsentInHand = 1;
                writing = true;
                if (life.get().state != PairState.OPEN) { // re-check after announcing the write
                    return;
                }
                writer.write(m, this); // if this throws, the message stays counted as unsent
                writing = false;
                unsentInHand = 0;
                messagesOut = messagesOut + 1;
                continue;
            }
            if (life.get().state != PairState.OPEN) {
                return;
            }
            writerParked = true;
            q = outbound;
            if ((q == null || q.isEmpty()) && life.get().state == PairState.OPEN) {
                LockSupport.park(this);
            }
            writerParked = false;
            if (Thread.interrupted() && life.get().state == PairState.OPEN) {
                throw new InterruptedException("writer thread interrupted");
            }
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t; // after cleanup: let the thread's handler see it
        }
    }

    // ================================================================== send

    @Override
    public SendResult send(M message) {
        Objects.requireNonNull(message, "message");
        if (life.get().state != PairState.OPEN) {
            return SendResult.CLOSED;
        }
        Queue<M> q = outbound;
        if (q == null) {
            q = createOutbound();
        }
        if (!q.offer(message)) {
            if (mgr.overflowPolicy() == OverflowPolicy.DROP_MESSAGE) {
                DROPPED.incrementAndGet(this);
                mgr.messageDropped();
            } else {
                closeWith(CloseReason.SLOW_CONSUMER, null);
            }
            return SendResult.OVERFLOW;
        }
        if (writerParked) {
            Thread w = writerThread;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
        return SendResult.ACCEPTED;
    }

    private Queue<M> createOutbound() {
        Queue<M> fresh = JcTools.newGrowableMpscQueue(16, mgr.queueCapacity());
        return OUTBOUND.compareAndSet(this, null, fresh) ? fresh : outbound; // no lock on the user's object
    }

    @Override
    public int queuedMessages() {
        Queue<M> q = outbound;
        return q == null ? 0 : q.size();
    }

    // ================================================================== close

    @Override
    public boolean close() {
        return closeWith(CloseReason.EXPLICIT, null);
    }

    /** The one way out of OPEN. Non-blocking for JDK sockets; never runs hooks on the caller. */
    boolean closeWith(CloseReason reason, Throwable cause) {
        Life cur = life.get();
        while (cur.state == PairState.OPEN) {
            Life next = new Life(PairState.CLOSING, reason, cause, mgr.clock().nanoTime());
            if (life.compareAndSet(cur, next)) {
                onClosing();
                return true;
            }
            cur = life.get();
        }
        if (cause != null) {
            addLaterFailure(cause);
        }
        return false;
    }

    /** Runs once, on the thread that won the close: seal hooks, wake both sides, close the resource. */
    private void onClosing() {
        hookChain = concat(hooks.getAndSet(SEALED), mgr.hooks());
        description = describe(resource); // while its addresses are still known
        Thread me = Thread.currentThread();
        boolean inline = closesWithoutBlocking(resource);
        boolean asked = !inline && askWriterToClose(me); // before the wake-up, so the woken writer sees it
        Thread r = readerThread;
        if (r != null && r != me && readerAlive) {
            r.interrupt(); // ends a wait on a queue or lock; a socket read ends when the resource closes
        }
        Thread w = writerThread;
        if (w != null && w != me) {
            if (writing) {
                w.interrupt(); // frees a write blocked on something other than the resource
            } else {
                LockSupport.unpark(w);
            }
        }
        if (inline) {
            closeResourceNow(false);
        } else if (!asked || !writerTakes(me)) {
            try {
                mgr.runOffThread(() -> closeResourceNow(true)); // user code: never on the caller or the timer
            } catch (Throwable rejected) { // cleanup pool gone (after shutdown): close here, it is all we can do
                closeResourceNow(false);
            }
        }
        release(); // the closer's token: every wake-up above happened before any hook can start
    }

    /**
     * A resource that may block in {@code close()} is closed by the pair's own writer when the
     * writer is idle: it is about to be woken and leave its loop, so no other thread is needed (a
     * million idle pairs shut down without a million cleanup threads). Not when the writer is in a
     * write (it may be blocked on the very resource), has exited, or never started: then a cleanup
     * thread closes it. Called once, on the closer's thread, from {@link #onClosing()}, before it
     * wakes the writer: a writer woken first could leave before the request exists.
     *
     * <p>Dekker-style with {@link #writerExited}: the closer publishes the request, then (in
     * {@link #writerTakes}) reads {@code writerAlive}; the writer clears {@code writerAlive}, then
     * takes the request by CAS. Either the writer takes it, or the closer sees the writer gone and
     * takes it back by CAS: the resource is closed exactly once. An idle writer ({@code writing}
     * false after the close moved the state) never enters user code again (see the writer wake-up in
     * the class notes).
     *
     * @return true if the request was published
     */
    private boolean askWriterToClose(Thread me) {
        Thread w = writerThread;
        if (w == null || writing || !(writerAlive || me == w)) {
            return false;
        }
        closeRequest = CLOSE_ASKED;
        return true;
    }

    /** After {@link #askWriterToClose}: true if the writer closes the resource, false if the closer must. */
    private boolean writerTakes(Thread me) {
        if (me == writerThread) {
            return true; // the writer is leaving (writerExited): it takes the request right after this close
        }
        return writerAlive || !CLOSE_REQUEST.compareAndSet(this, CLOSE_ASKED, CLOSE_TAKEN);
    }

    /** {@code onCleanupThread}: this runs on a cleanup thread, which may then run the hooks too. */
    private void closeResourceNow(boolean onCleanupThread) {
        resourceCloser = Thread.currentThread();
        try {
            resource.close();
        } catch (Throwable t) {
            addLaterFailure(t);
        }
        resourceCloser = null;
        resourceClosed = true;
        release(onCleanupThread);
    }

    /** What keeps a closing pair from finishing, for the STUCK report. */
    String whatIsStuck() {
        StringBuilder sb = new StringBuilder();
        if (readerAlive && readerThread != null) {
            sb.append("the reader did not exit");
        }
        if (writerAlive && writerThread != null) {
            sb.append(sb.length() == 0 ? "" : "; ").append("the writer did not exit");
        }
        if (!resourceClosed) {
            sb.append(sb.length() == 0 ? "" : "; ").append("the resource's close() has not returned");
            Thread closer = resourceCloser;
            if (closer != null) {
                sb.append(" (").append(closer.getName()).append(" is in it:");
                for (StackTraceElement e : closer.getStackTrace()) {
                    sb.append("\n\t").append(e);
                }
                sb.append(')');
            }
        }
        return sb.length() == 0 ? "a teardown step did not finish" : sb.toString();
    }

    /**
     * JDK sockets close without waiting for the peer or for a thread blocked in I/O on them, unless
     * SO_LINGER is set (then close waits up to the linger time) or TLS wants to say goodbye.
     */
    private static boolean closesWithoutBlocking(AutoCloseable r) {
        try {
            if (r instanceof SocketChannel) {
                Integer linger = ((SocketChannel) r).getOption(java.net.StandardSocketOptions.SO_LINGER);
                return linger == null || linger <= 0;
            }
            return r instanceof Socket && !(r instanceof SSLSocket) && ((Socket) r).getSoLinger() <= 0;
        } catch (IOException | RuntimeException closedOrUnsupported) {
            return false; // when in doubt, off the caller's thread
        }
    }

    private void addLaterFailure(Throwable t) {
        Throwable first = life.get().cause;
        if (t == first) {
            return;
        }
        laterFailures.add(t);
        if (first != null) {
            first.addSuppressed(t); // Throwable.addSuppressed is thread-safe
        }
    }

    // ================================================================== teardown

    /** Releases one of the four tokens; the last one starts the teardown, or finishes a STUCK pair. */
    private void release() {
        release(false);
    }

    /**
     * As {@link #release()}; {@code onCleanupThread} says the caller is a cleanup thread (closing the
     * resource), which may run the hooks itself instead of handing them to yet another one.
     */
    private void release(boolean onCleanupThread) {
        if (pending.decrementAndGet() != 0) {
            return;
        }
        finishStep(); // "every token released" counts once
        if (teardownClaimed.compareAndSet(false, true)) { // not claimed already by the STUCK path
            startTeardown(onCleanupThread);
        }
    }

    private void startTeardown(boolean onCleanupThread) {
        Thread me = Thread.currentThread();
        if (onCleanupThread || me == readerThread || me == writerThread) {
            runHooksFrom(0);
        } else {
            mgr.runOffThread(() -> runHooksFrom(0));
        }
    }

    /** Runs hooks {@code i} onwards, in order, until one is cut off (the timer then owns the rest). */
    private void runHooksFrom(int i) {
        CleanupHook[] chain = hookChain;
        CloseInfo info = null;
        while (i < chain.length) {
            if (info == null) {
                info = closeInfo(stuckNow());
            }
            Thread.interrupted(); // a hook starts with a clean interrupt status
            HookRun run = new HookRun(i, mgr.clock().nanoTime(), Thread.currentThread());
            hookRun = run;
            Throwable thrown = null;
            try {
                chain[i].run(info);
            } catch (Throwable t) { // user code
                thrown = t;
            }
            if (!run.status.compareAndSet(HookRun.RUNNING, HookRun.DONE)) {
                while (!run.interruptSent) {
                    Thread.onSpinWait(); // the timer interrupts right after its CAS: a few instructions away
                }
                Thread.interrupted();
                return; // cut off and already reported; a cleanup thread runs the rest
            }
            if (thrown != null) {
                CleanupHookException f = CleanupHookException.threw(id, i, chain[i], thrown);
                addLaterFailure(f);
                mgr.hookFailed(this, f);
            }
            i++;
        }
        hookRun = null;
        Thread.interrupted();
        hooksDone();
    }

    private void hooksDone() {
        if (!closeFuture.isDone() && life.get().state == PairState.STUCK) {
            closeFuture.complete(closeInfo(true)); // waiters learn now; CLOSED follows if the side ever exits
        }
        finishStep();
    }

    private void finishStep() {
        if (finishBarrier.decrementAndGet() != 0) {
            return;
        }
        boolean wasStuck = stuckFlag.getAndSet(2) == 1;
        CloseInfo info = closeInfo(wasStuck);
        mgr.onClosed(this, info, wasStuck); // counts first: whoever sees CLOSED or the future done sees them too
        Life cur = life.get();
        while (cur.state != PairState.CLOSED) {
            if (life.compareAndSet(cur, cur.with(PairState.CLOSED))) {
                break;
            }
            cur = life.get();
        }
        closeFuture.complete(info);
    }

    private boolean stuckNow() {
        return life.get().state == PairState.STUCK;
    }

    CloseInfo closeInfo(boolean stuck) {
        Life l = life.get();
        long lifetime = l.closeStartNanos == 0 ? 0 : l.closeStartNanos - openedNanos;
        List<Throwable> later;
        synchronized (laterFailures) {
            later = List.copyOf(laterFailures);
        }
        Queue<M> q = outbound;
        return new CloseInfo(id, l.reason, l.cause, later, openedMillis, Duration.ofNanos(Math.max(0, lifetime)),
                bytesIn, bytesOut, messagesIn, messagesOut, (q == null ? 0 : q.size()) + unsentInHand,
                messagesDropped, stuck, bytesInCounted, bytesOutCounted);
    }

    // ================================================================== timer

    /**
     * Called by the manager's timer thread. Never blocks; runs no hook and no resource close (it
     * hands those to cleanup threads).
     */
    void checkDeadlines(long now, long idleNanos, long writeNanos, long graceNanos, long hookNanos) {
        Life l = life.get();
        switch (l.state) {
            case OPEN:
                if (idleNanos > 0 && now - lastReadNanos > idleNanos) {
                    closeWith(CloseReason.IDLE_TIMEOUT, null);
                } else if (writeNanos > 0 && writing && now - writeProgressNanos > writeNanos) {
                    closeWith(CloseReason.WRITE_TIMEOUT, null);
                }
                break;
            case CLOSING:
                if (pending.get() > 0 && now - l.closeStartNanos > graceNanos && hookChain != null) {
                    markStuck(l, now);
                }
                checkHookDeadline(now, hookNanos);
                break;
            case STUCK:
                checkHookDeadline(now, hookNanos);
                break;
            case CLOSED:
                break;
            default:
                throw new IllegalStateException("pair " + id + " in state " + l.state);
        }
    }

    /** Shutdown's deadline passed: a pair whose sides have not exited is STUCK now, grace or not. */
    void forceStuck(long now) {
        Life l = life.get();
        if (l.state == PairState.CLOSING && pending.get() > 0 && hookChain != null) {
            markStuck(l, now);
        }
    }

    private void markStuck(Life closing, long now) {
        if (!life.compareAndSet(closing, closing.with(PairState.STUCK))) {
            return;
        }
        if (stuckFlag.compareAndSet(0, 1)) { // not if the pair finished in the meantime
            mgr.onStuck(this, whatIsStuck(), snapshot(), now - closing.closeStartNanos);
        }
        if (teardownClaimed.compareAndSet(false, true)) {
            mgr.runOffThread(() -> runHooksFrom(0)); // hooks still run, exactly once, on a cleanup thread
        }
    }

    private void checkHookDeadline(long now, long hookNanos) {
        HookRun run = hookRun;
        if (run == null || now - run.startNanos <= hookNanos
                || !run.status.compareAndSet(HookRun.RUNNING, HookRun.CUT)) {
            return; // none running, within its deadline, or it finished just now
        }
        StackTraceElement[] where = run.thread.getStackTrace();
        run.thread.interrupt(); // the runner waits for this before it leaves the hook
        run.interruptSent = true;
        CleanupHookException timeout = CleanupHookException.timedOut(id, run.index, Duration.ofNanos(hookNanos), where);
        addLaterFailure(timeout);
        mgr.hookFailed(this, timeout);
        int next = run.index + 1;
        mgr.runOffThread(() -> runHooksFrom(next));
    }

    // ================================================================== context

    @Override
    public ConnectionPair<M> pair() {
        return this;
    }

    @Override
    public AutoCloseable resource() {
        return resource;
    }

    @Override
    public InputStream input() {
        InputStream in = input;
        if (in == null) {
            in = new CountingInputStream(rawInput(), this);
            input = in;
            bytesInCounted = true;
        }
        return in;
    }

    @Override
    public OutputStream output() {
        OutputStream out = output;
        if (out == null) {
            out = new CountingOutputStream(rawOutput(), this);
            output = out;
            bytesOutCounted = true;
        }
        return out;
    }

    private InputStream rawInput() {
        try {
            if (resource instanceof Socket) {
                return ((Socket) resource).getInputStream();
            }
            if (resource instanceof SocketChannel) {
                // The socket adaptor's stream, not Channels.newInputStream: on JDK 17 that one holds the
                // channel's blocking lock during a read, which would block the writer behind the reader.
                return ((SocketChannel) resource).socket().getInputStream();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new UnsupportedOperationException("input() needs a Socket or SocketChannel resource, not "
                + resource.getClass().getName() + "; report reads with markRead(bytes)");
    }

    private OutputStream rawOutput() {
        try {
            if (resource instanceof Socket) {
                return ((Socket) resource).getOutputStream();
            }
            if (resource instanceof SocketChannel) {
                return ((SocketChannel) resource).socket().getOutputStream(); // see rawInput()
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new UnsupportedOperationException("output() needs a Socket or SocketChannel resource, not "
                + resource.getClass().getName() + "; report writes with markWritten(bytes)");
    }

    @Override
    public void markRead(long bytes) {
        if (!bytesInCounted) {
            bytesInCounted = true;
        }
        if (bytes > 0) {
            BYTES_IN.addAndGet(this, bytes);
        }
        lastReadNanos = mgr.clock().nanoTime();
    }

    /**
     * The peer ended its side, seen through {@link #input()}: the pair closes now, as G1 asks, and
     * the reader's own thread is interrupted (a closer never interrupts itself) so that whatever the
     * read loop does on its way out cannot block forever: the story's stats {@code put} included.
     */
    void endOfInput() {
        if (closeWith(CloseReason.READER_EOF, null) && Thread.currentThread() == readerThread) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void markMessageIn() {
        MESSAGES_IN.incrementAndGet(this);
    }

    @Override
    public void markWritten(long bytes) {
        if (!bytesOutCounted) {
            bytesOutCounted = true;
        }
        if (bytes > 0) {
            BYTES_OUT.addAndGet(this, bytes);
        }
        writeProgressNanos = mgr.clock().nanoTime();
    }

    @Override
    public boolean isOpen() {
        return life.get().state == PairState.OPEN;
    }

    // ================================================================== observation

    @Override
    public long id() {
        return id;
    }

    @Override
    public PairState state() {
        return life.get().state;
    }

    CloseReason reason() {
        return life.get().reason;
    }

    long openedNanos() {
        return openedNanos;
    }

    Thread readerThread() {
        return readerThread;
    }

    Thread writerThread() {
        return writerThread;
    }

    @Override
    public CompletionStage<CloseInfo> closeFuture() {
        return closeFuture.minimalCompletionStage();
    }

    @Override
    public boolean addCleanupHook(CleanupHook hook) {
        Objects.requireNonNull(hook, "hook");
        while (true) {
            CleanupHook[] cur = hooks.get();
            if (cur == SEALED) {
                return false;
            }
            CleanupHook[] next = Arrays.copyOf(cur, cur.length + 1);
            next[cur.length] = hook;
            if (hooks.compareAndSet(cur, next)) {
                return true;
            }
        }
    }

    @Override
    public PairSnapshot snapshot() {
        long now = mgr.clock().nanoTime();
        Life l = life.get();
        long stalled = writing ? Math.max(0, now - writeProgressNanos) / 1_000_000 : 0;
        String what = description;
        return new PairSnapshot(id, l.state, l.reason, what != null ? what : describe(resource),
                (now - openedNanos) / 1_000_000, l.closeStartNanos == 0 ? 0 : (now - l.closeStartNanos) / 1_000_000,
                Math.max(0, now - lastReadNanos) / 1_000_000, stalled, bytesIn, bytesOut, messagesIn, messagesOut,
                queuedMessages(), side(readerThread, readerAlive), side(writerThread, writerAlive));
    }

    private PairSnapshot.Side side(Thread t, boolean alive) {
        if (t == null) {
            return new PairSnapshot.Side("(not started)", false, Thread.State.NEW, List.of());
        }
        boolean running = alive && t.isAlive();
        List<StackTraceElement> stack = running ? List.of(t.getStackTrace()) : List.of();
        return new PairSnapshot.Side(t.getName(), running, t.getState(), stack);
    }

    static String describe(AutoCloseable r) {
        if (r instanceof Socket) {
            Socket s = (Socket) r;
            return "socket local=" + s.getLocalSocketAddress() + " remote=" + s.getRemoteSocketAddress();
        }
        if (r instanceof SocketChannel) {
            SocketChannel c = (SocketChannel) r;
            try {
                return "channel local=" + c.getLocalAddress() + " remote=" + c.getRemoteAddress();
            } catch (IOException | RuntimeException closed) {
                return "channel (closed)";
            }
        }
        return r.getClass().getName();
    }

    private static CleanupHook[] concat(CleanupHook[] a, CleanupHook[] b) {
        if (b.length == 0) {
            return a;
        }
        CleanupHook[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public String toString() {
        Life l = life.get();
        return "ConnectionPair{id=" + id + ", " + l.state + (l.reason == null ? "" : " " + l.reason) + '}';
    }
}
