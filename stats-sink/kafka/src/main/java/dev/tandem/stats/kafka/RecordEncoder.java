package dev.tandem.stats.kafka;

import dev.tandem.stats.Batch;

/**
 * Turns a batch into Kafka record values. The default, {@link #json()}, writes one JSON object
 * per record (formats in {@code docs/sinks.md}); implement this interface for
 * another wire format. Keys and the {@code tandem.type} header are chosen by the sink, not here.
 *
 * <p>Called on the sink's delivery thread only, one call at a time; it must not keep the arrays
 * it returns. A throw fails the publish (the pipeline backs off and retries the batch).
 */
public interface RecordEncoder {
    /** The value of the record of {@code batch.events().get(index)} ({@link EventRecords#PER_EVENT}). */
    byte[] event(String source, Batch batch, int index);

    /**
     * The value of one record holding the events {@code fromIndex} (inclusive) to {@code toIndex}
     * (exclusive) of {@code batch} ({@link EventRecords#PER_BATCH}).
     */
    byte[] events(String source, Batch batch, int fromIndex, int toIndex);

    /** The value of the metrics record: every metric of {@code batch}, counters as cumulative totals. */
    byte[] metrics(String source, Batch batch);

    /** UTF-8 JSON, one object per record. */
    static RecordEncoder json() {
        return JsonRecordEncoder.INSTANCE;
    }
}
