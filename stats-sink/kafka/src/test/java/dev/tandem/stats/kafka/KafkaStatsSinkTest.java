package dev.tandem.stats.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Counter;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the sink sends and how it fails, without a broker: kafka-clients' own {@link MockProducer}
 * stands in where a real broker cannot be made to misbehave on cue (an acknowledgement that never
 * comes, a rejected record), and a real producer faces a port with nothing behind it (metadata
 * unavailable). The same behaviour against a real broker is in the {@code *IT} tests.
 */
class KafkaStatsSinkTest {
    private final EventType type = TestEvents.type("tandem.connection.closed", "id", "duration_ms");
    private final List<KafkaStatsSink> sinks = new ArrayList<>();

    @AfterEach
    void closeSinks() {
        sinks.forEach(KafkaStatsSink::close);
    }

    private KafkaStatsSink sink(MockProducer<byte[], byte[]> producer, KafkaStatsSink.Builder b) {
        KafkaStatsSink s = b.producerFactory(config -> producer).build();
        sinks.add(s);
        return s;
    }

    static MockProducer<byte[], byte[]> mock(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaStatsSink.Builder builder() {
        return KafkaStatsSink.builder("127.0.0.1:9", "events").metricsTopic("metrics").source("src");
    }

    private Batch batch(int events) {
        List<Event> list = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            list.add(Event.of(type, 1000 + i, Tags.of("reason", "eof", "conn", "c" + (i % 3)), i, 10L * i));
        }
        return Batch.of("kafka", 5000, list, List.of(Measurement.counter("tandem.connections.opened", Tags.empty(), 42)));
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String type(ProducerRecord<byte[], byte[]> r) {
        return text(r.headers().lastHeader(KafkaStatsSink.TYPE_HEADER).value());
    }

    @Test
    void theBuiltInEncoderAndKeysTakeReusedEventsAndMeasurementsOnesOfYourOwnDoNot() {
        for (EventKey key : List.of(EventKey.none(), EventKey.eventName(), EventKey.tag("conn"), EventKey.field("id"))) {
            KafkaStatsSink s = sink(mock(true), builder().eventKey(key));
            assertTrue(s.acceptsReusedEvents() && s.acceptsReusedMeasurements(), key.toString());
        }
        EventKey ownKey = Event::name;
        KafkaStatsSink withOwnKey = sink(mock(true), builder().eventKey(ownKey));
        assertFalse(withOwnKey.acceptsReusedEvents(), "a key of your own may keep the events");
        assertFalse(withOwnKey.acceptsReusedMeasurements());
        RecordEncoder json = RecordEncoder.json();
        RecordEncoder ownEncoder = new RecordEncoder() {
            @Override
            public byte[] event(String source, Batch batch, int index) {
                return json.event(source, batch, index);
            }

            @Override
            public byte[] events(String source, Batch batch, int fromIndex, int toIndex) {
                return json.events(source, batch, fromIndex, toIndex);
            }

            @Override
            public byte[] metrics(String source, Batch batch) {
                return json.metrics(source, batch);
            }
        };
        KafkaStatsSink withOwnEncoder = sink(mock(true), builder().encoder(ownEncoder));
        assertFalse(withOwnEncoder.acceptsReusedEvents(), "an encoder of your own may keep the events");
        assertFalse(withOwnEncoder.acceptsReusedMeasurements());
    }

    @Test
    void throughAPipelineReusedEventsAndMeasurementsArriveWholeInBothRecordModes() throws Exception {
        for (EventRecords mode : EventRecords.values()) {
            MockProducer<byte[], byte[]> producer = mock(true);
            KafkaStatsSink s = sink(producer, builder().eventRecords(mode).eventKey(EventKey.field("id")));
            assertTrue(s.acceptsReusedEvents() && s.acceptsReusedMeasurements(), mode.toString());
            StatsPipeline p = StatsPipeline.builder().sink("kafka", s, SinkOptions.builder().batchSize(3)
                    .linger(Duration.ofMillis(5)).build()).build();
            Counter opened = p.counter("app.opened");
            EventType closed = p.eventType("app.closed", "id");
            for (int i = 1; i <= 9; i++) {
                opened.increment();
                closed.record(Tags.empty(), i);
            }
            assertTrue(p.close(Duration.ofSeconds(10)), mode + ": the pipeline closed in time");
            List<Long> ids = new ArrayList<>();
            long lastOpened = -1;
            for (ProducerRecord<byte[], byte[]> r : producer.history()) {
                JsonNode v = JsonRecordEncoderTest.parse(r.value());
                if ("event".equals(type(r))) {
                    ids.add(v.get("fields").get("id").asLong());
                    assertEquals(Long.toString(ids.get(ids.size() - 1)), text(r.key()), "keyed by its own id");
                } else if ("events".equals(type(r))) {
                    for (JsonNode e : v.get("events")) {
                        ids.add(e.get("fields").get("id").asLong());
                    }
                } else {
                    for (JsonNode m : v.get("metrics")) {
                        if ("app.opened".equals(m.get("name").asText())) {
                            assertTrue(m.get("value").asLong() >= lastOpened, mode + ": a total never goes back");
                            lastOpened = m.get("value").asLong();
                        }
                    }
                }
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), ids, mode + ": every event once, in order");
            assertEquals(9, lastOpened, mode + ": the last metrics record holds the total");
        }
    }

