package dev.tandem.stats;

/**
 * Event timestamps at the cost of a plain volatile load: the wall-clock time in milliseconds,
 * cached and advanced once per tick by the pipeline's watchdog thread (Agrona's cached clocks).
 * An event's timestamp is then at most one tick (plus the watchdog's scheduling delay) behind the
 * precise one, and never ahead of it.
 *
 * <p>Implementation notes: {@link #advance()} runs on one thread only (the watchdog, or a test
 * driving it); {@link #millis()} on any producer. The field is volatile so that a producer sees
 * the watchdog's latest write without a fence of its own: on x86 and ARM a volatile read is a
 * plain load. Only one thread writes it, so no update is lost and no CAS is needed. If the source
 * clock steps backwards, so does the cached value, as {@link System#currentTimeMillis()} would.
 */
final class CachedClock implements Clock {
    private final Clock source;
    private volatile long millis;

    CachedClock(Clock source) {
        this.source = source;
        this.millis = source.currentTimeMillis();
    }

    /** The cached time: any thread, never blocks. */
    long millis() {
        return millis;
    }

    /** The cached time, as a {@link Clock}: what event timestamps read. */
    @Override
    public long currentTimeMillis() {
        return millis;
    }

    /** The source's, uncached: durations are never taken from the cache. */
    @Override
    public long nanoTime() {
        return source.nanoTime();
    }

    /** Reads the source clock into the cache: the ticking thread only. */
    void advance() {
        millis = source.currentTimeMillis();
    }
}
