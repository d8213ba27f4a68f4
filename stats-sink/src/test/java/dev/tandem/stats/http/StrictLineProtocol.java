package dev.tandem.stats.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict reader of one InfluxDB line-protocol line as InfluxDB tokenises it: a measurement up to
 * an unescaped comma or space, {@code ,key=value} tags, one space, {@code key=value} fields, one
 * space, an integer timestamp, nothing after. As InfluxDB's scanner does, a backslash always takes
 * the next character with it (so {@code \\,} ends a token: the comma is not escaped); the pair
 * reads as that character when it is a delimiter of the token (comma and space; also {@code =} in
 * keys and tag values), else as both characters. Rejects a raw line break, an empty token, a field value that is neither
 * {@code <int>i} nor a float, a measurement starting with {@code #} (a comment), and trailing text.
 * Tags and fields come back as lists of pairs, in order, so a repeated key is visible.
 */
final class StrictLineProtocol {
    private static final Pattern INTEGER_FIELD = Pattern.compile("-?[0-9]+i");
    private static final Pattern FLOAT_FIELD = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    record Point(String measurement, List<Map.Entry<String, String>> tags, List<Map.Entry<String, String>> fields,
                 long timestamp) {}

    private final String s;
    private int i;

    private StrictLineProtocol(String s) {
        this.s = s;
    }

    static Point parse(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("raw line break in: " + line);
        }
        StrictLineProtocol p = new StrictLineProtocol(line);
        if (line.startsWith("#")) {
            throw p.error("a comment, not a point");
        }
        String measurement = p.token(", ");
        List<Map.Entry<String, String>> tags = new ArrayList<>();
        while (p.peek() == ',') {
            p.i++;
            String key = p.token(", =");
            p.expect('=');
            tags.add(Map.entry(key, p.token(", =")));
        }
        p.expect(' ');
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        do {
            if (!fields.isEmpty()) {
                p.i++;
            }
            String key = p.token(", =");
            p.expect('=');
            String value = p.token(", ");
            if (!INTEGER_FIELD.matcher(value).matches() && !FLOAT_FIELD.matcher(value).matches()) {
                throw p.error("field value " + value);
            }
            fields.add(Map.entry(key, value));
        } while (p.peek() == ',');
        p.expect(' ');
        String ts = line.substring(p.i);
        if (!ts.matches("-?[0-9]+")) {
            throw p.error("timestamp " + ts);
        }
        return new Point(measurement, tags, fields, Long.parseLong(ts));
    }

    /** A token up to a delimiter not taken by a backslash; {@code \d} for a delimiter d reads as d. */
    private String token(String delimiters) {
        StringBuilder sb = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(i + 1);
                if (delimiters.indexOf(next) < 0) {
                    sb.append(c);
                }
                sb.append(next);
                i += 2;
                continue;
            }
            if (delimiters.indexOf(c) >= 0) {
                break;
            }
            sb.append(c);
            i++;
        }
        if (sb.length() == 0) {
            throw error("empty token");
        }
        return sb.toString();
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "' expected");
        }
        i++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at " + i + " in: " + s);
    }
}
