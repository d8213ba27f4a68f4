package dev.tandem.stats.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default encoder writes strict JSON that an independent parser (Jackson) reads back exactly. */
class JsonRecordEncoderTest {
    /** Strict: no NaN literals, no duplicate keys, no trailing tokens, exact big numbers. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);

    static JsonNode parse(byte[] value) throws Exception {
        return JSON.readTree(new String(value, StandardCharsets.UTF_8));
    }

    private static final String AWKWARD = "q\"uote back\\slash\nnl\ttab\u0001ctl é✓ 😀 \u2028";
    private final EventType type = TestEvents.type("conn.closed", "id", "bytes");
    private final Tags tags = Tags.of("reason", AWKWARD, "k", "v");
    private final Event e0 = Event.of(type, 1000, tags, Long.MAX_VALUE, Long.MIN_VALUE);
    private final Event e1 = Event.of(type, 2000, Tags.empty(), 1, 2);
    private final Batch batch = Batch.of("kafka", 5000, List.of(e0, e1), List.of(
            Measurement.counter("tandem.connections.opened", Tags.of("manager", "m"), Long.MAX_VALUE),
            Measurement.gauge("g.half", Tags.empty(), -1.5),
            Measurement.gauge("g.tiny", Tags.empty(), 1e-300),
            Measurement.gauge("g.nan", Tags.empty(), Double.NaN),
            Measurement.gauge("g.inf", Tags.empty(), Double.POSITIVE_INFINITY),
            Measurement.gauge("g.ninf", Tags.empty(), Double.NEGATIVE_INFINITY)));

    @Test
    void writesOneEventPerRecordWithItsBatchCoordinatesAndExactFields() throws Exception {
        JsonNode n = parse(RecordEncoder.json().event("src \"1\"", batch, 0));
        assertEquals("event", n.get("type").asText());
        assertEquals("src \"1\"", n.get("source").asText());
        assertEquals("kafka", n.get("sink").asText());
        assertEquals(1, n.get("batch").asLong());
        assertEquals(1, n.get("attempt").asInt());
        assertEquals(0, n.get("index").asInt());
        assertEquals("conn.closed", n.get("name").asText());
        assertEquals(1000, n.get("timestamp").asLong());
        assertEquals(AWKWARD, n.get("tags").get("reason").asText(), "awkward strings survive the round trip");
        assertEquals("v", n.get("tags").get("k").asText());
        assertEquals(Long.MAX_VALUE, n.get("fields").get("id").longValue());
        assertEquals(Long.MIN_VALUE, n.get("fields").get("bytes").longValue());
        assertEquals(10, n.size(), n.toString());
    }

    @Test
    void writesARangeOfEventsAsOneRecord() throws Exception {
        JsonNode n = parse(RecordEncoder.json().events("s", batch, 1, 2));
        assertEquals("events", n.get("type").asText());
        assertEquals(5000, n.get("timestamp").asLong());
        assertEquals(1, n.get("events").size());
        JsonNode e = n.get("events").get(0);
        assertEquals(1, e.get("index").asInt(), "the index in the batch, not in the record");
        assertEquals(2000, e.get("timestamp").asLong());
        assertEquals(0, e.get("tags").size());
        assertEquals(2, e.get("fields").get("bytes").asLong());

        JsonNode both = parse(RecordEncoder.json().events("s", batch, 0, 2));
        assertEquals(2, both.get("events").size());
        assertEquals(AWKWARD, both.get("events").get(0).get("tags").get("reason").asText());
    }

    @Test
    void writesEveryMetricWithCountersExactAndNonFiniteGaugesAsStrings() throws Exception {
        JsonNode n = parse(RecordEncoder.json().metrics("s", batch));
        assertEquals("metrics", n.get("type").asText());
        JsonNode m = n.get("metrics");
        assertEquals(6, m.size());
        assertEquals("tandem.connections.opened", m.get(0).get("name").asText());
        assertEquals("counter", m.get(0).get("kind").asText());
        assertEquals("m", m.get(0).get("tags").get("manager").asText());
        assertTrue(m.get(0).get("value").isIntegralNumber());
        assertEquals(Long.MAX_VALUE, m.get(0).get("value").longValue(), "a counter is exact, not a double");
        assertEquals("gauge", m.get(1).get("kind").asText());
        assertEquals(-1.5, m.get(1).get("value").doubleValue());
        assertEquals(1e-300, m.get(2).get("value").doubleValue());
        assertEquals("NaN", m.get(3).get("value").asText());
        assertEquals("Infinity", m.get(4).get("value").asText());
        assertEquals("-Infinity", m.get(5).get("value").asText());
    }

    @Test
    void escapesUnpairedSurrogatesInsteadOfLosingThem() throws Exception {
        String lone = "a\uD800b\uDC00c";
        Event e = Event.of(type, 0, Tags.of("t", lone), 0, 0);
        byte[] value = RecordEncoder.json().event("s", Batch.of("k", 0, List.of(e), List.of()), 0);
        String text = new String(value, StandardCharsets.UTF_8);
        assertTrue(text.contains("a\\ud800b\\udc00c"), text);
        assertEquals(lone, parse(value).get("tags").get("t").asText());
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Test
    void writesExactlyTheseBytes() {
        Event e = Event.of(type, 1000, Tags.of("reason", "eof"), 42, -7);
        Batch b = Batch.of("kafka", 5000, List.of(e, e1), List.of(
                Measurement.counter("c", Tags.of("k", "v"), Long.MAX_VALUE),
                Measurement.gauge("g", Tags.empty(), -0.0),
                Measurement.gauge("h", Tags.empty(), 1e21),
                Measurement.gauge("i", Tags.empty(), Double.MIN_VALUE),
                Measurement.gauge("n", Tags.empty(), Double.NaN),
                Measurement.gauge("p", Tags.empty(), Double.POSITIVE_INFINITY),
                Measurement.gauge("q", Tags.empty(), Double.NEGATIVE_INFINITY)));
        assertEquals("{\"type\":\"event\",\"source\":\"s\",\"sink\":\"kafka\",\"batch\":1,\"attempt\":1,"
                + "\"index\":1,\"name\":\"conn.closed\",\"timestamp\":2000,\"tags\":{},\"fields\":{\"id\":1,\"bytes\":2}}",
                text(RecordEncoder.json().event("s", b, 1)));
        assertEquals("{\"type\":\"events\",\"source\":\"s\",\"sink\":\"kafka\",\"batch\":1,\"attempt\":1,"
                + "\"timestamp\":5000,\"events\":["
                + "{\"index\":0,\"name\":\"conn.closed\",\"timestamp\":1000,\"tags\":{\"reason\":\"eof\"},\"fields\":{\"id\":42,\"bytes\":-7}},"
                + "{\"index\":1,\"name\":\"conn.closed\",\"timestamp\":2000,\"tags\":{},\"fields\":{\"id\":1,\"bytes\":2}}]}",
                text(RecordEncoder.json().events("s", b, 0, 2)));
        assertEquals("{\"type\":\"metrics\",\"source\":\"s\",\"sink\":\"kafka\",\"batch\":1,\"attempt\":1,"
                + "\"timestamp\":5000,\"metrics\":["
                + "{\"name\":\"c\",\"tags\":{\"k\":\"v\"},\"kind\":\"counter\",\"value\":9223372036854775807},"
                + "{\"name\":\"g\",\"tags\":{},\"kind\":\"gauge\",\"value\":-0.0},"
                + "{\"name\":\"h\",\"tags\":{},\"kind\":\"gauge\",\"value\":1.0E21},"
                + "{\"name\":\"i\",\"tags\":{},\"kind\":\"gauge\",\"value\":4.9E-324},"
                + "{\"name\":\"n\",\"tags\":{},\"kind\":\"gauge\",\"value\":\"NaN\"},"
                + "{\"name\":\"p\",\"tags\":{},\"kind\":\"gauge\",\"value\":\"Infinity\"},"
                + "{\"name\":\"q\",\"tags\":{},\"kind\":\"gauge\",\"value\":\"-Infinity\"}]}",
                text(RecordEncoder.json().metrics("s", b)));
    }

    @Test
    void writesBackspaceAndFormFeedAsTwoCharacterEscapesAndOtherControlsAsSix() {
        StringBuilder awkward = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            awkward.append(c);
        }
        awkward.append("\u007f\u2028 \uD83D\uDE00 \uDC00\uD800 \uD800\uD800\uDC00 \uD800\uDC00\uDC00 \uD800");
        Batch b = Batch.of("k", 0, List.of(), List.of(Measurement.counter("c", Tags.of("t", awkward.toString()), 1)));
        assertEquals("{\"type\":\"metrics\",\"source\":\"s\",\"sink\":\"k\",\"batch\":1,\"attempt\":1,"
                + "\"timestamp\":0,\"metrics\":[{\"name\":\"c\",\"tags\":{\"t\":\""
                + "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
                + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
                + "\u007f\u2028 \uD83D\uDE00 \\udc00\\ud800 \\ud800\uD800\uDC00 \uD800\uDC00\\udc00 \\ud800"
                + "\"},\"kind\":\"counter\",\"value\":1}]}",
                text(RecordEncoder.json().metrics("s", b)));
    }

    @Test
    void writesAnEmptyBatch() throws Exception {
        Batch empty = Batch.of("k", 7, List.of(), List.of());
        assertEquals(0, parse(RecordEncoder.json().metrics("s", empty)).get("metrics").size());
        assertEquals(0, parse(RecordEncoder.json().events("s", empty, 0, 0)).get("events").size());
    }
}
