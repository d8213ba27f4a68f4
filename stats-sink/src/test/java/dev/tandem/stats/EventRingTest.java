package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One stripe's ring of event slots: bounded, lossy, whole events in order, slots freed on taking, nothing allocated by a record. */
@Timeout(60)
class EventRingTest {
    private static final EventType TWO = TestEvents.type("ring.two", "a", "b");
    private static final EventType SIX = TestEvents.type("ring.six", "a", "b", "c", "d", "e", "f");
    private static final EventType NONE = TestEvents.type("ring.none");

    @Test
    void aFullRingRefusesWithoutWritingAndTakesAgainOnceASlotIsFree() {
        EventRing r = new EventRing(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(r.offer(TWO, i, Tags.empty(), i, -i, 0, 0, 0, 0));
        }
        assertFalse(r.offer(TWO, 99, Tags.empty(), 99, -99, 0, 0, 0, 0), "four slots: the fifth is refused");
        assertEquals(4, r.offered(), "a refusal claims nothing");
        assertEquals(4, r.size());
        Event[] into = new Event[1];
        assertEquals(1, r.drainTo(into, 0, 1, false));
        assertEquals(0, into[0].field("a"), "the oldest first");
        assertTrue(r.offer(TWO, 5, Tags.empty(), 5, -5, 0, 0, 0, 0), "the taken slot is free again");
        assertFalse(r.offer(TWO, 6, Tags.empty(), 6, -6, 0, 0, 0, 0));
    }

    @Test
    void eventsComeOutWholeAndInOrderOverManyLaps() {
        EventRing r = new EventRing(8);
        Event[] into = new Event[3];
        long next = 0;
        Tags tags = Tags.of("k", "v");
        for (long i = 0; i < 10_000; i++) {
            EventType t = i % 3 == 0 ? SIX : i % 3 == 1 ? TWO : NONE;
            assertTrue(r.offer(t, 1000 + i, tags, i, i + 1, i + 2, i + 3, i + 4, i + 5), "room at " + i);
            if (r.size() >= 3 || i == 9_999) {
                int n;
                while ((n = r.drainTo(into, 0, 3, i % 2 == 0)) > 0) {
                    for (int k = 0; k < n; k++, next++) {
                        Event e = into[k];
                        EventType want = next % 3 == 0 ? SIX : next % 3 == 1 ? TWO : NONE;
                        assertSame(want, e.type(), "event " + next);
                        assertEquals(1000 + next, e.timestampMillis());
                        assertSame(tags, e.tags());
                        for (int f = 0; f < want.fieldCount(); f++) {
                            assertEquals(next + f, e.field(f), "event " + next + " field " + f);
                        }
                    }
                }
            }
        }
        assertEquals(10_000, next, "every event once");
        assertEquals(10_000, r.taken());
        assertTrue(r.isEmpty());
    }

    @Test
    void aClaimedSlotNotYetPublishedHoldsBackTheSlotsBehindItAndLosesNothing() {
        EventRing r = new EventRing(4);
        long claimed = r.claim(); // a producer that claimed and has not written yet
        assertTrue(r.offer(TWO, 1, Tags.empty(), 1, 0, 0, 0, 0, 0), "a later producer writes the next slot");
        Event[] into = new Event[4];
        assertEquals(0, r.drainTo(into, 0, 4, false), "nothing is taken past a slot still being written");
        assertEquals(0, r.discard(4), "nor discarded");
        assertEquals(2, r.size(), "both are in flight");
        r.publish(claimed, TWO, 0, Tags.empty(), 0, 0, 0, 0, 0, 0);
        assertEquals(2, r.drainTo(into, 0, 4, false));
        assertEquals(0, into[0].field("a"), "the claimed one first: claim order is ring order");
        assertEquals(1, into[1].field("a"));
    }

    @Test
    void withReuseTheEventsInTheArrayAreRefilledWithoutItNewOnesAreMade() {
        EventRing r = new EventRing(4);
        Event[] into = new Event[2];
        r.offer(TWO, 0, Tags.empty(), 1, 2, 0, 0, 0, 0);
        r.drainTo(into, 0, 2, true);
        Event lent = into[0];
        r.offer(TWO, 0, Tags.empty(), 3, 4, 0, 0, 0, 0);
        r.drainTo(into, 0, 2, true);
        assertSame(lent, into[0], "the same object, refilled");
        assertEquals(3, lent.field("a"));
        Event copy = lent.copy();
        assertNotSame(lent, copy);
        r.offer(TWO, 0, Tags.empty(), 5, 6, 0, 0, 0, 0);
        r.drainTo(into, 0, 2, false);
        assertNotSame(lent, into[0], "without reuse: a new event");
        assertEquals(5, into[0].field("a"));
        assertEquals(3, lent.field("a"), "the lent one was not touched: " + lent);
        assertEquals(3, copy.field("a"), "a copy keeps its values");
    }

    @Test
    void discardFreesSlotsWithoutReadingThem() {
        EventRing r = new EventRing(2);
        r.offer(TWO, 0, Tags.empty(), 1, 0, 0, 0, 0, 0);
        r.offer(TWO, 0, Tags.empty(), 2, 0, 0, 0, 0, 0);
        assertEquals(2, r.discard(10));
        assertTrue(r.isEmpty());
        assertEquals(2, r.taken());
        assertTrue(r.offer(TWO, 0, Tags.empty(), 3, 0, 0, 0, 0, 0));
    }

    @Test
    void aRecordAllocatesNothing() {
        EventRing r = new EventRing(1024);
        Event[] into = new Event[1024];
        Tags tags = Tags.of("k", "v");
        for (int round = 0; round < 200; round++) { // warm up both paths
            while (r.offer(TWO, round, tags, round, 1, 0, 0, 0, 0)) { }
            r.drainTo(into, 0, 1024, true);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        long taken = 0;
        for (int round = 0; round < 100; round++) {
            while (r.offer(TWO, round, tags, round, 1, 0, 0, 0, 0)) { }
            taken += r.drainTo(into, 0, 1024, true);
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(102_400, taken);
        assertTrue(bytes < 1024, taken + " events written and taken with reuse allocated " + bytes + " bytes");
    }

    @Test
    void aProducerOnAnotherThreadIsSeenWhole() throws Exception {
        EventRing r = new EventRing(64);
        int n = 200_000;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                for (long i = 0; i < n; i++) {
                    while (!r.offer(SIX, i, Tags.empty(), i, ~i, i * 3, i ^ 0x5555, -i, i + 7)) {
                        Thread.onSpinWait();
                    }
                }
            } catch (Throwable t) {
                failed.set(t);
            } finally {
                done.countDown();
            }
        }, "ring-producer");
        producer.start();
        Event[] into = new Event[16];
        long next = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (next < n && System.nanoTime() < deadline) {
            int k = r.drainTo(into, 0, 16, true);
            for (int j = 0; j < k; j++, next++) {
                Event e = into[j];
                long i = next;
                if (e.timestampMillis() != i || e.field(0) != i || e.field(1) != ~i || e.field(2) != i * 3
                        || e.field(3) != (i ^ 0x5555) || e.field(4) != -i || e.field(5) != i + 7) {
                    throw new AssertionError("event " + i + " torn or out of order: " + e);
                }
            }
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), "the producer ended");
        assertEquals(null, failed.get());
        assertEquals(n, next, "every event taken within 30 s");
    }

    @Test
    void aCapacityThatIsNoPowerOfTwoIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EventRing(6));
        assertThrows(IllegalArgumentException.class, () -> new EventRing(1));
    }
}
