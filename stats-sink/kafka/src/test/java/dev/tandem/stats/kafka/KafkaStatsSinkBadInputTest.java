package dev.tandem.stats.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every bad option fails at the builder, naming the option; extra properties cannot undo the bounds. */
class KafkaStatsSinkBadInputTest {
    private static KafkaStatsSink.Builder builder() {
        // A mock producer: these tests are about validation, and build() must not need a broker.
        return KafkaStatsSink.builder("127.0.0.1:9", "t")
                .producerFactory(config -> KafkaStatsSinkTest.mock(true));
    }

    private static void iae(String expected, Consumer<KafkaStatsSink.Builder> option) {
        KafkaStatsSink.Builder b = builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            option.accept(b);
            b.build();
        });
        assertEquals(expected, e.getMessage());
    }

    private static void npe(String parameter, Runnable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call::run);
        assertEquals(parameter, e.getMessage());
    }

    @Test
    void nullsAreRefusedNamingTheParameter() {
        npe("bootstrapServers", () -> KafkaStatsSink.builder(null, "t"));
        npe("topic", () -> KafkaStatsSink.builder("h:1", null));
        npe("metricsTopic", () -> builder().metricsTopic(null));
        npe("source", () -> builder().source(null));
        npe("eventRecords", () -> builder().eventRecords(null));
        npe("eventKey", () -> builder().eventKey(null));
        npe("encoder", () -> builder().encoder(null));
        npe("acks", () -> builder().acks(null));
        npe("key", () -> builder().producerProperty(null, "v"));
        npe("value", () -> builder().producerProperty("client.id", null));
        npe("properties", () -> builder().producerProperties(null));
        npe("tagKey", () -> EventKey.tag(null));
        npe("fieldName", () -> EventKey.field(null));
        npe("ackTimeout", () -> builder().ackTimeout(null).build());
        npe("requestTimeout", () -> builder().requestTimeout(null).build());
        npe("maxBlock", () -> builder().maxBlock(null).build());
        npe("linger", () -> builder().linger(null).build());
        npe("closeTimeout", () -> builder().closeTimeout(null).build());
    }

    @Test
    void blankOrIllegalNamesAreRefused() {
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> KafkaStatsSink.builder(" ", "t").build());
        assertEquals("bootstrapServers: \" \" (expected: host:port[,host:port...])", blank.getMessage());
        String topicRule = " (expected: 1 to 249 of [a-zA-Z0-9._-], not \".\" or \"..\")";
        for (String bad : new String[] {"", " ", "a b", "..", ".", "x".repeat(250), "é"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KafkaStatsSink.builder("h:1", bad).build(), bad);
            assertEquals("topic: \"" + bad + "\"" + topicRule, e.getMessage());
        }
        iae("metricsTopic: \"m/x\"" + topicRule, b -> b.metricsTopic("m/x"));
        iae("source: \"  \" (expected: not blank)", b -> b.source("  "));
        iae("acks: \"2\" (expected: all, 1 or 0)", b -> b.acks("2"));
        iae("tagKey: \"\" (expected: not empty)", b -> EventKey.tag(""));
        iae("key: \"\" (expected: not empty)", b -> b.producerProperty("", "v"));
    }

    @Test
    void nonPositiveNumbersAndTimeoutsAreRefused() {
        iae("maxEventsPerRecord: 0 (expected: > 0)", b -> b.maxEventsPerRecord(0));
        iae("bufferMemory: -1 (expected: > 0)", b -> b.bufferMemory(-1));
        iae("ackTimeout: PT0S (expected: > 0)", b -> b.ackTimeout(Duration.ZERO));
        iae("requestTimeout: PT-1S (expected: > 0)", b -> b.requestTimeout(Duration.ofSeconds(-1)));
        iae("maxBlock: PT0S (expected: > 0)", b -> b.maxBlock(Duration.ZERO));
        iae("closeTimeout: PT0S (expected: > 0)", b -> b.closeTimeout(Duration.ZERO));
        iae("linger: PT-0.001S (expected: >= 0)", b -> b.linger(Duration.ofMillis(-1)));
    }

    @Test
    void timeoutsMustNestAsTheBoundsRequire() {
        iae("requestTimeout: PT5S (expected: <= ackTimeout PT5S minus linger PT0.005S, as kafka-clients requires "
                + "of delivery.timeout.ms)", b -> b.requestTimeout(Duration.ofSeconds(5)));
        iae("maxBlock: PT3S (expected: <= ackTimeout PT2S)",
                b -> b.ackTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(1)).maxBlock(Duration.ofSeconds(3)));
        iae("ackTimeout: PT600H (expected: <= PT596H31M23.647S)", b -> b.ackTimeout(Duration.ofHours(600)));
    }

    @Test
    void extraPropertiesCannotSetWhatTheSinkOwns() {
        Map<String, String> owner = Map.of(
                "max.block.ms", "maxBlock(Duration) instead",
                "delivery.timeout.ms", "ackTimeout(Duration) instead",
                "request.timeout.ms", "requestTimeout(Duration) instead",
                "buffer.memory", "bufferMemory(long) instead",
                "linger.ms", "linger(Duration) instead",
                "acks", "acks(String) instead",
                "bootstrap.servers", "builder(bootstrapServers, topic) instead",
                "transactional.id", "none: the sink does not use transactions");
        assertTrue(KafkaStatsSink.Builder.ownedProducerSettings().containsAll(owner.keySet()));
        owner.forEach((key, use) -> iae("producer property '" + key + "' is set by the sink (expected: " + use + ")",
                b -> b.producerProperty(key, "1")));
        iae("producer property 'max.block.ms' is set by the sink (expected: maxBlock(Duration) instead)",
                b -> b.producerProperties(Map.of("max.block.ms", 60_000)));
    }

    @Test
    void aConfigurationKafkaRejectsIsAnIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaStatsSink.builder("127.0.0.1:9", "t").producerProperty("compression.type", "bogus").build());
        assertTrue(e.getMessage().startsWith("producer properties: ") && e.getMessage().contains("compression.type"),
                e.getMessage());
    }
}
