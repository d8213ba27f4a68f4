package dev.tandem.stats.json;

import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.util.Objects;

/**
 * JSON (RFC 8259) for sink authors, appended to a {@link StringBuilder}: strings, numbers, a
 * measurement's value, tags and an event's fields as objects. It writes the parts every JSON
 * format of Tandem's data agrees on; the keys and the layout (one object per line, a batch as an
 * array, ...) stay with your format. Tandem's own JSON formats (the HTTP sink's JSON Lines, the
 * Kafka sink's records) are built on it.
 *
 * <pre>{@code
 * JsonWriter json = new JsonWriter(JsonWriter.ControlEscapes.ALL_SHORT_FORMS, JsonWriter.NonFinite.NULL);
 * StringBuilder sb = new StringBuilder("{\"name\":");
 * json.string(sb, event.name());
 * sb.append(",\"tags\":");
 * json.tags(sb, event.tags());
 * sb.append(",\"fields\":");
 * json.fields(sb, event);
 * sb.append('}');
 * }</pre>
 *
 * <p>Strings: quote and backslash are escaped, every control character (U+0000 to U+001F) too,
 * and so is an unpaired surrogate, as {@code \}{@code uXXXX} in lower-case hex: encoded to UTF-8
 * it would otherwise become a replacement character and be lost. A paired surrogate, DEL and
 * everything else are written as they are, so the output is valid JSON for any Java string and no
 * name, tag or value can end a string early or add a member. The two choices JSON leaves to the
 * writer are fixed per instance: {@link ControlEscapes how backspace and form feed are escaped}
 * and {@link NonFinite what a NaN or infinite gauge becomes}.
 *
 * <p>Immutable and stateless: one instance may serve any number of threads. Appends only; it
 * never reads what {@code sb} already holds.
 */
public final class JsonWriter {
    /** Which control characters get a two-character escape; the others are {@code \}{@code u00XX}. */
    public enum ControlEscapes {
        /** Tab, line feed and carriage return only ({@code \t \n \r}). */
        TAB_AND_LINE_BREAKS,
        /** Also backspace and form feed ({@code \b \f}): every short form JSON has. */
        ALL_SHORT_FORMS
    }

    /** What a NaN or infinite double becomes, since JSON has no such numbers. */
    public enum NonFinite {
        /** {@code null}. */
        NULL,
        /** The strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}. */
        STRING
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final ControlEscapes controlEscapes;
    private final boolean shortBackspaceAndFormFeed;
    private final NonFinite nonFinite;

    /**
     * A writer with these two choices fixed.
     *
     * @throws NullPointerException if either is null
     */
    public JsonWriter(ControlEscapes controlEscapes, NonFinite nonFinite) {
        this.controlEscapes = Objects.requireNonNull(controlEscapes, "controlEscapes");
        this.shortBackspaceAndFormFeed = controlEscapes == ControlEscapes.ALL_SHORT_FORMS;
        this.nonFinite = Objects.requireNonNull(nonFinite, "nonFinite");
    }

    /** {@code s} as a JSON string, quotes included. */
    public void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b':
                case '\f':
                    if (shortBackspaceAndFormFeed) {
                        sb.append(c == '\b' ? "\\b" : "\\f");
                    } else {
                        hexEscape(sb, c);
                    }
                    break;
                default:
                    if (c < 0x20 || unpairedSurrogate(s, i)) {
                        hexEscape(sb, c);
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    /**
     * A finite {@code v} as {@link Double#toString(double)} writes it ({@code 3.0}, {@code -0.0},
     * {@code 1.0E-7}: all valid JSON numbers); a NaN or infinity as this writer's
     * {@link NonFinite} says.
     */
    public void number(StringBuilder sb, double v) {
        if (Double.isFinite(v)) {
            sb.append(v);
            return;
        }
        sb.append(switch (nonFinite) {
            case NULL -> "null";
            case STRING -> Double.isNaN(v) ? "\"NaN\"" : v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        });
    }

    /** A measurement's value: a counter's exact total as an integer, a gauge as {@link #number}. */
    public void value(StringBuilder sb, Measurement m) {
        if (m.kind() == Measurement.Kind.COUNTER) {
            sb.append(m.longValue());
        } else {
            number(sb, m.value());
        }
    }

    /** The tags as an object of strings, in their order: {@code {"reason":"eof","port":"80"}}. */
    public void tags(StringBuilder sb, Tags tags) {
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

    /** An event's fields as an object of exact integers, in declared order: {@code {"id":42,"bytes":7}}. */
    public void fields(StringBuilder sb, Event e) {
        sb.append('{');
        for (int i = 0; i < e.fieldCount(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, e.fieldName(i));
            sb.append(':').append(e.field(i));
        }
        sb.append('}');
    }

    private static void hexEscape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
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

    @Override
    public String toString() {
        return "JsonWriter[" + controlEscapes + ", " + nonFinite + "]";
    }
}
