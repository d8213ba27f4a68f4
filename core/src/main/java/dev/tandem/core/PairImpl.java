package dev.tandem.core;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One pair: its lifecycle and the context its handlers see. The read side is a {@link ReadSide},
 * the writer side a {@link WriteSide} (made by the first send), the teardown a {@link Teardown}
 * made at close, the resource's kind is {@link SocketAdapters}' business.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Threads.</b> The reader runs the user's {@link ReadLoop} on a side thread of the manager
 *       (pooled platform threads, or a virtual thread); drains run the {@link MessageWriter} on
 *       the same pool, one burst at a time; any thread may call {@link #send}, {@link #close()} and
 *       the {@code mark*} methods; the manager's timer calls {@link #checkDeadlines}.</li>
 *   <li><b>One atomic state.</b> {@code life} holds an immutable {@link Life}, replaced only by CAS
 *       and only forward: OPEN → CLOSING → (STUCK →) CLOSED. The CAS out of OPEN is the single point
 *       that decides the close reason (G4), publishes the {@link Teardown} and runs
 *       {@link #onClosing} exactly once (G2).</li>
 *   <li><b>The close, in order</b> (on the thread that won it): seal the hooks; wake the reader
 *       ({@link SideRun#wake}: never an interrupt after it left its pooled thread); end the writer
 *       side or cut its drain off ({@link WriteSide#close}); close the resource; release the
 *       closer's token. So every wake-up happens before any hook can start.</li>
 *   <li><b>Who closes the resource</b>: exactly one party, chosen once by the closer. A JDK socket
 *       (its close does not block), or any resource when the closer is this pair's own reader or
 *       drain (it is leaving anyway): the closer, at once. Any other resource from any other
 *       thread: one task on a cleanup thread; never the timer or a caller's thread.</li>
 *   <li><b>Reader start</b>: see {@link ReadSide}.</li>
 *   <li><b>Benign races.</b> A {@code send} that read OPEN just before a close may still enqueue
 *       and return ACCEPTED: the message is never written; it is reported as unsent if it was
 *       queued before the close counted the queue, else in neither count (the Lincheck model
 *       {@code InlineDrainLincheckTest} reaches this). Progress fields are written by one thread each and read
 *       racily by the timer: a read that is a tick stale only delays a timeout by a tick.</li>
 * </ul>
 */
final class PairImpl<M> implements ConnectionPair<M>, PairContext<M>, StreamProgress, Teardown.Owner,
        ReadSide.Owner<M>, WriteSide.Owner<M> {
    private static final CleanupHook[] SEALED = new CleanupHook[0];
    /** The hooks of a pair opened without its own: shared (the array is copied on add, never written). */
    static final CleanupHook[] NO_HOOKS = new CleanupHook[0];
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PairImpl, Life> LIFE =
            AtomicReferenceFieldUpdater.newUpdater(PairImpl.class, Life.class, "life");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PairImpl, CleanupHook[]> HOOKS =
            AtomicReferenceFieldUpdater.newUpdater(PairImpl.class, CleanupHook[].class, "hooks");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PairImpl, CompletableFuture> FUTURE =
            AtomicReferenceFieldUpdater.newUpdater(PairImpl.class, CompletableFuture.class, "closeFuture");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PairImpl, WriteSide> OUT =
            AtomicReferenceFieldUpdater.newUpdater(PairImpl.class, WriteSide.class, "out");

    final long id;
    private final PairHost host;
    private final AutoCloseable resource;
    private final ReadSide<M> in;
    private final MessageWriter<M> writer;
    private volatile WriteSide<M> out; // made by the first send (or write mark): see outbound()
    private final long openedNanos;
    private final long openedMillis;

    private volatile Life life = Life.OPEN;
    private volatile CleanupHook[] hooks;
    private volatile CompletableFuture<CloseInfo> closeFuture; // made when first asked for, or at the end
    // Whether Tandem saw the bytes out: set once output() or markWritten is used; a handler that
    // writes the socket's own stream leaves it false (issue 14). The read side keeps its own.
    private volatile boolean bytesOutCounted;
    private volatile OutputStream output; // drains follow one another

    PairImpl(long id, PairHost host, AutoCloseable resource, ReadLoop<M> reader, MessageWriter<M> writer,
             CleanupHook[] pairHooks) {
        this.id = id;
        this.host = host;
        this.resource = resource;
        this.writer = writer;
        this.hooks = pairHooks;
        this.openedNanos = host.clock().nanoTime();
        this.openedMillis = host.clock().currentTimeMillis();
        this.in = new ReadSide<>(this, reader, openedNanos);
    }

    // ================================================================== reader

    /**
     * Starts the reader; the writer side starts idle, with no thread. A reader that gets no thread
     * (the factory threw or returned null, the thread would not start, the pool refused) closes the
     * pair with {@link CloseReason#THREAD_START_FAILED}.
     *
     * @return null, or why the reader could not start (the pair is then closing)
     */
    Throwable start() {
        try {
            host.runSide("tandem-" + id + "-reader", in);
            return null;
        } catch (Throwable noThread) { // user code (the thread factory), or the JVM out of threads
            in.neverStarted(); // before the close: nobody may wait for a side that never ran
            IllegalStateException failure = new IllegalStateException(
                    "pair " + id + ": no thread could be had for the reader", noThread);
            closeWith(CloseReason.THREAD_START_FAILED, failure);
            life.teardown().release();
            return failure;
        }
    }

    /** The reader's loop returned ({@code error == null}: end of stream) or threw. */
    void readerExited(Throwable error) {
        in.exited(error);
    }

    @Override
    public void readerEnded() {
        life.teardown().release();
    }

    // ================================================================== send and close

    @Override
    public SendResult send(M message) {
        Objects.requireNonNull(message, "message");
        return life.isOpen() ? outbound().send(message) : SendResult.CLOSED;
    }

    @Override
    public int queuedMessages() {
        return seen().queued();
    }

    @Override
    public boolean close() {
        return closeWith(CloseReason.EXPLICIT, null);
    }

    /** The one way out of OPEN. Non-blocking for JDK sockets; never runs hooks on the caller. */
    @Override
    public boolean closeWith(CloseReason reason, Throwable cause) {
        Life cur = life;
        if (cur.isOpen()) {
            Teardown t = new Teardown(this, cause);
            if (LIFE.compareAndSet(this, cur, new Life(PairState.CLOSING, reason, cause, host.clock().nanoTime(), t))) {
                onClosing(t);
                return true;
            }
            cur = life; // OPEN is left once: the CAS lost to another close
        }
        if (cause != null) {
            cur.teardown().addLaterFailure(cause);
        }
        return false;
    }

    /** Runs once, on the thread that won the close: see "the close, in order" in the class notes. */
    private void onClosing(Teardown t) {
        t.begin(concat(HOOKS.getAndSet(this, SEALED), host.hooks()), SocketAdapters.describe(resource));
        boolean inline = onSideThread() || SocketAdapters.closesWithoutBlocking(resource);
        in.wake(); // ends a wait on a queue or lock; a socket read ends when the resource closes
        closeWriterSide();
        if (inline) {
            t.closeResource(resource, false);
        } else {
            // never on the caller or the timer; with no thread to be had, the timer retries the start
            host.runOffThread(() -> t.closeResource(resource, true));
        }
        t.release(); // the closer's token: every wake-up above happened before any hook can start
    }

    /**
     * The writer side of a pair, made by its first send: an idle pair that never sent pays nothing
     * for it. A pair that closes before its first send gets the shared ended side instead, by the
     * same CAS, so a send racing the close finds either a real side (which the closer then closes)
     * or the ended one (which refuses it: CLOSED).
     */
    @SuppressWarnings("unchecked")
    private WriteSide<M> outbound() {
        WriteSide<M> w = out;
        if (w == null) {
            WriteSide<M> fresh = new WriteSide<>(this, writer);
            w = OUT.compareAndSet(this, null, fresh) ? fresh : out;
        }
        return w;
    }

    /** The writer side for reading only: the shared unused one before the first send. */
    private WriteSide<?> seen() {
        WriteSide<M> w = out;
        return w != null ? w : WriteSide.UNUSED;
    }

    /** The closer, once: ends a never-used writer side at once, or closes the real one. */
    private void closeWriterSide() {
        if (out == null && OUT.compareAndSet(this, null, WriteSide.ENDED_UNUSED)) {
            writerEnded();
            return;
        }
        out.close();
    }

    @Override
    public void writerEnded() {
        life.teardown().release();
    }

    @Override
    public SideRun inlineRun() {
        return host.readerInlineBudget() > 0 ? in.runningOn(Thread.currentThread()) : null;
    }

    // ================================================================== timer

    /** Called by the manager's timer thread. Never blocks; runs no hook and no resource close. */
    void checkDeadlines(long now, long idleNanos, long writeNanos, long graceNanos, long hookNanos) {
        Life l = life;
        switch (l.state()) {
            case OPEN -> {
                if (idleNanos > 0 && now - in.lastReadNanos() > idleNanos) {
                    closeWith(CloseReason.IDLE_TIMEOUT, null);
                } else if (writeNanos > 0 && seen().writing() && now - seen().writeProgressNanos() > writeNanos) {
                    closeWith(CloseReason.WRITE_TIMEOUT, null);
                }
            }
            case CLOSING, STUCK -> l.teardown().checkDeadlines(now, graceNanos, hookNanos);
            case CLOSED -> { }
            default -> throw new IllegalStateException("pair " + id + " in state " + l.state());
        }
    }

    /** Shutdown's deadline passed: a pair whose sides have not exited is STUCK now, grace or not. */
    void forceStuck(long now) {
        Life l = life;
        if (l.state() == PairState.CLOSING) {
            l.teardown().forceStuck(now);
        }
    }

    // ================================================================== what the teardown sees

    @Override
    public PairHost host() {
        return host;
    }

    @Override
    public long closeStartNanos() {
        return life.closeStartNanos();
    }

    @Override
    public boolean moveToStuck() {
        Life l = life;
        return l.state() == PairState.CLOSING && LIFE.compareAndSet(this, l, l.with(PairState.STUCK));
    }

    @Override
    public void moveToClosed() {
        Life l = life;
        while (l.state() != PairState.CLOSED && !LIFE.compareAndSet(this, l, l.with(PairState.CLOSED))) {
            l = life;
        }
    }

    @Override
    public boolean onSideThread() {
        Thread me = Thread.currentThread();
        return in.onThread(me) || seen().onDrainThread(me);
    }

    @Override
    public String sidesRunning() {
        StringBuilder sb = new StringBuilder();
        String reader = in.notExited();
        if (reader != null) {
            sb.append(reader);
        }
        if (seen().draining()) {
            sb.append(sb.length() == 0 ? "" : "; ").append("the writer's drain did not exit");
        }
        return sb.toString();
    }

    /** What keeps a closing pair from finishing, for the STUCK report. */
    String whatIsStuck() {
        Teardown t = life.teardown();
        return t == null ? "open" : t.whatIsStuck();
    }

    @Override
    public CloseInfo closeInfo(boolean stuck) {
        Life l = life;
        WriteSide<?> out = seen();
        long lifetime = l.closeStartNanos() == 0 ? 0 : l.closeStartNanos() - openedNanos;
        List<Throwable> later = l.teardown() == null ? List.of() : l.teardown().laterFailures();
        return new CloseInfo(id, l.reason(), l.cause(), later, openedMillis, Duration.ofNanos(Math.max(0, lifetime)),
                in.bytesIn(), out.bytesOut(), in.messagesIn(), out.messagesOut(), out.unsent(), out.dropped(), stuck,
                in.bytesCounted(), bytesOutCounted);
    }

    @Override
    public void complete(CloseInfo info) {
        future().complete(info);
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<CloseInfo> future() {
        CompletableFuture<CloseInfo> f = closeFuture;
        if (f == null) {
            CompletableFuture<CloseInfo> fresh = new CompletableFuture<>();
            f = FUTURE.compareAndSet(this, null, fresh) ? fresh : closeFuture;
        }
        return f;
    }

    // ================================================================== context

    @Override
    public ConnectionPair<M> pair() {
        return this;
    }

    @Override
    public PairContext<M> context() {
        return this;
    }

    @Override
    public AutoCloseable resource() {
        return resource;
    }

    @Override
    public InputStream input() {
        return in.input(resource, this);
    }

    @Override
    public OutputStream output() {
        OutputStream o = output;
        if (o == null) {
            o = new CountingOutputStream(SocketAdapters.rawOutput(resource), this);
            output = o;
            bytesOutCounted = true;
        }
        return o;
    }

    @Override
    public void markRead(long bytes) {
        in.markRead(bytes, host.clock().nanoTime());
    }

    /**
     * The peer ended its side, seen through {@link #input()}: the pair closes now, as G1 asks, and
     * the reader's own thread is interrupted (a closer never interrupts itself) so that whatever the
     * read loop does on its way out cannot block forever: the story's stats {@code put} included.
     * The reader clears that interrupt as it leaves its pooled thread.
     */
    @Override
    public void endOfInput() {
        if (closeWith(CloseReason.READER_EOF, null) && in.onThread(Thread.currentThread())) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void markMessageIn() {
        in.markMessageIn();
    }

    @Override
    public void markWritten(long bytes) {
        if (!bytesOutCounted) {
            bytesOutCounted = true;
        }
        outbound().markWritten(bytes, host.clock().nanoTime());
    }

    @Override
    public boolean isOpen() {
        return life.isOpen();
    }

    // ================================================================== observation

    @Override
    public long id() {
        return id;
    }

    @Override
    public PairState state() {
        return life.state();
    }

    CloseReason reason() {
        return life.reason();
    }

    /** For the models: whether the writer side says a write is in progress. */
    boolean writerWriting() {
        return seen().writing();
    }

    WriteSide.Drain writerState() {
        return seen().state();
    }

    @Override
    public CompletionStage<CloseInfo> closeFuture() {
        return future().minimalCompletionStage();
    }

    @Override
    public boolean addCleanupHook(CleanupHook hook) {
        Objects.requireNonNull(hook, "hook");
        while (true) {
            CleanupHook[] cur = hooks;
            if (cur == SEALED) {
                return false;
            }
            CleanupHook[] next = Arrays.copyOf(cur, cur.length + 1);
            next[cur.length] = hook;
            if (HOOKS.compareAndSet(this, cur, next)) {
                return true;
            }
        }
    }

    @Override
    public PairSnapshot snapshot() {
        long now = host.clock().nanoTime();
        Life l = life;
        WriteSide<?> out = seen();
        long stalled = out.writing() ? Math.max(0, now - out.writeProgressNanos()) / 1_000_000 : 0;
        String what = l.teardown() == null ? null : l.teardown().description();
        return new PairSnapshot(id, l.state(), l.reason(), what != null ? what : SocketAdapters.describe(resource),
                (now - openedNanos) / 1_000_000, l.closeStartNanos() == 0 ? 0 : (now - l.closeStartNanos()) / 1_000_000,
                Math.max(0, now - in.lastReadNanos()) / 1_000_000, stalled, in.bytesIn(), out.bytesOut(), in.messagesIn(),
                out.messagesOut(), out.queued(), in.side(id), out.side());
    }

    private static CleanupHook[] concat(CleanupHook[] a, CleanupHook[] b) {
        if (b.length == 0) {
            return a;
        }
        CleanupHook[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Override
    public String toString() {
        Life l = life;
        return "ConnectionPair{id=" + id + ", " + l.state() + (l.reason() == null ? "" : " " + l.reason()) + '}';
    }
}
