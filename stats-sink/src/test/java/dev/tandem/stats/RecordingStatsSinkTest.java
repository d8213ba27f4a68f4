package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.testing.RecordingStatsSink;
import dev.tandem.stats.testing.StatsSinkContractTest;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RecordingStatsSinkTest extends StatsSinkContractTest {
    @Override
    protected StatsSink newSink() {
        return new RecordingStatsSink();
    }

    @Override
    protected long receivedEvents(StatsSink sink) {
        RecordingStatsSink r = (RecordingStatsSink) sink;
        return r.eventCount() + r.overflow();
    }

    @Test
    void keepsAtMostMaxEventsAndCountsTheRest() {
        RecordingStatsSink r = new RecordingStatsSink(3);
        EventType t = TestEvents.type("x", "n");
        List<Event> five = List.of(Event.of(t, 1, Tags.empty(), 1), Event.of(t, 1, Tags.empty(), 2),
                Event.of(t, 1, Tags.empty(), 3), Event.of(t, 1, Tags.empty(), 4), Event.of(t, 1, Tags.empty(), 5));
        r.publish(Batch.of("r", 1, five, List.of()));
        assertEquals(3, r.eventCount());
        assertEquals(2, r.overflow());
    }

    @Test
    void readsCountersAndGaugesFromTheLatestBatch() {
        RecordingStatsSink r = new RecordingStatsSink();
        r.publish(Batch.of("r", 1, List.of(), List.of(Measurement.counter("c", Tags.of("k", "v"), 7),
                Measurement.gauge("g", Tags.empty(), 2.5))));
        assertEquals(OptionalLong.of(7), r.counter("c", Tags.of("k", "v")));
        assertEquals(OptionalLong.empty(), r.counter("c", Tags.empty()));
        assertEquals(2.5, r.gauge("g", Tags.empty()).orElseThrow());
        assertTrue(r.gauge("c", Tags.of("k", "v")).isEmpty(), "a counter is not a gauge");
    }

    @Test
    void awaitEventsGivesUpAtItsTimeout() throws InterruptedException {
        RecordingStatsSink r = new RecordingStatsSink();
        assertFalse(r.awaitEvents(1, Duration.ofMillis(50)));
    }

    @Test
    void rejectsANonPositiveLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecordingStatsSink(0));
        assertEquals("maxEvents: 0 (expected: > 0)", e.getMessage());
    }
}
