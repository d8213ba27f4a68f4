package dev.tandem.stats;

import dev.tandem.stats.jfr.StatsEvents;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One sink's door, queue, state and books: everything producers, the delivery thread and the
 * watchdog share about that sink.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Who calls what.</b> {@link #record} (and {@link #offer}, its form for a built event)
 *       and {@link #dropReEntrant} run on any producer thread; they read the state once, write to
 *       the producer's own stripe of the sink's storage ({@link EventStripes}: bounded MPSC rings
 *       of pre-allocated slots, {@link EventRing}, one per core) or bump a {@link LongAdder}, and
 *       never spin, park, take a lock or allocate. Everything named
 *       {@code delivery*} runs only on the sink's single delivery thread (the stripes' only
 *       consumer). {@link #checkStall} runs on the watchdog. {@link #beginClose} runs on the
 *       thread that closes the pipeline.</li>
 *   <li><b>State</b> is one {@link AtomicReference} moved only by CAS. Producers accept only in
 *       {@link SinkState#RUNNING}; each other state maps to one drop reason. CLOSING and CLOSED are
 *       terminal for everyone but the delivery thread (which moves CLOSING to CLOSED).</li>
 *   <li><b>Books.</b> {@code recorded = enqueued + drops at the door};
 *       {@code enqueued = delivered + drops after dequeue + queued + inHand}. {@code enqueued}
 *       and {@code queued} are read from the stripes' own producer/consumer indices, so the hot
 *       path pays for no counter on success. Consumer-side counters have a single writer and are
 *       published with {@code lazySet}.</li>
 *   <li><b>Benign races.</b> A producer that read RUNNING just before the state changed may
 *       still enqueue: the event is then published later (STALLED, BACKOFF) or, once the sink is
 *       CLOSED, reported as a shutdown drop by {@link #stats()}. A snapshot read while producers
 *       run is not atomic across counters; at quiescence every identity is exact.</li>
 *   <li><b>Nothing built, nothing read for nobody.</b> A record claims a slot first and reads
 *       the clock only once it holds one (once per record, for the first sink that took it), so
 *       an event that no sink can take costs no timestamp, and none costs an allocation. A claimed
 *       slot is always published, also when an injected {@link Clock} throws (the event then
 *       carries timestamp 0, every other sink still gets it, and the clock's exception reaches
 *       the caller afterwards): an unpublished slot would hold back every event behind it for
 *       good. What no code can cover is a thread that dies between claim and publish (a
 *       {@link StackOverflowError} raised inside those few calls, or {@code Thread.stop} on JDK
 *       17-19): its stripe then delivers nothing more. JCTools' queue had the same hole, between
 *       its CAS and its slot write.</li>
 *   <li><b>Abandoned.</b> {@code abandoned} is written once, by the closing thread, when close's
 *       deadline passed with the delivery thread alive; {@link #stats()} reports it until the
 *       thread has exited (a volatile flag read with {@code deliveryExited}: a reader may see the
 *       thread as abandoned a moment after it ended, never the other way round).</li>
 *   <li><b>Wake-up.</b> The delivery thread parks for at most its linger. Before parking it
 *       publishes how many events in one stripe should wake it (what would fill its batch, but
 *       at most half a stripe when there are several, so that producers spread over the stripes
 *       wake it long before any stripe is full); the producer that sees its own stripe reach
 *       that size unparks it (one CAS, so one unpark per park). A producer reads only its own
 *       stripe's indices, never another's.</li>
 * </ul>
 */
final class SinkChannel {
    final String name;
    final StatsSink sink;
    final SinkOptions options;
    final EventStripes stripes;
    final int capacity;

    private final AtomicReference<SinkState> state = new AtomicReference<>(SinkState.RUNNING);
    private final LongAdder[] doorDrops = new LongAdder[DropReason.values().length];

    // Written only by the delivery thread.
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong[] afterDrops = new AtomicLong[DropReason.values().length];
    private final AtomicLong publishes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile int inHand;
    private volatile Throwable lastError;
    private volatile long lastErrorMillis;

    /** Nonzero while a publish (including its metrics snapshot) runs: the watchdog's view. */
    private volatile long publishStartedNanos;
    private volatile boolean publishing;
    private volatile long publishGeneration;

    // Wake-up protocol between producers and the parked delivery thread.
    private final AtomicReference<Thread> parkedConsumer = new AtomicReference<>();
    private volatile int wakeAtStripe = Integer.MAX_VALUE;

    private volatile long closeDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean deliveryExited;
    private final Object interruptLock = new Object(); // closer vs delivery thread only, never around user code
    private boolean closingSink; // guarded by interruptLock
    private volatile boolean closedCleanly;
    /** Set once, by the closing thread, when close gave up on the delivery thread (issue 15). */
    private volatile boolean abandoned;
    private final Clock clock; // the pipeline's: publishStartedNanos is read on it

    SinkChannel(String name, StatsSink sink, SinkOptions options) {
        this(name, sink, options, Clock.system(), EventStripes.perCore(options.queueCapacity()));
    }

    SinkChannel(String name, StatsSink sink, SinkOptions options, Clock clock, int stripeCount) {
        this.clock = clock;
        this.name = name;
        this.sink = sink;
        this.options = options;
        this.stripes = new EventStripes(options.queueCapacity(), stripeCount);
        this.capacity = stripes.capacity();
        for (int i = 0; i < doorDrops.length; i++) {
            doorDrops[i] = new LongAdder();
            afterDrops[i] = new AtomicLong();
        }
    }

    // ---------------------------------------------------------------- producers

    /** An event already built (tests, and nothing on the hot path): offered as {@link #record} would. */
    void offer(Event e) {
        if (admits()) {
            EventStripes.Stripe home = stripes.home();
            offered(home, home.ring.offer(e));
        }
    }

    /** What {@link #record} is given for the timestamp when no sink has read it yet. */
    static final long NOT_READ = Long.MIN_VALUE;

    /**
     * The hot path behind {@link EventType#record}: if the sink is RUNNING and the caller's
     * stripe has room, claims a slot, takes the timestamp if {@code millis} is still
     * {@link #NOT_READ} (from {@code time}: an event nobody takes costs no clock read), writes the
     * event's parts and publishes the slot; else counts the drop. Returns the timestamp used, or
     * {@code millis} as given. Never blocks, allocates nothing, and throws only what an injected
     * {@link Clock} throws: the slot is then published all the same, stamped 0, since an
     * unpublished slot would hold back every event behind it for good.
     */
    long record(Clock time, EventType type, long millis, Tags tags,
                long v0, long v1, long v2, long v3, long v4, long v5) {
        if (!admits()) {
            return millis;
        }
        EventStripes.Stripe home = stripes.home();
        EventRing ring = home.ring;
        long i = ring.claim();
        if (i < 0) {
            doorDrops[DropReason.QUEUE_FULL.ordinal()].increment();
            return millis;
        }
        long at = millis;
        try {
            if (at == NOT_READ) {
                at = time.currentTimeMillis();
            }
        } finally { // also when the clock threw: the claimed slot is published, stamped 0
            ring.publish(i, type, at == NOT_READ ? 0 : at, tags, v0, v1, v2, v3, v4, v5);
            offered(home, true);
        }
        return at;
    }

    /** Reads the state once; counts the drop and returns false unless the sink is RUNNING. */
    private boolean admits() {
        SinkState s = state.get();
        if (s != SinkState.RUNNING) {
            doorDrops[reasonAtDoor(s).ordinal()].increment();
            return false;
        }
        return true;
    }

    private void offered(EventStripes.Stripe home, boolean taken) {
        if (!taken) {
            doorDrops[DropReason.QUEUE_FULL.ordinal()].increment();
        } else if (parkedConsumer.get() != null && home.ring.size() >= wakeAtStripe) {
            wakeConsumer();
        }
    }

    void dropReEntrant() {
        doorDrops[DropReason.RE_ENTRANT.ordinal()].increment();
    }

    private static DropReason reasonAtDoor(SinkState s) {
        switch (s) {
            case STALLED: return DropReason.STALLED;
            case BACKOFF: return DropReason.BACKOFF;
            case CLOSING:
            case CLOSED: return DropReason.SHUTDOWN;
            default: throw new IllegalStateException("no drop reason for state " + s);
        }
    }

    void wakeConsumer() {
        Thread t = parkedConsumer.getAndSet(null);
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    // ---------------------------------------------------------------- state

    SinkState state() {
        return state.get();
    }

    /**
     * Moves to {@code target} from RUNNING, STALLED or BACKOFF; never leaves CLOSING or CLOSED.
     * Returns the state it left, or the terminal state that refused the move.
     */
    SinkState moveUnlessClosing(SinkState target) {
        while (true) {
            SinkState s = state.get();
            if (s == SinkState.CLOSING || s == SinkState.CLOSED || s == target) {
                return s;
            }
            if (state.compareAndSet(s, target)) {
                StatsEvents.sinkStateChanged(name, s, target, lastError);
                return s;
            }
        }
    }

    /** Closing thread: refuse new events and tell the delivery thread to flush until {@code deadlineNanos}. */
    void beginClose(long deadlineNanos) {
        closeDeadlineNanos = deadlineNanos;
        moveUnlessClosing(SinkState.CLOSING);
        wakeConsumer();
    }

    long closeDeadlineNanos() {
        return closeDeadlineNanos;
    }

    // ---------------------------------------------------------------- watchdog

    /**
     * Watchdog: marks the sink STALLED if the publish in progress has run past its timeout.
     * Returns true if this call made the transition.
     */
    boolean checkStall(long nowNanos, long timeoutNanos) {
        long gen = publishGeneration;
        if (!publishing || nowNanos - publishStartedNanos <= timeoutNanos) {
            return false;
        }
        SinkState s = state.get();
        if ((s != SinkState.RUNNING && s != SinkState.BACKOFF) || !state.compareAndSet(s, SinkState.STALLED)) {
            return false;
        }
        if (!publishing || publishGeneration != gen) {
            // That publish returned while we decided; the delivery thread may have missed our
            // STALLED. Undo it (a CAS, so a later transition by the delivery thread wins).
            state.compareAndSet(SinkState.STALLED, s);
            return false;
        }
        StatsEvents.sinkStateChanged(name, s, SinkState.STALLED, null);
        return true;
    }

    long publishRunningNanos(long nowNanos) {
        return publishing ? nowNanos - publishStartedNanos : 0;
    }

    // ---------------------------------------------------------------- delivery thread

    void deliveryPublishStarted(long nowNanos) {
        publishStartedNanos = nowNanos;
        publishGeneration = publishGeneration + 1;
        publishing = true;
    }

    void deliveryPublishEnded() {
        publishing = false;
    }

    void deliveryTook(int n) {
        if (n != 0) {
            inHand = inHand + n;
        }
    }

    void deliveryDelivered(int n) {
        delivered.lazySet(delivered.get() + n);
        inHand = inHand - n;
        publishes.lazySet(publishes.get() + 1);
    }

    /** Events taken from the queue (in hand) that will never be published. */
    void deliveryDropped(int n, DropReason reason) {
        if (n != 0) {
            AtomicLong c = afterDrops[reason.ordinal()];
            c.lazySet(c.get() + n);
            inHand = inHand - n;
        }
    }

    void deliveryFailed(Throwable t, long wallMillis) {
        failures.lazySet(failures.get() + 1);
        lastErrorMillis = wallMillis;
        lastError = t;
    }

    /**
     * Parks for at most {@code nanos}, or until a producer sees {@code wakeAtQueued} events queued
     * (in its own stripe: see the class notes; {@link Integer#MAX_VALUE} for no early wake-up).
     */
    void deliveryPark(long nanos, int wakeAtQueued) {
        if (nanos <= 0) {
            return;
        }
        Thread me = Thread.currentThread();
        int perStripe = stripes.count() == 1 || wakeAtQueued == Integer.MAX_VALUE ? wakeAtQueued
                : Math.min(wakeAtQueued, Math.max(1, stripes.stripeCapacity() / 2));
        this.wakeAtStripe = perStripe;
        parkedConsumer.set(me);
        // Re-check after advertising: a producer that offered before seeing us parked won't wake us.
        if (!stripes.anyHolds(perStripe) && stripes.size() < wakeAtQueued && state.get() != SinkState.CLOSING) {
            LockSupport.parkNanos(this, nanos);
        }
        parkedConsumer.compareAndSet(me, null);
    }

    /** Parks for at most {@code nanos} without telling producers: only time or close ends it. */
    void deliveryNap(long nanos) {
        if (nanos > 0 && state.get() != SinkState.CLOSING) {
            LockSupport.parkNanos(this, nanos);
        }
    }

    /** Moves up to {@code max} queued events into {@code into[from ..]} (counted in hand); returns how many. */
    int deliveryDrain(Event[] into, int from, int max, boolean reuse) {
        int n = max <= 0 ? 0 : stripes.drainTo(into, from, max, reuse);
        deliveryTook(n);
        return n;
    }

    /** Takes every event queued now and counts it dropped for {@code reason}. */
    void deliveryDropQueued(DropReason reason) {
        int n;
        do {
            n = stripes.discard(4096);
            deliveryTook(n);
            deliveryDropped(n, reason);
        } while (n > 0);
    }

    boolean queueEmpty() {
        return stripes.isEmpty();
    }

    /** A close() that threw: remembered as the last error, not counted as a publish failure. */
    void deliveryCloseFailed(Throwable t, long wallMillis) {
        lastErrorMillis = wallMillis;
        lastError = t;
    }

    /**
     * The delivery thread is about to call the sink's close(), which must not be interrupted:
     * clears an interrupt meant for an earlier publish, under the same lock the closer uses.
     */
    void deliveryClosingSink() {
        synchronized (interruptLock) {
            closingSink = true;
            Thread.interrupted();
        }
    }

    /** Closing thread, at the deadline: interrupt a publish, never a close(). */
    void interruptUnlessClosingSink(Thread deliveryThread) {
        synchronized (interruptLock) {
            if (!closingSink) {
                deliveryThread.interrupt();
            }
        }
    }

    /** Terminal: after the sink's close returned; {@code clean} if nothing was left unflushed. */
    void deliveryClosed(boolean clean) {
        closedCleanly = clean;
        if (state.compareAndSet(SinkState.CLOSING, SinkState.CLOSED)) {
            StatsEvents.sinkStateChanged(name, SinkState.CLOSING, SinkState.CLOSED, null);
        }
    }

    /** True once the sink is CLOSED with every event flushed and a clean close. */
    boolean closedCleanly() {
        return closedCleanly && state.get() == SinkState.CLOSED;
    }

    void deliveryExited() {
        deliveryExited = true;
    }

    /** Closing thread: close's deadline passed with the delivery thread still running; it is left to return on its own. */
    void abandonDelivery() {
        abandoned = true;
    }

    // ---------------------------------------------------------------- observation

    /** For the self-metrics: how long the publish in progress has run, 0 when none runs. */
    long publishRunningMillis() {
        return publishRunningNanos(clock.nanoTime()) / 1_000_000;
    }

    /** For the self-metrics: close gave up on the delivery thread, and it has not exited yet. */
    boolean deliveryAbandoned() {
        return abandoned && !deliveryExited;
    }

    SinkStats stats() {
        SinkState s = state.get();
        boolean exited = deliveryExited;
        long[] dropped = new long[DropReason.values().length];
        long doorTotal = 0;
        for (DropReason r : DropReason.values()) {
            long atDoor = doorDrops[r.ordinal()].sum();
            doorTotal += atDoor;
            dropped[r.ordinal()] = atDoor + afterDrops[r.ordinal()].get();
        }
        long taken = stripes.taken();
        long enqueued = stripes.offered();
        long queued = Math.max(0, enqueued - taken);
        if (stranded(s, exited)) {
            // Nobody will ever take these: they were offered by producers racing with close.
            dropped[DropReason.SHUTDOWN.ordinal()] += queued;
            queued = 0;
        }
        boolean left = abandoned && !exited;
        return new SinkStats(name, s, capacity, enqueued + doorTotal, enqueued, delivered.get(), dropped,
                queued, inHand, publishes.get(), failures.get(), lastError, lastErrorMillis,
                left, publishRunningNanos(clock.nanoTime()) / 1_000_000);
    }

    private static boolean stranded(SinkState s, boolean exited) {
        return exited && s == SinkState.CLOSED;
    }

    // The pipeline's own metrics read these one at a time, with no SinkStats built (the delivery
    // loop allocates nothing): each is what the same-named SinkStats accessor would say.

    long enqueuedCount() {
        return stripes.offered();
    }

    long recordedCount() {
        long door = 0;
        for (LongAdder a : doorDrops) {
            door += a.sum();
        }
        return enqueuedCount() + door;
    }

    long deliveredCount() {
        return delivered.get();
    }

    long failuresCount() {
        return failures.get();
    }

    long queuedCount() {
        long taken = stripes.taken();
        return stranded(state.get(), deliveryExited) ? 0 : Math.max(0, stripes.offered() - taken);
    }

    long droppedCount(DropReason r) {
        long n = doorDrops[r.ordinal()].sum() + afterDrops[r.ordinal()].get();
        if (r == DropReason.SHUTDOWN && stranded(state.get(), deliveryExited)) {
            long taken = stripes.taken();
            n += Math.max(0, stripes.offered() - taken);
        }
        return n;
    }
}
