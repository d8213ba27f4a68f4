package dev.tandem.stats.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import dev.tandem.stats.json.JsonWriter.ControlEscapes;
import dev.tandem.stats.json.JsonWriter.NonFinite;
import org.junit.jupiter.api.Test;

/**
 * The shared JSON writer on its own; the exact bytes of each format that uses it are pinned by
 * {@code JsonLinesEncodingTest} and the Kafka module's {@code JsonRecordEncoderTest}.
 */
class JsonWriterTest {
    private static final JsonWriter SHORT = new JsonWriter(ControlEscapes.ALL_SHORT_FORMS, NonFinite.STRING);
    private static final JsonWriter LONG = new JsonWriter(ControlEscapes.TAB_AND_LINE_BREAKS, NonFinite.NULL);

    private static String string(JsonWriter json, String s) {
        StringBuilder sb = new StringBuilder();
        json.string(sb, s);
        return sb.toString();
    }

    private static String number(JsonWriter json, double v) {
        StringBuilder sb = new StringBuilder();
        json.number(sb, v);
        return sb.toString();
    }

    @Test
    void theTwoEscapeChoicesDifferInBackspaceAndFormFeedOnly() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            String s = String.valueOf(c);
            String expected = c == '\b' ? "\"\\b\"" : c == '\f' ? "\"\\f\"" : string(LONG, s);
            assertEquals(expected, string(SHORT, s), "U+" + Integer.toHexString(c));
        }
        assertEquals("\"\\u0008\\u000c\"", string(LONG, "\b\f"));
    }

    @Test
    void escapesWhatJsonRequiresAndUnpairedSurrogatesOnly() {
        assertEquals("\"\\\"\\\\/\\n\\r\\t\\u0000\\u001f\u007f\u00e9\u2028\"",
                string(LONG, "\"\\/\n\r\t\u0000\u001f\u007f\u00e9\u2028"));
        assertEquals("\"\uD83D\uDE00\"", string(LONG, "\uD83D\uDE00"), "a pair stays as it is");
        assertEquals("\"\\udc00\\ud800\"", string(LONG, "\uDC00\uD800"), "a pair the wrong way round");
        assertEquals("\"\\ud800\uD800\uDC00\"", string(LONG, "\uD800\uD800\uDC00"));
        assertEquals("\"\uD800\uDC00\\udc00\"", string(LONG, "\uD800\uDC00\uDC00"));
        assertEquals("\"a\\ud800\"", string(LONG, "a\uD800"), "a high surrogate at the end");
        assertEquals("\"\\udfff\"", string(LONG, "\uDFFF"), "lower-case hex");
    }

    @Test
    void nonFiniteNumbersAreNullOrStringsAndFiniteOnesJavaDoubles() {
        assertEquals("null", number(LONG, Double.NaN));
        assertEquals("null", number(LONG, Double.NEGATIVE_INFINITY));
        assertEquals("\"NaN\"", number(SHORT, Double.NaN));
        assertEquals("\"Infinity\"", number(SHORT, Double.POSITIVE_INFINITY));
        assertEquals("\"-Infinity\"", number(SHORT, Double.NEGATIVE_INFINITY));
        assertEquals("-0.0", number(SHORT, -0.0));
        assertEquals("1.0E-7", number(LONG, 1e-7));
    }

    @Test
    void writesTagsFieldsAndValues() {
        StringBuilder sb = new StringBuilder();
        SHORT.tags(sb, Tags.of("b", "2", "a", "\"1\""));
        sb.append(' ');
        SHORT.tags(sb, Tags.empty());
        sb.append(' ');
        SHORT.fields(sb, Event.of(TestEvents.type("e", "id", "n"), 0, Tags.empty(), Long.MIN_VALUE, 7));
        sb.append(' ');
        SHORT.fields(sb, Event.of(TestEvents.type("e"), 0, Tags.empty()));
        sb.append(' ');
        SHORT.value(sb, Measurement.counter("c", Tags.empty(), Long.MAX_VALUE));
        sb.append(' ');
        SHORT.value(sb, Measurement.gauge("g", Tags.empty(), 3));
        sb.append(' ');
        LONG.value(sb, Measurement.gauge("g", Tags.empty(), Double.NaN));
        assertEquals("{\"a\":\"\\\"1\\\"\",\"b\":\"2\"} {} {\"id\":-9223372036854775808,\"n\":7} {} "
                + "9223372036854775807 3.0 null", sb.toString());
    }

    @Test
    void namesAMissingChoice() {
        assertEquals("controlEscapes",
                assertThrows(NullPointerException.class, () -> new JsonWriter(null, NonFinite.NULL)).getMessage());
        assertEquals("nonFinite", assertThrows(NullPointerException.class,
                () -> new JsonWriter(ControlEscapes.ALL_SHORT_FORMS, null)).getMessage());
    }
}
