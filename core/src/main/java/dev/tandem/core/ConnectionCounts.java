package dev.tandem.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The manager's exact counts (G7), kept in process and independent of any sink:
 * {@code opened == live + closedTotal} at every quiescent moment; {@code live} includes STUCK pairs.
 *
 * @param opened pairs opened since the manager started
 * @param live pairs not yet CLOSED: open, closing or stuck
 * @param stuck pairs reported STUCK and not yet CLOSED
 * @param closedByReason closed pairs per first close reason; every reason is present
 * @param messagesDropped messages refused under {@link OverflowPolicy#DROP_MESSAGE}
 */
public record ConnectionCounts(long opened, long live, long stuck, Map<CloseReason, Long> closedByReason,
                               long messagesDropped) {

    /** Copies {@code closedByReason}, filling in 0 for every reason it does not name. */
    public ConnectionCounts {
        Map<CloseReason, Long> all = new EnumMap<>(CloseReason.class);
        for (CloseReason r : CloseReason.values()) {
            all.put(r, 0L);
        }
        all.putAll(Objects.requireNonNull(closedByReason, "closedByReason"));
        closedByReason = Collections.unmodifiableMap(all);
    }

    /** Pairs closed with this first reason. */
    public long closed(CloseReason reason) {
        return closedByReason.get(Objects.requireNonNull(reason, "reason"));
    }

    /** Pairs closed for any reason. */
    public long closedTotal() {
        long sum = 0;
        for (long c : closedByReason.values()) {
            sum += c;
        }
        return sum;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("opened=").append(opened).append(" live=").append(live)
                .append(" stuck=").append(stuck).append(" closed=").append(closedTotal()).append(" {");
        boolean first = true;
        for (Map.Entry<CloseReason, Long> e : closedByReason.entrySet()) {
            if (e.getValue() != 0) {
                sb.append(first ? "" : ", ").append(e.getKey().tagValue()).append('=').append(e.getValue());
                first = false;
            }
        }
        return sb.append("} messagesDropped=").append(messagesDropped).toString();
    }
}
