// docs/sinks.md shows this file verbatim; KafkaSinkSetupTest builds it.
package dev.tandem.stats.kafka;

import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsPipeline;
import java.time.Duration;

final class KafkaSinkSetup {
    static StatsPipeline pipeline(String bootstrapServers) {
        KafkaStatsSink kafka = KafkaStatsSink.builder(bootstrapServers, "tandem-events")
                .metricsTopic("tandem-metrics")      // best compacted: it keeps the latest totals per source
                .source("orders-api-1")             // a stable name: the key of this producer's metrics records
                .eventKey(EventKey.field("id"))     // a connection's events in order, on one partition
                .ackTimeout(Duration.ofSeconds(5))  // a publish waits at most this (plus one maxBlock) for acks
                .maxBlock(Duration.ofSeconds(1))    // the longest one send waits for metadata: the broker is down
                .producerProperty("compression.type", "lz4")
                .build();
        SinkOptions options = SinkOptions.builder()
                .publishTimeout(Duration.ofSeconds(10)) // above ackTimeout + maxBlock: a down broker backs off, never stalls
                .build();
        return StatsPipeline.builder().sink("kafka", kafka, options).build();
    }
}
