package dev.tandem.stats;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link StatsSink#publish} call delivers: the events gathered since the previous batch
 * and a snapshot of every metric's current cumulative value (including the pipeline's own
 * {@code tandem.stats.*} metrics). Read-only.
 *
 * <h2>Lifetime: a batch is lent for the duration of its publish</h2>
 * The pipeline reuses one batch (and its two lists) per sink for every publish, so that the
 * delivery loop allocates nothing per event. A sink may read the batch only until its
 * {@code publish} returns or throws; after that every accessor but {@link #sinkName()} and
 * {@link #copy()}-made copies throw {@link IllegalStateException} (loudly, rather than showing
 * the next batch). A sink that keeps anything for later (to send it on another thread, to retry
 * it itself, to assert on it in a test) keeps {@link #copy()}.
 * The {@link Event}s and {@link Measurement}s themselves never change and may be kept freely,
 * unless the sink {@link StatsSink#acceptsReusedEvents() accepts reused events} or
 * {@link StatsSink#acceptsReusedMeasurements() reused measurements}: those are refilled in place
 * for the next publish, and {@link #copy()} holds immutable copies.
 * Batches made with {@link #of} or {@link #copy()} are immutable and never expire.
 */
public final class Batch {
    private final String sinkName;
    private long sequence;
    private int attempt;
    private long timestampMillis;
    private final List<Event> events;
    private final List<Measurement> metrics;
    private final boolean lent;
    private volatile boolean open;

    private Batch(String sinkName, long sequence, int attempt, long timestampMillis,
                  List<Event> events, List<Measurement> metrics, boolean lent) {
        this.sinkName = sinkName;
        this.sequence = sequence;
        this.attempt = attempt;
        this.timestampMillis = timestampMillis;
        this.events = events;
        this.metrics = metrics;
        this.lent = lent;
        this.open = !lent;
    }

    /** Builds a batch, for a sink's own unit tests; the lists are copied. */
    public static Batch of(String sinkName, long timestampMillis, List<Event> events, List<Measurement> metrics) {
        Measurement[] values = new Measurement[metrics.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = metrics.get(i).immutable(); // a measurement taken from a lent batch may be reused
        }
        return new Batch(Objects.requireNonNull(sinkName, "sinkName"), 1, 1, timestampMillis,
                immutableEvents(events), List.of(values), false);
    }

    /** For the delivery loop: the one batch it lends its sink on every publish, over its reused lists. */
    static Batch lent(String sinkName, BatchList<Event> events, BatchList<Measurement> metrics) {
        return new Batch(sinkName, 0, 1, 0, events, metrics, true);
    }

    /** Delivery loop, before publish: what this batch is now; it may be read until {@link #expire()}. */
    void lend(long sequence, int attempt, long timestampMillis) {
        this.sequence = sequence;
        this.attempt = attempt;
        this.timestampMillis = timestampMillis;
        ((BatchList<?>) events).open();
        ((BatchList<?>) metrics).open();
        open = true;
    }

    /** Delivery loop, after publish returned or threw. */
    void expire() {
        open = false;
        ((BatchList<?>) events).close();
        ((BatchList<?>) metrics).close();
    }

    /**
     * A batch with the same contents that stays readable after this one's publish returns (its
     * lists copied): what a sink keeps if it needs the batch later. Call it during publish.
     *
     * @throws IllegalStateException if this batch's publish already returned
     */
    public Batch copy() {
        if (!lent) {
            return this;
        }
        check();
        Measurement[] values = new Measurement[metrics.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = metrics.get(i).immutable(); // a reused measurement changes at the next publish
        }
        return new Batch(sinkName, sequence, attempt, timestampMillis, immutableEvents(events), List.of(values), false);
    }

    /** The events, each one {@link Event#copy() as it is now} (an event taken from a lent batch may be reused). */
    private static List<Event> immutableEvents(List<Event> events) {
        Event[] copies = new Event[events.size()];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = events.get(i).copy();
        }
        return List.of(copies);
    }

    private void check() {
        if (!open) {
            throw new IllegalStateException("batch of sink '" + sinkName + "' read after its publish returned "
                    + "(expected: read a batch only inside publish; keep batch.copy() for later)");
        }
    }

    /** The name the sink was registered under. */
    public String sinkName() {
        return sinkName;
    }

    /** 1 for this sink's first batch, then 2, 3, ...; a retried batch keeps its sequence. */
    public long sequence() {
        check();
        return sequence;
    }

    /** 1 on the first attempt to publish this batch, 2 on the first retry, and so on. */
    public int attempt() {
        check();
        return attempt;
    }

    /** When the batch was assembled, in milliseconds since the epoch. */
    public long timestampMillis() {
        check();
        return timestampMillis;
    }

    /**
     * The events; may be empty. Each producer thread's events are in the order it recorded them;
     * events of different threads are in no particular order (they come from different stripes
     * of the sink's storage).
     */
    public List<Event> events() {
        check();
        return events;
    }

    /** Every metric's current value; counters are cumulative totals. */
    public List<Measurement> metrics() {
        check();
        return metrics;
    }

    @Override
    public String toString() {
        if (!open) {
            return "Batch{sink=" + sinkName + ", expired}";
        }
        return "Batch{sink=" + sinkName + ", seq=" + sequence + ", attempt=" + attempt
                + ", events=" + events.size() + ", metrics=" + metrics.size() + '}';
    }
}
