package dev.tandem.core;

import java.time.Duration;
import java.util.List;

/** What {@link ConnectionManager#shutdown(Duration)} achieved within its deadline (G9). */
public final class ShutdownReport {
    private final int closedByShutdown;
    private final List<PairSnapshot> stragglers;
    private final Duration took;

    ShutdownReport(int closedByShutdown, List<PairSnapshot> stragglers, Duration took) {
        this.closedByShutdown = closedByShutdown;
        this.stragglers = stragglers;
        this.took = took;
    }

    /** Pairs that were open when shutdown began and were closed by it. */
    public int closedByShutdown() {
        return closedByShutdown;
    }

    /** Pairs that had not reached CLOSED by the deadline (STUCK ones among them), with their stacks. */
    public List<PairSnapshot> stragglers() {
        return stragglers;
    }

    /** True if every pair reached CLOSED in time. */
    public boolean clean() {
        return stragglers.isEmpty();
    }

    public Duration took() {
        return took;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ShutdownReport{closed=").append(closedByShutdown)
                .append(", stragglers=").append(stragglers.size()).append(", took=").append(took.toMillis()).append("ms}");
        for (PairSnapshot s : stragglers) {
            sb.append('\n').append(s);
        }
        return sb.toString();
    }
}
