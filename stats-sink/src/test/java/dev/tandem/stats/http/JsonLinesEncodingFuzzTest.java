package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.FuzzInputs;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import dev.tandem.stats.testing.StrictJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of {@link BodyEncoding#jsonLines()} (docs/fuzzing.md): one strict JSON
 * object per event and per metric, in order, each with exactly its documented members and the
 * same name, tags and values: no name or tag can add a line or a member.
 */
class JsonLinesEncodingFuzzTest {
    @FuzzTest(maxDuration = "2s")
    void everyBatchReadsBackLineByLine(FuzzedDataProvider data) throws IOException {
        Batch batch = FuzzInputs.batch(data, 4);
        String body = Bodies.encode(BodyEncoding.jsonLines(), batch);

        List<String> lines = List.of(body.split("\n", -1));
        int expected = batch.events().size() + batch.metrics().size();
        assertEquals(expected + 1, lines.size(), "one line per event and metric, then the final break: " + body);
        assertEquals("", lines.get(expected));
        for (int i = 0; i < batch.events().size(); i++) {
            Event e = batch.events().get(i);
            Map<String, Object> o = StrictJson.parseObject(lines.get(i));
            assertEquals(List.of("type", "batch", "time", "name", "tags", "fields"), List.copyOf(o.keySet()), lines.get(i));
            assertEquals("event", o.get("type"));
            assertEquals(new BigDecimal(e.timestampMillis()), o.get("time"));
            assertEquals(e.name(), o.get("name"));
            assertEquals(asMap(e.tags()), o.get("tags"));
            Map<String, Object> fields = new LinkedHashMap<>();
            for (int f = 0; f < e.fieldCount(); f++) {
                fields.put(e.fieldName(f), new BigDecimal(e.field(f)));
            }
            assertEquals(fields, o.get("fields"));
        }
        for (int i = 0; i < batch.metrics().size(); i++) {
            Measurement m = batch.metrics().get(i);
            String line = lines.get(batch.events().size() + i);
            Map<String, Object> o = StrictJson.parseObject(line);
            assertEquals(List.of("type", "batch", "time", "name", "tags", "value"), List.copyOf(o.keySet()), line);
            assertEquals(m.kind() == Measurement.Kind.COUNTER ? "counter" : "gauge", o.get("type"));
            assertEquals(m.name(), o.get("name"));
            assertEquals(asMap(m.tags()), o.get("tags"));
            if (m.kind() == Measurement.Kind.COUNTER) {
                assertEquals(new BigDecimal(m.longValue()), o.get("value"), line);
            } else if (Double.isFinite(m.value())) {
                assertEquals(m.value(), ((BigDecimal) o.get("value")).doubleValue(), line);
            } else {
                assertNull(o.get("value"), line);
            }
        }
    }

    static Map<String, Object> asMap(Tags tags) {
        Map<String, Object> m = new LinkedHashMap<>();
        tags.forEach(m::put);
        return m;
    }
}
