package dev.tandem.stats.kafka;

import dev.tandem.stats.Event;
import java.util.function.Function;

/**
 * The keys {@link EventKey}'s factories make. Each reads the event it is given and keeps nothing,
 * which is what lets {@link KafkaStatsSink} take reused events with them.
 */
final class BuiltInKey implements EventKey {
    static final BuiltInKey NONE = new BuiltInKey("EventKey.none()", event -> null);
    static final BuiltInKey EVENT_NAME = new BuiltInKey("EventKey.eventName()", Event::name);

    private final String name;
    private final Function<Event, String> key;

    BuiltInKey(String name, Function<Event, String> key) {
        this.name = name;
        this.key = key;
    }

    @Override
    public String keyOf(Event event) {
        return key.apply(event);
    }

    @Override
    public String toString() {
        return name;
    }
}
