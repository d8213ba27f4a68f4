package dev.tandem.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ConnectionManager#shutdown(Duration)} found and did within its deadline (G9). Every
 * pair the manager ever opened is in exactly one of: closed before shutdown began
 * ({@link #closedBeforeShutdown}), or live when it began ({@link #liveAtShutdown}: closed by the
 * shutdown, or already closing for a reason of its own); the live ones that had not reached
 * CLOSED by the deadline are the {@link #stragglers}.
 *
 * @param closedBeforeShutdown pairs that had reached CLOSED before shutdown began
 * @param liveAtShutdown pairs live (open, closing or stuck) when shutdown began
 * @param closedByShutdown pairs among those that were open and were closed by the shutdown (close
 *     reason {@link CloseReason#SHUTDOWN}); the others were already closing
 * @param stragglers pairs that had not reached CLOSED by the deadline (STUCK ones among them),
 *     with their stacks
 * @param took how long the shutdown took
 */
public record ShutdownReport(long closedBeforeShutdown, int liveAtShutdown, int closedByShutdown,
                             List<PairSnapshot> stragglers, Duration took) {

    /** Copies {@code stragglers}. */
    public ShutdownReport {
        stragglers = List.copyOf(stragglers);
        Objects.requireNonNull(took, "took");
    }

    /** True if every pair reached CLOSED in time. */
    public boolean clean() {
        return stragglers.isEmpty();
    }

    /** Pairs that were live when shutdown began but already closing for a reason of their own. */
    public int alreadyClosing() {
        return liveAtShutdown - closedByShutdown;
    }

    /**
     * One line an operator reads as it is, e.g. {@code ShutdownReport{took 12ms: 5 pairs live when it
     * began (4 closed by shutdown, 1 already closing), 0 not closed by the deadline; 37 had closed
     * before}}, then each straggler's snapshot on lines of its own.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ShutdownReport{took ").append(took.toMillis()).append("ms: ")
                .append(liveAtShutdown).append(liveAtShutdown == 1 ? " pair" : " pairs").append(" live when it began (")
                .append(closedByShutdown).append(" closed by shutdown, ").append(alreadyClosing())
                .append(" already closing), ").append(stragglers.size()).append(" not closed by the deadline; ")
                .append(closedBeforeShutdown).append(" had closed before}");
        for (PairSnapshot s : stragglers) {
            sb.append('\n').append(s);
        }
        return sb.toString();
    }
}
