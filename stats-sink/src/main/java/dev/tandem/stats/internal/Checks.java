package dev.tandem.stats.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Not API. Argument checks shared by Tandem's builders, so every message reads the same:
 * {@code queueCapacity: 0 (expected: > 0)}.
 */
public final class Checks {
    private Checks() {}

    public static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    public static long positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    public static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return value;
    }

    public static int atMost(String name, int value, String limitName, int limit) {
        if (value > limit) {
            throw new IllegalArgumentException(
                    name + ": " + value + " (expected: <= " + limitName + " " + limit + ")");
        }
        return value;
    }

    /** A duration that must be strictly positive; returns it in nanoseconds (saturated). */
    public static long positiveNanos(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return saturatedNanos(value);
    }

    /** A duration that may be zero but not negative; returns it in nanoseconds (saturated). */
    public static long nonNegativeNanos(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return saturatedNanos(value);
    }

    public static String notEmpty(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + ": \"\" (expected: not empty)");
        }
        return value;
    }

    public static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** {@code now + delta} without overflowing past {@link Long#MAX_VALUE}. */
    public static long deadline(long now, long delta) {
        long sum = now + delta;
        return ((now ^ sum) & (delta ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
