package dev.tandem.core;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads for the rare teardown work that must not run where it was triggered: closing a resource
 * that may block, hooks of a STUCK pair, and the hooks after one that was cut off. Every task gets
 * a thread ({@code tandem-cleanup-N}) at once, so a task that blocks delays no other; the common
 * path (a side thread runs its own pair's hooks) never uses this pool. It never rejects: after
 * shutdown a task gets a thread of its own.
 *
 * <p>Platform threads are made on demand, reused, and end after two idle seconds. Virtual threads
 * are not pooled: each task starts a fresh one that ends with it. Pooling them would only add
 * cost: when a manager of a million pairs shuts down, a million tasks arrive within seconds, and
 * a {@link ThreadPoolExecutor} on a {@link SynchronousQueue} then keeps tens of thousands of idle
 * workers, each parked with a 2 s timeout on one shared queue, whose hand-offs dominated the
 * shutdown's CPU time (B4 in docs/benchmarks.md).
 */
final class CleanupPool {
    private final ThreadPoolExecutor pool; // null: a fresh virtual thread per task
    private final ThreadFactory threads;
    private final AtomicLong seq = new AtomicLong();

    CleanupPool(ThreadFactory threads, boolean virtual) {
        this.threads = threads;
        if (virtual) {
            this.pool = null;
        } else {
            RejectedExecutionHandler afterShutdown = (task, executor) -> newThread(task).start();
            this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    this::newThread, afterShutdown);
        }
    }

    /**
     * A thread from the manager's factory, or, when the factory throws or returns null, a plain
     * daemon thread: teardown must run even when the factory is what failed (issue 13).
     */
    private Thread newThread(Runnable r) {
        Thread t;
        try {
            t = threads.newThread(r);
        } catch (RuntimeException e) {
            t = null;
        }
        if (t == null) {
            t = new Thread(r);
            t.setDaemon(true);
        }
        t.setName("tandem-cleanup-" + seq.incrementAndGet());
        return t;
    }

    void execute(Runnable task) {
        if (pool == null) {
            newThread(task).start();
        } else {
            pool.execute(task);
        }
    }

    /** Idle threads end at once; busy ones finish their task. */
    void shutdown() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
