package dev.tandem.core.diagnostics;

import java.util.List;
import java.util.Map;

/**
 * Threads with an identical stack, as in one entry of Go's {@code pprof goroutine?debug=1}.
 *
 * @param count how many threads have this stack
 * @param virtualCount how many of them are virtual threads
 * @param states how many threads are in each state (a {@link Thread.State} name, or
 *     {@code UNKNOWN} where the dump does not say), most common first
 * @param names up to three of their names, in sorted order (virtual threads are often unnamed: "")
 * @param stack the frames, top first, as {@link StackTraceElement#toString()} writes them
 */
public record StackGroup(int count, int virtualCount, Map<String, Integer> states, List<String> names,
        List<String> stack) {

    /** Copies the collections; the groups a parser returns are immutable. */
    public StackGroup {
        states = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(states));
        names = List.copyOf(names);
        stack = List.copyOf(stack);
    }

    /** The most common state of the group's threads. */
    public String mainState() {
        String best = DumpedThread.UNKNOWN_STATE;
        int most = -1;
        for (Map.Entry<String, Integer> e : states.entrySet()) {
            if (e.getValue() > most || (e.getValue() == most && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }
}
