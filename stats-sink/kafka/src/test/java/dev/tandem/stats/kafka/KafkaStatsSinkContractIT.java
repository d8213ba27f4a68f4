package dev.tandem.stats.kafka;

import dev.tandem.stats.testing.StatsSinkContractTest;
import dev.tandem.stats.ItEnvironment;
import dev.tandem.stats.StatsSink;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * The shared sink contract against the real broker that {@code .ci/services.d/30-kafka.sh} starts,
 * in both record modes; every count is read back with a real KafkaConsumer.
 */
class KafkaStatsSinkContractIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    abstract static class Contract extends StatsSinkContractTest {
        private final Map<StatsSink, String> topics = new IdentityHashMap<>();
        private String bootstrap;

        abstract EventRecords mode();

        @Override
        protected StatsSink newSink() throws Exception {
            bootstrap = ItEnvironment.require("TANDEM_IT_KAFKA_BOOTSTRAP");
            String events = KafkaTopics.unique("contract-events");
            String metrics = KafkaTopics.unique("contract-metrics");
            KafkaTopics.create(bootstrap, events, metrics);
            KafkaStatsSink sink = KafkaStatsSink.builder(bootstrap, events).metricsTopic(metrics)
                    .eventRecords(mode()).build();
            topics.put(sink, events);
            return sink;
        }

        @Override
        protected long receivedEvents(StatsSink sink) throws Exception {
            return KafkaTopics.eventCount(KafkaTopics.readAll(bootstrap, topics.get(sink), READ_TIMEOUT));
        }
    }

    @Nested
    class OneRecordPerEvent extends Contract {
        @Override
        EventRecords mode() {
            return EventRecords.PER_EVENT;
        }
    }

    @Nested
    class OneRecordPerBatch extends Contract {
        @Override
        EventRecords mode() {
            return EventRecords.PER_BATCH;
        }
    }
}
