package dev.tandem.stats.kafka;

/** How the Kafka sink turns a batch's events into records. */
public enum EventRecords {
    /**
     * One record per event, keyed by the sink's {@link EventKey} (the default). Consumers see each
     * event on its own; the key decides partition and order.
     */
    PER_EVENT,
    /**
     * One record per publish holding the batch's events (several records when the batch has more
     * than {@code maxEventsPerRecord} events), keyed by the sink's {@code source}, so one source's
     * batches stay on one partition in order. Fewer, larger records: less per-record overhead on
     * the producer and the broker.
     */
    PER_BATCH
}
