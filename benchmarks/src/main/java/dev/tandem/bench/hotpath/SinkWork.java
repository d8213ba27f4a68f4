package dev.tandem.bench.hotpath;

import org.openjdk.jmh.infra.Blackhole;

/**
 * What the sink does with each event it is handed, the same for Tandem's sink and for the
 * baselines' consumer: read the event's timestamp, and in the flooded regime burn a fixed amount
 * of CPU ({@link Blackhole#consumeCPU}) so that the sink is slower than the producers.
 *
 * <p>Confined to one consumer thread (Tandem's delivery thread or a {@link BatchConsumer}).
 */
final class SinkWork {
    private final long tokensPerEvent;
    private long checksum; // a field, so the reads cannot be optimised away
    private long events;

    SinkWork(long tokensPerEvent) {
        this.tokensPerEvent = tokensPerEvent;
    }

    void event(long timestampMillis) {
        checksum += timestampMillis;
        events++;
        if (tokensPerEvent > 0) {
            Blackhole.consumeCPU(tokensPerEvent);
        }
    }

    /** Events seen so far; read by another thread only after the consumer stopped. */
    long events() {
        return events;
    }

    long checksum() {
        return checksum;
    }
}
