package dev.tandem.stats;

import dev.tandem.stats.internal.Checks;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A declared kind of event: a name and up to {@value #MAX_FIELDS} named numeric fields. Declare
 * each type once with {@link StatsPipeline#eventType(String, String...)}, keep it in a field, and
 * record through it from any thread.
 *
 * <p>Recording never blocks and never throws because of a sink (S1): the event is offered to each
 * sink's bounded queue, and a full or unhealthy sink counts a drop instead. Recording allocates
 * nothing: the event's parts are written into a slot of each sink's pre-allocated ring, and the
 * sink's delivery thread builds the {@link Event} it hands over (see
 * {@link StatsSink#acceptsReusedEvents()}). The timestamp is the pipeline's cached clock, a volatile read (see
 * {@link StatsPipeline.Builder#timestampTick}). A call with the wrong number of values is a programming error and
 * throws {@link IllegalArgumentException}; so does a {@code null} tags argument
 * ({@link NullPointerException}).
 *
 * <pre>{@code
 * EventType closed = pipeline.eventType("tandem.connection.closed", "id", "duration_ms");
 * closed.record(Tags.of("reason", "eof"), pairId, durationMillis);
 * }</pre>
 */
public final class EventType {
    /** The most numeric fields an event may carry (they are stored inline, without an array). */
    public static final int MAX_FIELDS = 6;

    private final String name;
    private final String[] fieldNames;
    private final StatsPipeline pipeline;

    EventType(String name, String[] fieldNames, StatsPipeline pipeline) {
        this.name = name;
        this.fieldNames = fieldNames;
        this.pipeline = pipeline;
    }

    static EventType create(String name, String[] fieldNames, StatsPipeline pipeline) {
        Checks.notEmpty("name", name);
        Objects.requireNonNull(fieldNames, "fieldNames");
        Checks.atMost("fieldNames.length", fieldNames.length, "MAX_FIELDS", MAX_FIELDS);
        String[] copy = fieldNames.clone();
        for (int i = 0; i < copy.length; i++) {
            Checks.notEmpty("fieldNames[" + i + "]", copy[i]);
            for (int j = 0; j < i; j++) {
                if (copy[j].equals(copy[i])) {
                    throw new IllegalArgumentException(
                            "fieldNames: '" + copy[i] + "' repeated (expected: unique names)");
                }
            }
        }
        return new EventType(name, copy, pipeline);
    }

    public String name() {
        return name;
    }

    public int fieldCount() {
        return fieldNames.length;
    }

    /** The declared field names, in order. */
    public List<String> fieldNames() {
        return List.of(fieldNames);
    }

    public String fieldName(int index) {
        return fieldNames[Objects.checkIndex(index, fieldNames.length)];
    }

    /** The position of a field, or -1. */
    public int indexOf(String fieldName) {
        for (int i = 0; i < fieldNames.length; i++) {
            if (fieldNames[i].equals(fieldName)) {
                return i;
            }
        }
        return -1;
    }

    /** Records an event of a type with no fields. */
    public void record(Tags tags) {
        emit(tags, 0, 0, 0, 0, 0, 0, 0);
    }

    public void record(Tags tags, long v0) {
        emit(tags, 1, v0, 0, 0, 0, 0, 0);
    }

    public void record(Tags tags, long v0, long v1) {
        emit(tags, 2, v0, v1, 0, 0, 0, 0);
    }

    public void record(Tags tags, long v0, long v1, long v2) {
        emit(tags, 3, v0, v1, v2, 0, 0, 0);
    }

    public void record(Tags tags, long v0, long v1, long v2, long v3) {
        emit(tags, 4, v0, v1, v2, v3, 0, 0);
    }

    public void record(Tags tags, long v0, long v1, long v2, long v3, long v4) {
        emit(tags, 5, v0, v1, v2, v3, v4, 0);
    }

    public void record(Tags tags, long v0, long v1, long v2, long v3, long v4, long v5) {
        emit(tags, 6, v0, v1, v2, v3, v4, v5);
    }

    private void emit(Tags tags, int arity, long v0, long v1, long v2, long v3, long v4, long v5) {
        if (tags == null) {
            throw new NullPointerException("tags");
        }
        if (arity != fieldNames.length) {
            checkArity(arity);
        }
        pipeline.record(this, tags, v0, v1, v2, v3, v4, v5);
    }

    void checkArity(int given) {
        if (given != fieldNames.length) {
            throw new IllegalArgumentException("values for '" + name + "': " + given
                    + " (expected: " + fieldNames.length + ", one per field " + Arrays.toString(fieldNames) + ")");
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(fieldNames);
    }
}
