package dev.tandem.core;

/**
 * Where a {@link ConnectionManager} reads time: a monotonic clock for every deadline (idle, write,
 * grace, hook) and the wall clock for the moment a pair opened. Tests pass their own to drive
 * deadlines instead of sleeping (see {@link ConnectionManager.Builder#timeSource}).
 *
 * <p>Implementations must be thread-safe and must never block: the timer, every pair's threads and
 * callers of {@code send} read it.
 */
public interface TimeSource {
    /** Monotonic time in nanoseconds, for durations only (as {@link System#nanoTime()}). */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch (as {@link System#currentTimeMillis()}). */
    long currentTimeMillis();

    /** The system's clocks. */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}

/** {@link TimeSource#system()}. */
enum SystemTimeSource implements TimeSource {
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
        return "TimeSource.system()";
    }
}
