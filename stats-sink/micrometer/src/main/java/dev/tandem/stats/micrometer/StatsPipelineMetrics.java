package dev.tandem.stats.micrometer;

import dev.tandem.stats.Clock;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.internal.Checks;
import dev.tandem.stats.internal.CloseOnce;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes a {@link StatsPipeline}'s metrics to Micrometer: every counter of the pipeline as a
 * {@link FunctionCounter}, every gauge as a {@link Gauge}, with the same name and tags. That
 * covers the pipeline's own books per sink ({@code tandem.stats.queued}, {@code .delivered},
 * {@code .dropped{reason}}, {@code .state{state}}, ...) and whatever else records into it, such
 * as core's {@code tandem.connections.live}, {@code .opened} and {@code .closed{reason}}.
 *
 * <pre>{@code
 * StatsPipelineMetrics metrics = StatsPipelineMetrics.of(pipeline);
 * metrics.bindTo(registry);   // any MeterRegistry: Prometheus, OTLP, JMX, a composite ...
 * ...
 * metrics.close();            // removes the meters again
 * }</pre>
 *
 * <h2>Values</h2>
 * Meters read the pipeline's exact in-process state through one shared snapshot of
 * {@link StatsPipeline#measurements()}, retaken when a meter is read and the snapshot is older
 * than {@link Builder#maxSnapshotAge maxSnapshotAge} (default 1 s). So one scrape reads one
 * consistent snapshot (the pipeline's gauge functions run once, not once per meter), and no value
 * is older than that age when it is read. Counters are never incremented here: they are the
 * pipeline's cumulative totals, so nothing is lost whatever the registry does.
 *
 * <h2>Metrics that appear later</h2>
 * Each retaken snapshot is compared with the meters bound so far: a metric new to the pipeline
 * (a close reason seen for the first time, a manager created after binding) gets its meter then,
 * and a metric removed from the pipeline loses its meter. Snapshots are retaken when the registry
 * polls (a Prometheus scrape, a push registry's step), so a new metric shows up at the first poll
 * after it appears, at most one poll late; {@link #refresh()} does it at once. The binder also
 * registers the gauge {@code tandem.micrometer.bound} (how many pipeline metrics it exposes), so
 * there is something to poll even when the pipeline had no metric at bind time.
 *
 * <p>Implementation notes: meters are read on the registry's threads (a scrape, a publishing
 * thread, a user's {@code registry.get(...)}), any number at once. A read never waits: it uses the
 * current snapshot ({@code volatile}) and, if that is stale, tries a {@link ReentrantLock}; only
 * the thread that gets it retakes the snapshot and binds or removes meters, the others go on with
 * the snapshot they have. {@link #bindTo}, {@link #refresh} and {@link #close} take the same lock
 * and may wait for it. Holding our lock while registering with a registry (which takes the
 * registry's own lock) cannot deadlock with a registry reading a meter under its lock, because that
 * read only ever tries our lock. A new snapshot is published before the meters it introduces are
 * registered, so a new meter never reads a snapshot without its metric. The lifecycle is one
 * {@link AtomicReference} moved OPEN -> CLOSED by CAS; after close, meters read {@code NaN} until
 * the registry drops them (close removes them from every bound registry).
 */
public final class StatsPipelineMetrics implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatsPipelineMetrics.class);

    /** The binder's own gauge: how many of the pipeline's metrics it exposes right now. */
    public static final String BOUND_GAUGE = "tandem.micrometer.bound";

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("tandem.stats.recorded", "Events handed to this sink: accepted into its queue or dropped at the door"),
            Map.entry("tandem.stats.enqueued", "Events accepted into this sink's queue"),
            Map.entry("tandem.stats.delivered", "Events in batches this sink published successfully"),
            Map.entry("tandem.stats.dropped", "Events dropped for this sink, by reason"),
            Map.entry("tandem.stats.publish.failures", "Publish calls of this sink that threw"),
            Map.entry("tandem.stats.queued", "Events waiting in this sink's queue"),
            Map.entry("tandem.stats.publish.running_ms", "How long this sink's publish in progress has run, in ms (0: none)"),
            Map.entry("tandem.stats.delivery.abandoned", "1 while close has given up on this sink's delivery thread and it still runs"),
            Map.entry("tandem.stats.state", "1 for this sink's current delivery state, 0 for the others"),
            Map.entry("tandem.connections.live", "Connection pairs open now"),
            Map.entry("tandem.connections.opened", "Connection pairs opened"),
            Map.entry("tandem.connections.closed", "Connection pairs closed, by the first reason"),
            Map.entry("tandem.connections.stuck", "Connection pairs reported STUCK"),
            Map.entry("tandem.connections.messages.dropped", "Outbound messages dropped by the overflow policy"),
            Map.entry("tandem.connections.hook.failures", "Cleanup hooks that threw or overran their deadline"));


    /** A metric's identity in the pipeline, with its kind (a metric removed and re-added may change kind). */
    private record Key(String name, dev.tandem.stats.Tags tags, Measurement.Kind kind) {}

    /** The pipeline's values at one moment. */
    private record Snapshot(long takenAtNanos, Map<Key, Measurement> values) {}

    /** A meter and the registry it is registered with. */
    private record Registered(MeterRegistry registry, Meter meter) {
        void remove() {
            registry.remove(meter);
        }
    }

    /** One pipeline metric and the meters it has, one per bound registry that accepted it. */
    private final class Bound {
        final Key key;
        final List<Registered> meters = new CopyOnWriteArrayList<>();

        Bound(Key key) {
            this.key = key;
        }

        double read() {
            Measurement m = current().values().get(key);
            if (m == null || !state.isOpen()) {
                return Double.NaN; // removed from the pipeline: the meter goes at the next refresh
            }
            return key.kind() == Measurement.Kind.COUNTER ? (double) m.longValue() : m.value();
        }
    }

    private final CloseOnce state = new CloseOnce();
    private final ReentrantLock structure = new ReentrantLock();
    private final StatsPipeline pipeline;
    private final Clock clock;
    private final long maxAgeNanos;
    private final List<Tag> extraTags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Map<Key, Bound> bound = new ConcurrentHashMap<>();
    private final Set<Key> refused = ConcurrentHashMap.newKeySet();
    private final List<Registered> ownMeters = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;

    private StatsPipelineMetrics(Builder b) {
        this.pipeline = b.pipeline;
        this.clock = b.clock;
        this.maxAgeNanos = b.maxSnapshotAge.toNanos();
        this.extraTags = List.copyOf(b.tags);
        this.snapshot = take();
    }

    /** A binder with the defaults. */
    public static StatsPipelineMetrics of(StatsPipeline pipeline) {
        return builder(pipeline).build();
    }

    public static Builder builder(StatsPipeline pipeline) {
        return new Builder(Objects.requireNonNull(pipeline, "pipeline"));
    }

    /**
     * Registers a meter for every metric the pipeline has now, and keeps this registry's meters in
     * step with the pipeline from then on. Binding more registries is fine; binding the same one
     * again does nothing.
     *
     * @throws IllegalStateException if this binder is closed
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        structure.lock();
        try {
            if (!state.isOpen()) {
                throw new IllegalStateException("StatsPipelineMetrics is closed (expected: bindTo before close)");
            }
            for (MeterRegistry r : registries) {
                if (r == registry) {
                    return;
                }
            }
            registries.add(registry);
            // Strongly referenced: the registry keeps this binder (and so every meter's state) alive.
            ownMeters.add(new Registered(registry, Gauge.builder(BOUND_GAUGE, this, StatsPipelineMetrics::boundCount)
                    .tags(extraTags).description("Tandem pipeline metrics this binder exposes")
                    .strongReference(true).register(registry)));
            Snapshot s = take();
            snapshot = s;
            for (Bound b : bound.values()) {
                register(b, registry);
            }
            sync(s);
        } finally {
            structure.unlock();
        }
    }

    /**
     * Retakes the snapshot now, and binds meters for metrics new to the pipeline and removes those
     * of metrics it no longer has, in every bound registry. Registry polls do the same on their own
     * (see the class comment); call this to see a new metric at once.
     */
    public void refresh() {
        structure.lock();
        try {
            if (state.isOpen()) {
                Snapshot s = take();
                snapshot = s;
                sync(s);
            }
        } finally {
            structure.unlock();
        }
    }

    /** How many of the pipeline's metrics have meters now (the value of {@value #BOUND_GAUGE}). */
    public int boundCount() {
        current(); // a poll of this gauge alone keeps the meters in step too
        return bound.size();
    }

    /**
     * Removes every meter this binder registered, from every registry it was bound to. Idempotent;
     * the pipeline is not closed.
     */
    @Override
    public void close() {
        if (!state.close()) {
            return;
        }
        structure.lock();
        try {
            for (Bound b : bound.values()) {
                b.meters.forEach(Registered::remove);
            }
            ownMeters.forEach(Registered::remove);
            bound.clear();
            registries.clear();
            ownMeters.clear();
        } finally {
            structure.unlock();
        }
    }

    // ------------------------------------------------------------------ machinery

    private Snapshot take() {
        List<Measurement> ms = pipeline.measurements();
        Map<Key, Measurement> values = new HashMap<>(ms.size() * 2);
        for (Measurement m : ms) {
            values.put(new Key(m.name(), m.tags(), m.kind()), m);
        }
        return new Snapshot(clock.nanoTime(), values);
    }

    /** The snapshot to read; retaken (and the meters synced) by one reader when stale. Never waits. */
    private Snapshot current() {
        Snapshot s = snapshot;
        if (clock.nanoTime() - s.takenAtNanos() < maxAgeNanos || !state.isOpen()) {
            return s;
        }
        if (!structure.tryLock()) {
            return s; // someone else is retaking it; this read goes on with a snapshot at most one poll old
        }
        try {
            s = snapshot;
            if (clock.nanoTime() - s.takenAtNanos() >= maxAgeNanos && state.isOpen()) {
                s = take();
                snapshot = s;
                sync(s);
            }
            return s;
        } finally {
            structure.unlock();
        }
    }

    /**
     * Under the structure lock: remove what is gone, then bind what is new (in that order, so a
     * metric re-added as another kind frees its name and tags in the registry first).
     */
    private void sync(Snapshot s) {
        List<Bound> gone = new ArrayList<>();
        for (Bound b : bound.values()) {
            if (!s.values().containsKey(b.key)) {
                gone.add(b);
            }
        }
        for (Bound b : gone) {
            bound.remove(b.key);
            b.meters.forEach(Registered::remove);
        }
        for (Key k : s.values().keySet()) {
            if (!bound.containsKey(k)) {
                Bound b = new Bound(k);
                bound.put(k, b);
                for (MeterRegistry r : registries) {
                    register(b, r);
                }
            }
        }
        refused.retainAll(s.values().keySet());
    }

    private void register(Bound b, MeterRegistry registry) {
        Key k = b.key;
        List<Tag> tags = new ArrayList<>(k.tags().size() + extraTags.size());
        k.tags().forEach((key, value) -> tags.add(Tag.of(key, value)));
        tags.addAll(extraTags);
        String description = DESCRIPTIONS.get(k.name());
        try {
            Meter m;
            if (k.kind() == Measurement.Kind.COUNTER) {
                m = FunctionCounter.builder(k.name(), b, Bound::read).tags(tags).description(description)
                        .register(registry);
            } else {
                m = Gauge.builder(k.name(), b, Bound::read).tags(tags).description(description)
                        .register(registry);
            }
            b.meters.add(new Registered(registry, m));
        } catch (RuntimeException e) { // the registry refused it (e.g. Prometheus: other tag keys for this name)
            if (refused.add(k)) {
                log.warn("Micrometer registry {} refused Tandem metric {}{} ({}); it is not exported there",
                        registry.getClass().getSimpleName(), k.name(), k.tags(), e.toString());
            }
        }
    }

    /** For the docs check: the configured age. */
    Duration maxSnapshotAge() {
        return Duration.ofNanos(maxAgeNanos);
    }

    @Override
    public String toString() {
        return "StatsPipelineMetrics[" + pipeline + ", " + bound.size() + " metrics, " + registries.size()
                + " registries, " + state + ']';
    }

    /** Options of the binder. */
    public static final class Builder {
        private final StatsPipeline pipeline;
        private Duration maxSnapshotAge = Duration.ofSeconds(1);
        private Clock clock = Clock.system();
        private final List<Tag> tags = new ArrayList<>();

        private Builder(StatsPipeline pipeline) {
            this.pipeline = pipeline;
        }

        /**
         * The oldest snapshot a meter may read (default 1 s); zero retakes it at every read (then
         * a scrape of n meters takes n snapshots).
         */
        public Builder maxSnapshotAge(Duration maxSnapshotAge) {
            this.maxSnapshotAge = maxSnapshotAge;
            return this;
        }

        /**
         * Tags added to every meter, as alternating keys and values, e.g. {@code tags("pipeline",
         * "orders")} to tell two pipelines bound to one registry apart. Use keys the pipeline's
         * metrics do not have: on a clash, this tag replaces the metric's own.
         */
        public Builder tags(String... keysAndValues) {
            Objects.requireNonNull(keysAndValues, "keysAndValues");
            dev.tandem.stats.Tags.of(keysAndValues).forEach((k, v) -> tags.add(Tag.of(k, v)));
            return this;
        }

        /** The clock for snapshot ages (default {@link Clock#system()}). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Validates the options and takes the first snapshot.
         *
         * @throws IllegalArgumentException on a negative age
         */
        public StatsPipelineMetrics build() {
            Checks.nonNegativeNanos("maxSnapshotAge", maxSnapshotAge);
            return new StatsPipelineMetrics(this);
        }
    }
}
