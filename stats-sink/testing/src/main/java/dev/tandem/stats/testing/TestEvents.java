package dev.tandem.stats.testing;

import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.StatsPipeline;

/**
 * Event types for a sink's unit tests, declared without a pipeline of the test's own. Build the
 * events themselves with {@link Event#of}:
 *
 * <pre>{@code
 * EventType closed = TestEvents.type("app.connection.closed", "id", "duration_ms");
 * Batch batch = Batch.of("test", 1, List.of(Event.of(closed, 1_764_340_000_000L, Tags.of("reason", "eof"), 7, 40)),
 *         List.of());
 * mySink.publish(batch);
 * }</pre>
 */
public final class TestEvents {
    private TestEvents() {}

    /**
     * A type with this name and fields, validated as {@link StatsPipeline#eventType} validates
     * them. It belongs to a pipeline of its own that has no sink, so recording through it only
     * counts a drop there; each call returns a new type.
     *
     * @throws IllegalArgumentException for an empty name, an empty or repeated field name, or more
     *     than {@link EventType#MAX_FIELDS} fields
     */
    public static EventType type(String name, String... fieldNames) {
        return StatsPipeline.builder().build().eventType(name, fieldNames); // no sink: no thread, nothing to close
    }
}
