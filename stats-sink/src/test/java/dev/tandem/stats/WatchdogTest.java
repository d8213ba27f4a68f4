package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** S5 and S8 with time driven by the test: stall detection and the one-line-per-interval summary. */
class WatchdogTest {
    private static final long S = 1_000_000_000L;
    private static final Event EVENT = Event.of(TestEvents.type("e"), 0, Tags.empty());

    private final List<String> lines = new ArrayList<>();
    private final SinkChannel ch = new SinkChannel("w", batch -> { }, SinkOptions.builder()
            .publishTimeout(Duration.ofSeconds(10)).build());

    private Watchdog watchdog(long logIntervalNanos) {
        return new Watchdog(new SinkChannel[] {ch}, new FixedClock(), logIntervalNanos, lines::add);
    }

    static final class FixedClock implements Clock {
        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public long currentTimeMillis() {
            return 0;
        }
    }

    @Test
    void aDropStormIsSummarisedAtMostOncePerInterval() {
        Watchdog w = watchdog(60 * S);
        ch.moveUnlessClosing(SinkState.BACKOFF);
        for (int i = 0; i < 3; i++) {
            ch.offer(EVENT);
        }
        w.tick(0);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals("Tandem stats sink 'w' is BACKOFF: dropped 3 events (backoff=3), 0 failed publishes, "
                + "0 stalls so far", lines.get(0));
        for (int second = 1; second < 60; second++) {
            for (int i = 0; i < 1000; i++) {
                ch.offer(EVENT);
            }
            w.tick(second * S);
        }
        assertEquals(1, lines.size(), "59,000 more drops within the interval: still one line");
        w.tick(60 * S);
        assertEquals(2, lines.size());
        assertEquals("Tandem stats sink 'w' is BACKOFF: dropped 59000 events (backoff=59000), 0 failed publishes, "
                + "0 stalls in the last 60 s", lines.get(1));
        w.tick(500 * S);
        assertEquals(2, lines.size(), "nothing new, nothing logged");
    }

    @Test
    void aShortIntervalIsReportedInMilliseconds() {
        Watchdog w = watchdog(S / 2);
        ch.moveUnlessClosing(SinkState.BACKOFF);
        ch.offer(EVENT);
        w.tick(0);
        ch.offer(EVENT);
        w.tick(S / 2);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).endsWith("0 stalls in the last 500 ms"), lines.get(1));
    }

    @Test
    void aPublishPastItsTimeoutIsMarkedStalledAndReported() {
        Watchdog w = watchdog(60 * S);
        ch.deliveryPublishStarted(100 * S);
        w.tick(105 * S);
        assertEquals(SinkState.RUNNING, ch.state(), "within the timeout");
        assertTrue(lines.isEmpty());
        w.tick(111 * S);
        assertEquals(SinkState.STALLED, ch.state());
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("Tandem stats sink 'w' is STALLED: dropped 0 events, 0 failed publishes, "
                + "1 stalls so far; current publish running for 11000 ms"), lines.get(0));
        ch.offer(EVENT);
        assertEquals(1, ch.stats().dropped(DropReason.STALLED));
        ch.deliveryPublishEnded();
        ch.moveUnlessClosing(SinkState.RUNNING);
        assertEquals(SinkState.RUNNING, ch.state());
    }

    @Test
    void aStallCheckAfterThePublishReturnedChangesNothing() {
        ch.deliveryPublishStarted(0);
        ch.deliveryPublishEnded(); // returned before the watchdog acts on a stale read
        assertFalse(ch.checkStall(100 * S, 10 * S));
        assertEquals(SinkState.RUNNING, ch.state());
    }

    @Test
    void thePipelineLogsItsFirstDropsPromptly() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        StatsSink blocked = batch -> {
            entered.countDown();
            release.await();
        };
        StatsPipeline p = StatsPipeline.builder()
                .sink("full", blocked, SinkOptions.builder().queueCapacity(2).batchSize(1)
                        .linger(Duration.ofMillis(1)).publishTimeout(Duration.ofHours(1)).build())
                .dropLogInterval(Duration.ofHours(1))
                .warnings(warnings::add)
                .build();
        try {
            EventType t = p.eventType("e");
            t.record(Tags.empty());
            assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS), "the sink holds its first batch");
            for (int i = 0; i < 10; i++) {
                t.record(Tags.empty()); // two fit in the queue, the rest are dropped
            }
            SinkFaultTest.awaitTrue(() -> !warnings.isEmpty(), "a summary line");
            assertTrue(warnings.get(0).startsWith("Tandem stats sink 'full' is RUNNING: dropped 8 events (queue_full=8)"),
                    warnings.get(0));
        } finally {
            release.countDown();
            p.close(Duration.ofSeconds(5));
        }
        assertEquals(1, warnings.size(), "one line per interval: " + warnings);
    }
}
