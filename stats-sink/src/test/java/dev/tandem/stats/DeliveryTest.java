package dev.tandem.stats;

import static dev.tandem.stats.SinkFaultTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the delivery thread batches, lingers, retries, backs off, stalls and recovers (S5, S6). */
@Timeout(60)
class DeliveryTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private StatsPipeline pipeline;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() throws InterruptedException {
        release.countDown();
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(5));
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    /** Remembers each batch's shape. */
    static final class BatchLog implements StatsSink {
        final List<Batch> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger events = new AtomicInteger();

        @Override
        public void publish(Batch batch) {
            batches.add(batch.copy()); // a batch is lent for its publish only
            events.addAndGet(batch.events().size());
        }
    }

    private StatsPipeline build(StatsSink sink, SinkOptions.Builder options) {
        pipeline = StatsPipeline.builder().sink("s", sink, options.build()).build();
        return pipeline;
    }

    @Test
    void aFullBatchIsPublishedWithoutWaitingForTheLinger() throws Exception {
        BatchLog log = new BatchLog();
        EventType t = build(log, SinkOptions.builder().batchSize(10).linger(HOUR).metricsInterval(HOUR))
                .eventType("e", "n");
        for (int i = 0; i < 95; i++) {
            t.record(Tags.empty(), i);
        }
        awaitTrue(() -> log.events.get() >= 90, "nine full batches published long before the linger");
        for (Batch b : log.batches) {
            assertTrue(b.events().size() <= 10, "batch within its size: " + b);
        }
        assertTrue(pipeline.close(Duration.ofSeconds(5)));
        assertEquals(95, log.events.get(), "close flushed the partial batch");
    }

    @Test
    void aPartialBatchIsPublishedAfterItsLinger() throws Exception {
        RecordingStatsSink rec = new RecordingStatsSink();
        EventType t = build(rec, SinkOptions.builder().batchSize(1000).linger(Duration.ofMillis(20)).metricsInterval(HOUR))
                .eventType("e", "n");
        t.record(Tags.empty(), 1);
        t.record(Tags.empty(), 2);
        assertTrue(rec.awaitEvents(2, Duration.ofSeconds(10)), "published after the linger, not at close");
        // the books count a batch as delivered once publish has returned, a moment after the sink saw it
        awaitTrue(() -> pipeline.sinkStats("s").delivered() == 2, "the books say delivered");
    }

    @Test
    void metricsArePublishedAtTheirIntervalEvenWithoutEvents() throws Exception {
        RecordingStatsSink rec = new RecordingStatsSink();
        build(rec, SinkOptions.builder().linger(Duration.ofMillis(5)).metricsInterval(Duration.ofMillis(10)));
        pipeline.counter("c").add(41);
        assertTrue(rec.awaitMetrics(r -> r.publishes() >= 3 && r.counter("c", Tags.empty()).orElse(0) == 41,
                Duration.ofSeconds(10)), "metrics-only publishes carry the counter");
        assertEquals(0, rec.eventCount());
    }

    @Test
    void aFailedBatchIsRetriedWithTheSameSequenceThenDelivered() throws Exception {
        List<Batch> attempts = new CopyOnWriteArrayList<>();
        StatsSink failsTwice = batch -> {
            if (!batch.events().isEmpty()) {
                attempts.add(batch.copy());
                if (attempts.size() <= 2) {
                    throw new java.io.IOException("try again");
                }
            }
        };
        EventType t = build(failsTwice, SinkOptions.builder().linger(Duration.ofMillis(5)).metricsInterval(HOUR)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).maxRetries(2)).eventType("e", "n");
        t.record(Tags.empty(), 7);
        awaitTrue(() -> pipeline.sinkStats("s").delivered() == 1, "delivered on the third attempt");
        assertEquals(3, attempts.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, attempts.get(i).attempt());
            assertEquals(attempts.get(0).sequence(), attempts.get(i).sequence(), "a retry keeps its sequence");
            assertEquals(7, attempts.get(i).events().get(0).field("n"));
        }
        SinkStats s = pipeline.sinkStats("s");
        assertEquals(2, s.failures());
        assertEquals(0, s.dropped(DropReason.FAILED));
        awaitTrue(() -> pipeline.sinkStats("s").state() == SinkState.RUNNING, "back to RUNNING");
    }

    @Test
    void aBatchWhoseRetriesRunOutIsDroppedAsFailed() throws Exception {
        StatsSink alwaysFails = batch -> {
            throw new java.io.IOException("down");
        };
        EventType t = build(alwaysFails, SinkOptions.builder().linger(Duration.ofMillis(5)).metricsInterval(HOUR)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(2)).maxRetries(0)).eventType("e", "n");
        for (int i = 0; i < 3; i++) {
            t.record(Tags.empty(), i);
        }
        awaitTrue(() -> pipeline.sinkStats("s").dropped(DropReason.FAILED) == 3, "three events failed");
    }

    @Test
    void aFailingSinkBacksOffAndRefusesEventsUntilTheBackoffExpires() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StatsSink fails = batch -> {
            calls.incrementAndGet();
            throw new java.io.IOException("down");
        };
        EventType t = build(fails, SinkOptions.builder().linger(Duration.ofMillis(5)).metricsInterval(Duration.ofMillis(5))
                .backoff(HOUR, HOUR)).eventType("e", "n");
        awaitTrue(() -> pipeline.sinkStats("s").state() == SinkState.BACKOFF, "in BACKOFF after a failure");
        for (int i = 0; i < 10; i++) {
            t.record(Tags.empty(), i);
        }
        SinkStats s = pipeline.sinkStats("s");
        assertEquals(10, s.dropped(DropReason.BACKOFF), s.toString());
        assertEquals(1, calls.get(), "no publish during the backoff");
        long start = System.nanoTime();
        assertFalse(pipeline.close(Duration.ofSeconds(5)), "the final flush failed too");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "close did not wait out the backoff");
        assertEquals(SinkState.CLOSED, pipeline.sinkStats("s").state());
    }

    @Test
    void theBackoffDoublesAfterEachFailureUpToItsMaximum() throws Exception {
        List<Long> calls = new CopyOnWriteArrayList<>();
        StatsSink fails = batch -> {
            calls.add(System.nanoTime());
            throw new java.io.IOException("down");
        };
        build(fails, SinkOptions.builder().linger(Duration.ofMillis(1)).metricsInterval(Duration.ofMillis(1))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(80)));
        awaitTrue(() -> calls.size() >= 6, "six attempts");
        long[] minimumGapMillis = {20, 40, 80, 80, 80}; // lower bounds: a slow machine only makes gaps longer
        for (int i = 0; i < minimumGapMillis.length; i++) {
            long gap = TimeUnit.NANOSECONDS.toMillis(calls.get(i + 1) - calls.get(i));
            assertTrue(gap >= minimumGapMillis[i] - 1, "gap " + i + " was " + gap + " ms, expected at least "
                    + minimumGapMillis[i] + " ms");
        }
    }

    @Test
    void aPublishPastItsTimeoutMarksTheSinkStalledUntilItReturns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        StatsSink blocks = batch -> {
            if (!batch.events().isEmpty() && batch.events().get(0).field("n") == 0) {
                entered.countDown();
                release.await();
            }
        };
        EventType t = build(blocks, SinkOptions.builder().linger(Duration.ofMillis(5)).metricsInterval(HOUR)
                .publishTimeout(Duration.ofMillis(50))).eventType("e", "n");
        t.record(Tags.empty(), 0);
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        awaitTrue(() -> pipeline.sinkStats("s").state() == SinkState.STALLED, "STALLED after the timeout");
        for (int i = 1; i <= 5; i++) {
            t.record(Tags.empty(), i);
        }
        assertEquals(5, pipeline.sinkStats("s").dropped(DropReason.STALLED));
        release.countDown();
        awaitTrue(() -> pipeline.sinkStats("s").state() == SinkState.RUNNING, "RUNNING once publish returned");
        t.record(Tags.empty(), 6);
        awaitTrue(() -> pipeline.sinkStats("s").delivered() == 2, "the stalled batch and the new event delivered");
    }

    @Test
    void aGaugeFunctionThatHangsStallsOnlyItsSink() throws Exception {
        RecordingStatsSink other = new RecordingStatsSink();
        CountDownLatch entered = new CountDownLatch(1);
        pipeline = StatsPipeline.builder()
                .sink("hung", new RecordingStatsSink(), SinkOptions.builder().linger(Duration.ofMillis(5))
                        .metricsInterval(Duration.ofMillis(5)).publishTimeout(Duration.ofMillis(50)).build())
                .sink("other", other, SinkOptions.builder().linger(Duration.ofMillis(5))
                        .metricsInterval(Duration.ofMillis(5)).build())
                .build();
        pipeline.gauge("hangs.for.hung", Tags.empty(), () -> {
            if (Thread.currentThread().getName().equals("tandem-stats-hung")) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 1;
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        awaitTrue(() -> pipeline.sinkStats("hung").state() == SinkState.STALLED, "the hung gauge stalls its sink");
        long before = other.publishes();
        assertTrue(other.awaitMetrics(r -> r.publishes() > before + 2, Duration.ofSeconds(10)),
                "the other sink keeps publishing");
    }

    @Test
    void theRateLimitCapsEventsPublishedPerSecond() throws Exception {
        long perSecond = 200;
        List<long[]> seen = new CopyOnWriteArrayList<>(); // {nanos, cumulative events}
        AtomicInteger cumulative = new AtomicInteger();
        StatsSink timed = batch -> seen.add(new long[] {System.nanoTime(), cumulative.addAndGet(batch.events().size())});
        long start = System.nanoTime();
        EventType t = build(timed, SinkOptions.builder().queueCapacity(1024).batchSize(50)
                .linger(Duration.ofMillis(5)).metricsInterval(HOUR).maxEventsPerSecond(perSecond)).eventType("e", "n");
        for (int i = 0; i < 300; i++) {
            t.record(Tags.empty(), i);
        }
        awaitTrue(() -> cumulative.get() == 300, "all 300 published in the end");
        for (long[] s : seen) {
            double seconds = (s[0] - start) / 1e9;
            // burst of one batch, then perSecond: an upper bound, so a slow machine cannot fail it
            assertTrue(s[1] <= 50 + perSecond * seconds + 1, s[1] + " events after " + seconds + " s");
        }
    }
}
