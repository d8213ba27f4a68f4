package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Event timestamps: the cached clock, the watchdog that advances it, and the options that choose it. */
class TimestampClockTest {
    private final AtomicLong wallMillis = new AtomicLong(1_000);
    private final Clock settable = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return wallMillis.get();
        }
    };

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    @Test
    void theCachedClockShowsTheSourceAsOfItsLastAdvance() {
        CachedClock c = new CachedClock(settable);
        assertEquals(1_000, c.millis(), "initialised from the source");
        wallMillis.set(1_007);
        assertEquals(1_000, c.millis(), "unchanged until advanced");
        c.advance();
        assertEquals(1_007, c.millis());
    }

    @Test
    void theWatchdogThreadAdvancesTheCachedClockEveryTick() throws Exception {
        CachedClock c = new CachedClock(settable);
        SinkChannel ch = new SinkChannel("w", batch -> { }, SinkOptions.defaults());
        Watchdog w = new Watchdog(new SinkChannel[] {ch}, settable, Duration.ofSeconds(60).toNanos(), line -> { },
                c, Duration.ofMillis(2).toNanos());
        assertEquals(Duration.ofMillis(2).toNanos(), w.parkNanos(), "wakes at the timestamp tick, not the stall tick");
        Thread t = new Thread(w, "tandem-test-watchdog");
        t.start();
        try {
            wallMillis.set(5_000);
            Await.until(Duration.ofSeconds(10), () -> c.millis() == 5_000, () -> "cached " + c.millis());
        } finally {
            w.stop();
            t.join(10_000);
        }
        assertTrue(!t.isAlive(), "the watchdog stopped");
        Watchdog noCache = new Watchdog(new SinkChannel[] {ch}, settable, Duration.ofSeconds(60).toNanos(), line -> { });
        assertEquals(Duration.ofMillis(100).toNanos(), noCache.parkNanos(), "without a cache, the stall tick alone");
    }

    @Test
    void withTheSystemClockAnEventIsStampedNoLaterThanItWasRecordedAndNoEarlierThanTheBuild() throws Exception {
        for (boolean precise : new boolean[] {false, true}) {
            RecordingStatsSink rec = new RecordingStatsSink();
            long before = System.currentTimeMillis();
            StatsPipeline p = StatsPipeline.builder().preciseTimestamps(precise).timestampTick(Duration.ofMillis(1))
                    .sink("rec", rec, SinkOptions.builder().linger(Duration.ofMillis(1)).build()).build();
            try {
                EventType t = p.eventType("e");
                t.record(Tags.empty());
                long after = System.currentTimeMillis();
                assertTrue(rec.awaitEvents(1, Duration.ofSeconds(10)), "delivered");
                long ts = rec.events().get(0).timestampMillis();
                assertTrue(before <= ts && ts <= after, "precise=" + precise + ": " + before + " <= " + ts + " <= " + after);
            } finally {
                p.close(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void anInjectedClockIsReadForEveryEvent() throws Exception {
        RecordingStatsSink rec = new RecordingStatsSink();
        StatsPipeline p = StatsPipeline.builder().clock(settable)
                .sink("rec", rec, SinkOptions.builder().linger(Duration.ofMillis(1)).build()).build();
        try {
            EventType t = p.eventType("e");
            wallMillis.set(42);
            t.record(Tags.empty());
            wallMillis.set(43);
            t.record(Tags.empty());
            assertTrue(rec.awaitEvents(2, Duration.ofSeconds(10)), "delivered");
            assertEquals(42, rec.events().get(0).timestampMillis());
            assertEquals(43, rec.events().get(1).timestampMillis(), "no cache between the test and its events");
        } finally {
            p.close(Duration.ofSeconds(5));
        }
    }
}
