package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The striped storage: stripe per thread, capacity split, counts over all stripes, drains in turn. */
class EventStripesTest {
    private static final EventType TYPE = TestEvents.type("s", "n");

    private static Event event(long n) {
        return Event.of(TYPE, 0, Tags.empty(), n);
    }

    private final ProducerTickets tickets = new ProducerTickets();

    private EventStripes.Stripe home(EventStripes s) {
        return s.stripe(tickets.mine());
    }

    @Test
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    void aThreadAlwaysWritesToTheSameStripeAndTheFirstProducersToDifferentOnesWhateverTheirIds() throws Exception {
        EventStripes s = new EventStripes(64, 2);
        assertSame(home(s), home(s), "the same thread, the same stripe");
        // Two producers whose thread ids have the same parity (an id is given when a thread is
        // made): a stripe chosen by id would give them one stripe; tickets in turn give them two.
        EventStripes.Stripe[] seen = new EventStripes.Stripe[2];
        Thread a = new Thread(() -> seen[0] = home(s), "stripe-a");
        Thread b;
        do {
            b = new Thread(() -> seen[1] = home(s), "stripe-b");
        } while ((b.getId() & 1) != (a.getId() & 1));
        for (Thread t : new Thread[] {a, b}) {
            t.start();
            t.join(10_000);
            assertTrue(!t.isAlive(), "the producer ended");
        }
        assertNotSame(seen[0], seen[1], "the first two producers: two stripes");
    }

    @Test
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    void aPipelinesFirstTwoProducersEachFillAStripeOfTheirOwnWhateverTheirThreadIds() throws Exception {
        CountDownLatch inPublish = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StatsSink held = batch -> {
            if (!batch.events().isEmpty()) {
                inPublish.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
        };
        StatsPipeline p = StatsPipeline.builder().producerStripes(2)
                .sink("held", held, SinkOptions.builder().queueCapacity(128).batchSize(1)
                        .linger(Duration.ofMillis(1)).metricsInterval(Duration.ofHours(1))
                        .publishTimeout(Duration.ofMinutes(1)).build())
                .build();
        try {
            EventType type = p.eventType("striped", "n");
            // A first producer's event: the delivery thread takes it and stays in publish, so the
            // stripes are empty and nothing more is taken.
            Thread first = new Thread(() -> type.record(Tags.empty(), -1), "producer-first");
            first.start();
            first.join(10_000);
            assertTrue(inPublish.await(10, TimeUnit.SECONDS), "the sink is held in its first publish of an event");
            // Two stripes of 64; two producers with thread ids of the same parity record 64 each.
            Runnable fill = () -> {
                for (int i = 0; i < 64; i++) {
                    type.record(Tags.empty(), i);
                }
            };
            Thread a = new Thread(fill, "producer-a");
            Thread b;
            do {
                b = new Thread(fill, "producer-b");
            } while ((b.getId() & 1) != (a.getId() & 1));
            for (Thread t : new Thread[] {a, b}) {
                t.start();
                t.join(10_000);
                assertTrue(!t.isAlive(), "the producer ended");
            }
            SinkStats stats = p.sinkStats("held");
            assertEquals(0, stats.dropped(DropReason.QUEUE_FULL),
                    "each producer had a stripe of its own: nothing dropped (" + stats + ")");
            assertEquals(129, stats.enqueued(), stats.toString());
        } finally {
            release.countDown();
            p.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void theCapacityIsTheTotalOfTheStripes() {
        EventStripes s = new EventStripes(100, 4); // rounded to 128: four stripes of 32
        assertEquals(128, s.capacity());
        assertEquals(32, s.stripeCapacity());
        EventStripes.Stripe home = home(s);
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            if (home.ring.offer(event(i))) {
                accepted++;
            }
        }
        assertEquals(32, accepted, "one thread fills its own stripe only");
        assertEquals(32, s.offered());
        assertEquals(32, s.size());
        assertTrue(s.anyHolds(32) && !s.anyHolds(33));
    }

    @Test
    void oneStripePerCoreButNoneSmallerThanTheMinimum() {
        int cores = Runtime.getRuntime().availableProcessors();
        int expected = Integer.highestOneBit(Math.max(1, cores - 1)) << 1; // cores rounded up to a power of two
        expected = cores == 1 ? 1 : Math.min(expected, 64);
        assertEquals(Math.min(expected, 32), EventStripes.perCore(2048), "2048 / 64 = 32 stripes at most");
        assertEquals(Math.min(expected, 2), EventStripes.perCore(100), "100 rounds to 128: two stripes of 64 at most");
        assertEquals(1, EventStripes.perCore(64), "64 events: one stripe");
        assertEquals(1, EventStripes.perCore(4));
    }

    @Test
    void aDrainTakesFromEveryStripeInTurnAndKeepsEachStripesOrder() {
        EventStripes s = new EventStripes(8, 2); // two stripes of four
        // This thread writes to one stripe; fill the other directly, as another thread would.
        EventStripes.Stripe home = home(s);
        EventStripes.Stripe other = home == s.stripeAt(0) ? s.stripeAt(1) : s.stripeAt(0);
        for (int i = 0; i < 3; i++) {
            home.ring.offer(event(i));
            other.ring.offer(event(100 + i));
        }
        Event[] into = new Event[6];
        int n = s.drainTo(into, 0, 4, false);
        assertEquals(4, n);
        n += s.drainTo(into, 4, 4, false);
        assertEquals(6, n, "every event once");
        long lastHome = -1;
        long lastOther = 99;
        for (Event e : into) {
            long v = e.field(0);
            if (v < 100) {
                assertTrue(v > lastHome, "order within a stripe");
                lastHome = v;
            } else {
                assertTrue(v > lastOther, "order within a stripe");
                lastOther = v;
            }
        }
        assertEquals(6, s.taken());
        assertTrue(s.isEmpty());
    }
}
