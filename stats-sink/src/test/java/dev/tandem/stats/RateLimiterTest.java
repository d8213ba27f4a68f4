package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long MS = 1_000_000;

    @Test
    void startsWithABurstRefillsAtTheRateAndCapsAtTheBurst() {
        RateLimiter r = new RateLimiter(100, 10, 0);
        assertEquals(10, r.available(0), "burst");
        r.consume(10);
        assertEquals(0, r.available(0));
        assertEquals(10 * MS, r.nanosUntil(1, 0), "one token every 10 ms at 100/s");
        assertEquals(5, r.available(50 * MS));
        assertEquals(10, r.available(10_000 * MS), "never more than the burst");
    }

    @Test
    void theBurstIsAtMostOneSecondOfRate() {
        RateLimiter r = new RateLimiter(3, 512, 0);
        assertEquals(3, r.available(0));
    }
}
