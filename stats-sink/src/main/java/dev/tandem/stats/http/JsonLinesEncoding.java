package dev.tandem.stats.http;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** {@link BodyEncoding#jsonLines()}. Stateless; confined to the delivery thread while it encodes. */
final class JsonLinesEncoding implements BodyEncoding {
    @Override
    public String contentType() {
        return "application/x-ndjson";
    }

    @Override
    public void encode(Batch batch, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 8192);
        StringBuilder line = new StringBuilder(256);
        for (Event e : batch.events()) {
            line.setLength(0);
            event(line, batch.sequence(), e);
            w.append(line).append('\n');
        }
        for (Measurement m : batch.metrics()) {
            line.setLength(0);
            metric(line, batch.sequence(), batch.timestampMillis(), m);
            w.append(line).append('\n');
        }
        w.flush();
    }

    static void event(StringBuilder sb, long batch, Event e) {
        sb.append("{\"type\":\"event\",\"batch\":").append(batch).append(",\"time\":").append(e.timestampMillis())
                .append(",\"name\":");
        string(sb, e.name());
        sb.append(",\"tags\":");
        tags(sb, e.tags());
        sb.append(",\"fields\":{");
        for (int i = 0; i < e.fieldCount(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, e.fieldName(i));
            sb.append(':').append(e.field(i));
        }
        sb.append("}}");
    }

    static void metric(StringBuilder sb, long batch, long timeMillis, Measurement m) {
        boolean counter = m.kind() == Measurement.Kind.COUNTER;
        sb.append("{\"type\":\"").append(counter ? "counter" : "gauge").append("\",\"batch\":").append(batch)
                .append(",\"time\":").append(timeMillis).append(",\"name\":");
        string(sb, m.name());
        sb.append(",\"tags\":");
        tags(sb, m.tags());
        sb.append(",\"value\":");
        if (counter) {
            sb.append(m.longValue());
        } else if (Double.isFinite(m.value())) {
            sb.append(m.value());
        } else {
            sb.append("null");
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

    /** A JSON string (RFC 8259 section 7); an unpaired surrogate is escaped rather than lost in UTF-8. */
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
                default:
                    if (c < 0x20 || unpairedSurrogate(s, i)) {
                        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

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

    @Override
    public String toString() {
        return "BodyEncoding.jsonLines()";
    }
}
