package dev.tandem.core;

import dev.tandem.core.jfr.CoreEvents;
import dev.tandem.stats.Clock;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry every {@link ConnectionPair} belongs to: it starts pairs, enforces their deadlines
 * with one shared timer thread, keeps exact counts, reports through the stats pipeline without
 * ever blocking on it, shows what is live (the dump) and shuts everything down within a deadline.
 *
 * <pre>{@code
 * ConnectionManager manager = ConnectionManager.builder()
 *         .idleTimeout(Duration.ofMinutes(2))
 *         .build();
 * ConnectionPair<String> pair = manager.open(socket,
 *         ctx -> handler.readLoop(),             // your read loop: return at EOF, throw on error
 *         (line, ctx) -> handler.write(line));   // how to write one message
 * pair.send("hello");
 * }</pre>
 *
 * <h2>Threads</h2>
 * A pair costs one thread while it is idle: its reader. Its writer side holds no thread between
 * bursts: a {@code send} into an empty outbound queue schedules one drain, which writes until the
 * queue is empty and then gives its thread back. Readers and drains run on threads the manager
 * owns: with platform threads (the default; daemon threads from the builder's thread factory if
 * one is given) a cached pool that reuses idle threads, so churning connections creates no thread
 * per connection; with {@link Builder#virtualThreads()} a virtual thread per reader and per drain
 * burst. While a thread serves a pair its name says so ({@code tandem-<id>-reader},
 * {@code tandem-<id>-writer}); an idle pooled thread is {@code tandem-pool-N}. The manager adds one
 * timer thread ({@code tandem-timer-<name>}) and, only when teardown work must move off the thread
 * that triggered it, {@code tandem-cleanup-N} threads. All end by {@link #shutdown(Duration)}
 * (idle pooled threads at once), except for pairs still STUCK then: the timer stays until the last
 * of them closes, so their hooks keep their deadlines.
 */
public final class ConnectionManager {
    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);

    /** The manager's lifecycle, moved forward only by CAS. */
    private enum Lifecycle { RUNNING, SHUTTING_DOWN, TERMINATED }

    private final String name;
    private final TimeSource clock;
    private final ThreadFactory threads;
    private final int queueCapacity;
    private final OverflowPolicy overflowPolicy;
    private final CleanupHook[] hooks;
    private final ThreadPool sides;
    private final ThreadPool cleanup;
    private final long idleNanos;
    private final long writeNanos;
    private final long graceNanos;
    private final long hookNanos;
    private final long tickNanos;
    private final boolean virtual;

    private final ConcurrentHashMap<Long, PairImpl<?>> registry = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicReference<Lifecycle> state = new AtomicReference<>(Lifecycle.RUNNING);
    private final CompletableFuture<ShutdownReport> terminated = new CompletableFuture<>();
    private final Object drained = new Object();

    private final StatsPipeline stats;
    private final boolean ownsStats;
    private final ManagerMetrics metrics;
    private final ClosedRing recentlyClosed;
    private final ThrottledLog hookLog;
    private final ThrottledLog stuckLog;

    private final PairHost host = new Host();
    private final Thread timer;

    private ConnectionManager(Builder b) {
        this.name = b.name;
        this.clock = b.clock;
        this.virtual = b.virtual;
        this.threads = b.threads != null ? b.threads : b.virtual ? VirtualThreads.factory() : ConnectionManager::daemon;
        this.queueCapacity = b.queueCapacity;
        this.overflowPolicy = b.overflowPolicy;
        this.hooks = b.hooks.toArray(new CleanupHook[0]);
        this.idleNanos = b.idleTimeout == null ? 0 : Checks.saturatedNanos(b.idleTimeout);
        this.writeNanos = Checks.saturatedNanos(b.writeTimeout);
        this.graceNanos = Checks.saturatedNanos(b.gracePeriod);
        this.hookNanos = Checks.saturatedNanos(b.hookTimeout);
        this.tickNanos = b.timerTick != null ? Checks.saturatedNanos(b.timerTick) : defaultTick(idleNanos, writeNanos, graceNanos, hookNanos);
        this.sides = new ThreadPool(this.threads, this.virtual, "tandem-pool", 60);
        this.cleanup = new ThreadPool(this.threads, this.virtual, "tandem-cleanup", 2, true);
        this.recentlyClosed = new ClosedRing(b.recentlyClosed);
        long now = clock.nanoTime();
        this.hookLog = new ThrottledLog(log, TimeUnit.SECONDS.toNanos(10), now);
        this.stuckLog = new ThrottledLog(log, TimeUnit.SECONDS.toNanos(10), now);

        this.ownsStats = b.stats == null;
        this.stats = ownsStats ? StatsPipeline.builder().clock(statsClock(clock)).build() : b.stats;
        this.metrics = new ManagerMetrics(stats, name);

        this.timer = daemon(this::runTimer);
        timer.setName("tandem-timer-" + name);
    }

    /** The pipeline the manager owns reads the manager's time. */
    private static Clock statsClock(TimeSource time) {
        if (time == TimeSource.system()) {
            return Clock.system();
        }
        return new Clock() {
            @Override
            public long nanoTime() {
                return time.nanoTime();
            }

            @Override
            public long currentTimeMillis() {
                return time.currentTimeMillis();
            }
        };
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    }

    private static long defaultTick(long... timeouts) {
        long min = Long.MAX_VALUE;
        for (long t : timeouts) {
            if (t > 0) {
                min = Math.min(min, t);
            }
        }
        // a quarter of the shortest deadline, between 5 ms and 250 ms: a timeout fires at most 25% late
        return Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.MILLISECONDS.toNanos(250), min / 4));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True if this JDK can run pairs on virtual threads (21+). */
    public static boolean virtualThreadsSupported() {
        return VirtualThreads.supported();
    }

    // ================================================================== opening

    /**
     * Opens a pair over {@code resource} and starts its reader and writer.
     *
     * @throws IllegalStateException if the manager is shut down (the resource is then closed, so it
     *     cannot leak)
     * @throws RejectedExecutionException if no thread could be had for a side (see
     *     {@link PairBuilder#start()}); the pair is closed and counted
     */
    public <M> ConnectionPair<M> open(AutoCloseable resource, ReadLoop<M> reader, MessageWriter<M> writer) {
        return this.<M>pair(resource).reader(reader).writer(writer).start();
    }

    /**
     * {@link #open(AutoCloseable, ReadLoop, MessageWriter)} with the message type spelled out, so that
     * plain lambdas need no typed parameters: {@code manager.open(String.class, socket, ctx -> ...,
     * (line, ctx) -> ...)}. The class is only a type witness; nothing checks messages against it.
     * ({@link MessageWriter#lines} and {@link MessageWriter#bytes} fix the type too.)
     */
    public <M> ConnectionPair<M> open(Class<M> messageType, AutoCloseable resource, ReadLoop<M> reader,
                                      MessageWriter<M> writer) {
        Objects.requireNonNull(messageType, "messageType");
        return open(resource, reader, writer);
    }

    /** A builder for a pair with its own cleanup hooks. */
    public <M> PairBuilder<M> pair(AutoCloseable resource) {
        return new PairBuilder<>(this, Objects.requireNonNull(resource, "resource"));
    }

    /** Collects a pair's reader, writer and hooks; {@link #start()} opens it, once. */
    public static final class PairBuilder<M> {
        private final ConnectionManager mgr;
        private final AutoCloseable resource;
        private ReadLoop<M> reader;
        private MessageWriter<M> writer;
        private final List<CleanupHook> hooks = new ArrayList<>(2);
        private boolean started;

        private PairBuilder(ConnectionManager mgr, AutoCloseable resource) {
            this.mgr = mgr;
            this.resource = resource;
        }

        public PairBuilder<M> reader(ReadLoop<M> reader) {
            this.reader = reader; // checked by start(), like every builder's options
            return this;
        }

        public PairBuilder<M> writer(MessageWriter<M> writer) {
            this.writer = writer;
            return this;
        }

        /** A hook run once when this pair has closed, before the manager's hooks. */
        public PairBuilder<M> cleanupHook(CleanupHook cleanupHook) {
            hooks.add(cleanupHook);
            return this;
        }

        /**
         * Registers the pair and starts its reader and writer threads.
         *
         * @throws IllegalStateException if this builder already started a pair, or the manager is
         *     shut down (the resource is then closed)
         * @throws RejectedExecutionException if a thread for the reader or the writer could not be
         *     had (the factory threw or returned null, or the thread would not start): the pair is
         *     then closed with {@link CloseReason#THREAD_START_FAILED}, its resource closed and its
         *     hooks run, and it is counted; the cause says which side and why
         * @throws NullPointerException naming a missing {@code reader}, {@code writer} or
         *     {@code cleanupHook}
         */
        public ConnectionPair<M> start() {
            if (started) {
                throw new IllegalStateException("pair already started (expected: one start per builder)");
            }
            Objects.requireNonNull(reader, "reader");
            Objects.requireNonNull(writer, "writer");
            for (CleanupHook h : hooks) {
                Objects.requireNonNull(h, "cleanupHook");
            }
            started = true;
            return mgr.start(resource, reader, writer, hooks.toArray(new CleanupHook[0]));
        }
    }

    private <M> ConnectionPair<M> start(AutoCloseable resource, ReadLoop<M> reader, MessageWriter<M> writer, CleanupHook[] pairHooks) {
        if (state.get() != Lifecycle.RUNNING) {
            closeQuietly(resource);
            throw new IllegalStateException("manager '" + name + "' is shut down (expected: open pairs before shutdown)");
        }
        PairImpl<M> p = new PairImpl<>(nextId.incrementAndGet(), host, resource, reader, writer, pairHooks);
        registry.put(p.id, p);
        metrics.opened();
        Throwable noThread = p.start();
        CoreEvents.pairOpened(name, p.id, virtual, resource);
        if (noThread != null) { // the pair is closing with THREAD_START_FAILED; tell the caller here
            throw new RejectedExecutionException(noThread.getMessage() + " (the pair is closed and counted as "
                    + CloseReason.THREAD_START_FAILED.tagValue() + ")", noThread);
        }
        if (state.get() != Lifecycle.RUNNING) { // raced with shutdown, which may have missed it
            p.closeWith(CloseReason.SHUTDOWN, null);
        }
        return p;
    }

    private static void closeQuietly(AutoCloseable r) {
        try {
            r.close();
        } catch (Exception e) {
            log.debug("closing a resource refused by a shut-down manager failed", e);
        }
    }

    // ================================================================== what pairs see of the manager

    /** The manager as its pairs see it: kept off the public API. */
    private final class Host implements PairHost {

        @Override
        public TimeSource clock() {
            return clock;
        }

        @Override
        public int queueCapacity() {
            return queueCapacity;
        }

        @Override
        public OverflowPolicy overflowPolicy() {
            return overflowPolicy;
        }

        @Override
        public CleanupHook[] hooks() {
            return hooks;
        }

        @Override
        public void runSide(String name, Runnable side) {
            sides.execute(name, side);
        }

        @Override
        public void runOffThread(Runnable task) {
            cleanup.execute(task);
        }

        @Override
        public void messageDropped() {
            metrics.messageDropped();
        }

        @Override
        public void onStuck(long pairId, String whatIsStuck, PairSnapshot snapshot, long closingNanos) {
            metrics.stuck(pairId, closingNanos);
            CoreEvents.pairStuck(name, pairId, whatIsStuck, closingNanos, snapshot.reader().stack(), snapshot.writer().stack());
            stuckLog.warn(clock.nanoTime(), "Tandem pair " + pairId + " is STUCK " + Duration.ofNanos(graceNanos)
                    + " after close: " + whatIsStuck + ". Its hooks run now on a cleanup thread.\n" + snapshot, null);
        }

        @Override
        public void hookFailed(CleanupHookException failure) {
            metrics.hookFailed();
            CoreEvents.hookFailed(name, failure.pairId(), failure.hookIndex(), failure.timedOut(), failure);
            hookLog.warn(clock.nanoTime(), failure.getMessage(), failure.getCause() != null ? failure.getCause() : failure);
        }

        @Override
        public void onClosed(long pairId, CloseInfo info, boolean wasStuck) {
            if (registry.remove(pairId) == null) {
                return;
            }
            metrics.closed(info, wasStuck); // the closed event first, then the counts: see ManagerMetrics
            CoreEvents.pairClosed(name, pairId, info.reason(), info.cause(), info.lifetime(), info.bytesIn(),
                    info.bytesOut(), info.messagesIn(), info.messagesOut(), info.messagesUnsent(),
                    info.messagesDropped(), info.stuck());
            recentlyClosed.add(info);
            if (state.get() != Lifecycle.RUNNING && registry.isEmpty()) {
                synchronized (drained) {
                    drained.notifyAll();
                }
                LockSupport.unpark(timer); // after shutdown, the timer ends with the last pair
            }
        }
    }

    // ================================================================== timer

    private void runTimer() {
        while (!(state.get() == Lifecycle.TERMINATED && registry.isEmpty() && !cleanup.hasDeferred())) {
            cleanup.retryDeferred(); // teardown work no thread could be started for yet
            tick(clock.nanoTime());
            LockSupport.parkNanos(this, tickNanos);
        }
    }

    /** One pass of the shared timer over every live pair (G6, STUCK detection, hook deadlines). */
    void tick(long now) {
        for (PairImpl<?> p : registry.values()) {
            try {
                p.checkDeadlines(now, idleNanos, writeNanos, graceNanos, hookNanos);
            } catch (Throwable t) { // our bug: the timer must survive it
                log.error("Tandem timer failed on pair {}", p.id, t);
            }
        }
    }

    // ================================================================== observation

    /** Exact counts, read now. */
    public ConnectionCounts counts() {
        return metrics.counts();
    }

    /** Snapshots of every live pair (open, closing or stuck), oldest first. */
    public List<PairSnapshot> pairs() {
        List<PairImpl<?>> ps = new ArrayList<>(registry.values());
        ps.sort(Comparator.comparingLong(p -> p.id));
        List<PairSnapshot> out = new ArrayList<>(ps.size());
        for (PairImpl<?> p : ps) {
            out.add(p.snapshot());
        }
        return out;
    }

    /** The detail view of one live pair. */
    public Optional<PairSnapshot> pair(long id) {
        PairImpl<?> p = registry.get(id);
        return p == null ? Optional.empty() : Optional.of(p.snapshot());
    }

    /** The last closed pairs (up to the builder's {@code recentlyClosed}), oldest first. */
    public List<CloseInfo> recentlyClosed() {
        return recentlyClosed.toList();
    }

    /**
     * The live pairs grouped by (state, reader stack, writer stack), most common first, in a text
     * format close to Go's {@code pprof goroutine?debug=1} (G8). Works for virtual threads too.
     */
    public String dump() {
        return PairDump.format(name, pairs(), counts());
    }

    /** The stats pipeline this manager reports to. */
    public StatsPipeline stats() {
        return stats;
    }

    /**
     * Completes once, with the first {@link #shutdown(Duration)}'s report, when that shutdown
     * returns; never completes exceptionally. Lets code that lives beside the manager (the
     * diagnostics endpoint, a supervisor) end with it.
     */
    public CompletionStage<ShutdownReport> terminationFuture() {
        return terminated.minimalCompletionStage();
    }

    public String name() {
        return name;
    }

    /** True if pairs run on virtual threads. */
    public boolean usesVirtualThreads() {
        return virtual;
    }

    public boolean isShutdown() {
        return state.get() != Lifecycle.RUNNING;
    }

    // ================================================================== shutdown

    /**
     * Closes every pair with {@link CloseReason#SHUTDOWN}, waits at most {@code timeout} for them to
     * reach CLOSED, and returns the pairs that did not (G9). Pairs still closing at the deadline
     * are marked STUCK and their hooks are started on cleanup threads. Never waits past the
     * deadline; later calls wait for the first one, up to their own timeout. Closes the stats
     * pipeline only if the manager created it.
     */
    public ShutdownReport shutdown(Duration timeout) {
        long timeoutNanos = Checks.nonNegativeNanos("timeout", timeout);
        long start = System.nanoTime();
        long deadline = Checks.deadline(start, timeoutNanos);
        if (!state.compareAndSet(Lifecycle.RUNNING, Lifecycle.SHUTTING_DOWN)) {
            try {
                return terminated.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return stillShuttingDown(start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return stillShuttingDown(start);
            }
        }
        Object jfr = CoreEvents.shutdownStarted();
        // The timer keeps running until the deadline: it marks STUCK pairs and cuts hooks off.
        long closedBefore = closedTotal();
        int liveAtStart = 0;
        int closedNow = 0;
        for (PairImpl<?> p : registry.values()) {
            liveAtStart++;
            if (p.closeWith(CloseReason.SHUTDOWN, null)) {
                closedNow++;
            }
        }
        boolean interrupted = false;
        synchronized (drained) {
            long left;
            while (!registry.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        List<PairImpl<?>> left = new ArrayList<>(registry.values());
        for (PairImpl<?> p : left) {
            p.forceStuck(clock.nanoTime()); // their hooks still run, on cleanup threads
        }
        List<PairSnapshot> stragglers = pairs();
        // With stragglers the timer keeps going (their hooks still get deadlines) until the last one
        // reaches CLOSED; see onClosed and runTimer.
        sides.shutdown();
        cleanup.shutdown();
        if (ownsStats) {
            stats.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } else { // the name may be reused by a later manager on the same pipeline
            metrics.unregisterGauges();
        }
        ShutdownReport report = new ShutdownReport(closedBefore, liveAtStart, closedNow, stragglers,
                Duration.ofNanos(System.nanoTime() - start));
        if (!report.clean()) {
            log.warn("Tandem manager '{}' shut down with {} pair(s) not closed: {}", name, stragglers.size(),
                    Arrays.toString(stragglers.stream().mapToLong(PairSnapshot::id).toArray()));
        }
        CoreEvents.shutdownEnded(jfr, name, closedNow, stragglers.stream().mapToLong(PairSnapshot::id).toArray());
        state.set(Lifecycle.TERMINATED);
        LockSupport.unpark(timer);
        terminated.complete(report);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return report;
    }

    /** A later call's report when the first shutdown has not finished within the later call's timeout. */
    private ShutdownReport stillShuttingDown(long startNanos) {
        List<PairSnapshot> left = pairs();
        return new ShutdownReport(closedTotal(), left.size(), 0, left, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private long closedTotal() {
        return metrics.counts().closedTotal();
    }

    void startTimer() {
        timer.start();
    }

    @Override
    public String toString() {
        return "ConnectionManager{" + name + ", " + counts() + '}';
    }

    // ================================================================== builder

    /** Options of a manager; {@link #build()} validates them all and starts the timer. */
    public static final class Builder {
        private String name = "default";
        private StatsPipeline stats;
        private boolean statsSet; // so that stats(null) is an error, not the default
        private TimeSource clock = TimeSource.system();
        private ThreadFactory threads;
        private boolean threadsSet;
        private boolean virtual;
        private int queueCapacity = 1024;
        private OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE_PAIR;
        private Duration idleTimeout;
        private Duration writeTimeout = Duration.ofSeconds(10);
        private Duration gracePeriod = Duration.ofSeconds(5);
        private Duration hookTimeout = Duration.ofSeconds(5);
        private Duration timerTick;
        private int recentlyClosed = 256;
        private final List<CleanupHook> hooks = new ArrayList<>();
        private boolean built;

        private Builder() {}

        /**
         * The {@code manager} tag on every metric and event (default {@code default}); unique among
         * the running managers that share a stats pipeline.
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Where counts and events go (default: a pipeline without sinks, owned by the manager). */
        public Builder stats(StatsPipeline stats) {
            this.stats = stats;
            this.statsSet = true;
            return this;
        }

        /**
         * The time every deadline is measured in (default {@link TimeSource#system()}); tests pass
         * their own. A stats pipeline the manager creates for itself reads the same time.
         */
        public Builder timeSource(TimeSource timeSource) {
            this.clock = timeSource;
            return this;
        }

        /**
         * Where the manager's platform threads come from (default: daemon threads): the pooled
         * threads that run readers and drains, and the cleanup threads. Each thread it makes is
         * reused for many pairs.
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threads = threadFactory;
            this.threadsSet = true;
            this.virtual = false;
            return this;
        }

        /**
         * Runs readers and drains on virtual threads: one per reader, one per drain burst. Needs JDK 21+ at run time (checked by
         * {@link #build()}); Tandem itself stays Java 17 bytecode.
         */
        public Builder virtualThreads() {
            this.virtual = true;
            this.threads = null;
            this.threadsSet = false;
            return this;
        }

        /**
         * The most messages a pair's outbound queue holds (default 1024), rounded up to a power of
         * two (at least 4). The queue starts small and grows on demand up to this.
         */
        public Builder outboundQueueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /** What a full outbound queue does (default {@link OverflowPolicy#CLOSE_PAIR}). */
        public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
            this.overflowPolicy = overflowPolicy;
            return this;
        }

        /** Close a pair whose read side saw no input for this long (default: no idle timeout). */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Close a pair whose write makes no progress for this long (default 10 s). */
        public Builder writeTimeout(Duration writeTimeout) {
            this.writeTimeout = writeTimeout;
            return this;
        }

        /** How long the sides have to exit after close before the pair is reported STUCK (default 5 s). */
        public Builder gracePeriod(Duration gracePeriod) {
            this.gracePeriod = gracePeriod;
            return this;
        }

        /** The deadline of each cleanup hook (default 5 s). */
        public Builder hookTimeout(Duration hookTimeout) {
            this.hookTimeout = hookTimeout;
            return this;
        }

        /** How often the shared timer checks deadlines (default: a quarter of the shortest, 5–250 ms). */
        public Builder timerTick(Duration tick) {
            this.timerTick = tick;
            return this;
        }

        /** How many closed pairs the ring keeps for diagnostics (default 256). */
        public Builder recentlyClosed(int size) {
            this.recentlyClosed = size;
            return this;
        }

        /** A hook run once for every pair of this manager, after the pair's own hooks. */
        public Builder cleanupHook(CleanupHook cleanupHook) {
            hooks.add(cleanupHook);
            return this;
        }

        /**
         * Validates every option and starts the manager's timer. Every option is checked here, none
         * in its setter, the same rule as the stats pipeline's builders.
         *
         * @throws NullPointerException naming a missing option, as the builder method spells it
         *     ({@code overflowPolicy}, {@code timeSource}, ...)
         * @throws IllegalArgumentException naming the first invalid option
         * @throws IllegalStateException if this builder already built a manager, or virtual
         *     threads were asked for on a JDK without them
         */
        public ConnectionManager build() {
            if (built) {
                throw new IllegalStateException("this builder already built a manager (expected: one build per builder)");
            }
            Checks.notEmpty("name", name);
            if (statsSet) {
                Objects.requireNonNull(stats, "stats");
            }
            Objects.requireNonNull(clock, "timeSource");
            if (threadsSet) {
                Objects.requireNonNull(threads, "threadFactory");
            }
            Objects.requireNonNull(overflowPolicy, "overflowPolicy");
            for (CleanupHook h : hooks) {
                Objects.requireNonNull(h, "cleanupHook");
            }
            Checks.positive("outboundQueueCapacity", queueCapacity);
            if (idleTimeout != null) {
                Checks.positiveNanos("idleTimeout", idleTimeout);
            }
            Checks.positiveNanos("writeTimeout", writeTimeout);
            Checks.positiveNanos("gracePeriod", gracePeriod);
            Checks.positiveNanos("hookTimeout", hookTimeout);
            if (timerTick != null) {
                Checks.positiveNanos("timerTick", timerTick);
            }
            Checks.positive("recentlyClosed", recentlyClosed);
            if (virtual && !VirtualThreads.supported()) {
                VirtualThreads.factory(); // throws the explanation
            }
            ConnectionManager m;
            try {
                m = new ConnectionManager(this);
            } catch (IllegalArgumentException clash) { // its gauges are already on this pipeline
                throw new IllegalArgumentException("name: '" + name + "' is already used by a manager on this stats "
                        + "pipeline (expected: a unique name per pipeline, or shut the other manager down first)", clash);
            }
            built = true;
            m.startTimer();
            return m;
        }
    }
}
