package dev.tandem.examples.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.testing.StatsSinkContractTest;
import dev.tandem.stats.Event;
import dev.tandem.stats.Batch;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.Tags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MinimalSinkTest extends StatsSinkContractTest {
    private final Map<StatsSink, ByteArrayOutputStream> outputs = new IdentityHashMap<>();

    @Override
    protected synchronized StatsSink newSink() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        MinimalSink sink = new MinimalSink(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        outputs.put(sink, buffer);
        return sink;
    }

    @Override
    protected synchronized long receivedEvents(StatsSink sink) {
        return lines(outputs.get(sink)).stream().filter(l -> l.startsWith("event ")).count();
    }

    private static List<String> lines(ByteArrayOutputStream buffer) {
        String text = buffer.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
    }

    @Test
    void printsOneLinePerEventAndOneLinePerCounterButNoGauges() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        MinimalSink sink = new MinimalSink(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        EventType closed = TestEvents.type("app.connection.closed", "id", "duration_ms");
        sink.publish(Batch.of("minimal", 2, List.of(Event.of(closed, 1, Tags.of("reason", "eof"), 7, 40)),
                List.of(Measurement.counter("app.connections.accepted", Tags.of("port", "8080"), 3),
                        Measurement.gauge("app.connections.live", Tags.empty(), 1))));
        assertEquals(List.of(
                "event app.connection.closed{reason=eof} @1 id=7 duration_ms=40",
                "counter app.connections.accepted{port=8080} 3"), lines(buffer));
    }

    @Test
    void throwsWhenTheStreamFailsSoThePipelineCanBackOff() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        };
        MinimalSink sink = new MinimalSink(new PrintStream(broken, true, StandardCharsets.UTF_8));
        EventType t = TestEvents.type("x", "n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sink.publish(Batch.of("minimal", 1, List.of(Event.of(t, 1, Tags.empty(), 1)), List.of())));
        assertTrue(e.getMessage().contains("failed"), e.getMessage());
    }
}
