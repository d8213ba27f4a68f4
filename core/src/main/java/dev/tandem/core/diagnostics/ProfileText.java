package dev.tandem.core.diagnostics;

import java.util.List;
import java.util.Map;

/**
 * Writes groups in the shape of Go's {@code pprof goroutine?debug=1}, as Tandem's pair dump does:
 *
 * <pre>
 * thread profile: total 10013 (virtual 10000, platform 13), source: thread dump of JDK 25.0.3
 *
 * 10000 @ WAITING virtual e.g. "", "", "", ...
 * #	java.base/java.lang.VirtualThread.park(VirtualThread.java:742)
 * #	...
 *
 * 3 @ WAITING 2, TIMED_WAITING 1 e.g. "pool-1-thread-1", "pool-1-thread-2", "pool-1-thread-3"
 * #	...
 * </pre>
 *
 * A group of both kinds says {@code virtual N}; stacks longer than {@value #MAX_FRAMES} frames are
 * cut with a {@code ... N more} line.
 */
final class ProfileText {
    static final int MAX_FRAMES = 40;

    private ProfileText() {}

    static String format(String source, int total, int virtual, List<StackGroup> groups) {
        StringBuilder sb = new StringBuilder(128 + 256 * Math.min(groups.size(), 10_000));
        sb.append("thread profile: total ").append(total).append(" (virtual ").append(virtual)
                .append(", platform ").append(total - virtual).append("), source: ").append(source).append('\n');
        for (StackGroup g : groups) {
            sb.append('\n').append(g.count()).append(" @ ");
            states(sb, g.states());
            if (g.virtualCount() == g.count()) {
                sb.append(" virtual");
            } else if (g.virtualCount() > 0) {
                sb.append(" virtual ").append(g.virtualCount());
            }
            sb.append(" e.g. ");
            for (int i = 0; i < g.names().size(); i++) {
                sb.append(i == 0 ? "" : ", ").append('"').append(g.names().get(i)).append('"');
            }
            sb.append(g.count() > g.names().size() ? ", ..." : "").append('\n');
            List<String> stack = g.stack();
            for (int i = 0; i < Math.min(stack.size(), MAX_FRAMES); i++) {
                sb.append("#\t").append(stack.get(i)).append('\n');
            }
            if (stack.size() > MAX_FRAMES) {
                sb.append("#\t... ").append(stack.size() - MAX_FRAMES).append(" more\n");
            }
        }
        return sb.toString();
    }

    private static void states(StringBuilder sb, Map<String, Integer> states) {
        if (states.size() == 1) {
            sb.append(states.keySet().iterator().next());
            return;
        }
        boolean first = true;
        for (Map.Entry<String, Integer> e : states.entrySet()) {
            sb.append(first ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            first = false;
        }
    }
}
