package dev.tandem.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads a manager owns: one pool runs its pairs' readers and drains, another the drainers of its
 * {@link CleanupLane}, which run the rare teardown work that must not run where it was triggered
 * (closing a resource that may block, hooks of a STUCK pair, the hooks after one that was cut off).
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Platform threads</b> come from the manager's thread factory, are made on demand, reused,
 *       and end after {@code keepAlive} idle (a cached pool: a {@link ThreadPoolExecutor} on a
 *       {@link SynchronousQueue}). Every task gets a thread at once, so a task that blocks delays no
 *       other, and churning connections creates no thread per connection.</li>
 *   <li><b>Virtual threads</b> are not pooled: each task starts a fresh one that ends with it. When a
 *       manager of a million pairs shuts down, a million tasks arrive within seconds, and a
 *       {@link ThreadPoolExecutor} then keeps tens of thousands of idle workers parked on one shared
 *       queue, whose hand-offs dominated the shutdown's CPU time (B4 in docs/benchmarks.md).</li>
 *   <li><b>Names.</b> {@link #execute(String, Runnable)} names the thread after what it serves
 *       ({@code tandem-<id>-reader}) for the task's length; a pooled thread then takes back its idle
 *       name ({@code <prefix>-N}).</li>
 *   <li><b>Never rejects.</b> After {@link #shutdown()} (idle threads end at once, busy ones finish
 *       their task) a task gets a thread of its own. A factory that fails or returns no thread makes
 *       {@code execute} throw: the caller closes its pair. The cleanup pool falls back to a
 *       plain daemon thread instead, and when even that cannot start, keeps the task for the timer
 *       to retry: teardown is late then, never lost, and never run on the caller's thread.</li>
 * </ul>
 */
final class ThreadPool {
    private final ThreadPoolExecutor pool; // null: a fresh virtual thread per task
    private final ThreadFactory threads;
    private final String prefix;
    private final AtomicLong seq = new AtomicLong();
    private final boolean fallBack;
    private final Queue<Runnable> deferred = new ConcurrentLinkedQueue<>();

    ThreadPool(ThreadFactory threads, boolean virtual, String prefix, long keepAliveSeconds) {
        this(threads, virtual, prefix, keepAliveSeconds, false);
    }

    /**
     * {@code fallBack}: when the factory throws or returns no thread, use a plain daemon thread
     * rather than fail (the cleanup pool: teardown must run even when the user's factory fails).
     */
    ThreadPool(ThreadFactory threads, boolean virtual, String prefix, long keepAliveSeconds, boolean fallBack) {
        this.fallBack = fallBack;
        this.threads = threads;
        this.prefix = prefix;
        if (virtual) {
            this.pool = null;
        } else {
            RejectedExecutionHandler afterShutdown = (task, executor) -> start(newThread(task));
            this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, keepAliveSeconds, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), this::newThread, afterShutdown);
        }
    }

    private Thread newThread(Runnable r) {
        Thread t = fromFactory(r);
        if (t == null) {
            throw new IllegalStateException("the thread factory returned no thread");
        }
        t.setName(prefix + "-" + seq.incrementAndGet());
        return t;
    }

    private Thread fromFactory(Runnable r) {
        Thread t;
        try {
            t = threads.newThread(r);
        } catch (RuntimeException | Error e) { // an Error too: "unable to create native thread"
            if (!fallBack) {
                throw e;
            }
            t = null;
        }
        if (t == null && fallBack) {
            t = new Thread(r);
            t.setDaemon(true);
        }
        return t;
    }

    private static void start(Thread t) {
        t.start();
    }

    /**
     * Runs {@code task} on a thread of its own now. On a fall-back pool this never throws: when not
     * even a plain thread starts (the process is out of native threads), the task waits for
     * {@link #retryDeferred()}, which the manager's timer calls each tick.
     */
    void execute(Runnable task) {
        try {
            submit(task);
        } catch (RuntimeException | Error noThread) {
            if (!fallBack) {
                throw noThread;
            }
            deferred.add(task);
        }
    }

    /** Tasks a fall-back pool could not start yet: each gets one more try, in order, until one fails. */
    void retryDeferred() {
        for (int n = deferred.size(); n > 0; n--) {
            Runnable task = deferred.poll();
            if (task == null) {
                return;
            }
            try {
                submit(task);
            } catch (RuntimeException | Error stillNoThread) {
                deferred.add(task); // behind the others; try again next tick
                return;
            }
        }
    }

    private void submit(Runnable task) {
        if (pool == null) {
            start(newThread(task));
        } else {
            pool.execute(task);
        }
    }

    /** True while a task waits for {@link #retryDeferred()}. */
    boolean hasDeferred() {
        return !deferred.isEmpty();
    }

    /** As {@link #execute(Runnable)}, on a thread named {@code name} while it runs the task. */
    void execute(String name, Runnable task) {
        if (pool == null) {
            Thread t = fromFactory(task);
            if (t == null) {
                throw new IllegalStateException("the thread factory returned no thread for " + name);
            }
            t.setName(name);
            start(t);
        } else {
            pool.execute(() -> {
                Thread me = Thread.currentThread();
                String idle = me.getName();
                me.setName(name);
                try {
                    task.run();
                } finally {
                    me.setName(idle);
                }
            });
        }
    }

    /** Idle threads end at once; busy ones finish their task. */
    void shutdown() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
