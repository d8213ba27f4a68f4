package dev.tandem.stats.micrometer;

import dev.tandem.stats.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves. */
final class ManualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
        return nanos.get() / 1_000_000L;
    }
}
