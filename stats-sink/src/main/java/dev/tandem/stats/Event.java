package dev.tandem.stats;

import java.util.Objects;

/**
 * One discrete record: a type (name and field names), a wall-clock timestamp, tags and up to
 * {@value EventType#MAX_FIELDS} numeric fields. Events carry ids, counts and durations, never
 * payloads.
 *
 * <p>Recording builds no event: the producer writes the parts into the sink's pre-allocated ring,
 * and the sink's delivery thread builds the events it hands over. By default each is a new
 * object that never changes and that the sink may keep (its fields are not final, so hand it to
 * another thread through a queue, a lock or a volatile, as one hands over any object, not
 * through a data race). A sink that {@link StatsSink#acceptsReusedEvents()
 * accepts reused events} is handed the same objects, refilled, on every publish: such an event is
 * valid until the {@code publish} that handed it over returns (keep {@link #copy()} or the values).
 * An event built with {@link #of} is always immutable.
 */
public final class Event {
    // Not final: the delivery thread refills the events it lends a sink that accepts reused ones.
    // Written only by the delivery thread that owns the event, before the publish that hands it over.
    private EventType type;
    private long timestampMillis;
    private Tags tags;
    // Inline fields, so that an event is one object.
    private long f0;
    private long f1;
    private long f2;
    private long f3;
    private long f4;
    private long f5;
    /** True for an event the delivery thread refills (see {@link #reusable()}); fixed at construction. */
    private final boolean reusable;

    Event(EventType type, long timestampMillis, Tags tags,
          long f0, long f1, long f2, long f3, long f4, long f5) {
        this.reusable = false;
        refill(type, timestampMillis, tags, f0, f1, f2, f3, f4, f5);
    }

    private Event() {
        this.reusable = true;
    }

    /** Delivery thread: an empty event to {@link #refill} for each publish to a sink that accepts reused events. */
    static Event reusable() {
        return new Event();
    }

    /** True for an event made by {@link #reusable()}: the only kind the delivery thread refills. */
    boolean isReusable() {
        return reusable;
    }

    /** Delivery thread: overwrites a lent event (see the class comment) for its next publish. */
    void refill(EventType type, long timestampMillis, Tags tags,
                long f0, long f1, long f2, long f3, long f4, long f5) {
        this.type = type;
        this.timestampMillis = timestampMillis;
        this.tags = tags;
        this.f0 = f0;
        this.f1 = f1;
        this.f2 = f2;
        this.f3 = f3;
        this.f4 = f4;
        this.f5 = f5;
    }

    /**
     * An event with the same contents that stays as it is: this one if it is immutable already,
     * else a copy. What a sink that accepts reused events keeps past its publish.
     */
    public Event copy() {
        return reusable ? new Event(type, timestampMillis, tags, f0, f1, f2, f3, f4, f5) : this;
    }

    /**
     * An event built by hand rather than recorded: for a sink that splits, re-batches or replays
     * events, and for a sink's own unit tests (see {@code dev.tandem.stats.testing.TestEvents}).
     * Recording goes through {@link EventType#record}, which reads the pipeline's clock and feeds
     * the sinks; this only builds the value.
     *
     * @param values one per field of {@code type}, in declared order
     * @throws NullPointerException if {@code type}, {@code tags} or {@code values} is null
     * @throws IllegalArgumentException if {@code values.length} is not {@code type.fieldCount()}
     */
    public static Event of(EventType type, long timestampMillis, Tags tags, long... values) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(values, "values");
        type.checkArity(values.length);
        long[] v = java.util.Arrays.copyOf(values, EventType.MAX_FIELDS);
        return new Event(type, timestampMillis, tags, v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    public EventType type() {
        return type;
    }

    public String name() {
        return type.name();
    }

    /** When the event was recorded, in milliseconds since the epoch (from the pipeline's {@link Clock}). */
    public long timestampMillis() {
        return timestampMillis;
    }

    public Tags tags() {
        return tags;
    }

    public int fieldCount() {
        return type.fieldCount();
    }

    public String fieldName(int index) {
        return type.fieldName(index);
    }

    /** The value of the {@code index}-th field. */
    public long field(int index) {
        switch (Objects.checkIndex(index, type.fieldCount())) {
            case 0: return f0;
            case 1: return f1;
            case 2: return f2;
            case 3: return f3;
            case 4: return f4;
            case 5: return f5;
            default: throw new IllegalStateException("field index " + index);
        }
    }

    /**
     * The value of the named field.
     *
     * @throws IllegalArgumentException if this event's type has no such field
     */
    public long field(String name) {
        int index = type.indexOf(Objects.requireNonNull(name, "name"));
        if (index < 0) {
            throw new IllegalArgumentException("field '" + name + "' (expected one of " + type.fieldNames() + ")");
        }
        return field(index);
    }

    /** {@code name{tags} @timestamp field=value ...}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64).append(type.name()).append(tags).append(" @").append(timestampMillis);
        for (int i = 0; i < type.fieldCount(); i++) {
            sb.append(' ').append(type.fieldName(i)).append('=').append(field(i));
        }
        return sb.toString();
    }
}
