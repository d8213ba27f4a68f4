package dev.tandem.stats.http;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.json.JsonWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** {@link BodyEncoding#jsonLines()}. Stateless; confined to the delivery thread while it encodes. */
final class JsonLinesEncoding implements BodyEncoding {
    /**
     * Backspace and form feed as {@code \}{@code u0008} and {@code \}{@code u000c}; a NaN or
     * infinite gauge as {@code null}.
     */
    private static final JsonWriter JSON =
            new JsonWriter(JsonWriter.ControlEscapes.TAB_AND_LINE_BREAKS, JsonWriter.NonFinite.NULL);

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
        JSON.string(sb, e.name());
        sb.append(",\"tags\":");
        JSON.tags(sb, e.tags());
        sb.append(",\"fields\":");
        JSON.fields(sb, e);
        sb.append('}');
    }

    static void metric(StringBuilder sb, long batch, long timeMillis, Measurement m) {
        sb.append("{\"type\":\"").append(m.kind() == Measurement.Kind.COUNTER ? "counter" : "gauge")
                .append("\",\"batch\":").append(batch).append(",\"time\":").append(timeMillis).append(",\"name\":");
        JSON.string(sb, m.name());
        sb.append(",\"tags\":");
        JSON.tags(sb, m.tags());
        sb.append(",\"value\":");
        JSON.value(sb, m);
        sb.append('}');
    }

    @Override
    public String toString() {
        return "BodyEncoding.jsonLines()";
    }
}
