package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pipeline's Flight Recorder events, read back from a live recording, one test per event kind. */
@Timeout(120)
class FlightRecorderStatsTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private RecordedEvents stream;
    private StatsPipeline pipeline;

    @AfterEach
    void closeAndCheckForLeaks() throws InterruptedException {
        release.countDown();
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(5));
        }
        if (stream != null) {
            stream.close();
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private void record(String event, Duration period) {
        stream = period != null ? RecordedEvents.every(period, event) : RecordedEvents.of(event);
    }

    private RecordedEvent next(Predicate<RecordedEvent> match) throws InterruptedException {
        return stream.next(match);
    }

    private static SinkOptions quick() {
        return SinkOptions.builder().queueCapacity(16).batchSize(4).linger(Duration.ofMillis(5))
                .metricsInterval(Duration.ofMillis(10)).publishTimeout(Duration.ofMillis(200))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(5)).maxRetries(100).build();
    }

    @Test
    void recordsEverySinkStateChangeWithItsCause() throws Exception {
        record("dev.tandem.SinkStateChanged", null);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(1);
        StatsSink scripted = batch -> {
            switch (calls.incrementAndGet()) {
                case 1: throw new IOException("backend down");          // RUNNING -> BACKOFF
                case 2: return;                                         // BACKOFF -> RUNNING
                case 3: third.countDown(); release.await(); return;     // -> STALLED, -> RUNNING once released
                default: return;
            }
        };
        pipeline = StatsPipeline.builder().sink("jfr-states", scripted, quick()).build();
        assertTrue(third.await(10, TimeUnit.SECONDS), "the third publish started");
        Await.until(Duration.ofSeconds(10), () -> pipeline.sinkStats("jfr-states").state() == SinkState.STALLED,
                () -> pipeline.sinkStats("jfr-states").toString());
        release.countDown();
        Await.until(Duration.ofSeconds(10), () -> pipeline.sinkStats("jfr-states").state() == SinkState.RUNNING,
                () -> pipeline.sinkStats("jfr-states").toString());
        pipeline.close(Duration.ofSeconds(5));
        List<String> moves = new ArrayList<>();
        RecordedEvent backoff = null;
        RecordedEvent stalled = null;
        while (!moves.contains("CLOSING->CLOSED")) {
            RecordedEvent e = next(ev -> "jfr-states".equals(ev.getString("sink")));
            moves.add(e.getString("from") + "->" + e.getString("to"));
            backoff = e.getString("to").equals("BACKOFF") ? e : backoff;
            stalled = e.getString("to").equals("STALLED") ? e : stalled;
        }
        // a loaded machine may stall the second publish too (BACKOFF->STALLED): only the script's moves are sure
        assertTrue(moves.containsAll(List.of("RUNNING->BACKOFF", "STALLED->RUNNING", "RUNNING->CLOSING",
                "CLOSING->CLOSED")), moves.toString());
        assertTrue(moves.contains("BACKOFF->RUNNING") || moves.contains("BACKOFF->STALLED"), moves.toString());
        assertTrue(backoff.getString("cause").contains("java.io.IOException: backend down"), backoff.getString("cause"));
        assertEquals("a publish overran its timeout", stalled.getString("cause"));
    }

    @Test
    void recordsAPeriodicSummaryOfDropsPerSinkAndReason() throws Exception {
        record("dev.tandem.StatsDropped", Duration.ofMillis(100));
        CountDownLatch entered = new CountDownLatch(1);
        StatsSink hangs = batch -> {
            entered.countDown();
            release.await();
        };
        pipeline = StatsPipeline.builder().sink("jfr-drops", hangs, quick()).build();
        EventType type = pipeline.eventType("test.event", "n");
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the sink hangs in its first publish");
        for (int i = 0; i < 200; i++) {
            type.record(Tags.empty(), i);
        }
        long first = refused();
        assertTrue(first >= 200 - 16 - 4, "the hung sink dropped what its queue could not hold: "
                + pipeline.sinkStats("jfr-drops"));
        // one summary per period, not one event per drop, and each carries only what is new since the last
        assertEquals(first, droppedSumReaching(first), "the deltas add up to the total");
        for (int i = 0; i < 50; i++) { // a second wave, after at least one period has passed
            type.record(Tags.empty(), i);
        }
        long second = refused();
        assertEquals(second - first, droppedSumReaching(second - first), "the next periods carry only the new drops");
    }

    private long refused() {
        SinkStats books = pipeline.sinkStats("jfr-drops");
        return books.dropped(DropReason.QUEUE_FULL) + books.dropped(DropReason.STALLED);
    }

    /** Adds up the {@code dropped} field of the summaries for the hung sink until it reaches {@code expected}. */
    private long droppedSumReaching(long expected) throws InterruptedException {
        long sum = 0;
        while (sum < expected) {
            RecordedEvent e = next(ev -> "jfr-drops".equals(ev.getString("sink"))
                    && (ev.getString("reason").equals("queue_full") || ev.getString("reason").equals("stalled")));
            assertTrue(e.getLong("dropped") > 0 && e.getLong("total") >= e.getLong("dropped"), e.toString());
            sum += e.getLong("dropped");
        }
        return sum;
    }
}
