package dev.tandem.stats.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.stats.Counter;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.EventType;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkState;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The sink against a broker of the test's own that dies mid-run, and one that is not up yet when
 * the producer starts. Producers record on their own threads throughout; a bounded latch per phase
 * proves they never wait for Kafka. After the broker is back, a fresh KafkaConsumer reads the
 * topics from the beginning and the latest metrics record must equal the pipeline's exact books.
 */
@Timeout(180)
class KafkaBrokerFailureIT {
    private static final int PRODUCERS = 4;
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private KafkaBroker broker;
    private StatsPipeline pipeline;

    @AfterEach
    void stopEverything() throws Exception {
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(10));
        }
        if (broker != null) {
            broker.stop();
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
        awaitTrue(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().contains("| tandem-stats-it-")), "the sink's producer thread ended");
    }

    private static Path brokerDir(TestInfo test) {
        return Path.of("target", "it-kafka", test.getTestMethod().orElseThrow().getName() + "-"
                + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    }

    /** Bounds short enough for a test, with ackTimeout + maxBlock well under the publish timeout. */
    private KafkaStatsSink sink(String bootstrap, String events, String metrics, String source) {
        return KafkaStatsSink.builder(bootstrap, events).metricsTopic(metrics).source(source)
                .ackTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(1))
                .maxBlock(Duration.ofMillis(500)).build();
    }

    private static SinkOptions options() {
        return SinkOptions.builder().queueCapacity(4096).batchSize(256).linger(Duration.ofMillis(20))
                .metricsInterval(Duration.ofMillis(100)).publishTimeout(Duration.ofSeconds(10))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).maxRetries(1).build();
    }

    /** Records {@code perProducer} events (and counter increments) on each of PRODUCERS threads; returns when all are done. */
    private static void recordPhase(String phase, EventType type, Counter counter, int perProducer) throws Exception {
        CountDownLatch done = new CountDownLatch(PRODUCERS);
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                Tags tags = Tags.of("phase", phase);
                for (int i = 0; i < perProducer; i++) {
                    type.record(tags, producer, i);
                    counter.increment();
                }
                done.countDown();
            }, "it-producer-" + phase + "-" + p);
            t.setDaemon(true);
            t.start();
        }
        assertTrue(done.await(PHASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                "phase " + phase + ": " + PRODUCERS + " producers recorded " + perProducer + " events each within "
                        + PHASE_TIMEOUT + " (recording must never wait for the broker)");
    }

    /** Figures for docs/sinks.md, in target/failsafe-reports/*-output.txt (not asserted). */
    private static void report(String what, long sinceNanos) {
        System.out.println("[figure] " + what + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos) + " ms");
    }

    static void awaitTrue(BooleanSupplier condition, String what) {
        dev.tandem.stats.Await.until(STATE_TIMEOUT, condition, () -> what);
    }

    private static void assertBooksBalance(SinkStats s) {
        assertEquals(s.recorded(), s.delivered() + s.droppedTotal() + s.inFlight(), "books balance: " + s);
    }

    /** The latest metrics record equals the closed pipeline's exact books, read by a fresh consumer. */
    private void assertLatestMetricsEqualTheBooks(String bootstrap, String metricsTopic, String source,
                                                  SinkStats s, Counter counter) throws Exception {
        JsonNode latest = KafkaTopics.latestMetrics(KafkaTopics.readAll(bootstrap, metricsTopic, READ_TIMEOUT), source);
        Map<String, String> sink = Map.of("sink", "kafka");
        assertEquals(counter.count(), KafkaTopics.metric(latest, "it.recorded", Map.of()).longValue(),
                "the application's counter, exact: " + latest);
        assertEquals(s.recorded(), KafkaTopics.metric(latest, "tandem.stats.recorded", sink).longValue());
        assertEquals(s.delivered(), KafkaTopics.metric(latest, "tandem.stats.delivered", sink).longValue());
        assertEquals(s.failures(), KafkaTopics.metric(latest, "tandem.stats.publish.failures", sink).longValue());
        for (DropReason r : DropReason.values()) {
            assertEquals(s.dropped(r), KafkaTopics.metric(latest, "tandem.stats.dropped",
                    Map.of("sink", "kafka", "reason", r.tagValue())).longValue(), "dropped " + r.tagValue());
        }
    }

    /** (phase, producer, seq) of every event record in the topic. */
    private static Set<String> eventsRead(String bootstrap, String topic) throws Exception {
        Set<String> out = new HashSet<>();
        for (KafkaTopics.Read r : KafkaTopics.readAll(bootstrap, topic, READ_TIMEOUT)) {
            JsonNode v = r.value();
            out.add(v.get("tags").get("phase").asText() + "/" + v.get("fields").get("producer").asLong() + "/"
                    + v.get("fields").get("seq").asLong());
        }
        return out;
    }

    private static void assertAllPresent(Set<String> read, String phase, int perProducer, SinkStats s) {
        for (int p = 0; p < PRODUCERS; p++) {
            for (int i = 0; i < perProducer; i++) {
                assertTrue(read.contains(phase + "/" + p + "/" + i), "event " + phase + "/" + p + "/" + i + " in Kafka; " + s);
            }
        }
    }

    @Test
    void brokerKilledMidRunBacksOffCountsDropsAndResumesWithExactTotalsAfterRestart(TestInfo test) throws Exception {
        broker = KafkaBroker.format(brokerDir(test));
        broker.start();
        String bootstrap = broker.bootstrap();
        String events = KafkaTopics.unique("kill-events");
        String metrics = KafkaTopics.unique("kill-metrics");
        KafkaTopics.create(bootstrap, events, metrics);
        String source = "it-kill";
        pipeline = StatsPipeline.builder().sink("kafka", sink(bootstrap, events, metrics, source), options()).build();
        EventType type = pipeline.eventType("it.event", "producer", "seq");
        Counter counter = pipeline.counter("it.recorded", Tags.empty());

        // Healthy: everything recorded is delivered.
        recordPhase("a", type, counter, 1000);
        awaitTrue(() -> pipeline.sinkStats("kafka").delivered() == PRODUCERS * 1000L, "phase a delivered");

        // The broker dies. Producers keep recording, at full speed.
        broker.kill();
        long killed = System.nanoTime();
        recordPhase("b", type, counter, 20_000);
        report("kill: 80000 events recorded while the broker is down, in", killed);
        awaitTrue(() -> pipeline.sinkStats("kafka").state() == SinkState.BACKOFF, "the sink backs off");
        report("kill: BACKOFF after", killed);
        recordPhase("b2", type, counter, 1000); // all while BACKOFF: every one dropped at the door
        SinkStats down = pipeline.sinkStats("kafka");
        assertEquals(SinkState.BACKOFF, down.state(), "still down, still backing off: " + down);
        assertTrue(down.failures() >= 1, down.toString());
        assertTrue(down.dropped(DropReason.BACKOFF) >= PRODUCERS * 1000L, "drops counted as backoff: " + down);
        assertInstanceOf(java.io.IOException.class, down.lastError(), down.toString());
        assertTrue(down.lastError().getMessage().startsWith("Kafka did not"), down.lastError().getMessage());
        assertBooksBalance(down);
        report("kill: books while down " + down, killed);

        // Back up: delivery resumes by itself.
        long restart = System.nanoTime();
        broker.start();
        report("kill: broker restarted in", restart);
        long publishesBefore = pipeline.sinkStats("kafka").publishes();
        awaitTrue(() -> pipeline.sinkStats("kafka").state() == SinkState.RUNNING
                && pipeline.sinkStats("kafka").publishes() > publishesBefore, "the sink runs again after the restart");
        report("kill: RUNNING again after the restart began", restart);
        awaitTrue(() -> pipeline.sinkStats("kafka").inFlight() == 0, "what was queued during the outage is published");
        recordPhase("c", type, counter, 1000);
        assertTrue(pipeline.close(Duration.ofSeconds(20)), "close flushed everything: " + pipeline.sinkStats("kafka"));

        SinkStats s = pipeline.sinkStats("kafka");
        report("kill: final books " + s, restart);
        long total = PRODUCERS * (1000L + 20_000 + 1000 + 1000);
        assertEquals(total, s.recorded(), s.toString());
        assertEquals(total, counter.count());
        assertEquals(0, s.inFlight(), s.toString());
        assertBooksBalance(s);
        assertLatestMetricsEqualTheBooks(bootstrap, metrics, source, s, counter);
        Set<String> read = eventsRead(bootstrap, events);
        assertAllPresent(read, "a", 1000, s);
        assertAllPresent(read, "c", 1000, s);
        assertTrue(read.size() >= s.delivered() && read.size() <= s.recorded(),
                read.size() + " distinct events in Kafka, delivered " + s.delivered() + ", recorded " + s.recorded());
    }

    @Test
    void brokerDownWhenTheProducerStartsBacksOffThenDeliversOnceItIsUp(TestInfo test) throws Exception {
        broker = KafkaBroker.format(brokerDir(test)); // formatted, not started: nothing listens on its port
        String bootstrap = broker.bootstrap();
        String events = KafkaTopics.unique("late-events"); // created by the broker on the producer's first metadata request
        String metrics = KafkaTopics.unique("late-metrics");
        String source = "it-late";
        pipeline = StatsPipeline.builder().sink("kafka", sink(bootstrap, events, metrics, source), options()).build();
        EventType type = pipeline.eventType("it.event", "producer", "seq");
        Counter counter = pipeline.counter("it.recorded", Tags.empty());

        long started = System.nanoTime();
        recordPhase("a", type, counter, 2000);
        awaitTrue(() -> pipeline.sinkStats("kafka").state() == SinkState.BACKOFF, "the sink backs off");
        report("late: BACKOFF after", started);
        SinkStats down = pipeline.sinkStats("kafka");
        Throwable cause = down.lastError().getCause();
        assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, cause,
                "metadata unavailable: " + down.lastError());
        recordPhase("b", type, counter, 1000);
        down = pipeline.sinkStats("kafka");
        assertEquals(SinkState.BACKOFF, down.state(), down.toString());
        assertTrue(down.dropped(DropReason.BACKOFF) >= PRODUCERS * 1000L, "drops counted as backoff: " + down);
        assertEquals(0, down.delivered(), down.toString());
        assertBooksBalance(down);

        report("late: books while down " + down, started);
        long up = System.nanoTime();
        broker.start();
        report("late: broker started in", up);
        awaitTrue(() -> pipeline.sinkStats("kafka").state() == SinkState.RUNNING, "the sink runs once the broker is up");
        report("late: RUNNING after the start began", up);
        awaitTrue(() -> pipeline.sinkStats("kafka").inFlight() == 0, "what was queued while it was down is published");
        recordPhase("c", type, counter, 1000);
        assertTrue(pipeline.close(Duration.ofSeconds(20)), "close flushed everything: " + pipeline.sinkStats("kafka"));

        SinkStats s = pipeline.sinkStats("kafka");
        report("late: final books " + s, up);
        assertEquals(PRODUCERS * 4000L, s.recorded(), s.toString());
        assertEquals(0, s.inFlight(), s.toString());
        assertTrue(s.delivered() >= PRODUCERS * 1000L, s.toString());
        assertBooksBalance(s);
        assertLatestMetricsEqualTheBooks(bootstrap, metrics, source, s, counter);
        Set<String> read = eventsRead(bootstrap, events);
        assertAllPresent(read, "c", 1000, s);
        assertTrue(read.size() >= s.delivered() && read.size() <= s.recorded(),
                read.size() + " distinct events in Kafka, delivered " + s.delivered() + ", recorded " + s.recorded());
    }
}
