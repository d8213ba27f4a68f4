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
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@link BodyEncoding#influxLineProtocol()}.
 *
 * <p>Implementation notes: {@link #encode} is synchronized only so that a (discouraged) instance
 * shared by two sinks stays consistent; with one sink it runs on that sink's delivery thread
 * alone and the lock is uncontended. The state is the sub-millisecond sequence: batch {@code s}
 * numbers its events from {@code base(s) = base(s-1) + events(s-1)} (mod one million), and a
 * retry of batch {@code s} reuses {@code base(s)}, so its points get the same timestamps.
 */
final class InfluxLineProtocolEncoding implements BodyEncoding {
    static final long SUB_MILLIS = 1_000_000L;

    private String lastSink;
    private long lastSequence = -1;
    private long base;
    private long lastCount;

    @Override
    public String contentType() {
        return "text/plain; charset=utf-8";
    }

    @Override
    public synchronized void encode(Batch batch, OutputStream out) throws IOException {
        List<Event> events = batch.events();
        if (batch.sequence() != lastSequence || !batch.sinkName().equals(lastSink)) {
            base = (base + lastCount) % SUB_MILLIS;
            lastSequence = batch.sequence();
            lastSink = batch.sinkName();
            lastCount = events.size();
        }
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 8192);
        StringBuilder line = new StringBuilder(256);
        for (int i = 0; i < events.size(); i++) {
            line.setLength(0);
            event(line, events.get(i), (base + i) % SUB_MILLIS);
            w.append(line).append('\n');
        }
        long metricsNanos = batch.timestampMillis() * SUB_MILLIS;
        for (Measurement m : batch.metrics()) {
            line.setLength(0);
            if (metric(line, m, metricsNanos)) {
                w.append(line).append('\n');
            }
        }
        w.flush();
    }

    static void event(StringBuilder sb, Event e, long subMillis) {
        measurement(sb, e.name());
        tags(sb, e.tags());
        sb.append(' ');
        if (e.fieldCount() == 0) {
            sb.append("count=1i");
        }
        for (int i = 0; i < e.fieldCount(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            key(sb, e.fieldName(i));
            sb.append('=').append(e.field(i)).append('i');
        }
        sb.append(' ').append(e.timestampMillis() * SUB_MILLIS + subMillis);
    }

    /** Returns false, writing nothing useful, for a gauge InfluxDB cannot store (NaN, infinite). */
    static boolean metric(StringBuilder sb, Measurement m, long timestampNanos) {
        if (m.kind() == Measurement.Kind.GAUGE && !Double.isFinite(m.value())) {
            return false;
        }
        measurement(sb, m.name());
        tags(sb, m.tags());
        sb.append(" value=");
        if (m.kind() == Measurement.Kind.COUNTER) {
            sb.append(m.longValue()).append('i');
        } else {
            sb.append(m.value() == 0 ? "0" : BigDecimal.valueOf(m.value()).stripTrailingZeros().toPlainString());
        }
        sb.append(' ').append(timestampNanos);
        return true;
    }

    private static void tags(StringBuilder sb, Tags tags) {
        for (int i = 0; i < tags.size(); i++) {
            sb.append(',');
            key(sb, tags.key(i));
            sb.append('=');
            escape(sb, tags.value(i), true);
        }
    }

    /** A measurement: escapes commas and spaces; a leading {@code #} would make the line a comment. */
    static void measurement(StringBuilder sb, String name) {
        int start = sb.length();
        escape(sb, name, false);
        if (sb.charAt(start) == '#') {
            sb.setCharAt(start, '_');
        }
    }

    /** A tag key or field key: escaped, and {@code time} renamed, which InfluxDB refuses as a key. */
    static void key(StringBuilder sb, String key) {
        if (key.equals("time")) {
            sb.append("time_");
        } else {
            escape(sb, key, true);
        }
    }

    /**
     * Escapes commas and spaces (and equals signs when {@code equals}) with a backslash; a line
     * break becomes an escaped space. InfluxDB reads {@code \x} as an escape whatever {@code x} is,
     * but unescapes only the special characters, so a backslash before one of them, or before
     * another backslash, is doubled (read back as two), and a backslash at the end is followed by
     * {@code _}. Doubling before a backslash keeps the pairs aligned: without it {@code \\,} came out
     * as four backslashes and a comma, which InfluxDB's scanner pairs off leaving the comma bare: a
     * new tag (found by InfluxLineProtocolFuzzTest).
     */
    static void escape(StringBuilder sb, String s, boolean equals) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                c = ' ';
            }
            if (c == '\\') {
                if (i + 1 == s.length()) { // not "next == 0": U+0000 is a character too (found by the fuzzer)
                    sb.append("\\_");
                    continue;
                }
                char next = s.charAt(i + 1);
                if (special(next, equals) || next == '\\') {
                    sb.append("\\\\");
                    continue;
                }
            }
            if (special(c, equals)) {
                sb.append('\\');
            }
            sb.append(c);
        }
    }

    private static boolean special(char c, boolean equals) {
        return c == ',' || c == ' ' || c == '\n' || c == '\r' || (equals && c == '=');
    }

    @Override
    public String toString() {
        return "BodyEncoding.influxLineProtocol()";
    }
}
