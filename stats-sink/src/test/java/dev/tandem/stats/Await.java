package dev.tandem.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
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

    /**
     * Waits until the books of {@code pipeline}'s sink {@code sink} satisfy {@code condition}
     * (each poll tests one snapshot); fails with the last books seen. Returns how long it took.
     */
    public static Duration books(StatsPipeline pipeline, String sink, Duration timeout, Predicate<SinkStats> condition) {
        return until(timeout, () -> condition.test(pipeline.sinkStats(sink)), () -> pipeline.sinkStats(sink).toString());
    }

    /**
     * {@code read.call()}, for a condition or a message that asks a server (the lambdas of
     * {@link #until} cannot throw checked exceptions): an {@link IOException} is rethrown as an
     * {@link UncheckedIOException}, an {@link InterruptedException} as an {@link IllegalStateException}
     * with the interrupt flag set again, any other checked exception as an {@link IllegalStateException}.
     */
    public static <T> T unchecked(Callable<T> read) {
        try {
            return read.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
