package dev.tandem.stats.kafka;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.json.JsonWriter;
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

    /** Backspace and form feed as {@code \b}, {@code \f}; a NaN or infinite gauge as a string. */
    private static final JsonWriter JSON =
            new JsonWriter(JsonWriter.ControlEscapes.ALL_SHORT_FORMS, JsonWriter.NonFinite.STRING);

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
            JSON.string(sb, m.name());
            sb.append(",\"tags\":");
            JSON.tags(sb, m.tags());
            sb.append(",\"kind\":\"").append(m.kind() == Measurement.Kind.COUNTER ? "counter" : "gauge")
                    .append("\",\"value\":");
            JSON.value(sb, m);
            sb.append('}');
        }
        return bytes(sb.append("]}"));
    }

    private static void header(StringBuilder sb, String type, String source, Batch batch) {
        sb.append("{\"type\":\"").append(type).append("\",\"source\":");
        JSON.string(sb, source);
        sb.append(",\"sink\":");
        JSON.string(sb, batch.sinkName());
        sb.append(",\"batch\":").append(batch.sequence()).append(",\"attempt\":").append(batch.attempt());
    }

    private static void eventBody(StringBuilder sb, int index, Event e) {
        sb.append("\"index\":").append(index).append(",\"name\":");
        JSON.string(sb, e.name());
        sb.append(",\"timestamp\":").append(e.timestampMillis()).append(",\"tags\":");
        JSON.tags(sb, e.tags());
        sb.append(",\"fields\":");
        JSON.fields(sb, e);
    }

    private static byte[] bytes(StringBuilder sb) {
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RecordEncoder.json()";
    }
}
