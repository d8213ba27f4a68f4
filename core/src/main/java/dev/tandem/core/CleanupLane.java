package dev.tandem.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The teardown work that must not run where it was triggered: closing a resource whose
 * {@code close()} may block, the hooks of a STUCK pair, the hooks after one that was cut off. Tasks
 * wait in one queue and a few drainer threads run them in turn, so a burst of closes (a shutdown of
 * a million pairs over a transport that is not a JDK socket) costs a few threads, not one thread a
 * task. A task that blocks holds the others back until the timer's next look at most: the timer then
 * counts its drainer out and starts others.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Who calls what.</b> {@link #execute} runs on any thread and never blocks; drainers run on
 *       threads of the cleanup {@link ThreadPool}; {@link #compensate} runs on the manager's timer,
 *       once a tick.</li>
 *   <li><b>Drainer count.</b> {@code drainers} counts the drainers started and not yet gone, the
 *       ones still waiting for a thread included (a fall-back pool may defer them to the timer).
 *       {@code execute} adds the task, then starts a drainer if fewer than {@code eager} are
 *       counted besides the hung ones. A drainer that finds the queue empty takes itself off the
 *       count and then looks at the queue again; if a task arrived it counts itself back in (when
 *       there is room) and goes on. Both are volatile write-then-read pairs (Dekker): a task added
 *       while the last drainer leaves is seen by one of the two, so no task is ever stranded with
 *       no drainer counted. Modelled in {@code CleanupLaneLincheckTest}. A drainer that leaves any
 *       other way (an error in this class's own code) takes itself off the count and starts a
 *       replacement if tasks wait.</li>
 *   <li><b>Blocking.</b> Each tick the timer counts as hung every drainer that has been in one
 *       task for longer than a tick ({@code hung}, until that task returns; a mark that lands as
 *       the task ends is taken back by whichever of the timer and the drainer looks last), so
 *       tasks added later start drainers of their own; and when the oldest waiting task has waited longer than a tick
 *       it starts more drainers, as many as are counted (at most {@value #MAX_STARTS_PER_TICK} a
 *       tick). Time here is {@link System#nanoTime()}, not the manager's {@link TimeSource}: a
 *       stall is a thread's, and a test clock that stands still must not hide one. No drainer is
 *       added while a counted one still waits for a thread: it could not start either.</li>
 *   <li><b>Interrupts.</b> A drainer clears its interrupt status before each task: a hook cut off
 *       by the timer absorbs its own interrupt ({@link HookRun}), and nothing else interrupts a
 *       cleanup thread.</li>
 *   <li><b>Order.</b> {@code add} to the queue and a drainer's {@code poll} are a happens-before
 *       edge ({@link ConcurrentLinkedQueue}): a task sees what its submitter wrote before
 *       {@code execute}.</li>
 * </ul>
 */
final class CleanupLane {
    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);

    /** The most drainers the timer starts in one tick. */
    static final int MAX_STARTS_PER_TICK = 64;
    /** Marks a drainer between tasks. */
    private static final long IDLE = Long.MIN_VALUE;

    /** Starts a drainer on a thread; for the manager, the fall-back cleanup pool (which never throws). */
    interface Starter {
        void start(Runnable drainer);
    }

    /** A task and when it was added. */
    private record Entry(Runnable task, long sinceNanos) { }

    private final Starter threads;
    private final LongSupplier nanos;
    private final int eager;
    private final ConcurrentLinkedQueue<Entry> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    private final AtomicInteger hung = new AtomicInteger();
    private final Set<Drainer> running = ConcurrentHashMap.newKeySet();

    /**
     * @param nanos the time stalls are measured on: {@code System::nanoTime}, or a test's
     * @param eager how many drainers besides the hung ones {@link #execute} starts without the timer
     */
    CleanupLane(Starter threads, LongSupplier nanos, int eager) {
        if (eager < 1) {
            throw new IllegalArgumentException("eager: " + eager + " (expected: at least 1)");
        }
        this.threads = threads;
        this.nanos = nanos;
        this.eager = eager;
    }

    /** Runs {@code task} soon on a cleanup thread; never on the caller, never blocks. */
    void execute(Runnable task) {
        tasks.add(new Entry(task, nanos.getAsLong()));
        startIfRoom();
    }

    /**
     * The timer, each tick: counts drainers in one task for longer than {@code stallNanos} as hung
     * (so new tasks start drainers of their own), and starts more drainers when the oldest task has
     * waited longer than that.
     */
    void compensate(long stallNanos) {
        long now = nanos.getAsLong();
        int runningNow = 0;
        for (Drainer d : running) {
            d.markIfHung(now, stallNanos);
            runningNow++;
        }
        if (tasks.isEmpty()) {
            return;
        }
        boolean waitingForThread = drainers.get() > runningNow; // then another could not start either
        startIfRoom(); // room left by drainers just counted as hung
        Entry oldest = tasks.peek();
        if (waitingForThread || oldest == null || now - oldest.sinceNanos <= stallNanos) {
            return;
        }
        int more = Math.min(MAX_STARTS_PER_TICK, Math.max(1, drainers.get()));
        drainers.addAndGet(more);
        for (int i = 0; i < more; i++) {
            startDrainer();
        }
    }

    /** Tasks waiting for a drainer (walks the queue: for tests). */
    int queued() {
        return tasks.size();
    }

    /** Drainers counted: running, or waiting for a thread (for tests). */
    int drainers() {
        return drainers.get();
    }

    /** Drainers counted as hung (for tests). */
    int hung() {
        return hung.get();
    }

    /** Takes a place on the count if fewer than {@code eager} besides the hung ones are counted. */
    private boolean claim() {
        int n;
        while ((n = drainers.get()) < eager + hung.get()) {
            if (drainers.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    private void startIfRoom() {
        if (claim()) {
            startDrainer();
        }
    }

    /** Starts one drainer already counted. */
    private void startDrainer() {
        try {
            threads.start(new Drainer());
        } catch (RuntimeException | Error noThread) { // the manager's pool defers instead of throwing
            drainers.decrementAndGet();
            log.error("Tandem could not start a cleanup thread; the timer retries", noThread);
        }
    }

    /** One drainer: runs tasks until the queue is empty, then leaves (see the class notes). */
    private final class Drainer implements Runnable {
        private static final AtomicIntegerFieldUpdater<Drainer> HUNG =
                AtomicIntegerFieldUpdater.newUpdater(Drainer.class, "countedHung");

        volatile long busySince = IDLE;
        private volatile int countedHung; // 1 while this drainer is in {@code hung}, by CAS

        @Override
        public void run() {
            boolean counted = true; // on the drainer count until leave() takes it off
            try {
                running.add(this);
                while (true) {
                    long now = nanos.getAsLong(); // before the poll: a failure here loses no task
                    Entry e = tasks.poll();
                    if (e != null) {
                        runOne(e.task(), now);
                    } else if (leave()) {
                        counted = false;
                        return;
                    }
                }
            } finally {
                running.remove(this);
                uncountHung();
                if (counted) { // left through an error of our own: off the count, and a replacement
                    drainers.decrementAndGet();
                    if (!tasks.isEmpty()) {
                        startIfRoom();
                    }
                }
                Thread.interrupted();
            }
        }

        private void runOne(Runnable task, long now) {
            Thread.interrupted();
            busySince = now;
            try {
                task.run();
            } catch (Throwable t) { // our bug: every task handles its user code's failures
                try {
                    log.error("Tandem cleanup task failed", t);
                } catch (Throwable ignored) { // logging out of memory: the drainer goes on
                }
            } finally {
                busySince = IDLE;
                uncountHung();
            }
        }

        /** Off the count, unless a task arrived meanwhile and there is room to stay: true to leave. */
        private boolean leave() {
            drainers.decrementAndGet();
            return tasks.isEmpty() || !claim();
        }

        /** The timer: counts this drainer as hung if it has been in one task for longer than {@code stallNanos}. */
        void markIfHung(long now, long stallNanos) {
            long since = busySince;
            if (since != IDLE && now - since > stallNanos && HUNG.compareAndSet(this, 0, 1)) {
                hung.incrementAndGet();
                // The task may have ended between the read above and the mark, its drainer's
                // uncount finding no mark yet (and the drainer may be gone): look at the task again.
                // The drainer writes IDLE, then looks at the mark; this wrote the mark, and now looks
                // at the task (Dekker): one of the two sees the other, and the CAS lets only one
                // take the mark back.
                if (busySince != since && HUNG.compareAndSet(this, 1, 0)) {
                    hung.decrementAndGet();
                }
            }
        }

        private void uncountHung() {
            if (countedHung == 1 && HUNG.getAndSet(this, 0) == 1) {
                hung.decrementAndGet();
            }
        }
    }
}
