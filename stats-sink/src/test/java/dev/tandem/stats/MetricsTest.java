package dev.tandem.stats;

import static dev.tandem.stats.SinkFaultTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** S3: metrics are exact in-process state; every publish carries cumulative totals. */
@Timeout(60)
class MetricsTest {
    private StatsPipeline pipeline;

    @AfterEach
    void close() throws InterruptedException {
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(5));
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private static SinkOptions fast() {
        return SinkOptions.builder().linger(Duration.ofMillis(5)).metricsInterval(Duration.ofMillis(5))
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
    }

    @Test
    void countersAreExactUnderConcurrentIncrements() throws Exception {
        pipeline = StatsPipeline.builder().build();
        Counter c = pipeline.counter("c", Tags.of("k", "v"));
        int threads = 8;
        int each = 200_000;
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            new Thread(() -> {
                for (int j = 0; j < each; j++) {
                    if ((j & 1) == 0) {
                        c.increment();
                    } else {
                        c.add(1);
                    }
                }
                done.countDown();
            }).start();
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals((long) threads * each, c.count());
    }

    @Test
    void aSinkThatComesBackReportsTheRightTotals() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        RecordingStatsSink backend = new RecordingStatsSink();
        StatsSink flaky = batch -> {
            if (down.get()) {
                throw new java.net.ConnectException("backend down");
            }
            backend.publish(batch);
        };
        pipeline = StatsPipeline.builder().sink("flaky", flaky, fast()).build();
        Counter opened = pipeline.counter("opened");
        for (int i = 0; i < 1000; i++) {
            opened.increment();
        }
        awaitTrue(() -> pipeline.sinkStats("flaky").failures() >= 3, "several publishes failed");
        for (int i = 0; i < 234; i++) {
            opened.increment();
        }
        down.set(false);
        assertTrue(backend.awaitMetrics(r -> r.counter("opened", Tags.empty()).equals(OptionalLong.of(1234)),
                Duration.ofSeconds(10)), "after recovery the sink sees the full total, not the increments it missed");
    }

    @Test
    void gaugesAreSampledAtPublishAndAThrowingGaugeReadsNaN() throws Exception {
        RecordingStatsSink rec = new RecordingStatsSink();
        pipeline = StatsPipeline.builder().sink("rec", rec, fast()).build();
        SettableGauge live = pipeline.settableGauge("live", Tags.empty());
        live.set(-3.5);
        pipeline.gauge("fn", Tags.of("k", "v"), () -> 42);
        pipeline.gauge("broken", Tags.empty(), () -> {
            throw new IllegalStateException("gauge bug");
        });
        assertTrue(rec.awaitMetrics(r -> r.gauge("live", Tags.empty()).orElse(0) == -3.5
                && r.gauge("fn", Tags.of("k", "v")).orElse(0) == 42
                && Double.isNaN(r.gauge("broken", Tags.empty()).orElse(0)), Duration.ofSeconds(10)),
                "all three gauges published: " + rec.lastMetrics());
        live.set(7);
        assertTrue(rec.awaitMetrics(r -> r.gauge("live", Tags.empty()).orElse(0) == 7, Duration.ofSeconds(10)));
        assertEquals(0, pipeline.sinkStats("rec").failures(), "a throwing gauge does not fail the publish");
    }

    @Test
    void aRemovedMetricLeavesTheBatchesAndItsNameCanBeRegisteredAgain() throws Exception {
        RecordingStatsSink rec = new RecordingStatsSink();
        pipeline = StatsPipeline.builder().sink("rec", rec, fast()).build();
        pipeline.gauge("g", Tags.of("k", "v"), () -> 1);
        pipeline.counter("c").add(5);
        assertTrue(pipeline.remove("g", Tags.of("k", "v")));
        assertTrue(pipeline.remove("c", Tags.empty()));
        assertTrue(!pipeline.remove("c", Tags.empty()), "already gone");
        assertTrue(!pipeline.remove("tandem.stats.delivered", Tags.of("sink", "rec")), "the pipeline's own stay");
        pipeline.gauge("g", Tags.of("k", "v"), () -> 2);
        assertEquals(0, pipeline.counter("c").count(), "a counter registered again starts from zero");
        assertTrue(rec.awaitMetrics(r -> r.gauge("g", Tags.of("k", "v")).orElse(0) == 2, Duration.ofSeconds(10)));
    }

    @Test
    void theFinalPublishAtCloseCarriesTheFinalTotals() {
        RecordingStatsSink rec = new RecordingStatsSink();
        pipeline = StatsPipeline.builder().sink("rec", rec, SinkOptions.builder()
                .linger(Duration.ofHours(1)).metricsInterval(Duration.ofHours(1)).build()).build();
        pipeline.counter("last").add(99);
        EventType t = pipeline.eventType("e");
        for (int i = 0; i < 3; i++) {
            t.record(Tags.empty());
        }
        assertTrue(pipeline.close(Duration.ofSeconds(5)));
        assertEquals(OptionalLong.of(99), rec.counter("last", Tags.empty()));
        assertEquals(OptionalLong.of(3), rec.counter("tandem.stats.delivered", Tags.of("sink", "rec")),
                "the last batch counts the events of the batch before it");
    }

    @Test
    void thePipelineReportsItsOwnBooksAsMetrics() throws Exception {
        RecordingStatsSink rec = new RecordingStatsSink();
        pipeline = StatsPipeline.builder().sink("rec", rec, fast()).build();
        EventType t = pipeline.eventType("e");
        for (int i = 0; i < 5; i++) {
            t.record(Tags.empty());
        }
        assertTrue(pipeline.close(Duration.ofSeconds(5)));
        SinkStats s = pipeline.sinkStats("rec");
        Tags sink = Tags.of("sink", "rec");
        java.util.Map<String, Double> m = new java.util.HashMap<>();
        for (Measurement x : pipeline.measurements()) {
            m.put(x.name() + x.tags(), x.value());
        }
        assertEquals(s.recorded(), m.get("tandem.stats.recorded" + sink).longValue());
        assertEquals(s.delivered(), m.get("tandem.stats.delivered" + sink).longValue());
        assertEquals(5, m.get("tandem.stats.delivered" + sink).longValue());
        assertEquals(0, m.get("tandem.stats.dropped" + sink.and("reason", "queue_full")).longValue());
        assertEquals(1.0, m.get("tandem.stats.state" + sink.and("state", "closed")));
        assertEquals(0.0, m.get("tandem.stats.state" + sink.and("state", "running")));
        assertEquals(0.0, m.get("tandem.stats.queued" + sink));
        assertTrue(rec.counter("tandem.stats.delivered", sink).isPresent(), "sinks receive the pipeline's own metrics");
    }

    @Test
    void incrementingACounterAndRecordingAnEventAllocateNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RecordingStatsSink rec = new RecordingStatsSink(1);
        pipeline = StatsPipeline.builder().sink("rec", rec, SinkOptions.builder()
                .queueCapacity(1 << 17).batchSize(1 << 16).linger(Duration.ofMillis(1)).build()).build();
        Counter c = pipeline.counter("alloc");
        EventType t = pipeline.eventType("alloc.event", "a", "b");
        Tags tags = Tags.of("k", "v");
        for (int i = 0; i < 20_000; i++) { // warm up the JIT
            c.increment();
            t.record(tags, i, i);
        }
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 1_000_000; i++) {
            c.increment();
        }
        long counterBytes = mx.getThreadAllocatedBytes(id) - before;
        assertTrue(counterBytes < 4096, "1M increments allocated " + counterBytes + " bytes");

        int n = 50_000;
        before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < n; i++) {
            t.record(tags, i, i);
        }
        double perEvent = (mx.getThreadAllocatedBytes(id) - before) / (double) n;
        // A record writes the event's parts into a pre-allocated slot: no Event (80 bytes) is built.
        assertTrue(perEvent < 1, "recording allocated " + perEvent + " bytes per event");
        assertEquals(0, pipeline.sinkStats("rec").droppedTotal(), "every record was taken, not refused");
    }
}
