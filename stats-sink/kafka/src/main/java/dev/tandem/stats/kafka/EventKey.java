package dev.tandem.stats.kafka;

import dev.tandem.stats.Event;
import dev.tandem.stats.internal.Checks;

/**
 * Chooses the Kafka record key of an event when the sink writes one record per event
 * ({@link EventRecords#PER_EVENT}). Records with the same key go to the same partition, in order;
 * a {@code null} key lets the producer's partitioner spread records over the partitions.
 *
 * <p>Called on the sink's delivery thread, once per event; it must be quick and must not throw
 * (a throw fails the publish, as any other publish failure).
 */
@FunctionalInterface
public interface EventKey {
    /** The key of {@code event}'s record, or {@code null} for no key. */
    String keyOf(Event event);

    /** No key: records are spread over the partitions, with no order between them (the default). */
    static EventKey none() {
        return BuiltInKey.NONE;
    }

    /** The event's name: all events of one type go to one partition, in order. */
    static EventKey eventName() {
        return BuiltInKey.EVENT_NAME;
    }

    /**
     * The value of one tag, e.g. {@code EventKey.tag("connection")}: the events of one connection
     * go to one partition, in order. An event without that tag gets no key.
     */
    static EventKey tag(String tagKey) {
        String k = Checks.notEmpty("tagKey", tagKey);
        return new BuiltInKey("EventKey.tag(" + k + ")", event -> event.tags().get(k));
    }

    /**
     * The decimal value of one numeric field, e.g. {@code EventKey.field("id")} for the id of a
     * connection event. An event whose type has no such field gets no key.
     */
    static EventKey field(String fieldName) {
        String f = Checks.notEmpty("fieldName", fieldName);
        return new BuiltInKey("EventKey.field(" + f + ")", event -> {
            int i = event.type().indexOf(f);
            return i < 0 ? null : Long.toString(event.field(i));
        });
    }
}
