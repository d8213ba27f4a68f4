package dev.tandem.bench.hotpath;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one consumer of a {@link BaselineQueue}, shaped like Tandem's delivery thread: it drains up
 * to a batch, hands every event to the sink's work, and parks when the queue held less than a
 * full batch. It never spins.
 *
 * <p>Implementation notes: the loop runs on its own platform daemon thread ({@code tandem-b1-consumer},
 * so the tests' leak check sees it); {@link #stop} runs on the benchmark's tear-down thread and joins
 * it with a bound. Unlike Tandem's delivery thread nothing wakes it early: it parks for a fixed
 * {@value #IDLE_PARK_MICROS} µs (the DogStatsD client sleeps when idle too), which spares the
 * baselines' producers any wake-up cost. The batch list is reused (Tandem allocates one per
 * publish): if anything, the baselines' consumers are cheaper than Tandem's.
 */
final class BatchConsumer {
    static final int IDLE_PARK_MICROS = 50;

    private final BaselineQueue queue;
    private final SinkWork work;
    private final int batchSize;
    private final Thread thread;
    private volatile boolean running = true;

    BatchConsumer(BaselineQueue queue, SinkWork work, int batchSize) {
        this.queue = queue;
        this.work = work;
        this.batchSize = batchSize;
        this.thread = new Thread(this::run, "tandem-b1-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        List<BenchEvent> batch = new ArrayList<>(batchSize);
        while (running) {
            int n = queue.drain(batch, batchSize);
            for (int i = 0; i < n; i++) {
                work.event(batch.get(i).timestampMillis);
            }
            batch.clear();
            if (n < batchSize) {
                LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(IDLE_PARK_MICROS));
            }
        }
        int n; // the producers have stopped: deliver what is left, as a closing pipeline flushes
        while ((n = queue.drain(batch, batchSize)) > 0) {
            for (int i = 0; i < n; i++) {
                work.event(batch.get(i).timestampMillis);
            }
            batch.clear();
        }
    }

    /** Stops the loop and waits for it (at most 10 s); the sink's work may be read afterwards. */
    void stop() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(10_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("the baseline consumer did not stop within 10 s");
        }
    }
}
