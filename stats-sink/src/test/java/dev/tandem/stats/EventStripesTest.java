package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The striped storage: stripe per thread, capacity split, counts over all stripes, drains in turn. */
class EventStripesTest {
    private static final EventType TYPE = TestEvents.type("s", "n");

    private static Event event(long n) {
        return Event.of(TYPE, 0, Tags.empty(), n);
    }

    @Test
    void aThreadAlwaysWritesToTheSameStripeAndThreadsStartedInTurnToDifferentOnes() throws Exception {
        EventStripes s = new EventStripes(64, 2);
        assertSame(s.home(), s.home(), "the same thread, the same stripe");
        EventStripes.Stripe mine = s.home();
        EventStripes.Stripe next = CompletableFuture.supplyAsync(s::home, r -> new Thread(r, "stripe-a").start())
                .get(10, TimeUnit.SECONDS);
        EventStripes.Stripe after = CompletableFuture.supplyAsync(s::home, r -> new Thread(r, "stripe-b").start())
                .get(10, TimeUnit.SECONDS);
        assertNotSame(next, after, "two threads started one after the other: two stripes");
        assertTrue(mine == next || mine == after, "two stripes only");
    }

    @Test
    void theCapacityIsTheTotalOfTheStripes() {
        EventStripes s = new EventStripes(100, 4); // rounded to 128: four stripes of 32
        assertEquals(128, s.capacity());
        assertEquals(32, s.stripeCapacity());
        EventStripes.Stripe home = s.home();
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
        EventStripes.Stripe home = s.home();
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
