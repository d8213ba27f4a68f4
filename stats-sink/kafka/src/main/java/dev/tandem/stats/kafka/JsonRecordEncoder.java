package dev.tandem.stats.kafka;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The default {@link RecordEncoder}: RFC 8259 JSON in UTF-8. Strings are escaped (quote,
 * backslash, control characters, and unpaired surrogates as {@code \\uXXXX}, so nothing is lost
 * to UTF-8's replacement character); counters and event fields are exact integers; a gauge that is
 * not finite, which JSON cannot write as a number, is the string {@code "NaN"},
 * {@code "Infinity"} or {@code "-Infinity"}. Stateless.
 */
enum JsonRecordEncoder implements RecordEncoder {
    INSTANCE;

    @Override
    public byte[] event(String source, Batch batch, int index) {
        StringBuilder sb = new StringBuilder(256);
        header(sb, "event", source, batch);
        sb.append(',');
        eventBody(sb, index, batch.events().get(index));
        return bytes(sb.append('}'));
    }

    @Override
    public byte[] events(String source, Batch batch, int fromIndex, int toIndex) {
        List<Event> events = batch.events();
        StringBuilder sb = new StringBuilder(128 + 160 * (toIndex - fromIndex));
        header(sb, "events", source, batch);
        sb.append(",\"timestamp\":").append(batch.timestampMillis()).append(",\"events\":[");
        for (int i = fromIndex; i < toIndex; i++) {
            if (i > fromIndex) {
                sb.append(',');
            }
            sb.append('{');
            eventBody(sb, i, events.get(i));
            sb.append('}');
        }
        return bytes(sb.append("]}"));
    }

    @Override
    public byte[] metrics(String source, Batch batch) {
        List<Measurement> metrics = batch.metrics();
        StringBuilder sb = new StringBuilder(128 + 96 * metrics.size());
        header(sb, "metrics", source, batch);
        sb.append(",\"timestamp\":").append(batch.timestampMillis()).append(",\"metrics\":[");
        for (int i = 0; i < metrics.size(); i++) {
            Measurement m = metrics.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":");
            string(sb, m.name());
            sb.append(",\"tags\":");
            tags(sb, m.tags());
            if (m.kind() == Measurement.Kind.COUNTER) {
                sb.append(",\"kind\":\"counter\",\"value\":").append(m.longValue());
            } else {
                sb.append(",\"kind\":\"gauge\",\"value\":");
                number(sb, m.value());
            }
            sb.append('}');
        }
        return bytes(sb.append("]}"));
    }

    private static void header(StringBuilder sb, String type, String source, Batch batch) {
        sb.append("{\"type\":\"").append(type).append("\",\"source\":");
        string(sb, source);
        sb.append(",\"sink\":");
        string(sb, batch.sinkName());
        sb.append(",\"batch\":").append(batch.sequence()).append(",\"attempt\":").append(batch.attempt());
    }

    private static void eventBody(StringBuilder sb, int index, Event e) {
        sb.append("\"index\":").append(index).append(",\"name\":");
        string(sb, e.name());
        sb.append(",\"timestamp\":").append(e.timestampMillis()).append(",\"tags\":");
        tags(sb, e.tags());
        sb.append(",\"fields\":{");
        for (int f = 0; f < e.fieldCount(); f++) {
            if (f > 0) {
                sb.append(',');
            }
            string(sb, e.fieldName(f));
            sb.append(':').append(e.field(f));
        }
        sb.append('}');
    }

    private static void tags(StringBuilder sb, Tags tags) {
        sb.append('{');
        for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, tags.key(i));
            sb.append(':');
            string(sb, tags.value(i));
        }
        sb.append('}');
    }

    private static void number(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("\"NaN\"");
        } else if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
            sb.append(v); // Double.toString: "1.5", "1.0E-5": valid JSON numbers
        }
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || unpairedSurrogate(s, i)) {
                        hex(sb, c);
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static boolean unpairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }

    private static void hex(StringBuilder sb, char c) {
        sb.append("\\u");
        String h = Integer.toHexString(c);
        for (int pad = h.length(); pad < 4; pad++) {
            sb.append('0');
        }
        sb.append(h);
    }

    private static byte[] bytes(StringBuilder sb) {
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RecordEncoder.json()";
    }
}
