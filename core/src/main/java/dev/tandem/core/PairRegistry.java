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
import java.util.concurrent.CompletableFuture;
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
 * The machinery behind a {@link ConnectionManager}: the live pairs, the threads they run on, the
 * shared timer, the counts, and the shutdown. It is what a pair sees of its manager
 * ({@link PairHost}); the manager's public face is {@code ConnectionManager}.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Registry.</b> A pair is in {@code registry} from {@link #start} until it reports
 *       CLOSED ({@link #onClosed}, which removes it once: the counts follow the removal, so a pair
 *       is counted closed exactly once).</li>
 *   <li><b>Lifecycle</b> RUNNING → SHUTTING_DOWN → TERMINATED, forward only, by CAS. A pair opened
 *       while a shutdown starts re-checks the state after it registered: either the shutdown's pass
 *       over the registry sees it, or the pair sees the shutdown and closes itself.</li>
 *   <li><b>Timer.</b> One thread ticks every {@code tickNanos}: it retries teardown work that got
 *       no thread, starts more cleanup drainers when those there are blocked ({@link CleanupLane}),
 *       then checks every pair's deadlines; it never blocks and runs no user code but the thread
 *       factory (for those drainers and retries). It
 *       ends after TERMINATED once the last pair (a STUCK one included) is gone.</li>
 *   <li><b>Logging</b> under the logger {@code dev.tandem.core.ConnectionManager}, the name users
 *       configure.</li>
 * </ul>
 */
final class PairRegistry implements PairHost {
    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);

    /** The manager's lifecycle, moved forward only by CAS. */
    private enum Lifecycle { RUNNING, SHUTTING_DOWN, TERMINATED }

    private final String name;
    private final TimeSource clock;
    private final ThreadFactory threads;
    private final int queueCapacity;
    private final OverflowPolicy overflowPolicy;
    private final boolean readerWritesInline;
    private final CleanupHook[] hooks;
    private final ThreadPool sides;
    private final ThreadPool cleanup;
    private final CleanupLane offThread;
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

    private final Thread timer;

    PairRegistry(ConnectionManager.Builder b) {
        this.name = b.name;
        this.clock = b.clock;
        this.virtual = b.virtual;
        this.threads = b.threads != null ? b.threads : b.virtual ? VirtualThreads.factory() : PairRegistry::daemon;
        this.queueCapacity = b.queueCapacity;
        this.overflowPolicy = b.overflowPolicy;
        this.readerWritesInline = b.readerWritesInline;
        this.hooks = b.hooks.toArray(new CleanupHook[0]);
        this.idleNanos = b.idleTimeout == null ? 0 : Checks.saturatedNanos(b.idleTimeout);
        this.writeNanos = Checks.saturatedNanos(b.writeTimeout);
        this.graceNanos = Checks.saturatedNanos(b.gracePeriod);
        this.hookNanos = Checks.saturatedNanos(b.hookTimeout);
        this.tickNanos = b.timerTick != null ? Checks.saturatedNanos(b.timerTick) : defaultTick(idleNanos, writeNanos, graceNanos, hookNanos);
        this.sides = new ThreadPool(this.threads, this.virtual, "tandem-pool", 60);
        this.cleanup = new ThreadPool(this.threads, this.virtual, "tandem-cleanup", 2, true);
        // one drainer per core takes a burst of closes (a shutdown) without a thread per close
        this.offThread = new CleanupLane(cleanup::execute, System::nanoTime, Math.max(1, Runtime.getRuntime().availableProcessors()));
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

    static Thread daemon(Runnable r) {
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

    // ================================================================== opening

    <M> ConnectionPair<M> start(AutoCloseable resource, ReadLoop<M> reader, MessageWriter<M> writer, CleanupHook[] pairHooks) {
        if (state.get() != Lifecycle.RUNNING) {
            closeQuietly(resource);
            throw new IllegalStateException("manager '" + name + "' is shut down (expected: open pairs before shutdown)");
        }
        PairImpl<M> p = new PairImpl<>(nextId.incrementAndGet(), this, resource, reader, writer, pairHooks);
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
    public int readerInlineBudget() {
        return readerWritesInline ? WriteSide.INLINE_BUDGET : 0;
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
        offThread.execute(task);
    }

    @Override
    public void messageDropped() {
        metrics.messageDropped();
    }

    @Override
    public void onStuck(long pairId, String whatIsStuck, PairSnapshot snapshot, long closingNanos) {
        metrics.stuck(pairId, closingNanos);
        CoreEvents.pairStuck(name, pairId, whatIsStuck, closingNanos, snapshot.reader().stack(), snapshot.writer().stack());
        stuckLog.warn(clock.nanoTime(), () -> "Tandem pair " + pairId + " is STUCK " + Duration.ofNanos(graceNanos)
                + " after close: " + whatIsStuck + ". Its hooks run now on a cleanup thread.\n" + snapshot, null);
    }

    @Override
    public void hookFailed(CleanupHookException failure) {
        metrics.hookFailed();
        CoreEvents.hookFailed(name, failure.pairId(), failure.hookIndex(), failure.timedOut(), failure);
        hookLog.warn(clock.nanoTime(), failure::getMessage, failure.getCause() != null ? failure.getCause() : failure);
    }

    @Override
    public void onClosed(long pairId, CloseInfo info, boolean wasStuck) {
        if (!registry.containsKey(pairId)) {
            return; // not one of ours (each pair's teardown calls this once, from its finish barrier)
        }
        metrics.closed(info, wasStuck); // the closed event first, then the counts: see ManagerMetrics
        CoreEvents.pairClosed(name, pairId, info.reason(), info.cause(), info.lifetime(), info.bytesIn(),
                info.bytesOut(), info.messagesIn(), info.messagesOut(), info.messagesUnsent(),
                info.messagesDropped(), info.stuck());
        recentlyClosed.add(info);
        // Only now out of the registry: a shutdown that finds it empty returns, and its caller reads
        // final counts (removed first, a shutdown could return clean with the last pair still live).
        registry.remove(pairId);
        if (state.get() != Lifecycle.RUNNING && registry.isEmpty()) {
            synchronized (drained) {
                drained.notifyAll();
            }
            LockSupport.unpark(timer); // after shutdown, the timer ends with the last pair
        }
    }
    // ================================================================== timer

    private void runTimer() {
        while (!(state.get() == Lifecycle.TERMINATED && registry.isEmpty() && !cleanup.hasDeferred())) {
            cleanup.retryDeferred(); // teardown work no thread could be started for yet
            offThread.compensate(tickNanos); // more cleanup threads when those there are blocked
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

    ConnectionCounts counts() {
        return metrics.counts();
    }

    /** Snapshots of every live pair (open, closing or stuck), oldest first. */
    List<PairSnapshot> pairs() {
        List<PairImpl<?>> ps = new ArrayList<>(registry.values());
        ps.sort(Comparator.comparingLong(p -> p.id));
        List<PairSnapshot> out = new ArrayList<>(ps.size());
        for (PairImpl<?> p : ps) {
            out.add(p.snapshot());
        }
        return out;
    }

    PairImpl<?> get(long id) {
        return registry.get(id);
    }

    List<CloseInfo> recentlyClosed() {
        return recentlyClosed.toList();
    }

    StatsPipeline stats() {
        return stats;
    }

    CompletableFuture<ShutdownReport> terminated() {
        return terminated;
    }

    String name() {
        return name;
    }

    boolean virtual() {
        return virtual;
    }

    boolean isShutdown() {
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

}
