package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import dev.tandem.stats.FaultySink.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * S1, S4, S5, S7: whatever one sink does, producers never wait on it, a healthy sink beside it
 * still receives everything, counters stay exact, and close keeps its deadline.
 *
 * <p>How "never wait" is proven without timing: a blocking sink is released only after every
 * producer has finished, so a producer that waited on it could never finish and the bounded
 * {@code await} fails. A slow sink is shown to be behind (queue_full drops) when producers finish.
 */
@Timeout(120)
class SinkFaultTest {
    private static final int PRODUCERS = 8;
    private static final int PER_PRODUCER = 5_000;
    private static final int TOTAL = PRODUCERS * PER_PRODUCER;
    private static final long LINGER_MS = 5;
    private static final Duration CLOSE_DEADLINE = Duration.ofMillis(300);
    private static final Duration ALLOWANCE = Duration.ofSeconds(2);

    private final List<FaultySink> toRelease = new ArrayList<>();
    private StatsPipeline pipeline;

    @AfterEach
    void releaseAndCheckForLeaks() throws InterruptedException {
        toRelease.forEach(FaultySink::release);
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(5)); // a no-op if the test closed it; cleanup after a failure
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void producersNeverWaitTheHealthySinkGetsEverythingAndCloseKeepsItsDeadline(Fault fault) throws Exception {
        FaultySink faulty = new FaultySink(fault, 10 * LINGER_MS);
        toRelease.add(faulty);
        RecordingStatsSink healthy = new RecordingStatsSink();
        SinkOptions faultyOptions = SinkOptions.builder()
                .queueCapacity(1024).batchSize(64)
                .linger(Duration.ofMillis(LINGER_MS)).metricsInterval(Duration.ofMillis(50))
                .publishTimeout(Duration.ofMillis(100))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).maxRetries(1)
                .build();
        SinkOptions healthyOptions = SinkOptions.builder()
                .queueCapacity(1 << 17).batchSize(4096).linger(Duration.ofMillis(LINGER_MS)).build();
        StatsPipeline p = StatsPipeline.builder()
                .sink("faulty", faulty, faultyOptions)
                .sink("healthy", healthy, healthyOptions)
                .build();
        pipeline = p;
        faulty.recordBackInto = p.eventType("test.echo", "a", "b");
        EventType event = p.eventType("test.event", "producer", "seq");
        Counter records = p.counter("test.records");

        // Put the faulty sink into its fault before the producers start.
        event.record(Tags.of("phase", "warmup"), -1, -1);
        records.increment();
        assertTrue(faulty.entered.await(10, TimeUnit.SECONDS), "the faulty sink was called");
        if (fault == Fault.BLOCKS_FOREVER_IN_PUBLISH) {
            awaitTrue(() -> p.sinkStats("faulty").state() == SinkState.STALLED, "faulty sink marked STALLED");
        }
        if (fault == Fault.THROWS_RUNTIME_EXCEPTION || fault == Fault.THROWS_STACK_OVERFLOW_ERROR) {
            // In BACKOFF, and the warm-up event accounted for (its batch failed for good): else a
            // failing metrics-only publish could come first and the warm-up event, still queued,
            // be dropped as a backoff drop while the producers run, one more than theirs.
            awaitTrue(() -> p.sinkStats("faulty").state() == SinkState.BACKOFF && p.sinkStats("faulty").inFlight() == 0,
                    "faulty sink in BACKOFF with nothing in flight");
        }
        SinkStats beforeProducers = p.sinkStats("faulty");

        ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(PRODUCERS);
        for (int i = 0; i < PRODUCERS; i++) {
            int producer = i;
            Thread t = new Thread(() -> {
                try {
                    Tags tags = Tags.of("producer", Integer.toString(producer));
                    for (int seq = 0; seq < PER_PRODUCER; seq++) {
                        event.record(tags, producer, seq);
                        records.increment();
                    }
                } catch (Throwable e) {
                    thrown.add(e);
                } finally {
                    done.countDown();
                }
            }, "producer-" + i);
            t.start();
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "every producer finished while the sink was " + fault);
        assertTrue(thrown.isEmpty(), "recording threw: " + thrown);
        SinkStats atFinish = p.sinkStats("faulty");

