package dev.tandem.stats;

import dev.tandem.stats.internal.JcTools;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one sink's delivery thread: batch, rate-limit, publish, back off, and on close
 * flush until the deadline, then close the sink.
 *
 * <p>Implementation notes: this object is confined to its delivery thread, which is the only
 * consumer of the sink's queue; it reports progress through {@link SinkChannel}'s
 * {@code delivery*} methods. It calls user code ({@code publish}, {@code close}, gauge
 * functions via the metric snapshot) and survives anything that code throws, {@link Error}s
 * included. It may block only in user code or in a bounded park.
 */
final class DeliveryLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(StatsPipeline.class);

    private final SinkChannel ch;
    private final MetricRegistry registry;
    private final Clock clock;
    private final int batchSize;
    private final long lingerNanos;
    private final long metricsNanos;
    private final long backoffInitialNanos;
    private final long backoffMaxNanos;
    private final int maxRetries;
    private final RateLimiter limiter; // null when unlimited
    private final Consumer<Event> addToBatch = this::add;

    private ArrayList<Event> batch;
    private int attempt = 1;
    private long sequence;
    private long backoffNanos;
    private long backoffUntil;

    DeliveryLoop(SinkChannel ch, MetricRegistry registry, Clock clock) {
        this.ch = ch;
        this.registry = registry;
        this.clock = clock;
        SinkOptions o = ch.options;
        this.batchSize = o.batchSize();
        this.lingerNanos = o.linger().toNanos();
        this.metricsNanos = o.metricsInterval().toNanos();
        this.backoffInitialNanos = o.backoffInitial().toNanos();
        this.backoffMaxNanos = o.backoffMax().toNanos();
        this.maxRetries = o.maxRetries();
        this.limiter = o.maxEventsPerSecond() == 0 ? null
                : new RateLimiter(o.maxEventsPerSecond(), batchSize, clock.nanoTime());
        this.backoffNanos = backoffInitialNanos;
        this.batch = newBatchList();
    }

    @Override
    public void run() {
        try {
            deliverUntilClosing();
            closeDown();
        } catch (Throwable bug) { // a defect of ours, not of the sink: say so loudly, stop cleanly
            log.error("Tandem delivery thread for stats sink '{}' failed; its events are dropped from now on",
                    ch.name, bug);
            ch.beginClose(System.nanoTime());
            ch.deliveryDropped(batch.size(), DropReason.SHUTDOWN);
            dropQueued(DropReason.SHUTDOWN);
            ch.deliveryClosed(false);
        } finally {
            ch.deliveryExited();
        }
    }

    private void deliverUntilClosing() {
        long now = clock.nanoTime();
        long nextPublish = now + lingerNanos;
        long nextMetrics = now + metricsNanos;
        while (!closing()) {
            now = clock.nanoTime();
            if (ch.state() == SinkState.BACKOFF) {
                if (now - backoffUntil < 0) {
                    ch.deliveryPark(backoffUntil - now, Integer.MAX_VALUE);
                    continue;
                }
                if (batch.isEmpty()) {
                    fill(now, false);
                }
                publish();
                now = clock.nanoTime();
                nextPublish = now + lingerNanos;
                nextMetrics = now + metricsNanos;
                continue;
            }
            fill(now, false);
            boolean lingerDue = now - nextPublish >= 0;
            if (batch.size() >= batchSize || (lingerDue && !batch.isEmpty()) || now - nextMetrics >= 0) {
                publish();
                now = clock.nanoTime();
                nextPublish = now + lingerNanos;
                nextMetrics = now + metricsNanos;
                continue;
            }
            if (lingerDue) {
                nextPublish = now + lingerNanos;
            }
            long wakeAt = nextPublish - nextMetrics < 0 ? nextPublish : nextMetrics;
            int wakeAtQueued = batchSize - batch.size();
            if (limiter != null && !ch.queue.isEmpty()) {
                long wait = limiter.nanosUntil(1, now);
                if (wait > 0) {
                    // Rate-limited: producers must not wake us for events we may not take yet.
                    wakeAt = Math.min(wakeAt, now + wait);
                    wakeAtQueued = Integer.MAX_VALUE;
                }
            }
            ch.deliveryPark(wakeAt - now, wakeAtQueued);
        }
    }

    private boolean closing() {
        SinkState s = ch.state();
        return s == SinkState.CLOSING || s == SinkState.CLOSED;
    }

    /** Moves queued events into the batch, up to its size and the rate limit. */
    private void fill(long now, boolean ignoreRateLimit) {
        int room = batchSize - batch.size();
        if (limiter != null && !ignoreRateLimit) {
            room = (int) Math.min(room, limiter.available(now));
        }
        int n = JcTools.drain(ch.queue, room, addToBatch);
        ch.deliveryTook(n);
        if (limiter != null && !ignoreRateLimit) {
            limiter.consume(n);
        }
    }

    private void add(Event e) {
        batch.add(e);
    }

    /** Publishes the batch in hand (possibly empty: metrics only). Returns true on success. */
    private boolean publish() {
        int n = batch.size();
        if (attempt == 1) {
            sequence++;
        }
        Throwable error = null;
        ch.deliveryPublishStarted(clock.nanoTime());
        try {
            List<Measurement> metrics = registry.snapshot();
            List<Event> events = n == 0 ? List.of() : Collections.unmodifiableList(batch);
            ch.sink.publish(Batch.create(ch.name, sequence, attempt, clock.currentTimeMillis(), events, metrics));
        } catch (Throwable t) { // user code: anything, Errors included, is a failed publish
            error = t;
        } finally {
            ch.deliveryPublishEnded();
        }
        if (error == null) {
            ch.deliveryDelivered(n);
            if (n != 0) {
                batch = newBatchList(); // the sink may keep the list it was given
            }
            attempt = 1;
            backoffNanos = backoffInitialNanos;
            ch.moveUnlessClosing(SinkState.RUNNING);
            return true;
        }
        ch.deliveryFailed(error, clock.currentTimeMillis());
        if (attempt > maxRetries) {
            ch.deliveryDropped(n, DropReason.FAILED);
            batch = newBatchList();
            attempt = 1;
        } else {
            attempt++;
        }
        backoffUntil = clock.nanoTime() + backoffNanos;
        backoffNanos = Math.min(backoffMaxNanos, backoffNanos * 2);
        ch.moveUnlessClosing(SinkState.BACKOFF);
        return false;
    }

    /**
     * Flushes until the queue is empty, a publish fails, or the close deadline (by
     * {@link System#nanoTime()}) passes; then drops the rest as shutdown and closes the sink.
     * The flush ends with a metrics-only publish, taken after the last events were counted as
     * delivered, so the sink sees the final totals (its own {@code tandem.stats.delivered}
     * included).
     */
    private void closeDown() {
        long deadline = ch.closeDeadlineNanos();
        boolean clean = false;
        while (System.nanoTime() - deadline < 0) {
            if (batch.isEmpty()) {
                fill(0, true);
            }
            boolean last = batch.isEmpty(); // metrics only: taken after every event was counted
            if (!publish()) {
                break;
            }
            if (last) {
                clean = true;
                break;
            }
        }
        if (!batch.isEmpty() || !ch.queue.isEmpty()) {
            clean = false;
        }
        ch.deliveryDropped(batch.size(), DropReason.SHUTDOWN);
        batch = newBatchList();
        dropQueued(DropReason.SHUTDOWN);
        ch.deliveryClosingSink();
        try {
            ch.sink.close();
        } catch (Throwable t) { // user code
            clean = false;
            ch.deliveryCloseFailed(t, clock.currentTimeMillis());
            log.warn("Tandem stats sink '{}' threw from close()", ch.name, t);
        }
        ch.deliveryClosed(clean);
        dropQueued(DropReason.SHUTDOWN); // producers that raced with close
    }

    private void dropQueued(DropReason reason) {
        int n;
        do {
            n = JcTools.drain(ch.queue, 4096, e -> { });
            ch.deliveryTook(n);
            ch.deliveryDropped(n, reason);
        } while (n > 0);
    }

    private ArrayList<Event> newBatchList() {
        return new ArrayList<>(Math.min(batchSize, 64));
    }
}
