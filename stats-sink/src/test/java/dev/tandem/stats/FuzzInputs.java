package dev.tandem.stats;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.tandem.stats.testing.TestEvents;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a fuzzer's bytes into Tandem's inputs: names, tags, events, measurements and batches whose
 * text leans on the characters that end a token in one of the wire formats (quotes, backslashes,
 * line breaks, control characters, lone surrogates, {@code , = | : # space}), mixed with any other
 * {@code char}. Used by every fuzz test, in this module and (through the test-jar) in core, so a
 * corpus entry means the same input to each of them.
 */
public final class FuzzInputs {
    /** The characters that matter to some format; chosen half the time. */
    public static final String NASTY = "\"\\\n\r\t\b\f\u0000\u001f\u007f\u0085\u00a0\u2028\u2029"
            + "\ud800\udbff\udc00\udfff,= |:#@.{}[]/_-\u00e9\u20ac";

    private FuzzInputs() {}

    /** A string of 1 to {@code maxLength} chars. */
    public static String text(FuzzedDataProvider data, int maxLength) {
        int n = data.consumeInt(1, maxLength);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            if (data.consumeBoolean()) {
                sb.append(NASTY.charAt(data.consumeInt(0, NASTY.length() - 1)));
            } else {
                sb.append(data.consumeChar());
            }
        }
        return sb.toString();
    }

    /** Up to {@code maxTags} tags (a repeated key replaces the earlier value, as {@link Tags#and} does). */
    public static Tags tags(FuzzedDataProvider data, int maxTags) {
        Tags tags = Tags.empty();
        int n = data.consumeInt(0, maxTags);
        for (int i = 0; i < n; i++) {
            tags = tags.and(text(data, 12), text(data, 12));
        }
        return tags;
    }

    /** An event of a fresh type with 0 to {@link EventType#MAX_FIELDS} distinct fields. */
    public static Event event(FuzzedDataProvider data) {
        int fields = data.consumeInt(0, EventType.MAX_FIELDS);
        List<String> names = new ArrayList<>(fields);
        for (int i = 0; i < fields; i++) {
            String f = text(data, 8);
            while (names.contains(f)) { // no retry loop on the input: it may have run dry
                f += '#';
            }
            names.add(f);
        }
        EventType type = TestEvents.type(text(data, 24), names.toArray(new String[0]));
        long[] values = new long[fields];
        for (int i = 0; i < fields; i++) {
            values[i] = data.consumeLong();
        }
        return Event.of(type, data.consumeLong(0, 4_102_444_800_000L), tags(data, 4), values);
    }

    /** A counter or a gauge (any double, NaN and infinities included). */
    public static Measurement measurement(FuzzedDataProvider data) {
        String name = text(data, 24);
        Tags tags = tags(data, 4);
        return data.consumeBoolean()
                ? Measurement.counter(name, tags, data.consumeLong(0, Long.MAX_VALUE))
                : Measurement.gauge(name, tags, data.consumeDouble());
    }

    /** A batch of up to {@code max} events and up to {@code max} measurements. */
    public static Batch batch(FuzzedDataProvider data, int max) {
        int events = data.consumeInt(0, max);
        List<Event> es = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            es.add(event(data));
        }
        int metrics = data.consumeInt(0, max);
        List<Measurement> ms = new ArrayList<>(metrics);
        for (int i = 0; i < metrics; i++) {
            ms.add(measurement(data));
        }
        return Batch.of("fuzz", data.consumeLong(0, 4_102_444_800_000L), es, ms);
    }
}
