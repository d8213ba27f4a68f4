package dev.tandem.stats;

import java.util.Arrays;
import java.util.function.BooleanSupplier;
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
 *
 * <p>Allocation: none per publish in steady state, and none per event for a sink that
 * {@link StatsSink#acceptsReusedEvents() accepts reused events}. The batch in hand is one array
 * of {@code batchSize} events, filled from the stripes' rings (each event copied out of its slot:
 * a new event, or for such a sink the one already at that position, refilled) and cleared after
 * each publish; the
 * sink is lent one {@link Batch} over that array and a reused metrics array (see Batch's
 * lifetime contract: it expires when publish returns); the metrics snapshot measures into that
 * array, allocating a {@link Measurement} only for a metric whose value changed, or, for a sink
 * that {@link StatsSink#acceptsReusedMeasurements() accepts reused ones}, updating that metric's
 * measurement in place: nothing at all. What a sink or a gauge function allocates is its own.
 *
 * <p>Waking: while events flow fast (the last drain took at least an eighth of a batch), the
 * loop naps {@value #NAP_NANOS} ns at a time without advertising itself as parked, so producers
 * never pay for an {@code unpark} (a system call, and on a busy machine the wakee preempts the
 * waker: B1's stack profile found a producer spending more time in {@code unpark} than in its own
 * work). When the flow slows, it parks until its next deadline and asks the producers to wake it
 * when a batch is queued (see {@link SinkChannel}). A nap is short enough that a stripe cannot
 * fill during it at any rate below a stripe per {@value #NAP_NANOS} ns.
 */
final class DeliveryLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(StatsPipeline.class);
    /** How long the loop naps, unadvertised, while events flow fast. */
    static final long NAP_NANOS = 50_000;

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

    private final boolean reuseEvents; // the sink accepts reused events: batch[] keeps them between publishes
    private final Event[] batch; // the events in hand: batch[0 .. count)
    private int count;
    private final BatchList<Event> events;
    private final MetricRegistry.Snapshot metrics;
    private final Batch lent;
    private final int busyAtLeast; // a drain that takes this many events means events flow fast
    private int lastDrained;
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
        this.busyAtLeast = Math.max(1, batchSize / 8);
        this.metrics = new MetricRegistry.Snapshot(asks(ch, "acceptsReusedMeasurements", ch.sink::acceptsReusedMeasurements));
        this.reuseEvents = asks(ch, "acceptsReusedEvents", ch.sink::acceptsReusedEvents);
        this.batch = new Event[batchSize];
        this.events = new BatchList<>("batch events", batch);
        this.lent = Batch.lent(ch.name, events, metrics.view);
    }

    /** The sink's answer to one of its {@code acceptsReused*} questions, asked once; a sink that throws gets immutable ones. */
    private static boolean asks(SinkChannel ch, String question, BooleanSupplier answer) {
        try {
            return answer.getAsBoolean();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) { // user code
            log.warn("Tandem stats sink '{}' threw from {}(); it gets immutable ones", ch.name, question, e);
            return false;
        }
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
            ch.deliveryDropped(count, DropReason.SHUTDOWN);
            ch.deliveryDropQueued(DropReason.SHUTDOWN);
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
                if (count == 0) {
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
            if (count >= batchSize || (lingerDue && count != 0) || now - nextMetrics >= 0) {
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
            int wakeAtQueued = batchSize - count;
            if (limiter != null && !ch.queueEmpty()) {
                long wait = limiter.nanosUntil(1, now);
                if (wait > 0) {
                    // Rate-limited: producers must not wake us for events we may not take yet.
                    wakeAt = Math.min(wakeAt, now + wait);
                    wakeAtQueued = Integer.MAX_VALUE;
                }
            }
            if (lastDrained >= busyAtLeast && wakeAtQueued != Integer.MAX_VALUE) {
                ch.deliveryNap(Math.min(wakeAt - now, NAP_NANOS)); // events flow: poll, nobody unparks us
            } else {
                ch.deliveryPark(wakeAt - now, wakeAtQueued);
            }
        }
    }

    private boolean closing() {
        SinkState s = ch.state();
        return s == SinkState.CLOSING || s == SinkState.CLOSED;
    }

    /** Moves queued events into the batch, up to its size and the rate limit. */
    private void fill(long now, boolean ignoreRateLimit) {
        int room = batchSize - count;
        if (limiter != null && !ignoreRateLimit) {
            room = (int) Math.min(room, limiter.available(now));
        }
        int n = ch.deliveryDrain(batch, count, room, reuseEvents);
        count += n;
        lastDrained = n;
        if (limiter != null && !ignoreRateLimit) {
            limiter.consume(n);
        }
    }

    /** Publishes the batch in hand (possibly empty: metrics only). Returns true on success. */
    private boolean publish() {
        int n = count;
        if (attempt == 1) {
            sequence++;
        }
        Throwable error = null;
        ch.deliveryPublishStarted(clock.nanoTime());
        try {
            registry.snapshotInto(metrics);
            events.size(n);
            lent.lend(sequence, attempt, clock.currentTimeMillis());
            ch.sink.publish(lent);
        } catch (Throwable t) { // user code: anything, Errors included, is a failed publish
            error = t;
        } finally {
            lent.expire();
            ch.deliveryPublishEnded();
        }
        if (error == null) {
            ch.deliveryDelivered(n);
            clearBatch();
            attempt = 1;
            backoffNanos = backoffInitialNanos;
            ch.moveUnlessClosing(SinkState.RUNNING);
            return true;
        }
        ch.deliveryFailed(error, clock.currentTimeMillis());
        if (attempt > maxRetries) {
            ch.deliveryDropped(n, DropReason.FAILED);
            clearBatch();
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
            if (count == 0) {
                fill(0, true);
            }
            boolean last = count == 0; // metrics only: taken after every event was counted
            if (!publish()) {
                break;
            }
            if (last) {
                clean = true;
                break;
            }
        }
        if (count != 0 || !ch.queueEmpty()) {
            clean = false;
        }
        ch.deliveryDropped(count, DropReason.SHUTDOWN);
        clearBatch();
        ch.deliveryDropQueued(DropReason.SHUTDOWN);
        ch.deliveryClosingSink();
        try {
            ch.sink.close();
        } catch (Throwable t) { // user code
            clean = false;
            ch.deliveryCloseFailed(t, clock.currentTimeMillis());
            log.warn("Tandem stats sink '{}' threw from close()", ch.name, t);
        }
        ch.deliveryClosed(clean);
        ch.deliveryDropQueued(DropReason.SHUTDOWN); // producers that raced with close
    }

    /**
     * Forgets the events in hand (published or dropped): new ones are let go, so the array keeps
     * no garbage alive; reused ones stay, to be refilled.
     */
    private void clearBatch() {
        if (!reuseEvents) {
            Arrays.fill(batch, 0, count, null);
        }
        count = 0;
    }
}
