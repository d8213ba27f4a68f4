package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** S7: close flushes what it can, closes each sink once, and never waits past its deadline. */
@Timeout(60)
class CloseTest {
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void noLeaks() throws InterruptedException {
        release.countDown();
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    @Test
    void closeFlushesEventsThatWereStillLingering() {
        RecordingStatsSink rec = new RecordingStatsSink();
        StatsPipeline p = StatsPipeline.builder().sink("rec", rec, SinkOptions.builder()
                .linger(Duration.ofHours(1)).metricsInterval(Duration.ofHours(1)).build()).build();
        EventType t = p.eventType("e", "n");
        for (int i = 0; i < 300; i++) {
            t.record(Tags.empty(), i);
        }
        assertTrue(p.close(Duration.ofSeconds(5)));
        assertEquals(300, rec.eventCount());
        assertTrue(rec.isClosed());
        assertEquals(SinkState.CLOSED, p.sinkStats("rec").state());
    }

    @Test
    void concurrentClosesCloseEachSinkOnceAndAllReportTheSameOutcome() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        StatsSink counting = new StatsSink() {
            @Override
            public void publish(Batch batch) {}

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        StatsPipeline p = StatsPipeline.builder().sink("s", counting).build();
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        AtomicInteger trueResults = new AtomicInteger();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    if (p.close(Duration.ofSeconds(5))) {
                        trueResults.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(t.isAlive());
        }
        assertEquals(1, closes.get(), "sink closed exactly once");
        assertEquals(threads, trueResults.get(), "every caller learns the close succeeded");
        assertTrue(p.isClosed());
    }

    @Test
    void aZeroDeadlineReturnsAtOnceAndTheRestIsCountedAsShutdown() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        StatsSink slow = batch -> {
            entered.countDown();
            release.await();
        };
        StatsPipeline p = StatsPipeline.builder().sink("slow", slow, SinkOptions.builder()
                .linger(Duration.ofMillis(1)).publishTimeout(Duration.ofHours(1)).build()).build();
        EventType t = p.eventType("e");
        t.record(Tags.empty());
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 10; i++) {
            t.record(Tags.empty());
        }
        long start = System.nanoTime();
        assertFalse(p.close(Duration.ZERO));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "returned at once");
        SinkFaultTest.awaitTrue(() -> p.sinkStats("slow").state() == SinkState.CLOSED,
                "the abandoned delivery thread (interrupted) finishes on its own");
        SinkStats s = p.sinkStats("slow");
        assertEquals(11, s.recorded());
        assertEquals(0, s.inFlight());
        assertEquals(s.recorded(), s.delivered() + s.droppedTotal(), s.toString());
        // The batch in hand failed when close interrupted the abandoned thread; with the ten queued
        // behind it, all eleven are shutdown drops.
        assertEquals(11, s.dropped(DropReason.SHUTDOWN), s.toString());
        assertTrue(s.lastError() instanceof InterruptedException, s.toString());
    }

    @Test
    void closeReportsFalseWhenTheFlushFailedAndCountsWhatWasLost() {
        StatsSink fails = batch -> {
            throw new java.io.IOException("down at shutdown");
        };
        StatsPipeline p = StatsPipeline.builder().sink("down", fails, SinkOptions.builder()
                .linger(Duration.ofHours(1)).metricsInterval(Duration.ofHours(1)).maxRetries(0).build()).build();
        EventType t = p.eventType("e");
        for (int i = 0; i < 4; i++) {
            t.record(Tags.empty());
        }
        assertFalse(p.close(Duration.ofSeconds(5)), "not everything was flushed");
        SinkStats s = p.sinkStats("down");
        assertEquals(SinkState.CLOSED, s.state(), "the thread did finish");
        assertEquals(4, s.dropped(DropReason.FAILED), s.toString());
        assertEquals(1, s.failures(), s.toString());
    }

    @Test
    void aCloseDeadlineInterruptsAHungPublishButNeverTheSinksClose() throws Exception {
        CountDownLatch inClose = new CountDownLatch(1);
        AtomicInteger interruptedInClose = new AtomicInteger();
        StatsSink slowClose = new StatsSink() {
            @Override
            public void publish(Batch batch) {}

            @Override
            public void close() {
                inClose.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interruptedInClose.incrementAndGet();
                }
            }
        };
        StatsPipeline p = StatsPipeline.builder().sink("slowclose", slowClose).build();
        assertFalse(p.close(Duration.ofMillis(200)), "the close() is still running at the deadline");
        assertTrue(inClose.await(10, TimeUnit.SECONDS));
        release.countDown();
        SinkFaultTest.awaitTrue(() -> p.sinkStats("slowclose").state() == SinkState.CLOSED, "close() returned");
        assertEquals(0, interruptedInClose.get(), "the sink's close() was not interrupted");
    }

    @Test
    void aSinkWhoseCloseThrowsMakesCloseReportFalseButIsNoPublishFailure() {
        StatsSink badClose = new StatsSink() {
            @Override
            public void publish(Batch batch) {}

            @Override
            public void close() throws java.io.IOException {
                throw new java.io.IOException("close failed");
            }
        };
        StatsPipeline p = StatsPipeline.builder().sink("badclose", badClose).build();
        assertFalse(p.close(Duration.ofSeconds(5)));
        SinkStats s = p.sinkStats("badclose");
        assertEquals(SinkState.CLOSED, s.state());
        assertEquals(0, s.failures(), s.toString());
        assertEquals("close failed", s.lastError().getMessage());
    }

    @Test
    void aSinkIsAutoCloseable() throws Exception {
        try (RecordingStatsSink rec = new RecordingStatsSink()) {
            assertFalse(rec.isClosed());
        }
    }

    @Test
    void aPipelineWithoutSinksStartsNoThreadAndClosesAtOnce() {
        StatsPipeline p = StatsPipeline.builder().build();
        assertTrue(TestThreads.tandemThreads().isEmpty());
        p.counter("c").increment();
        p.eventType("e").record(Tags.empty());
        assertTrue(p.close(Duration.ofMillis(1)));
        assertEquals(1, p.counter("c").count());
    }

    @Test
    void aDeliveryThreadAbandonedByCloseShowsInTheBooksAndTheGaugesUntilItReturns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        StatsSink deaf = batch -> { // a publish no interrupt frees: only the release does
            entered.countDown();
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // deaf to it, as a blocking client library can be
                }
            }
        };
        StatsPipeline p = StatsPipeline.builder().sink("deaf", deaf, SinkOptions.builder()
                .linger(Duration.ofMillis(1)).publishTimeout(Duration.ofHours(1)).build()).build();
        p.eventType("e").record(Tags.empty());
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertFalse(p.sinkStats("deaf").deliveryAbandoned(), "not abandoned while close has not given up");

        assertFalse(p.close(Duration.ofMillis(100)));
        SinkStats s = p.sinkStats("deaf");
        assertTrue(s.deliveryAbandoned(), s.toString());
        assertTrue(s.publishRunningMillis() >= 100, "the publish began before close's 100 ms: " + s);
        assertTrue(s.toString().contains(" deliveryAbandoned"), s.toString());
        assertEquals(1.0, gauge(p, "tandem.stats.delivery.abandoned"), "the self-metric says so too");
        assertTrue(gauge(p, "tandem.stats.publish.running_ms") >= 100);

        release.countDown();
        SinkFaultTest.awaitTrue(() -> !p.sinkStats("deaf").deliveryAbandoned(), "the thread returned on its own");
        assertEquals(0, p.sinkStats("deaf").publishRunningMillis());
        assertEquals(0.0, gauge(p, "tandem.stats.delivery.abandoned"));
    }

    private static double gauge(StatsPipeline p, String name) {
        for (Measurement m : p.measurements()) {
            if (m.name().equals(name)) {
                return m.value();
            }
        }
        throw new AssertionError("no metric " + name);
    }
}
