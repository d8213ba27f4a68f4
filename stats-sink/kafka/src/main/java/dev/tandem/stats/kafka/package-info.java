/**
 * A Tandem {@link dev.tandem.stats.StatsSink} for Apache Kafka: {@link dev.tandem.stats.kafka.KafkaStatsSink}
 * writes a pipeline's events and cumulative metrics to Kafka topics through kafka-clients, with
 * producer bounds that keep a down or slow broker from holding the sink's delivery thread.
 *
 * <p>Artifact {@code dev.tandem:tandem-stats-kafka}; it brings kafka-clients, which the core
 * stats artifact does not.
 */
package dev.tandem.stats.kafka;
