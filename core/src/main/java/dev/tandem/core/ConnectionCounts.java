package dev.tandem.core;

import java.util.EnumMap;
import java.util.Map;

/**
 * The manager's exact counts (G7), kept in process and independent of any sink:
 * {@code opened == live + closedTotal} at every quiescent moment; {@code live} includes STUCK pairs.
 */
public final class ConnectionCounts {
    private final long opened;
    private final long live;
    private final long stuck;
    private final long[] closed;
    private final long messagesDropped;

    ConnectionCounts(long opened, long live, long stuck, long[] closed, long messagesDropped) {
        this.opened = opened;
        this.live = live;
        this.stuck = stuck;
        this.closed = closed;
        this.messagesDropped = messagesDropped;
    }

    public long opened() {
        return opened;
    }

    /** Pairs not yet CLOSED: open, closing or stuck. */
    public long live() {
        return live;
    }

    public long stuck() {
        return stuck;
    }

    public long closed(CloseReason reason) {
        return closed[reason.ordinal()];
    }

    public long closedTotal() {
        long sum = 0;
        for (long c : closed) {
            sum += c;
        }
        return sum;
    }

    public Map<CloseReason, Long> closedByReason() {
        Map<CloseReason, Long> m = new EnumMap<>(CloseReason.class);
        for (CloseReason r : CloseReason.values()) {
            m.put(r, closed[r.ordinal()]);
        }
        return m;
    }

    /** Messages refused under {@link OverflowPolicy#DROP_MESSAGE}. */
    public long messagesDropped() {
        return messagesDropped;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("opened=").append(opened).append(" live=").append(live)
                .append(" stuck=").append(stuck).append(" closed=").append(closedTotal()).append(" {");
        boolean first = true;
        for (CloseReason r : CloseReason.values()) {
            if (closed[r.ordinal()] != 0) {
                sb.append(first ? "" : ", ").append(r.tagValue()).append('=').append(closed[r.ordinal()]);
                first = false;
            }
        }
        return sb.append("} messagesDropped=").append(messagesDropped).toString();
    }
}
