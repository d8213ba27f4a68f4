package dev.tandem.core.diagnostics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Groups threads by identical stack as a parser hands them over, one at a time, keeping only one
 * copy of each distinct stack: 100,000 threads at one line cost one group, not 100,000 entries.
 * Not thread-safe: one parse, one grouper.
 */
final class StackGrouper implements Consumer<DumpedThread> {
    private static final int NAMES = 3;

    private static final class Tally {
        final List<String> stack;
        int count;
        int virtual;
        final Map<String, Integer> states = new TreeMap<>();
        final List<String> names = new ArrayList<>(NAMES + 1);

        Tally(List<String> stack) {
            this.stack = stack;
        }

        void add(DumpedThread t) {
            count++;
            if (t.virtual()) {
                virtual++;
            }
            states.merge(t.state(), 1, Integer::sum);
            // keep the NAMES smallest names: a stable choice whatever order the dump lists them in
            if (names.size() < NAMES || t.name().compareTo(names.get(NAMES - 1)) < 0) {
                int at = 0;
                while (at < names.size() && names.get(at).compareTo(t.name()) <= 0) {
                    at++;
                }
                names.add(at, t.name());
                if (names.size() > NAMES) {
                    names.remove(NAMES);
                }
            }
        }
    }

    private final Map<List<String>, Tally> groups = new HashMap<>();
    private int total;
    private int virtual;

    @Override
    public void accept(DumpedThread t) {
        total++;
        if (t.virtual()) {
            virtual++;
        }
        groups.computeIfAbsent(t.stack(), Tally::new).add(t);
    }

    int total() {
        return total;
    }

    int virtualTotal() {
        return virtual;
    }

    /** The groups, largest first; equal counts by their first name, then by top frame. */
    List<StackGroup> groups() {
        List<StackGroup> out = new ArrayList<>(groups.size());
        for (Tally g : groups.values()) {
            List<Map.Entry<String, Integer>> byCount = new ArrayList<>(g.states.entrySet());
            byCount.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
            Map<String, Integer> states = new java.util.LinkedHashMap<>();
            byCount.forEach(e -> states.put(e.getKey(), e.getValue()));
            out.add(new StackGroup(g.count, g.virtual, states, g.names, g.stack));
        }
        out.sort(Comparator.comparingInt(StackGroup::count).reversed()
                .thenComparing(g -> g.names().isEmpty() ? "" : g.names().get(0))
                .thenComparing(g -> g.stack().isEmpty() ? "" : g.stack().get(0)));
        return out;
    }
}
