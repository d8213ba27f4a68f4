package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.FuzzInputs;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of {@link BodyEncoding#influxLineProtocol()} (docs/fuzzing.md): one
 * point per event and per finite metric, each read by {@link StrictLineProtocol} (InfluxDB's own
 * tokenising) with exactly its tags and fields, and names that read back as the encoding's Javadoc
 * promises (line breaks as spaces, a backslash next to a delimiter or at the end doubled or
 * followed by {@code _}, {@code time} as {@code time_}, a leading {@code #} as {@code _}).
 */
class InfluxLineProtocolFuzzTest {
    @FuzzTest(maxDuration = "2s")
    void everyPointReadsBackWithItsOwnTagsAndFields(FuzzedDataProvider data) throws IOException {
        Batch batch = FuzzInputs.batch(data, 4);
        String body = Bodies.encode(BodyEncoding.influxLineProtocol(), batch);

        List<Measurement> stored = new ArrayList<>();
        for (Measurement m : batch.metrics()) {
            if (m.kind() == Measurement.Kind.COUNTER || Double.isFinite(m.value())) {
                stored.add(m);
            }
        }
        String[] lines = body.split("\n", -1);
        int points = batch.events().size() + stored.size();
        assertEquals(points + 1, lines.length, "one line per point, then the final break: " + body);
        for (int i = 0; i < batch.events().size(); i++) {
            Event e = batch.events().get(i);
            StrictLineProtocol.Point p = StrictLineProtocol.parse(lines[i]);
            assertEquals(measurement(e.name()), p.measurement(), lines[i]);
            assertEquals(tags(e.tags()), p.tags(), lines[i]);
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            for (int f = 0; f < e.fieldCount(); f++) {
                fields.add(Map.entry(key(e.fieldName(f)), e.field(f) + "i"));
            }
            if (fields.isEmpty()) {
                fields.add(Map.entry("count", "1i"));
            }
            assertEquals(fields, p.fields(), lines[i]);
            assertEquals(e.timestampMillis(), p.timestamp() / InfluxLineProtocolEncoding.SUB_MILLIS, lines[i]);
        }
        for (int i = 0; i < stored.size(); i++) {
            Measurement m = stored.get(i);
            String line = lines[batch.events().size() + i];
            StrictLineProtocol.Point p = StrictLineProtocol.parse(line);
            assertEquals(measurement(m.name()), p.measurement(), line);
            assertEquals(tags(m.tags()), p.tags(), line);
            assertEquals(1, p.fields().size(), line);
            assertEquals("value", p.fields().get(0).getKey(), line);
            String v = p.fields().get(0).getValue();
            if (m.kind() == Measurement.Kind.COUNTER) {
                assertEquals(m.longValue() + "i", v, line);
            } else {
                assertEquals(m.value() == 0 ? 0.0 : m.value(), Double.parseDouble(v), line);
            }
            assertEquals(batch.timestampMillis() * InfluxLineProtocolEncoding.SUB_MILLIS, p.timestamp(), line);
        }
    }

    /** The case the fuzzer is after, spelled out: an escaped backslash must not un-escape the comma after it. */
    @Test
    void aBackslashBeforeABackslashBeforeACommaAddsNoTag() throws IOException {
        Measurement m = Measurement.counter("m", Tags.of("k", "a\\\\,b=c"), 1);
        String line = Bodies.encode(BodyEncoding.influxLineProtocol(), Batch.of("t", 1, List.of(), List.of(m))).trim();
        assertEquals(tags(m.tags()), StrictLineProtocol.parse(line).tags(), line);
    }

    private static List<Map.Entry<String, String>> tags(Tags tags) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        tags.forEach((k, v) -> out.add(Map.entry(key(k), read(v, true))));
        return out;
    }

    private static String measurement(String name) {
        String m = read(name, false);
        return m.startsWith("#") ? "_" + m.substring(1) : m;
    }

    private static String key(String key) {
        return key.equals("time") ? "time_" : read(key, true);
    }

    /** What InfluxDB reads back for {@code s}, as the encoding documents it. */
    private static String read(String s, boolean equalsIsSpecial) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 == s.length()) {
                    sb.append("\\_");
                } else if (special(s.charAt(i + 1), equalsIsSpecial) || s.charAt(i + 1) == '\\') {
                    sb.append("\\\\");
                } else {
                    sb.append('\\');
                }
                continue;
            }
            sb.append(c == '\n' || c == '\r' ? ' ' : c);
        }
        // a lone surrogate has no UTF-8 form: it arrives as '?' (lossy; it cannot end a token)
        return new String(sb.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static boolean special(char c, boolean equalsIsSpecial) {
        return c == ',' || c == ' ' || c == '\n' || c == '\r' || (equalsIsSpecial && c == '=');
    }
}
