package dev.tandem.stats.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.stats.Counter;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.EventType;
import dev.tandem.stats.ItEnvironment;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipeline feeding the shared broker, read back by a real KafkaConsumer: every event once, keyed
 * and ordered per key across partitions, and a last metrics record whose totals are the pipeline's
 * exact counts.
 */
@Timeout(120)
class KafkaStatsSinkIT {
    @Test
    void aConsumerReadsEveryEventInKeyOrderAndTheExactTotals() throws Exception {
        String bootstrap = ItEnvironment.require("TANDEM_IT_KAFKA_BOOTSTRAP");
        String events = KafkaTopics.unique("it-events");
        String metrics = KafkaTopics.unique("it-metrics");
        KafkaTopics.create(bootstrap, 3, events);
        KafkaTopics.create(bootstrap, 1, metrics);
        KafkaStatsSink sink = KafkaStatsSink.builder(bootstrap, events).metricsTopic(metrics).source("it-readback")
                .eventKey(EventKey.tag("conn")).build();
        SinkOptions options = SinkOptions.builder().queueCapacity(8192).batchSize(256)
                .linger(Duration.ofMillis(20)).metricsInterval(Duration.ofMillis(100)).build();
        // One thread records all 3,000: one stripe, so its share of the storage is the whole 8192 on any machine.
        StatsPipeline pipeline = StatsPipeline.builder().producerStripes(1).sink("kafka", sink, options).build();
        EventType closed = pipeline.eventType("tandem.connection.closed", "seq", "bytes");
        Counter opened = pipeline.counter("tandem.connections.opened", Tags.of("manager", "it"));
        int connections = 10;
        int perConnection = 300;
        Tags[] tags = new Tags[connections];
        for (int c = 0; c < connections; c++) {
            tags[c] = Tags.of("conn", "c" + c, "reason", "eof");
        }
        for (int i = 0; i < perConnection; i++) {
            for (int c = 0; c < connections; c++) {
                closed.record(tags[c], i, 100L * i);
                opened.increment();
            }
        }
        assertTrue(pipeline.close(Duration.ofSeconds(20)), "close flushed everything");
        SinkStats s = pipeline.sinkStats("kafka");
        long total = (long) connections * perConnection;
        assertEquals(total, s.recorded(), s.toString());
        assertEquals(total, s.delivered(), s.toString());
        assertEquals(total, opened.count());

        List<KafkaTopics.Read> read = KafkaTopics.readAll(bootstrap, events, Duration.ofSeconds(30));
        assertEquals(total, read.size(), "every event once");
        read.sort(Comparator.comparingInt(KafkaTopics.Read::partition).thenComparingLong(KafkaTopics.Read::offset));
        Map<String, Integer> partitionOf = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (KafkaTopics.Read r : read) {
            JsonNode v = r.value();
            String conn = v.get("tags").get("conn").asText();
            assertEquals(conn, r.key(), "keyed by the conn tag");
            assertEquals(r.partition(), partitionOf.computeIfAbsent(conn, k -> r.partition()),
                    "all of one key's events on one partition");
            long seq = v.get("fields").get("seq").asLong();
            assertEquals(lastSeq.getOrDefault(conn, -1L) + 1, seq, "in order per key: " + conn);
            lastSeq.put(conn, seq);
            assertEquals(100L * seq, v.get("fields").get("bytes").asLong());
        }
        assertEquals(connections, lastSeq.size());
        assertTrue(partitionOf.values().stream().distinct().count() > 1, "keys spread over partitions: " + partitionOf);

        JsonNode latest = KafkaTopics.latestMetrics(KafkaTopics.readAll(bootstrap, metrics, Duration.ofSeconds(30)),
                "it-readback");
        assertEquals(total, KafkaTopics.metric(latest, "tandem.connections.opened", Map.of("manager", "it")).longValue());
        assertEquals(total, KafkaTopics.metric(latest, "tandem.stats.delivered", Map.of("sink", "kafka")).longValue(),
                "the final metrics record counts the last events as delivered");
        for (DropReason r : DropReason.values()) {
            assertEquals(0, KafkaTopics.metric(latest, "tandem.stats.dropped",
                    Map.of("sink", "kafka", "reason", r.tagValue())).longValue());
        }
        assertEquals(s.publishes(), latest.get("batch").asLong(), "the last publish wrote the last metrics record");
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
