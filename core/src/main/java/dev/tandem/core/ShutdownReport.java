package dev.tandem.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ConnectionManager#shutdown(Duration)} achieved within its deadline (G9).
 *
 * @param closedByShutdown pairs that were open when shutdown began and were closed by it
 * @param stragglers pairs that had not reached CLOSED by the deadline (STUCK ones among them),
 *     with their stacks
 * @param took how long the shutdown took
 */
public record ShutdownReport(int closedByShutdown, List<PairSnapshot> stragglers, Duration took) {

    /** Copies {@code stragglers}. */
    public ShutdownReport {
        stragglers = List.copyOf(stragglers);
        Objects.requireNonNull(took, "took");
    }

    /** True if every pair reached CLOSED in time. */
    public boolean clean() {
        return stragglers.isEmpty();
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
