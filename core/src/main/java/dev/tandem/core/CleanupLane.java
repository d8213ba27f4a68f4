package dev.tandem.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The teardown work that must not run where it was triggered: closing a resource whose
 * {@code close()} may block, the hooks of a STUCK pair, the hooks after one that was cut off. Tasks
 * wait in one queue and a few drainer threads run them in turn, so a burst of closes (a shutdown of
 * a million pairs over a transport that is not a JDK socket) costs a few threads, not one thread a
 * task. A task that blocks delays the others by at most one timer tick: the timer then starts more
 * drainers.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Who calls what.</b> {@link #execute} runs on any thread and never blocks; drainers run on
 *       threads of the cleanup {@link ThreadPool}; {@link #compensate} runs on the manager's timer,
 *       once a tick.</li>
 *   <li><b>Drainer count.</b> {@code drainers} counts the drainers started and not yet gone, the
 *       ones still waiting for a thread included (a fall-back pool may defer them to the timer).
 *       {@code execute} adds the task, then starts a drainer if fewer than {@code eager} are
 *       counted. A drainer that finds the queue empty takes itself off the count and then looks at
 *       the queue again; if a task arrived it counts itself back in (when there is room) and goes
 *       on. Both are volatile write-then-read pairs (Dekker): a task added while the last drainer
 *       leaves is seen by one of the two, so no task is ever stranded with no drainer counted.
 *       Modelled in {@code CleanupLaneLincheckTest}.</li>
 *   <li><b>Blocking.</b> A drainer publishes when it began its current task. Each tick the timer
 *       looks: if tasks are waiting and every drainer that runs has been in its task for longer than
 *       a tick, it starts as many more as are stalled (at most as many as tasks wait): a queue
 *       behind blocked closes gets drainers twice as fast each tick. A drainer still waiting for a
 *       thread is not stalled: nothing more could start either.</li>
 *   <li><b>Interrupts.</b> A drainer clears its interrupt status before each task: a hook cut off
 *       by the timer absorbs its own interrupt ({@link HookRun}), and nothing else interrupts a
 *       cleanup thread.</li>
 * </ul>
 */
final class CleanupLane {
    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);

    /** Marks a drainer between tasks. */
    private static final long IDLE = Long.MIN_VALUE;

    /** Starts a drainer on a thread; for the manager, the fall-back cleanup pool (which never throws). */
    interface Starter {
        void start(Runnable drainer);
    }

    private final Starter threads;
    private final TimeSource clock;
    private final int eager;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    private final Set<Drainer> running = ConcurrentHashMap.newKeySet();

    /**
     * @param eager how many drainers {@link #execute} starts without waiting for the timer
     */
    CleanupLane(Starter threads, TimeSource clock, int eager) {
        if (eager < 1) {
            throw new IllegalArgumentException("eager: " + eager + " (expected: at least 1)");
        }
        this.threads = threads;
        this.clock = clock;
        this.eager = eager;
    }

    /** Runs {@code task} soon on a cleanup thread; never on the caller, never blocks. */
    void execute(Runnable task) {
        tasks.add(task);
        int n;
        while ((n = drainers.get()) < eager) {
            if (drainers.compareAndSet(n, n + 1)) {
                startDrainer();
                return;
            }
        }
    }

    /**
     * The timer, each tick: if tasks wait and every running drainer has been in one task for more
     * than {@code stallNanos}, starts more drainers (as many as are stalled, at most as many as wait).
     */
    void compensate(long now, long stallNanos) {
        if (tasks.isEmpty()) {
            return;
        }
        int stalled = 0;
        for (Drainer d : running) {
            long since = d.busySince;
            if (since == IDLE || now - since <= stallNanos) {
                return; // this one takes the next task soon
            }
            stalled++;
        }
        if (stalled < drainers.get()) {
            return; // a drainer waits for a thread: another could not start either
        }
        int more = Math.max(1, waitingUpTo(stalled));
        drainers.addAndGet(more);
        for (int i = 0; i < more; i++) {
            startDrainer();
        }
    }

    /** How many tasks wait, counted up to {@code max} only (the queue's own size() walks it all). */
    private int waitingUpTo(int max) {
        int n = 0;
        for (var it = tasks.iterator(); n < max && it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    /** Tasks waiting for a drainer (for tests). */
    int queued() {
        return tasks.size();
    }

    /** Drainers counted: running, or waiting for a thread (for tests). */
    int drainers() {
        return drainers.get();
    }

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
        volatile long busySince = IDLE;

        @Override
        public void run() {
            running.add(this);
            try {
                do {
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        Thread.interrupted();
                        busySince = clock.nanoTime();
                        try {
                            task.run();
                        } catch (Throwable t) { // our bug: every task handles its user code's failures
                            log.error("Tandem cleanup task failed", t);
                        } finally {
                            busySince = IDLE;
                        }
                    }
                } while (!leave());
            } finally {
                running.remove(this);
                Thread.interrupted();
            }
        }

        /** Off the count, unless a task arrived meanwhile and there is room to stay: true to leave. */
        private boolean leave() {
            drainers.decrementAndGet();
            while (!tasks.isEmpty()) {
                int n = drainers.get();
                if (n >= eager) {
                    return true; // enough drainers are counted to take it
                }
                if (drainers.compareAndSet(n, n + 1)) {
                    return false;
                }
            }
            return true;
        }
    }
}
