package dev.tandem.stats;

/**
 * The source of time for everything Tandem measures: deadlines, lingers, timeouts and event
 * timestamps. Tests inject their own to drive time instead of sleeping.
 *
 * <p>Implementations must be thread-safe and must never block.
 */
public interface Clock {
    /** Monotonic time in nanoseconds, for durations only (as {@link System#nanoTime()}). */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch, for timestamps (as {@link System#currentTimeMillis()}). */
    long currentTimeMillis();

    /** The system clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}

enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public String toString() {
        return "Clock.system()";
    }
}
