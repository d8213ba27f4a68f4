package dev.tandem.stats;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link StatsSink#publish} call delivers: the events gathered since the previous batch
 * and a snapshot of every metric's current cumulative value (including the pipeline's own
 * {@code tandem.stats.*} metrics). Immutable.
 */
public final class Batch {
    private final String sinkName;
    private final long sequence;
    private final int attempt;
    private final long timestampMillis;
    private final List<Event> events;
    private final List<Measurement> metrics;

    private Batch(String sinkName, long sequence, int attempt, long timestampMillis,
                  List<Event> events, List<Measurement> metrics) {
        this.sinkName = sinkName;
        this.sequence = sequence;
        this.attempt = attempt;
        this.timestampMillis = timestampMillis;
        this.events = events;
        this.metrics = metrics;
    }

    /** Builds a batch, for a sink's own unit tests; the lists are copied. */
    public static Batch of(String sinkName, long timestampMillis, List<Event> events, List<Measurement> metrics) {
        return create(Objects.requireNonNull(sinkName, "sinkName"), 1, 1, timestampMillis,
                List.copyOf(events), List.copyOf(metrics));
    }

    /** For the pipeline: the lists must already be immutable. */
    static Batch create(String sinkName, long sequence, int attempt, long timestampMillis,
                        List<Event> events, List<Measurement> metrics) {
        return new Batch(sinkName, sequence, attempt, timestampMillis, events, metrics);
    }

    /** The name the sink was registered under. */
    public String sinkName() {
        return sinkName;
    }

    /** 1 for this sink's first batch, then 2, 3, ...; a retried batch keeps its sequence. */
    public long sequence() {
        return sequence;
    }

    /** 1 on the first attempt to publish this batch, 2 on the first retry, and so on. */
    public int attempt() {
        return attempt;
    }

    /** When the batch was assembled, in milliseconds since the epoch. */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** The events, oldest first; may be empty. */
    public List<Event> events() {
        return events;
    }

    /** Every metric's current value; counters are cumulative totals. */
    public List<Measurement> metrics() {
        return metrics;
    }

    @Override
    public String toString() {
        return "Batch{sink=" + sinkName + ", seq=" + sequence + ", attempt=" + attempt
                + ", events=" + events.size() + ", metrics=" + metrics.size() + '}';
    }
}