        assertEquals(TOTAL + 1, records.count(), "counter exact");
        assertTrue(healthy.awaitEvents(e -> e.name().equals("test.event"), TOTAL + 1, Duration.ofSeconds(30)),
                "healthy sink received every event; has " + healthy.eventCount());

        switch (fault) {
            case BLOCKS_FOREVER_IN_PUBLISH:
                assertEquals(TOTAL, atFinish.dropped(DropReason.STALLED), "all dropped while stalled: " + atFinish);
                break;
            case THROWS_RUNTIME_EXCEPTION:
            case THROWS_STACK_OVERFLOW_ERROR:
                assertEquals(TOTAL, atFinish.dropped(DropReason.BACKOFF) - beforeProducers.dropped(DropReason.BACKOFF),
                        "all the producers' events dropped in backoff: " + beforeProducers + " then " + atFinish);
                assertTrue(atFinish.failures() > 0, atFinish.toString());
                Class<? extends Throwable> expected = fault == Fault.THROWS_RUNTIME_EXCEPTION
                        ? IllegalStateException.class : StackOverflowError.class;
                assertInstanceOf(expected, atFinish.lastError());
                break;
            case TAKES_TEN_TIMES_ITS_LINGER:
                assertTrue(atFinish.delivered() < TOTAL, "the slow sink was still behind: " + atFinish);
                assertTrue(atFinish.dropped(DropReason.QUEUE_FULL) > 0, atFinish.toString());
                break;
            case RECORDS_BACK_INTO_THE_PIPELINE:
                awaitTrue(() -> p.sinkStats("faulty").dropped(DropReason.RE_ENTRANT) > 0, "re-entrant drops counted");
                assertTrue(healthy.events().stream().noneMatch(e -> e.name().equals("test.echo")),
                        "events recorded from publish never reach a sink");
                break;
            case BLOCKS_FOREVER_IN_CLOSE:
                break;
            default:
                throw new AssertionError(fault);
        }

        long start = System.nanoTime();
        boolean flushed = p.close(CLOSE_DEADLINE);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(CLOSE_DEADLINE.plus(ALLOWANCE)) < 0, "close took " + took);
        switch (fault) {
            case BLOCKS_FOREVER_IN_PUBLISH:
            case BLOCKS_FOREVER_IN_CLOSE:
            case THROWS_RUNTIME_EXCEPTION:
            case THROWS_STACK_OVERFLOW_ERROR:
                assertFalse(flushed, "close reports the sink that did not flush");
                break;
            case RECORDS_BACK_INTO_THE_PIPELINE:
                assertTrue(flushed, "close reports that every sink flushed");
                break;
            case TAKES_TEN_TIMES_ITS_LINGER: // may or may not catch up by the deadline
                break;
            default:
                throw new AssertionError(fault);
        }

        SinkStats h = p.sinkStats("healthy");
        assertEquals(SinkState.CLOSED, h.state());
        assertEquals(TOTAL + 1, h.delivered(), h.toString());
        assertBooksBalance(h);
        assertEquals(h.recorded(), h.delivered() + h.dropped(DropReason.RE_ENTRANT), "healthy lost nothing: " + h);

        faulty.release();
        awaitTrue(() -> p.sinkStats("faulty").state() == SinkState.CLOSED, "faulty sink closed once released");
        SinkStats f = p.sinkStats("faulty");
        assertBooksBalance(f);
        assertEquals(0, f.inFlight(), f.toString());
        assertEquals(TOTAL + 1 + f.dropped(DropReason.RE_ENTRANT), f.recorded(), f.toString());
        assertEquals(faulty.eventsReceived.get(), f.delivered(), "the sink got exactly what the books say");
        assertEquals(1, faulty.closeCalls.get(), "close called once");
    }

    static void assertBooksBalance(SinkStats s) {
        assertEquals(s.recorded(), s.delivered() + s.droppedTotal() + s.inFlight(), "books balance: " + s);
    }

    static void awaitTrue(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1); // polling a condition with a bounded deadline, not synchronising
        }
    }
}
