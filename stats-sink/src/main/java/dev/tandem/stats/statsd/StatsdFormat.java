package dev.tandem.stats.statsd;

import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Turns measurements and events into StatsD lines ({@code name:value|type} plus, in the DogStatsD
 * style, {@code |#key:value,...}). Names are reduced to {@code [A-Za-z0-9_.-]}; tags are folded
 * into the name ({@link StatsdSink.TagStyle#PLAIN}) or written as DogStatsD tags with the
 * characters that would end them ({@code , | :} in keys, whitespace) replaced by {@code _}.
 *
 * <p>Implementation notes: confined to the sink's delivery thread. The sanitised names of each
 * metric and of each (event type, tags) pair are cached, so a steady publish allocates only its
 * lines; each cache is cleared when it reaches {@value #MAX_CACHED} entries, so tags that vary per
 * event cost time, never unbounded memory.
 */
final class StatsdFormat {
    static final int MAX_CACHED = 4096;

    private final String prefix;
    private final StatsdSink.TagStyle tagStyle;
    private final String sampleType;
    private final boolean negativeSamples;
    private final Map<MetricId, Names> metricNames = new HashMap<>();
    private final Map<EventKey, Names> eventNames = new HashMap<>();

    StatsdFormat(String prefix, StatsdSink.TagStyle tagStyle, StatsdSink.SampleType sampleType) {
        this.prefix = prefix.isEmpty() || prefix.endsWith(".") ? prefix : prefix + '.';
        this.tagStyle = tagStyle;
        this.sampleType = sampleType.wire();
        this.negativeSamples = sampleType != StatsdSink.SampleType.TIMER;
    }

    /** {@code name:total|g}: a counter's cumulative total, as a gauge. */
    void counterAsGauge(StringBuilder out, Measurement m) {
        line(out, names(m).base, Long.toString(m.longValue()), "g", names(m).tagSuffix);
    }

    /** {@code name:delta|c}. */
    void counterDelta(StringBuilder out, Measurement m, long delta) {
        line(out, names(m).base, Long.toString(delta), "c", names(m).tagSuffix);
    }

    /**
     * {@code name:value|g}, preceded by {@code name:0|g} when the value is negative (a leading
     * minus sign alone means "decrement" to StatsD). Returns false, writing nothing, for NaN and
     * infinities, which StatsD cannot carry.
     */
    boolean gauge(StringBuilder out, Measurement m) {
        double v = m.value();
        if (!Double.isFinite(v)) {
            return false;
        }
        Names n = names(m);
        if (v < 0) {
            line(out, n.base, "0", "g", n.tagSuffix);
        }
        line(out, n.base, number(v), "g", n.tagSuffix);
        return true;
    }

    /**
     * One event: {@code name:1|c}, then one sample per field ({@code name.field:value|ms}, or
     * {@code |h}, {@code |d}). Returns how many samples were left out (negative values, which a
     * StatsD timer rejects).
     */
    int event(StringBuilder out, Event e) {
        Names n = names(e);
        line(out, n.base, "1", "c", n.tagSuffix);
        int skipped = 0;
        for (int i = 0; i < e.fieldCount(); i++) {
            long v = e.field(i);
            if (v < 0 && !negativeSamples) {
                skipped++;
                continue;
            }
            line(out, n.fields[i], Long.toString(v), sampleType, n.tagSuffix);
        }
        return skipped;
    }

    private static void line(StringBuilder out, String name, String value, String type, String tagSuffix) {
        if (out.length() > 0) {
            out.append('\n');
        }
        out.append(name).append(':').append(value).append('|').append(type).append(tagSuffix);
    }

    /** A finite double as StatsD servers parse it: integers without a fraction, never "-0". */
    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    // ---------------------------------------------------------------- names

    private Names names(Measurement m) {
        MetricId id = new MetricId(m.name(), m.tags());
        Names n = metricNames.get(id);
        if (n == null) {
            if (metricNames.size() >= MAX_CACHED) {
                metricNames.clear();
            }
            n = new Names(qualified(m.name(), m.tags()), tagSuffix(m.tags()), null);
            metricNames.put(id, n);
        }
        return n;
    }

    private Names names(Event e) {
        EventKey key = new EventKey(e.type(), e.tags());
        Names n = eventNames.get(key);
        if (n == null) {
            if (eventNames.size() >= MAX_CACHED) {
                eventNames.clear();
            }
            String[] fields = new String[e.fieldCount()];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = qualified(e.name() + '.' + e.fieldName(i), e.tags());
            }
            n = new Names(qualified(e.name(), e.tags()), tagSuffix(e.tags()), fields);
            eventNames.put(key, n);
        }
        return n;
    }

    /** The prefixed, sanitised name; in the PLAIN style with {@code .key.value} per tag. */
    private String qualified(String name, Tags tags) {
        StringBuilder sb = new StringBuilder(prefix.length() + name.length() + 16 * tags.size()).append(prefix);
        appendSanitized(sb, name, true);
        if (tagStyle == StatsdSink.TagStyle.PLAIN) {
            for (int i = 0; i < tags.size(); i++) {
                appendSanitized(sb.append('.'), tags.key(i), false);
                appendSanitized(sb.append('.'), tags.value(i), false);
            }
        }
        return sb.toString();
    }

    private String tagSuffix(Tags tags) {
        if (tagStyle == StatsdSink.TagStyle.PLAIN || tags.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(2 + 16 * tags.size()).append("|#");
        for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendTagText(sb, tags.key(i), true);
            sb.append(':');
            appendTagText(sb, tags.value(i), false);
        }
        return sb.toString();
    }

    /** Keeps {@code [A-Za-z0-9_-]}, and dots when {@code dots}; anything else becomes {@code _}. */
    static void appendSanitized(StringBuilder sb, String s, boolean dots) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || (dots && c == '.');
            sb.append(ok ? c : '_');
        }
    }

    /** DogStatsD tag text: {@code , |} and whitespace (and {@code :} in a key) become {@code _}. */
    static void appendTagText(StringBuilder sb, String s, boolean key) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c == ',' || c == '|' || Character.isWhitespace(c) || Character.isISOControl(c)
                    || (key && c == ':');
            sb.append(bad ? '_' : c);
        }
    }

    // ---------------------------------------------------------------- cache keys

    private static final class Names {
        final String base;
        final String tagSuffix;
        final String[] fields; // events only

        Names(String base, String tagSuffix, String[] fields) {
            this.base = base;
            this.tagSuffix = tagSuffix;
            this.fields = fields;
        }
    }

    /** A metric's identity: its name and tags. */
    static final class MetricId {
        private final String name;
        private final Tags tags;

        MetricId(String name, Tags tags) {
            this.name = name;
            this.tags = tags;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MetricId && ((MetricId) o).name.equals(name) && ((MetricId) o).tags.equals(tags);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + tags.hashCode();
        }
    }

    /** An event type (by identity: equal declarations are distinct keys, which only costs a miss) and tags. */
    private static final class EventKey {
        private final EventType type;
        private final Tags tags;

        EventKey(EventType type, Tags tags) {
            this.type = type;
            this.tags = tags;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EventKey && ((EventKey) o).type == type && ((EventKey) o).tags.equals(tags);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(type) + Objects.hashCode(tags);
        }
    }
}
