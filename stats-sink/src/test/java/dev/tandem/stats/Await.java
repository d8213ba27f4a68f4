package dev.tandem.stats;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A bounded wait for a condition that something outside the test makes true (a server's state, a
 * sink's state): polls every millisecond or so, and fails loudly with a description of what was
 * seen if the condition does not hold in time. For events inside the JVM, prefer a latch.
 */
public final class Await {
    private Await() {}

    /** Waits until {@code condition} holds; returns how long it took. */
    public static Duration until(Duration timeout, BooleanSupplier condition, Supplier<String> seen) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + timeout + ": " + seen.get());
            }
            LockSupport.parkNanos(1_000_000);
            if (Thread.interrupted()) {
                throw new AssertionError("interrupted while waiting: " + seen.get());
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
