package dev.tandem.stats.json;

import dev.tandem.stats.testing.StrictJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.stats.Event;
import dev.tandem.stats.FuzzInputs;
import dev.tandem.stats.Tags;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of {@link JsonWriter} (docs/fuzzing.md): whatever the strings, the
 * object it writes is strict JSON with exactly the members written, every string reads back
 * exactly (through UTF-8 too), and a number reads back as the same double.
 */
class JsonWriterFuzzTest {
    @FuzzTest(maxDuration = "2s")
    void everyStringTagAndNumberReadsBackExactly(FuzzedDataProvider data) {
        JsonWriter json = new JsonWriter(data.pickValue(JsonWriter.ControlEscapes.values()),
                data.pickValue(JsonWriter.NonFinite.values()));
        String name = FuzzInputs.text(data, 40);
        Tags tags = FuzzInputs.tags(data, 5);
        Event event = FuzzInputs.event(data);
        double number = data.consumeDouble();

        StringBuilder sb = new StringBuilder("{\"name\":");
        json.string(sb, name);
        sb.append(",\"tags\":");
        json.tags(sb, tags);
        sb.append(",\"fields\":");
        json.fields(sb, event);
        sb.append(",\"number\":");
        json.number(sb, number);
        sb.append('}');
        String text = sb.toString();

        assertEquals(text, new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "the text survives UTF-8 (no lone surrogate written raw)");
        Map<String, Object> o = StrictJson.parseObject(text);
        assertEquals(List.of("name", "tags", "fields", "number"), List.copyOf(o.keySet()), text);
        assertEquals(name, o.get("name"));
        assertEquals(asMap(tags), o.get("tags"));
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < event.fieldCount(); i++) {
            fields.put(event.fieldName(i), new BigDecimal(event.field(i)));
        }
        assertEquals(fields, o.get("fields"));
        Object read = o.get("number");
        if (Double.isFinite(number)) {
            assertEquals(number, ((BigDecimal) read).doubleValue(), text);
        } else if (json.toString().contains("NULL")) {
            assertNull(read, text);
        } else {
            assertTrue(read instanceof String && ((String) read).endsWith("Infinity") || "NaN".equals(read), text);
        }
    }

    static Map<String, Object> asMap(Tags tags) {
        Map<String, Object> m = new LinkedHashMap<>();
        tags.forEach(m::put);
        return m;
    }
}
