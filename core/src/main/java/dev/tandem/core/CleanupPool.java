package dev.tandem.core;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads for the rare teardown work that must not run where it was triggered: closing a resource
 * that may block, hooks of a STUCK pair, and the hooks after one that was cut off. Threads
 * ({@code tandem-cleanup-N}) are made on demand, reused, and end after two idle seconds; the
 * common path (a side thread runs its own pair's hooks) never uses this pool. It never rejects:
 * after shutdown a task gets a thread of its own.
 */
final class CleanupPool {
    private final ThreadPoolExecutor pool;
    private final ThreadFactory threads;
    private final AtomicLong seq = new AtomicLong();

    CleanupPool(ThreadFactory threads) {
        this.threads = threads;
        RejectedExecutionHandler afterShutdown = (task, executor) -> newThread(task).start();
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(),
                this::newThread, afterShutdown);
    }

    private Thread newThread(Runnable r) {
        Thread t = threads.newThread(r);
        t.setName("tandem-cleanup-" + seq.incrementAndGet());
        return t;
    }

    void execute(Runnable task) {
        pool.execute(task);
    }

    /** Idle threads end at once; busy ones finish their task. */
    void shutdown() {
        pool.shutdown();
    }
}