    @Test
    void writesOneRecordPerEventThenOneMetricsRecordKeyedBySource() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(true);
        KafkaStatsSink s = sink(producer, builder().eventKey(EventKey.tag("conn")));
        s.publish(batch(4));
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertEquals(5, sent.size(), sent.toString());
        for (int i = 0; i < 4; i++) {
            ProducerRecord<byte[], byte[]> r = sent.get(i);
            assertEquals("events", r.topic());
            assertEquals("c" + (i % 3), text(r.key()), "keyed by the conn tag");
            assertEquals("event", type(r));
            JsonNode v = JsonRecordEncoderTest.parse(r.value());
            assertEquals(i, v.get("index").asInt());
            assertEquals(i, v.get("fields").get("id").asLong());
        }
        ProducerRecord<byte[], byte[]> m = sent.get(4);
        assertEquals("metrics", m.topic());
        assertEquals("src", text(m.key()));
        assertEquals("metrics", type(m));
        assertEquals(42, JsonRecordEncoderTest.parse(m.value()).get("metrics").get(0).get("value").asLong());
    }

    @Test
    void eventKeysChooseByNameFieldOrNothing() throws Exception {
        Event e = batch(3).events().get(2);
        assertEquals("tandem.connection.closed", EventKey.eventName().keyOf(e));
        assertEquals("2", EventKey.field("id").keyOf(e));
        assertNull(EventKey.field("nope").keyOf(e));
        assertEquals("c2", EventKey.tag("conn").keyOf(e));
        assertNull(EventKey.tag("nope").keyOf(e));
        assertNull(EventKey.none().keyOf(e));

        MockProducer<byte[], byte[]> producer = mock(true);
        sink(producer, builder()).publish(batch(2));
        assertNull(producer.history().get(0).key(), "no key by default");
    }

    @Test
    void perBatchModeSplitsABatchIntoRecordsOfAtMostMaxEvents() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(true);
        KafkaStatsSink s = sink(producer, builder().eventRecords(EventRecords.PER_BATCH).maxEventsPerRecord(4));
        s.publish(batch(10));
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertEquals(4, sent.size(), "three event records (4+4+2) and one metrics record");
        int next = 0;
        for (int r = 0; r < 3; r++) {
            assertEquals("events", sent.get(r).topic());
            assertEquals("src", text(sent.get(r).key()));
            assertEquals("events", type(sent.get(r)));
            for (JsonNode e : JsonRecordEncoderTest.parse(sent.get(r).value()).get("events")) {
                assertEquals(next++, e.get("index").asInt(), "every event once, in order");
            }
        }
        assertEquals(10, next);
        assertEquals("metrics", type(sent.get(3)));
    }

    @Test
    void metricsRecordsCanBeTurnedOffAndAnEmptyBatchThenSendsNothing() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(true);
        KafkaStatsSink s = sink(producer, builder().metricsRecords(false));
        s.publish(Batch.of("kafka", 1, List.of(), List.of(Measurement.counter("c", Tags.empty(), 1))));
        assertEquals(0, producer.history().size());
        s.publish(batch(1));
        assertEquals(1, producer.history().size());
    }

    @Test
    void anAcknowledgementThatNeverComesFailsThePublishWithinTheAckTimeout() {
        MockProducer<byte[], byte[]> producer = mock(false); // never completes
        KafkaStatsSink s = sink(producer, builder().ackTimeout(Duration.ofMillis(300))
                .requestTimeout(Duration.ofMillis(100)).maxBlock(Duration.ofMillis(100)));
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> s.publish(batch(3))));
        assertTrue(e.getMessage().startsWith("Kafka did not acknowledge record 1 of 4 within the ackTimeout of PT0.3S"),
                e.getMessage());
        assertEquals(4, producer.history().size(), "everything was sent before waiting");
    }

    @Test
    void aRejectedRecordFailsThePublishWithTheBrokersReason() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(false);
        KafkaStatsSink s = sink(producer, builder());
        CompletableFuture<Void> publish = CompletableFuture.runAsync(() -> {
            try {
                s.publish(batch(2));
            } catch (Exception ex) {
                throw new java.util.concurrent.CompletionException(ex);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.history().size() < 3 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the three sends happen at once; only then can the mock complete them
        }
        assertTrue(producer.completeNext());
        assertTrue(producer.errorNext(new RecordTooLargeException("too big")));
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> publish.get(10, TimeUnit.SECONDS));
        IOException io = assertInstanceOf(IOException.class, e.getCause());
        assertEquals("Kafka did not accept record 2 of 3: org.apache.kafka.common.errors.RecordTooLargeException: too big",
                io.getMessage());
        assertInstanceOf(RecordTooLargeException.class, io.getCause());
    }

    @Test
    void aSendTheProducerRefusesAtOnceFailsThePublishWithoutSendingTheRest() {
        MockProducer<byte[], byte[]> producer = mock(true);
        producer.sendException = new org.apache.kafka.common.errors.SerializationException("nope");
        KafkaStatsSink s = sink(producer, builder());
        IOException e = assertThrows(IOException.class, () -> s.publish(batch(5)));
        assertEquals("Kafka producer refused record 1 for topic events: "
                + "org.apache.kafka.common.errors.SerializationException: nope", e.getMessage());
    }

    /**
     * A real producer, a port with nothing behind it: each send blocks up to max.block.ms waiting
     * for metadata, then fails. The sink stops at the first such send, so a publish of 200 events
     * fails after one maxBlock, not 200 of them (40 s here).
     */
    @Test
    void metadataUnavailableFailsThePublishAfterOneMaxBlockNotOnePerRecord() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: connections to it are refused
        }
        KafkaStatsSink s = KafkaStatsSink.builder("127.0.0.1:" + port, "events")
                .maxBlock(Duration.ofMillis(200)).build();
        sinks.add(s);
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(IOException.class, () -> s.publish(batch(200))));
        assertTrue(e.getMessage().startsWith("Kafka did not accept record 1 of 1 for topic events: "
                + "org.apache.kafka.common.errors.TimeoutException"), e.getMessage());
    }

    @Test
    void closeIsIdempotentClosesTheProducerAndAPublishAfterItFails() {
        MockProducer<byte[], byte[]> producer = mock(true);
        KafkaStatsSink s = sink(producer, builder());
        s.close();
        assertTrue(producer.closed());
        s.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.publish(batch(1)));
        assertEquals("KafkaStatsSink is closed (expected: publish before close)", e.getMessage());
        assertEquals(0, producer.history().size());
    }

    @Test
    void theProducerGetsTheDocumentedBoundsAndTheExtraProperties() {
        AtomicReference<java.util.Map<String, Object>> given = new AtomicReference<>();
        KafkaStatsSink s = KafkaStatsSink.builder("127.0.0.1:9", "t")
                .producerProperty("compression.type", "lz4")
                .producerProperty("client.id", "mine")
                .producerFactory(config -> {
                    given.set(config);
                    return mock(true);
                })
                .build();
        sinks.add(s);
        java.util.Map<String, Object> c = given.get();
        assertEquals("127.0.0.1:9", c.get("bootstrap.servers"));
        assertEquals("all", c.get("acks"));
        assertEquals(1000L, c.get("max.block.ms"));
        assertEquals(5000, c.get("delivery.timeout.ms"));
        assertEquals(2000, c.get("request.timeout.ms"));
        assertEquals(4L * 1024 * 1024, c.get("buffer.memory"));
        assertEquals(5, c.get("linger.ms"));
        assertEquals("lz4", c.get("compression.type"));
        assertEquals("mine", c.get("client.id"), "an extra property the sink does not own is passed as is");
        assertEquals(c, s.producerConfig());
        assertFalse(c.containsKey("transactional.id"));
        assertTrue(s.source().startsWith("tandem-"), s.source());
        assertSame("t", s.metricsTopic(), "metrics go to the event topic unless set");
    }
}
