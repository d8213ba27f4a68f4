package dev.tandem.stats.testing;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * An in-memory sink for tests, ours and users': it keeps every event and the latest metrics, and
 * lets a test wait for them with a bounded timeout instead of sleeping.
 *
 * <pre>{@code
 * RecordingStatsSink rec = new RecordingStatsSink();
 * StatsPipeline stats = StatsPipeline.builder().sink("rec", rec, fastOptions).build();
 * ... code under test ...
 * assertTrue(rec.awaitEvents(e -> e.name().equals("tandem.connection.closed"), 3, Duration.ofSeconds(5)));
 * assertEquals(OptionalLong.of(3), rec.counter("tandem.connections.closed", Tags.of("reason", "eof")));
 * }</pre>
 *
 * <p>Thread-safe. It holds at most {@code maxEvents} events (default one million) and counts the
 * rest in {@link #overflow()}, so a long test cannot exhaust the heap.
 */
public final class RecordingStatsSink implements StatsSink {
    private final int maxEvents;
    private final List<Event> events = new ArrayList<>();
    private List<Measurement> lastMetrics = List.of();
    private long publishes;
    private long overflow;
    private boolean closed;

    public RecordingStatsSink() {
        this(1_000_000);
    }

    public RecordingStatsSink(int maxEvents) {
        if (maxEvents <= 0) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: > 0)");
        }
        this.maxEvents = maxEvents;
    }

    @Override
    public synchronized void publish(Batch batch) {
        for (Event e : batch.events()) {
            if (events.size() < maxEvents) {
                events.add(e);
            } else {
                overflow++;
            }
        }
        lastMetrics = List.copyOf(batch.metrics()); // the batch is lent for this publish only
        publishes++;
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** A copy of every event received, in order. */
    public synchronized List<Event> events() {
        return new ArrayList<>(events);
    }

    public synchronized int eventCount() {
        return events.size();
    }

    /** Events received beyond {@code maxEvents}, counted but not kept. */
    public synchronized long overflow() {
        return overflow;
    }

    /** Metrics of the latest batch. */
    public synchronized List<Measurement> lastMetrics() {
        return lastMetrics;
    }

    /** The latest total of a counter, if the latest batch carried it. */
    public synchronized OptionalLong counter(String name, Tags tags) {
        for (Measurement m : lastMetrics) {
            if (m.kind() == Measurement.Kind.COUNTER && m.name().equals(name) && m.tags().equals(tags)) {
                return OptionalLong.of(m.longValue());
            }
        }
        return OptionalLong.empty();
    }

    /** The latest value of a gauge, if the latest batch carried it. */
    public synchronized OptionalDouble gauge(String name, Tags tags) {
        for (Measurement m : lastMetrics) {
            if (m.kind() == Measurement.Kind.GAUGE && m.name().equals(name) && m.tags().equals(tags)) {
                return OptionalDouble.of(m.value());
            }
        }
        return OptionalDouble.empty();
    }

    public synchronized long publishes() {
        return publishes;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Waits until at least {@code count} events have arrived; false on timeout. */
    public boolean awaitEvents(int count, Duration timeout) throws InterruptedException {
        return awaitEvents(e -> true, count, timeout);
    }

    /** Waits until at least {@code count} events matching {@code filter} have arrived; false on timeout. */
    public synchronized boolean awaitEvents(Predicate<Event> filter, int count, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(filter, "filter");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int matched = 0;
            for (Event e : events) {
                if (filter.test(e)) {
                    matched++;
                }
            }
            if (matched >= count) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            waitNanos(left);
        }
    }

    /** Waits until a publish after this call's start carries metrics satisfying {@code condition}; false on timeout. */
    public synchronized boolean awaitMetrics(Predicate<RecordingStatsSink> condition, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            waitNanos(left);
        }
        return true;
    }

    private void waitNanos(long nanos) throws InterruptedException {
        long ms = Math.max(1, Math.min(nanos / 1_000_000, 100));
        wait(ms);
    }

    @Override
    public synchronized String toString() {
        return "RecordingStatsSink{events=" + events.size() + ", publishes=" + publishes + '}';
    }
}
