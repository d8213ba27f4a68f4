package dev.tandem.core.diagnostics;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not API. The executor of the diagnostics endpoint's exchanges: at most {@code maxThreads} at once
 * ({@code tandem-diagnostics-N}), each cut off at {@code deadline} (one {@code
 * tandem-diagnostics-deadline} thread).
 *
 * <p>Why: the JDK's HTTP server reads a request's line and headers on the executor's thread, with
 * a blocking read and, by default, no time limit ({@code sun.net.httpserver.maxReqTime} is
 * "forever"). On one thread, a client sending its request a byte a minute held the endpoint for
 * every other client. Idle connections cost no thread (the server's selector holds them).
 *
 * <p>Implementation notes: the JDK's dispatcher thread calls {@link #execute}; a task beyond
 * {@code maxThreads} is rejected, and the server then closes that connection (its dispatcher
 * catches the rejection). Each task runs on a pool thread; the deadline thread interrupts it if it
 * is still running at the deadline, which closes the exchange's blocking socket channel (an
 * interruptible channel), so the read or write throws and the thread is free. The interrupt is
 * given under the task's lock and only while the task is RUNNING; the runner moves to DONE under
 * the same lock and then clears its interrupt flag, so no interrupt reaches the next task.
 */
final class BoundedExchanges implements Executor {
    static final int MAX_THREADS = 4;
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor deadlines;
    private final long deadlineNanos;
    private final AtomicInteger seq = new AtomicInteger();

    BoundedExchanges(int maxThreads, Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
        this.pool = new ThreadPoolExecutor(0, maxThreads, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "tandem-diagnostics-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tandem-diagnostics-deadline");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /** @throws RejectedExecutionException when every thread is busy (the server closes the connection) */
    @Override
    public void execute(Runnable exchange) {
        pool.execute(new Task(exchange));
    }

    /** Threads of the pool now (for tests: never above {@code maxThreads}). */
    int threads() {
        return pool.getPoolSize();
    }

    void shutdownNow() {
        pool.shutdownNow();
        deadlines.shutdownNow();
    }

    private final class Task implements Runnable {
        private final Runnable exchange;
        private Thread runner; // guarded by this
        private boolean done; // guarded by this

        Task(Runnable exchange) {
            this.exchange = exchange;
        }

        @Override
        public void run() {
            synchronized (this) {
                runner = Thread.currentThread();
            }
            ScheduledFuture<?> cut = deadlines.schedule(this::cut, deadlineNanos, TimeUnit.NANOSECONDS);
            try {
                exchange.run();
            } finally {
                cut.cancel(false);
                synchronized (this) {
                    done = true;
                }
                Thread.interrupted(); // an interrupt given before done: it was for this task only
            }
        }

        private synchronized void cut() {
            if (!done && runner != null) {
                runner.interrupt();
            }
        }
    }
}
