package dev.tandem.stats;

import java.util.EnumMap;
import java.util.Map;

/**
 * A point-in-time view of one sink's books (S8), readable without any sink.
 *
 * <p>Every event handed to a sink is accounted for exactly once:
 * <pre>
 *   recorded == delivered + droppedTotal + inFlight
 *   recorded == enqueued + (drops at the door: queue_full, stalled, backoff, shutdown, re_entrant)
 *   inFlight == queued + events taken for a publish that has not finished
 * </pre>
 * Counters are read one after another, so a snapshot taken while producers run may be off by
 * the events that moved between reads; at quiescence (or after close) the identities are exact.
 */
public final class SinkStats {
    private final String name;
    private final SinkState state;
    private final int queueCapacity;
    private final long recorded;
    private final long enqueued;
    private final long delivered;
    private final long[] dropped;
    private final long queued;
    private final long inHand;
    private final long publishes;
    private final long failures;
    private final Throwable lastError;
    private final long lastErrorMillis;
    private final boolean deliveryAbandoned;
    private final long publishRunningMillis;

    SinkStats(String name, SinkState state, int queueCapacity, long recorded, long enqueued, long delivered,
              long[] dropped, long queued, long inHand, long publishes, long failures,
              Throwable lastError, long lastErrorMillis, boolean deliveryAbandoned, long publishRunningMillis) {
        this.name = name;
        this.state = state;
        this.queueCapacity = queueCapacity;
        this.recorded = recorded;
        this.enqueued = enqueued;
        this.delivered = delivered;
        this.dropped = dropped;
        this.queued = queued;
        this.inHand = inHand;
        this.publishes = publishes;
        this.failures = failures;
        this.lastError = lastError;
        this.lastErrorMillis = lastErrorMillis;
        this.deliveryAbandoned = deliveryAbandoned;
        this.publishRunningMillis = publishRunningMillis;
    }

    /**
     * True while the pipeline's close has given up on this sink's delivery thread and the thread
     * has not ended yet: it is still inside the sink's {@code publish} (or {@code close}), left to
     * return on its own because the JVM cannot cancel a call (S5, S7). It holds whatever the sink
     * holds (a socket, a thread) until then; {@link #publishRunningMillis()} says for how long.
     */
    public boolean deliveryAbandoned() {
        return deliveryAbandoned;
    }

    /** How long the publish in progress has been running, in ms; 0 when no publish is running. */
    public long publishRunningMillis() {
        return publishRunningMillis;
    }

    /** The name the sink was registered under. */
    public String name() {
        return name;
    }

    public SinkState state() {
        return state;
    }

    /** The queue's real capacity (the configured one rounded up to a power of two). */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** Events handed to this sink: accepted into its queue or dropped at the door. */
    public long recorded() {
        return recorded;
    }

    /** Events accepted into this sink's queue. */
    public long enqueued() {
        return enqueued;
    }

    /** Events in batches whose publish returned normally. */
    public long delivered() {
        return delivered;
    }

    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()];
    }

    public long droppedTotal() {
        long sum = 0;
        for (long d : dropped) {
            sum += d;
        }
        return sum;
    }

    /** Drops by reason, every reason present (zero if none). */
    public Map<DropReason, Long> droppedByReason() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            m.put(r, dropped[r.ordinal()]);
        }
        return m;
    }

    /** Events waiting in the queue. */
    public long queued() {
        return queued;
    }

    /** Events neither delivered nor dropped yet: queued, or in a publish that has not finished. */
    public long inFlight() {
        return queued + inHand;
    }

    /** Publish calls that returned normally. */
    public long publishes() {
        return publishes;
    }

    /** Publish calls that threw. */
    public long failures() {
        return failures;
    }

    /** What the last failed publish (or the sink's close) threw, or {@code null}. */
    public Throwable lastError() {
        return lastError;
    }

    /** When {@link #lastError()} happened (ms since the epoch), or 0. */
    public long lastErrorMillis() {
        return lastErrorMillis;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(160).append("SinkStats{").append(name).append(' ').append(state)
                .append(" recorded=").append(recorded).append(" enqueued=").append(enqueued)
                .append(" delivered=").append(delivered).append(" dropped={");
        boolean first = true;
        for (DropReason r : DropReason.values()) {
            if (dropped[r.ordinal()] != 0) {
                sb.append(first ? "" : ",").append(r.tagValue()).append('=').append(dropped[r.ordinal()]);
                first = false;
            }
        }
        sb.append("} inFlight=").append(inFlight()).append(" publishes=").append(publishes)
                .append(" failures=").append(failures);
        if (publishRunningMillis != 0) {
            sb.append(" publishRunning=").append(publishRunningMillis).append("ms");
        }
        if (deliveryAbandoned) {
            sb.append(" deliveryAbandoned");
        }
        if (lastError != null) {
            sb.append(" lastError=").append(lastError);
        }
        return sb.append('}').toString();
    }
}
