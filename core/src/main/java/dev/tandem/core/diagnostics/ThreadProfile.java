package dev.tandem.core.diagnostics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every platform thread of this JVM grouped by identical stack, counted, most common first: the
 * pprof goroutine profile for a server not yet on Tandem, where it shows at a glance that 10,000
 * threads wait at the same line. ({@link Thread#getAllStackTraces()} does not list virtual threads;
 * pairs on virtual threads are in {@link dev.tandem.core.ConnectionManager#dump()}.)
 */
public final class ThreadProfile {
    private static final int MAX_FRAMES = 40;

    private ThreadProfile() {}

    /** The grouped profile of every thread, as text. */
    public static String capture() {
        return format(Thread.getAllStackTraces());
    }

    /** The grouped profile of the threads {@code include} accepts (e.g. by name), as text. */
    public static String capture(java.util.function.Predicate<Thread> include) {
        java.util.Objects.requireNonNull(include, "include");
        Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
        all.keySet().removeIf(include.negate());
        return format(all);
    }

    static String format(Map<Thread, StackTraceElement[]> all) {
        Map<List<StackTraceElement>, List<Thread>> groups = new HashMap<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : all.entrySet()) {
            StackTraceElement[] st = e.getValue();
            List<StackTraceElement> key = List.of(st).subList(0, Math.min(st.length, MAX_FRAMES));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getKey());
        }
        List<Map.Entry<List<StackTraceElement>, List<Thread>>> sorted = new ArrayList<>(groups.entrySet());
        for (List<Thread> ts : groups.values()) {
            ts.sort(java.util.Comparator.comparing(Thread::getName));
        }
        sorted.sort((a, b) -> a.getValue().size() != b.getValue().size()
                ? Integer.compare(b.getValue().size(), a.getValue().size())
                : a.getValue().get(0).getName().compareTo(b.getValue().get(0).getName()));
        StringBuilder sb = new StringBuilder("thread profile: total ").append(all.size()).append('\n');
        for (Map.Entry<List<StackTraceElement>, List<Thread>> g : sorted) {
            List<Thread> ts = g.getValue();
            sb.append('\n').append(ts.size()).append(" @ ").append(ts.get(0).getState()).append(" e.g. ");
            for (int i = 0; i < Math.min(3, ts.size()); i++) {
                sb.append(i == 0 ? "" : ", ").append('"').append(ts.get(i).getName()).append('"');
            }
            sb.append(ts.size() > 3 ? ", ..." : "").append('\n');
            for (StackTraceElement f : g.getKey()) {
                sb.append("#\t").append(f).append('\n');
            }
        }
        return sb.toString();
    }
}
