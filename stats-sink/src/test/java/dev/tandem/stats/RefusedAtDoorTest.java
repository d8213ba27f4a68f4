package dev.tandem.stats;

import static dev.tandem.stats.SinkFaultTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Recording allocates nothing, and an event that no sink can take is counted as dropped without a
 * timestamp (S1, S2: recording gets cheaper, not dearer, when a backend is down). And the door
 * never refuses while there is room.
 */
@Timeout(60)
class RefusedAtDoorTest {
    private final List<StatsPipeline> pipelines = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() throws InterruptedException {
        release.countDown();
        for (StatsPipeline p : pipelines) {
            p.close(Duration.ofSeconds(5));
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    /** Counts the wall-clock reads made on the thread that created it: the producer's timestamps. */
    static final class ProducerClock implements Clock {
        private final Thread producer = Thread.currentThread();
        final AtomicInteger timestamps = new AtomicInteger();

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            if (Thread.currentThread() == producer) {
                timestamps.incrementAndGet();
            }
            return System.currentTimeMillis();
        }
    }

    /** Holds its first batch until released, so the queue behind it fills. */
    final class HeldSink implements StatsSink {
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicInteger events = new AtomicInteger();

        @Override
        public void publish(Batch batch) throws InterruptedException {
            entered.countDown();
            release.await();
            events.addAndGet(batch.events().size());
        }
    }

    private StatsPipeline build(StatsPipeline.Builder b) {
        StatsPipeline p = b.build();
        pipelines.add(p);
        return p;
    }

    private static SinkOptions smallQueue() {
        return SinkOptions.builder().queueCapacity(4).batchSize(1).linger(Duration.ofMillis(1))
                .publishTimeout(Duration.ofHours(1)).build();
    }

    @Test
    void aFullQueueRefusesAtTheDoorWithoutATimestampOrAnAllocationAndTakesEventsAgainOnceThereIsRoom()
            throws Exception {
        ProducerClock clock = new ProducerClock();
        HeldSink held = new HeldSink();
        StatsPipeline p = build(StatsPipeline.builder().clock(clock).sink("held", held, smallQueue()));
        EventType t = p.eventType("e", "n");
        t.record(Tags.empty(), 0);
        assertTrue(held.entered.await(10, TimeUnit.SECONDS), "the sink holds the first event");
        for (int i = 1; i <= 5; i++) {
            t.record(Tags.empty(), i); // four fill the queue; the fifth finds no free slot
        }
        assertEquals(5, clock.timestamps.get(), "a timestamp for each event that got a slot, none for the refused one");
        assertEquals(1, p.sinkStats("held").dropped(DropReason.QUEUE_FULL));

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) { // warm up the refusal path
            t.record(Tags.empty(), i);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            t.record(Tags.empty(), i);
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(5, clock.timestamps.get(), "no timestamp taken for an event nobody can take");
        assertTrue(bytes < n, n + " refused records allocated " + bytes + " bytes");
        SinkStats s = p.sinkStats("held");
        assertEquals(1 + 20_000 + n, s.dropped(DropReason.QUEUE_FULL), "every refusal counted: " + s);
        assertEquals(s.recorded(), s.enqueued() + s.droppedTotal(), "the books balance: " + s);

        release.countDown();
        awaitTrue(() -> held.events.get() == 5, "the held event and the four queued ones delivered");
        long droppedBefore = p.sinkStats("held").droppedTotal();
        for (int i = 0; i < 3; i++) {
            t.record(Tags.empty(), 100 + i); // room again: a stale "full" must not refuse these
        }
        awaitTrue(() -> held.events.get() == 8, "events recorded once there was room are delivered");
        assertEquals(droppedBefore, p.sinkStats("held").droppedTotal(), "nothing dropped while there was room");
        assertEquals(8, clock.timestamps.get(), "and each got its timestamp");
    }

    @Test
    void withoutSinksOrAfterCloseNoClockIsRead() {
        ProducerClock clock = new ProducerClock();
        StatsPipeline none = build(StatsPipeline.builder().clock(clock));
        EventType t = none.eventType("e", "n");
        for (int i = 0; i < 1000; i++) {
            t.record(Tags.empty(), i);
        }
        assertEquals(0, clock.timestamps.get(), "a pipeline without sinks reads no clock");

        StatsPipeline closed = build(StatsPipeline.builder().clock(clock).sink("rec", new RecordingStatsSink()));
        EventType u = closed.eventType("e", "n");
        assertTrue(closed.close(Duration.ofSeconds(5)));
        for (int i = 0; i < 1000; i++) {
            u.record(Tags.empty(), i);
        }
        assertEquals(0, clock.timestamps.get(), "a closed pipeline reads no clock");
        assertEquals(1000, closed.sinkStats("rec").dropped(DropReason.SHUTDOWN));
    }

    @Test
    void aFullSinkDoesNotKeepTheEventFromTheOthers() throws Exception {
        ProducerClock clock = new ProducerClock();
        HeldSink held = new HeldSink();
        RecordingStatsSink healthy = new RecordingStatsSink();
        StatsPipeline p = build(StatsPipeline.builder().clock(clock)
                .sink("held", held, smallQueue())
                .sink("healthy", healthy, SinkOptions.builder().linger(Duration.ofMillis(1)).build()));
        EventType t = p.eventType("e", "n");
        t.record(Tags.empty(), 0);
        assertTrue(held.entered.await(10, TimeUnit.SECONDS));
        int n = 100;
        for (int i = 1; i < n; i++) {
            t.record(Tags.empty(), i);
        }
        assertTrue(healthy.awaitEvents(n, Duration.ofSeconds(10)), "the healthy sink got every event");
        assertEquals(n, clock.timestamps.get(), "one timestamp per event, read for the sink that takes it");
        assertEquals(n - 1 - 4, p.sinkStats("held").dropped(DropReason.QUEUE_FULL), "the full one counted its drops");
    }

    @Test
    void aClockThatThrowsWhileARecordHoldsASlotDoesNotWedgeTheQueue() throws Exception {
        AtomicInteger throwsLeft = new AtomicInteger(1);
        Clock throwingOnce = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long currentTimeMillis() {
                if (throwsLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("an injected clock's bug");
                }
                return System.currentTimeMillis();
            }
        };
        RecordingStatsSink first = new RecordingStatsSink();
        RecordingStatsSink second = new RecordingStatsSink();
        SinkOptions quick = SinkOptions.builder().linger(Duration.ofMillis(1)).build();
        StatsPipeline p = build(StatsPipeline.builder().clock(throwingOnce)
                .sink("first", first, quick).sink("second", second, quick));
        EventType t = p.eventType("e", "n");
        IllegalStateException thrown = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> t.record(Tags.empty(), 1), "the clock's own failure reaches its caller");
        assertEquals("an injected clock's bug", thrown.getMessage());
        t.record(Tags.empty(), 2);
        t.record(Tags.empty(), 3);
        for (RecordingStatsSink sink : List.of(first, second)) {
            assertTrue(sink.awaitEvents(3, Duration.ofSeconds(10)), "the slot claimed before the clock threw was"
                    + " published, and the other sink had the event too, so all arrive: " + sink.events());
            assertEquals(List.of(1L, 2L, 3L), List.of(sink.events().get(0).field(0), sink.events().get(1).field(0),
                    sink.events().get(2).field(0)));
            assertEquals(0L, sink.events().get(0).timestampMillis(), "the event whose clock read failed is stamped 0");
        }
        assertEquals(p.sinkStats("first").recorded(), p.sinkStats("second").recorded(), "both sinks' books saw it");
    }

    @Test
    void sixtyFiveSinksAllGetTheEvent() {
        int n = 65;
        List<RecordingStatsSink> sinks = new ArrayList<>();
        StatsPipeline.Builder b = StatsPipeline.builder();
        for (int i = 0; i < n; i++) {
            RecordingStatsSink s = new RecordingStatsSink();
            sinks.add(s);
            b.sink("s" + i, s);
        }
        StatsPipeline p = build(b);
        EventType t = p.eventType("e", "n");
        for (int i = 0; i < 10; i++) {
            t.record(Tags.empty(), i);
        }
        assertTrue(p.close(Duration.ofSeconds(10)));
        for (int i = 0; i < n; i++) {
            assertEquals(10, sinks.get(i).events().size(), "sink s" + i);
        }
    }
}
