package dev.tandem.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The text of {@link ConnectionManager#dump()}: live pairs grouped by identical (state, reader stack,
 * writer stack), most common first, then oldest first; in the spirit of pprof's goroutine profile
 * with {@code debug=1}:
 *
 * <pre>
 * tandem pair profile: total 3 (open 2, closing 0, stuck 1), manager default
 * opened=5 live=3 stuck=1 closed=2 {reader_eof=2} messagesDropped=0
 *
 * 2 @ OPEN oldest 12.345s ids [3, 7]
 * #	reader RUNNABLE
 * #		java.base/sun.nio.ch.NioSocketImpl.park(NioSocketImpl.java:191)
 * #		...
 * #	writer idle (no thread)
 * </pre>
 */
final class PairDump {
    private static final int MAX_FRAMES = 40;

    private PairDump() {}

    private static final class Key {
        final PairState state;
        final CloseReason reason;
        final List<StackTraceElement> reader;
        final List<StackTraceElement> writer;

        Key(PairSnapshot s) {
            this.state = s.state();
            this.reason = s.reason();
            this.reader = trim(s.reader().stack());
            this.writer = trim(s.writer().stack());
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return state == k.state && reason == k.reason && reader.equals(k.reader) && writer.equals(k.writer);
        }

        @Override
        public int hashCode() {
            return Objects.hash(state, reason, reader, writer);
        }
    }

    private static final class Group {
        final PairSnapshot example;
        int count;
        long oldestMillis;
        long longestClosingMillis;
        final List<Long> ids = new ArrayList<>();

        Group(PairSnapshot example) {
            this.example = example;
        }
    }

    static List<StackTraceElement> trim(List<StackTraceElement> stack) {
        return stack.size() <= MAX_FRAMES ? stack : stack.subList(0, MAX_FRAMES);
    }

    static String format(String manager, List<PairSnapshot> pairs, ConnectionCounts counts) {
        Map<Key, Group> groups = new LinkedHashMap<>();
        int open = 0;
        int closing = 0;
        int stuck = 0;
        for (PairSnapshot s : pairs) {
            switch (s.state()) {
                case OPEN: open++; break;
                case CLOSING: closing++; break;
                case STUCK: stuck++; break;
                case CLOSED: break;
                default: throw new IllegalStateException("state " + s.state());
            }
            Group g = groups.computeIfAbsent(new Key(s), k -> new Group(s));
            g.count++;
            g.oldestMillis = Math.max(g.oldestMillis, s.ageMillis());
            g.longestClosingMillis = Math.max(g.longestClosingMillis, s.closingMillis());
            if (g.ids.size() < 10) {
                g.ids.add(s.id());
            }
        }
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> a.count != b.count ? Integer.compare(b.count, a.count)
                : Long.compare(b.oldestMillis, a.oldestMillis));
        StringBuilder sb = new StringBuilder(256 + 512 * sorted.size());
        sb.append("tandem pair profile: total ").append(pairs.size()).append(" (open ").append(open)
                .append(", closing ").append(closing).append(", stuck ").append(stuck).append("), manager ")
                .append(manager).append('\n');
        sb.append(counts).append('\n');
        for (Group g : sorted) {
            sb.append('\n').append(g.count).append(" @ ").append(g.example.state());
            if (g.example.reason() != null) {
                sb.append(' ').append(g.example.reason().tagValue());
            }
            sb.append(" oldest ").append(String.format(java.util.Locale.ROOT, "%.3fs", g.oldestMillis / 1000.0));
            if (g.example.reason() != null) {
                sb.append(" closing for ").append(String.format(java.util.Locale.ROOT, "%.3fs",
                        g.longestClosingMillis / 1000.0));
            }
            sb
                    .append(" ids ").append(g.ids).append(g.count > g.ids.size() ? "..." : "").append('\n');
            side(sb, "reader", g.example.reader());
            side(sb, "writer", g.example.writer());
        }
        return sb.toString();
    }

    private static void side(StringBuilder sb, String label, PairSnapshot.Side s) {
        sb.append("#\t").append(label).append(' ');
        if (!s.alive()) {
            sb.append("exited\n");
            return;
        }
        if (s.idle()) {
            sb.append("idle (no thread)\n");
            return;
        }
        sb.append(s.threadState()).append('\n');
        List<StackTraceElement> stack = trim(s.stack());
        for (StackTraceElement e : stack) {
            sb.append("#\t\t").append(e).append('\n');
        }
        if (stack.size() < s.stack().size()) {
            sb.append("#\t\t... ").append(s.stack().size() - stack.size()).append(" more\n");
        }
    }
}
