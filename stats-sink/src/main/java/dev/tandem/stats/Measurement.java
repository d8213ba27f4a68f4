package dev.tandem.stats;

import dev.tandem.stats.internal.Checks;
import java.util.Objects;

/**
 * The current value of one metric, as carried by a {@link Batch}. Counters are cumulative totals
 * since the pipeline started (never deltas), so a sink that missed publishes still reports the
 * right total on the next one.
 *
 * <p>Immutable, except for the measurements the pipeline lends a sink that
 * {@link StatsSink#acceptsReusedMeasurements() accepts reused measurements}: the delivery loop then
 * keeps one measurement per metric and updates its value in place before each publish (on its own
 * thread, between publishes), so that a publish allocates nothing. {@link Batch#copy()} always
 * holds immutable ones.
 */
public final class Measurement {
    /** What a measurement's value means. */
    public enum Kind {
        /** A monotonic cumulative total; read it with {@link #longValue()}. */
        COUNTER,
        /** A value that goes up and down; read it with {@link #value()}. */
        GAUGE
    }

    private final String name;
    private final Tags tags;
    private final Kind kind;
    private final boolean reused;
    // effectively final, except on a reused measurement: only its delivery thread updates it, between publishes
    private long count;
    private double value;

    private Measurement(String name, Tags tags, Kind kind, long count, double value, boolean reused) {
        this.name = name;
        this.tags = tags;
        this.kind = kind;
        this.count = count;
        this.value = value;
        this.reused = reused;
    }

    public static Measurement counter(String name, Tags tags, long total) {
        return new Measurement(Checks.notEmpty("name", name), Objects.requireNonNull(tags, "tags"),
                Kind.COUNTER, total, total, false);
    }

    public static Measurement gauge(String name, Tags tags, double value) {
        return new Measurement(Checks.notEmpty("name", name), Objects.requireNonNull(tags, "tags"),
                Kind.GAUGE, (long) value, value, false);
    }

    /** For a delivery loop that reuses measurements: a copy of {@code m} it will update in place. */
    static Measurement reusedCopyOf(Measurement m) {
        return new Measurement(m.name, m.tags, m.kind, m.count, m.value, true);
    }

    /** True if the pipeline updates this measurement in place (see the class comment). */
    boolean reused() {
        return reused;
    }

    /** The delivery loop, on a reused measurement: the metric's new value. */
    void update(long count, double value) {
        if (!reused) {
            throw new IllegalStateException("an immutable measurement cannot change: " + this);
        }
        this.count = count;
        this.value = value;
    }

    /** This value as an immutable measurement: itself unless it is reused. */
    Measurement immutable() {
        return reused ? new Measurement(name, tags, kind, count, value, false) : this;
    }

    public String name() {
        return name;
    }

    public Tags tags() {
        return tags;
    }

    public Kind kind() {
        return kind;
    }

    /** The exact total of a counter; for a gauge, its value truncated to a long. */
    public long longValue() {
        return count;
    }

    /** The value as a double (for a counter, the total, exact up to 2^53). */
    public double value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Measurement)) {
            return false;
        }
        Measurement m = (Measurement) o;
        return kind == m.kind && count == m.count && Double.compare(value, m.value) == 0
                && name.equals(m.name) && tags.equals(m.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, tags, kind, count, value);
    }

    /** {@code name{tags}=value}. */
    @Override
    public String toString() {
        return name + tags + '=' + (kind == Kind.COUNTER ? Long.toString(count) : Double.toString(value));
    }
}
