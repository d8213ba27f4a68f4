package dev.tandem.stats;

import dev.tandem.stats.internal.Checks;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process state behind counters and gauges (S3).
 *
 * <p>Implementation notes: registration goes through a {@link ConcurrentHashMap} keyed by
 * (name, tags) and is rare; updates touch only the metric (a {@link LongAdder} or a volatile
 * long) and never the map. The metrics in registration order are a copy-on-write array
 * ({@code ordered}, replaced under the registry's lock on register and remove), so sinks see a
 * stable order and a reader iterates it without a lock or an iterator. {@link #snapshotInto}
 * runs on delivery threads: it measures into the caller's own array and allocates only a
 * {@link Measurement} for a metric whose value changed since that caller's previous snapshot (an
 * unchanged one is handed out again), or, when the caller's sink accepts reused measurements,
 * updates that metric's own measurement in place on the delivery thread. {@link #snapshot()}, for
 * callers on any thread, always builds new immutable ones. A gauge function
 * runs on the delivery thread inside the publish timeout, so a hanging one marks that sink
 * STALLED rather than freezing anything else.
 */
final class MetricRegistry {
    private static final Logger log = LoggerFactory.getLogger(StatsPipeline.class);

    private final ConcurrentHashMap<Id, Metric> byId = new ConcurrentHashMap<>();
    private volatile Metric[] ordered = new Metric[0];

    Counter counter(String name, Tags tags) {
        Metric m = register(name, tags, AdderCounter.class, AdderCounter::new);
        return (Counter) m;
    }

    SettableGauge settableGauge(String name, Tags tags) {
        return (SettableGauge) register(name, tags, ValueGauge.class, ValueGauge::new);
    }

    Gauge gauge(String name, Tags tags, DoubleSupplier fn) {
        Objects.requireNonNull(fn, "valueFunction");
        Id id = new Id(Checks.notEmpty("name", name), Objects.requireNonNull(tags, "tags"));
        FunctionGauge fresh = new FunctionGauge(id, fn);
        Metric prior = byId.putIfAbsent(id, fresh);
        if (prior != null) {
            throw new IllegalArgumentException("gauge " + id + " is already registered (expected: a new name or tags)");
        }
        append(fresh);
        return fresh;
    }

    /** For the pipeline's own metrics: a counter read from a function. */
    void functionCounter(String name, Tags tags, LongSupplier fn) {
        Id id = new Id(name, tags);
        FunctionCounter fresh = new FunctionCounter(id, fn);
        if (byId.putIfAbsent(id, fresh) != null) {
            throw new IllegalArgumentException("counter " + id + " is already registered");
        }
        append(fresh);
    }

    private <M extends Metric> Metric register(String name, Tags tags, Class<M> kind,
                                               java.util.function.Function<Id, M> factory) {
        Id id = new Id(Checks.notEmpty("name", name), Objects.requireNonNull(tags, "tags"));
        Metric m = byId.get(id);
        if (m == null) {
            M fresh = factory.apply(id);
            m = byId.putIfAbsent(id, fresh);
            if (m == null) {
                append(fresh);
                return fresh;
            }
        }
        if (!kind.isInstance(m)) {
            throw new IllegalArgumentException(id + " is already registered as a " + m.describe()
                    + " (expected: one metric per name and tags)");
        }
        return m;
    }

    /** Forgets a metric; returns false if none had that name and tags, or it is the pipeline's own. */
    boolean remove(String name, Tags tags) {
        Id id = new Id(Checks.notEmpty("name", name), Objects.requireNonNull(tags, "tags"));
        Metric m = byId.get(id);
        if (m == null || m instanceof FunctionCounter) {
            return false;
        }
        if (byId.remove(id, m)) {
            detach(m);
            return true;
        }
        return false;
    }

    private synchronized void append(Metric m) {
        Metric[] now = ordered;
        Metric[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = m;
        ordered = next;
    }

    private synchronized void detach(Metric m) {
        Metric[] now = ordered;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == m) {
                Metric[] next = new Metric[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                ordered = next;
                return;
            }
        }
    }

    /** The current value of every metric, in registration order: a new list. */
    List<Measurement> snapshot() {
        Metric[] ms = ordered;
        Measurement[] out = new Measurement[ms.length];
        for (int i = 0; i < ms.length; i++) {
            out[i] = ms[i].measure(null);
        }
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    /**
     * One delivery loop's reused snapshot: measures every metric into {@code into}, reusing the
     * measurement it held for a metric whose value has not changed. For a sink that accepts reused
     * measurements each metric's measurement is updated in place, and the snapshot allocates
     * nothing in steady state; otherwise a new measurement per changed value. New arrays (and, when
     * reusing, new measurements) only when metrics were registered or removed since the last call.
     */
    void snapshotInto(Snapshot into) {
        Metric[] ms = ordered;
        if (ms != into.metrics) {
            Measurement[] fresh = new Measurement[ms.length];
            for (int i = 0; i < ms.length; i++) { // a metric still registered keeps its measurement
                for (int j = 0; j < into.metrics.length; j++) {
                    if (into.metrics[j] == ms[i]) {
                        fresh[i] = into.values[j];
                        break;
                    }
                }
            }
            into.metrics = ms;
            into.values = fresh;
            into.view.reset(into.values, ms.length);
        }
        Measurement[] values = into.values;
        for (int i = 0; i < ms.length; i++) {
            Measurement m = ms[i].measure(values[i]);
            values[i] = into.reuse && !m.reused() ? Measurement.reusedCopyOf(m) : m;
        }
    }

    /** A delivery loop's snapshot buffers; confined to that loop's thread. */
    static final class Snapshot {
        final boolean reuse;
        private Metric[] metrics = new Metric[0];
        private Measurement[] values = new Measurement[0];
        final BatchList<Measurement> view = new BatchList<>("batch metrics", values);

        /** {@code reuse}: the sink accepts reused measurements (updated in place between publishes). */
        Snapshot(boolean reuse) {
            this.reuse = reuse;
        }
    }

    /** (name, tags): the identity of a metric. */
    static final class Id {
        final String name;
        final Tags tags;

        Id(String name, Tags tags) {
            this.name = name;
            this.tags = tags;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Id && ((Id) o).name.equals(name) && ((Id) o).tags.equals(tags);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + tags.hashCode();
        }

        @Override
        public String toString() {
            return name + tags;
        }
    }

    abstract static class Metric {
        final Id id;

        Metric(Id id) {
            this.id = id;
        }

        public String name() {
            return id.name;
        }

        public Tags tags() {
            return id.tags;
        }

        /** The current value; {@code previous} (this metric's last measurement, or null) if it is unchanged. */
        abstract Measurement measure(Measurement previous);

        abstract String describe();

        /** {@code previous} if unchanged, or updated in place if it is reused, else a new measurement. */
        final Measurement counterValue(Measurement previous, long total) {
            if (previous == null) {
                return Measurement.counter(id.name, id.tags, total);
            }
            if (previous.longValue() != total) {
                if (!previous.reused()) {
                    return Measurement.counter(id.name, id.tags, total);
                }
                previous.update(total, total);
            }
            return previous;
        }

        final Measurement gaugeValue(Measurement previous, double value) {
            if (previous == null) {
                return Measurement.gauge(id.name, id.tags, value);
            }
            if (Double.compare(previous.value(), value) != 0) {
                if (!previous.reused()) {
                    return Measurement.gauge(id.name, id.tags, value);
                }
                previous.update((long) value, value);
            }
            return previous;
        }

        @Override
        public String toString() {
            return measure(null).toString();
        }
    }

    static final class AdderCounter extends Metric implements Counter {
        private final LongAdder adder = new LongAdder();

        AdderCounter(Id id) {
            super(id);
        }

        @Override
        public void increment() {
            adder.increment();
        }

        @Override
        public void add(long delta) {
            if (delta < 0) {
                throw new IllegalArgumentException("delta: " + delta + " (expected: >= 0)");
            }
            adder.add(delta);
        }

        @Override
        public long count() {
            return adder.sum();
        }

        @Override
        Measurement measure(Measurement previous) {
            return counterValue(previous, adder.sum());
        }

        @Override
        String describe() {
            return "counter";
        }
    }

    static final class FunctionCounter extends Metric {
        private final LongSupplier fn;

        FunctionCounter(Id id, LongSupplier fn) {
            super(id);
            this.fn = fn;
        }

        @Override
        Measurement measure(Measurement previous) {
            return counterValue(previous, fn.getAsLong());
        }

        @Override
        String describe() {
            return "read-only counter of the pipeline's own";
        }
    }

    static final class ValueGauge extends Metric implements SettableGauge {
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0.0));

        ValueGauge(Id id) {
            super(id);
        }

        @Override
        public void set(double value) {
            bits.set(Double.doubleToRawLongBits(value));
        }

        @Override
        public double value() {
            return Double.longBitsToDouble(bits.get());
        }

        @Override
        Measurement measure(Measurement previous) {
            return gaugeValue(previous, value());
        }

        @Override
        String describe() {
            return "settable gauge";
        }
    }

    static final class FunctionGauge extends Metric implements Gauge {
        private final DoubleSupplier fn;
        private volatile boolean failureLogged;

        FunctionGauge(Id id, DoubleSupplier fn) {
            super(id);
            this.fn = fn;
        }

        @Override
        public double value() {
            try {
                return fn.getAsDouble();
            } catch (Throwable t) { // user code: report once, never propagate into a delivery thread
                if (!failureLogged) {
                    failureLogged = true;
                    log.warn("Tandem gauge {} threw; reporting NaN (logged once)", id, t);
                }
                return Double.NaN;
            }
        }

        @Override
        Measurement measure(Measurement previous) {
            return gaugeValue(previous, value());
        }

        @Override
        String describe() {
            return "gauge";
        }
    }
}
