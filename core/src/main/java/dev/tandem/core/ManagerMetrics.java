package dev.tandem.core;

import dev.tandem.stats.Counter;
import dev.tandem.stats.EventType;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a manager reports through its stats pipeline: the exact counts (in-process counters and
 * gauges, S3) and the closed/stuck events. Recording never blocks (S1): any thread may call any
 * method. The closed event is recorded before the counts move, so whoever sees a pair counted
 * closed sees its event at every sink's door.
 */
final class ManagerMetrics {
    private static final String CLOSED_EVENT = "tandem.connection.closed";

    private final StatsPipeline stats;
    private final Tags managerTag;
    private final Counter opened;
    private final Counter[] closed = new Counter[CloseReason.values().length];
    private final Tags[] closedTags = new Tags[CloseReason.values().length];
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong stuck = new AtomicLong();
    private final Counter messagesDropped;
    private final Counter hookFailures;
    /** The closed event in its four shapes: bit 0 of the index set if bytes_in is known, bit 1 if bytes_out is. */
    private final EventType[] closedEvents = new EventType[4];
    private final EventType stuckEvent;

    /** @throws IllegalArgumentException if a manager of this name already reports to {@code stats} */
    ManagerMetrics(StatsPipeline stats, String name) {
        this.stats = stats;
        this.managerTag = Tags.of("manager", name);
        this.opened = stats.counter("tandem.connections.opened", managerTag);
        for (CloseReason r : CloseReason.values()) {
            closedTags[r.ordinal()] = managerTag.and("reason", r.tagValue());
            closed[r.ordinal()] = stats.counter("tandem.connections.closed", closedTags[r.ordinal()]);
        }
        this.messagesDropped = stats.counter("tandem.connections.messages.dropped", managerTag);
        this.hookFailures = stats.counter("tandem.connections.hook.failures", managerTag);
        stats.gauge("tandem.connections.live", managerTag, live::get);
        stats.gauge("tandem.connections.stuck", managerTag, stuck::get);
        // A count Tandem could not see (a handler on the socket's own streams) is left out, not sent as 0.
        closedEvents[0] = stats.eventType(CLOSED_EVENT, "id", "duration_ms", "messages_in", "messages_out");
        closedEvents[1] = stats.eventType(CLOSED_EVENT, "id", "duration_ms", "bytes_in", "messages_in", "messages_out");
        closedEvents[2] = stats.eventType(CLOSED_EVENT, "id", "duration_ms", "bytes_out", "messages_in", "messages_out");
        closedEvents[3] = stats.eventType(CLOSED_EVENT,
                "id", "duration_ms", "bytes_in", "bytes_out", "messages_in", "messages_out");
        this.stuckEvent = stats.eventType("tandem.connection.stuck", "id", "closing_ms");
    }

    void opened() {
        live.incrementAndGet();
        opened.increment();
    }

    void closed(CloseInfo info, boolean wasStuck) {
        if (wasStuck) {
            stuck.decrementAndGet();
        }
        CloseReason reason = info.reason();
        recordClosed(closedTags[reason.ordinal()], info);
        closed[reason.ordinal()].increment();
        live.decrementAndGet();
    }

    private void recordClosed(Tags tags, CloseInfo info) {
        long ms = info.lifetime().toMillis();
        int shape = (info.bytesInCounted() ? 1 : 0) | (info.bytesOutCounted() ? 2 : 0);
        EventType type = closedEvents[shape];
        switch (shape) {
            case 0 -> type.record(tags, info.id(), ms, info.messagesIn(), info.messagesOut());
            case 1 -> type.record(tags, info.id(), ms, info.bytesIn(), info.messagesIn(), info.messagesOut());
            case 2 -> type.record(tags, info.id(), ms, info.bytesOut(), info.messagesIn(), info.messagesOut());
            case 3 -> type.record(tags, info.id(), ms, info.bytesIn(), info.bytesOut(), info.messagesIn(),
                    info.messagesOut());
            default -> throw new IllegalStateException("closed event shape " + shape);
        }
    }

    void stuck(long pairId, long closingNanos) {
        stuck.incrementAndGet();
        stuckEvent.record(managerTag, pairId, closingNanos / 1_000_000);
    }

    void messageDropped() {
        messagesDropped.increment();
    }

    void hookFailed() {
        hookFailures.increment();
    }

    ConnectionCounts counts() {
        Map<CloseReason, Long> byReason = new EnumMap<>(CloseReason.class);
        for (CloseReason r : CloseReason.values()) {
            byReason.put(r, closed[r.ordinal()].count());
        }
        return new ConnectionCounts(opened.count(), live.get(), stuck.get(), byReason, messagesDropped.count());
    }

    /** Takes the gauges off a pipeline the manager does not own, so the name may be used again. */
    void unregisterGauges() {
        stats.remove("tandem.connections.live", managerTag);
        stats.remove("tandem.connections.stuck", managerTag);
    }
}
