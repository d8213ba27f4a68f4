package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Threads that record into a pipeline, named {@code producer-<i>}, for tests that need several
 * recording threads: a burst ({@link #together}) or a steady stream until stopped
 * ({@link #steady}). Every wait is bounded and fails loudly.
 */
public final class Producers implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch stopped;

    private Producers(int threads) {
        this.stopped = new CountDownLatch(threads);
    }

    /**
     * Runs {@code work(thread index)} on {@code threads} threads released at the same moment, and
     * waits (at most 60 s) for all of them to finish.
     */
    public static void together(int threads, IntConsumer work) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int index = t;
            new Thread(() -> {
                try {
                    start.await();
                    work.accept(index);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "producer-" + t).start();
        }
        start.countDown();
        assertTrue(done.await(60, TimeUnit.SECONDS), "producers finished");
    }

    /**
     * Starts {@code threads} threads that each run {@code record} every 100 µs or so (a steady
     * stream, not a CPU burner) until {@link #stop()} or {@link #close()}.
     */
    public static Producers steady(int threads, Runnable record) {
        Producers p = new Producers(threads);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                while (!p.stop.get()) {
                    record.run();
                    LockSupport.parkNanos(100_000);
                }
                p.stopped.countDown();
            }, "producer-" + t).start();
        }
        return p;
    }

    /** Stops a steady stream and fails unless every thread has stopped within 10 s. */
    public void stop() throws InterruptedException {
        stop.set(true);
        assertTrue(stopped.await(10, TimeUnit.SECONDS), "producers stopped");
    }

    /**
     * Stops a steady stream and waits (at most 10 s) without failing, as a try-with-resources
     * ends it whatever the test did; an interrupt ends the wait and is kept.
     */
    @Override
    public void close() {
        stop.set(true);
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
