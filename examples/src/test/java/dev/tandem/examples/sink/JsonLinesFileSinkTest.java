package dev.tandem.examples.sink;

import dev.tandem.stats.testing.StrictJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.testing.StatsSinkContractTest;
import dev.tandem.stats.Event;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Counter;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.Tags;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesFileSinkTest extends StatsSinkContractTest {
    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    protected StatsSink newSink() throws IOException {
        return JsonLinesFileSink.builder(dir.resolve("stats-" + files.incrementAndGet() + ".jsonl")).build();
    }

    /** Parses every line strictly, so the contract's awkward tags also prove the JSON is valid. */
    @Override
    protected long receivedEvents(StatsSink sink) throws IOException {
        return lines(((JsonLinesFileSink) sink).path()).stream()
                .filter(o -> o.get("type").equals("event"))
                .count();
    }

    private static List<Map<String, Object>> lines(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(StrictJson.parseObject(line));
        }
        return out;
    }

    private static final EventType CLOSED = TestEvents.type("app.connection.closed", "id", "duration_ms");

    @Test
    void writesOneLinePerEventAndOneLinePerPublishForMetrics() throws IOException {
        Path file = dir.resolve("exact.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.builder(file).build()) {
            sink.publish(Batch.of("json", 1_764_340_000_012L,
                    List.of(Event.of(CLOSED, 1_764_340_000_000L, Tags.of("reason", "eof"), 7, 40),
                            Event.of(CLOSED, 1_764_340_000_001L, Tags.empty(), -1, Long.MAX_VALUE)),
                    List.of(Measurement.counter("app.connections.accepted", Tags.of("port", "8080"), 3),
                            Measurement.gauge("app.connections.live", Tags.empty(), 1.5))));
        }
        assertEquals(List.of(
                "{\"type\":\"event\",\"batch\":1,\"time\":1764340000000,\"name\":\"app.connection.closed\","
                        + "\"tags\":{\"reason\":\"eof\"},\"fields\":{\"id\":7,\"duration_ms\":40}}",
                "{\"type\":\"event\",\"batch\":1,\"time\":1764340000001,\"name\":\"app.connection.closed\","
                        + "\"tags\":{},\"fields\":{\"id\":-1,\"duration_ms\":9223372036854775807}}",
                "{\"type\":\"metrics\",\"batch\":1,\"time\":1764340000012,\"metrics\":["
                        + "{\"name\":\"app.connections.accepted\",\"kind\":\"counter\",\"tags\":{\"port\":\"8080\"},\"value\":3},"
                        + "{\"name\":\"app.connections.live\",\"kind\":\"gauge\",\"tags\":{},\"value\":1.5}]}"),
                Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    @Test
    void escapesTagKeysAndValuesSoTheyReadBackUnchanged() throws IOException {
        String[] awkward = {
            "quote\"", "back\\slash", "new\nline", "car\rriage", "tab\t", "bell\u0007", "nul\u0000",
            "unit\u001f", "del\u007f", "slash/", "é✓", "emoji\uD83D\uDE00", "lone high\uD800", "lone low\uDC00x",
            "</script>", "{\"json\":[1,2]}", "line sep\u2028"
        };
        Tags tags = Tags.empty();
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < awkward.length; i++) {
            String key = "k" + (char) ('a' + i) + awkward[i];
            tags = tags.and(key, awkward[i]);
            expected.put(key, awkward[i]);
        }
        EventType type = TestEvents.type("name \"with\" quotes\n", "field\\one");
        Path file = dir.resolve("awkward.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.builder(file).build()) {
            sink.publish(Batch.of("json", 5, List.of(Event.of(type, 4, tags, 42)),
                    List.of(Measurement.counter("counter\t", tags, 1))));
        }
        List<String> raw = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2, raw.size(), "one event line and one metrics line: " + raw);
        Map<String, Object> event = StrictJson.parseObject(raw.get(0));
        assertEquals("name \"with\" quotes\n", event.get("name"));
        assertEquals(expected, event.get("tags"));
        assertEquals(Map.of("field\\one", new BigDecimal(42)), event.get("fields"));
        Map<?, ?> metric = (Map<?, ?>) ((List<?>) StrictJson.parseObject(raw.get(1)).get("metrics")).get(0);
        assertEquals("counter\t", metric.get("name"));
        assertEquals(expected, metric.get("tags"));
    }

    @Test
    void writesCountersExactlyAndNonFiniteGaugesAsNull() throws IOException {
        Path file = dir.resolve("numbers.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.builder(file).build()) {
            sink.publish(Batch.of("json", 1, List.of(), List.of(
                    Measurement.counter("max", Tags.empty(), Long.MAX_VALUE),
                    Measurement.gauge("nan", Tags.empty(), Double.NaN),
                    Measurement.gauge("inf", Tags.empty(), Double.NEGATIVE_INFINITY),
                    Measurement.gauge("tiny", Tags.empty(), -1.0e-300),
                    Measurement.gauge("huge", Tags.empty(), 1.0e300))));
        }
        List<?> metrics = (List<?>) lines(file).get(0).get("metrics");
        assertEquals(new BigDecimal(Long.MAX_VALUE), value(metrics, 0));
        assertNull(value(metrics, 1));
        assertNull(value(metrics, 2));
        assertEquals(-1.0e-300, ((BigDecimal) value(metrics, 3)).doubleValue());
        assertEquals(1.0e300, ((BigDecimal) value(metrics, 4)).doubleValue());
    }

    private static Object value(List<?> metrics, int index) {
        return ((Map<?, ?>) metrics.get(index)).get("value");
    }

    @Test
    void appendsToAnExistingFileByDefault() throws IOException {
        Path file = dir.resolve("append.jsonl");
        Files.writeString(file, "{\"type\":\"earlier\"}\n");
        try (JsonLinesFileSink sink = JsonLinesFileSink.builder(file).build()) {
            sink.publish(Batch.of("json", 1, List.of(Event.of(CLOSED, 1, Tags.empty(), 1, 2)), List.of()));
        }
        List<Map<String, Object>> lines = lines(file);
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("earlier", lines.get(0).get("type"));
        assertEquals("event", lines.get(1).get("type"));
    }

    @Test
    void truncatesAnExistingFileWhenAskedTo() throws IOException {
        Path file = dir.resolve("truncate.jsonl");
        Files.writeString(file, "{\"type\":\"earlier\"}\n");
        try (JsonLinesFileSink sink = JsonLinesFileSink.builder(file).append(false).build()) {
            sink.publish(Batch.of("json", 1, List.of(Event.of(CLOSED, 1, Tags.empty(), 1, 2)), List.of()));
        }
        List<Map<String, Object>> lines = lines(file);
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("event", lines.get(0).get("type"));
    }

    @Test
    void leavesMetricsOutWhenAskedTo() throws IOException {
        Path file = dir.resolve("events-only.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.builder(file).includeMetrics(false).build()) {
            sink.publish(Batch.of("json", 1, List.of(Event.of(CLOSED, 1, Tags.empty(), 1, 2)),
                    List.of(Measurement.counter("c", Tags.empty(), 1))));
            sink.publish(Batch.of("json", 1, List.of(), List.of(Measurement.counter("c", Tags.empty(), 2))));
        }
        List<Map<String, Object>> lines = lines(file);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals("event", lines.get(0).get("type"));
    }

    @Test
    void writesTheSameLinesWhenItSyncsEachPublish() throws IOException {
        Path plain = dir.resolve("plain.jsonl");
        Path synced = dir.resolve("synced.jsonl");
        Batch batch = Batch.of("json", 9, List.of(Event.of(CLOSED, 1, Tags.of("k", "v"), 1, 2)),
                List.of(Measurement.counter("c", Tags.empty(), 1)));
        try (JsonLinesFileSink a = JsonLinesFileSink.builder(plain).build();
             JsonLinesFileSink b = JsonLinesFileSink.builder(synced).fsyncEachPublish(true).build()) {
            a.publish(batch);
            b.publish(batch);
            assertEquals(Files.readAllLines(plain), Files.readAllLines(synced), "visible before close");
        }
    }

    @Test
    void refusesToPublishOnceClosed() throws IOException {
        JsonLinesFileSink sink = JsonLinesFileSink.builder(dir.resolve("closed.jsonl")).build();
        sink.close();
        IOException e = assertThrows(IOException.class,
                () -> sink.publish(Batch.of("json", 1, List.of(), List.of())));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void failsToBuildWhenTheFileCannotBeOpened() {
        assertThrows(IOException.class, () -> JsonLinesFileSink.builder(dir.resolve("no/such/dir/x.jsonl")).build());
        NullPointerException npe = assertThrows(NullPointerException.class, () -> JsonLinesFileSink.builder(null));
        assertEquals("path", npe.getMessage());
    }

    @Test
    void everyMetricsLineThroughAPipelineCarriesTheCumulativeTotal() throws IOException {
        Path file = dir.resolve("pipeline.jsonl");
        StatsPipeline stats = StatsPipeline.builder().sink("json", JsonLinesFileSink.builder(file).build()).build();
        Counter accepted = stats.counter("app.connections.accepted", Tags.of("port", "8080"));
        EventType closed = stats.eventType("app.connection.closed", "id", "duration_ms");
        for (int id = 1; id <= 5; id++) {
            accepted.increment();
            closed.record(Tags.of("reason", "eof"), id, 10L * id);
        }
        assertTrue(stats.close(Duration.ofSeconds(10)), "closed in time");

        List<Map<String, Object>> lines = lines(file);
        List<Long> ids = new ArrayList<>();
        Map<String, Object> lastMetrics = null;
        for (Map<String, Object> line : lines) {
            if (line.get("type").equals("event")) {
                ids.add(((BigDecimal) ((Map<?, ?>) line.get("fields")).get("id")).longValueExact());
            } else {
                lastMetrics = line;
            }
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), ids, "every event, in order");
        assertTrue(lastMetrics != null, "a metrics line: " + lines);
        assertEquals(new BigDecimal(5), metric(lastMetrics, "app.connections.accepted", Map.of("port", "8080")));
        // The pipeline's own books travel in the same line. A batch's metrics are read before it is
        // published, so they never count the batch that carries them; the last line comes from the
        // metrics-only publish that ends close's flush, so its delivered counts all five events.
        assertEquals(new BigDecimal(5), metric(lastMetrics, "tandem.stats.recorded", Map.of("sink", "json")));
        assertEquals(new BigDecimal(5), metric(lastMetrics, "tandem.stats.delivered", Map.of("sink", "json")));
    }

    private static Object metric(Map<String, Object> metricsLine, String name, Map<String, String> tags) {
        for (Object o : (List<?>) metricsLine.get("metrics")) {
            Map<?, ?> m = (Map<?, ?>) o;
            if (m.get("name").equals(name) && m.get("tags").equals(tags)) {
                return m.get("value");
            }
        }
        throw new AssertionError("no " + name + tags + " in " + metricsLine);
    }
}
