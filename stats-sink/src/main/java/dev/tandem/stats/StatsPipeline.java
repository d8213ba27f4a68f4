package dev.tandem.stats;

import dev.tandem.stats.internal.Checks;
import dev.tandem.stats.jfr.StatsEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telemetry that can never block its caller. Record from any number of threads; each registered
 * {@link StatsSink} is fed on its own delivery thread through its own bounded queue.
 *
 * <ul>
 *   <li><b>Metrics are state</b> (S3): {@link #counter counters} and {@link #gauge gauges} live
 *       in this process, exact and lock-free; every publish carries their current cumulative
 *       values, so a lost or failed publish never corrupts a count.</li>
 *   <li><b>Events are lossy</b> (S1, S2): {@link EventType#record recording} offers the event to
 *       each sink's bounded MPSC queue and returns; a full or unhealthy sink counts a drop.</li>
 *   <li><b>Sinks are isolated</b> (S4, S5): a hung, failing or slow sink delays no producer and
 *       no other sink; see {@link SinkState} and {@link DropReason}.</li>
 *   <li><b>Close is bounded</b> (S7): {@link #close(Duration)} flushes what it can and returns by
 *       its deadline, whatever the sinks do.</li>
 *   <li><b>It observes itself</b> (S8): {@link #sinkStats()} in code, {@code tandem.stats.*}
 *       metrics in every batch, and at most one warning line per sink per interval.</li>
 * </ul>
 *
 * <pre>{@code
 * StatsPipeline stats = StatsPipeline.builder()
 *         .sink("log", LoggingStatsSink.create())
 *         .build();
 * Counter opened = stats.counter("tandem.connections.opened", Tags.empty());
 * opened.increment();
 * stats.close(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Threads: one {@code tandem-stats-<sink>} daemon thread per sink and one
 * {@code tandem-stats-watchdog}, all started by {@link Builder#build()} and ended by close. A
 * pipeline without sinks starts no thread and still keeps exact metrics.
 */
public final class StatsPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatsPipeline.class);

    private final MetricRegistry registry = new MetricRegistry();
    private final SinkChannel[] channels;
    private final Thread[] deliveryThreads;
    /** Each sink's drop totals as Flight Recorder's periodic StatsDropped event reads them. */
    private final Object[] dropTracking;
    private static final String[] DROP_REASONS = dropReasonTags();
    private final Watchdog watchdog;
    private final Thread watchdogThread;
    private final Clock clock;
    private final CachedClock cachedClock; // null: each event reads the clock itself
    private final Clock eventClock; // where event timestamps come from: the cached clock, or the clock itself
    private final Duration closeTimeout;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CompletableFuture<Boolean> closed = new CompletableFuture<>();

    private StatsPipeline(Builder b) {
        this.clock = b.clock;
        this.closeTimeout = b.closeTimeout;
        int n = b.names.size();
        // An injected clock is read on every event, so tests see exactly the time they set; with no
        // sink no event is ever built, and there is no watchdog to advance a cache.
        this.cachedClock = b.preciseTimestamps || b.clock != Clock.system() || n == 0 ? null : new CachedClock(b.clock);
        this.eventClock = cachedClock != null ? cachedClock : b.clock;
        this.channels = new SinkChannel[n];
        this.deliveryThreads = new Thread[n];
        this.dropTracking = new Object[n];
        for (int i = 0; i < n; i++) {
            SinkChannel ch = new SinkChannel(b.names.get(i), b.sinks.get(i), b.options.get(i), clock,
                    b.stripes == 0 ? EventStripes.perCore(b.options.get(i).queueCapacity()) : b.stripes);
            channels[i] = ch;
            registerSelfMetrics(ch);
            dropTracking[i] = StatsEvents.trackDrops(ch.name, DROP_REASONS, () -> dropTotals(ch));
            deliveryThreads[i] = new DeliveryThread("tandem-stats-" + ch.name, new DeliveryLoop(ch, registry, clock));
        }
        if (n == 0) {
            this.watchdog = null;
            this.watchdogThread = null;
        } else {
            this.watchdog = new Watchdog(channels, clock, b.dropLogInterval.toNanos(), b.warn, cachedClock,
                    b.timestampTick.toNanos());
            this.watchdogThread = new Thread(watchdog, "tandem-stats-watchdog");
            watchdogThread.setDaemon(true);
        }
    }

    private static String[] dropReasonTags() {
        DropReason[] rs = DropReason.values();
        String[] tags = new String[rs.length];
        for (DropReason r : rs) {
            tags[r.ordinal()] = r.tagValue();
        }
        return tags;
    }

    private static long[] dropTotals(SinkChannel ch) {
        SinkStats st = ch.stats();
        long[] totals = new long[DROP_REASONS.length];
        for (DropReason r : DropReason.values()) {
            totals[r.ordinal()] = st.dropped(r);
        }
        return totals;
    }

    private void start() {
        for (Thread t : deliveryThreads) {
            t.start();
        }
        if (watchdogThread != null) {
            watchdogThread.start();
        }
    }

    /**
     * The pipeline's own {@code tandem.stats.*} metrics for one sink. Each reads one of the
     * channel's counters directly (no {@link SinkStats} is built), so a metrics snapshot on a
     * delivery thread allocates nothing for them.
     */
    private void registerSelfMetrics(SinkChannel ch) {
        Tags sink = Tags.of("sink", ch.name);
        registry.functionCounter("tandem.stats.recorded", sink, ch::recordedCount);
        registry.functionCounter("tandem.stats.enqueued", sink, ch::enqueuedCount);
        registry.functionCounter("tandem.stats.delivered", sink, ch::deliveredCount);
        for (DropReason r : DropReason.values()) {
            registry.functionCounter("tandem.stats.dropped", sink.and("reason", r.tagValue()), () -> ch.droppedCount(r));
        }
        registry.functionCounter("tandem.stats.publish.failures", sink, ch::failuresCount);
        registry.gauge("tandem.stats.queued", sink, ch::queuedCount);
        registry.gauge("tandem.stats.publish.running_ms", sink, ch::publishRunningMillis);
        registry.gauge("tandem.stats.delivery.abandoned", sink, () -> ch.deliveryAbandoned() ? 1 : 0);
        for (SinkState s : SinkState.values()) {
            registry.gauge("tandem.stats.state", sink.and("state", s.name().toLowerCase(java.util.Locale.ROOT)),
                    () -> ch.state() == s ? 1 : 0);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ recording

    /** The counter with this name and no tags, created on first use. */
    public Counter counter(String name) {
        return registry.counter(name, Tags.empty());
    }

    /**
     * The counter with this name and tags, created on first use; later calls return the same one.
     *
     * @throws IllegalArgumentException if a gauge is registered under the same name and tags
     */
    public Counter counter(String name, Tags tags) {
        return registry.counter(name, tags);
    }

    /**
     * Registers a gauge sampled from {@code valueFunction} each time a batch is published, on the
     * sink's delivery thread (inside its publish timeout). The function must be thread-safe and
     * quick; if it throws, the gauge reads {@code NaN}.
     *
     * @throws IllegalArgumentException if anything is already registered under this name and tags
     */
    public Gauge gauge(String name, Tags tags, DoubleSupplier valueFunction) {
        return registry.gauge(name, tags, valueFunction);
    }

    /** The settable gauge with this name and tags (initially 0), created on first use. */
    public SettableGauge settableGauge(String name, Tags tags) {
        return registry.settableGauge(name, tags);
    }

    /**
     * Removes a counter or gauge: later batches no longer carry it, and the name and tags may be
     * registered again (a counter registered again starts from zero). The pipeline's own
     * {@code tandem.stats.*} counters cannot be removed.
     *
     * @return true if a metric was removed
     */
    public boolean remove(String name, Tags tags) {
        return registry.remove(name, tags);
    }

    /**
     * Declares an event type. Keep the result and record through it; declaring the same name
     * again is allowed and yields an equivalent type.
     *
     * @throws IllegalArgumentException on an empty or repeated field name, or more than
     *     {@value EventType#MAX_FIELDS} fields
     */
    public EventType eventType(String name, String... fieldNames) {
        return EventType.create(name, fieldNames, this);
    }

    /**
     * The hot path behind {@link EventType#record}: writes the event into each sink's ring that
     * can take it now, and counts a drop for each that cannot (not RUNNING, its stripe full; or
     * the caller is a delivery thread). The timestamp is read once, and only once some sink has
     * claimed a slot for the event. Never blocks, allocates nothing, and throws only what an
     * injected {@link Clock} throws, after every sink has had the event (stamped 0 from then on).
     */
    void record(EventType type, Tags tags, long v0, long v1, long v2, long v3, long v4, long v5) {
        SinkChannel[] cs = channels;
        if (Thread.currentThread() instanceof DeliveryThread) {
            for (SinkChannel c : cs) {
                c.dropReEntrant();
            }
            return;
        }
        long millis = SinkChannel.NOT_READ;
        Throwable clockFailure = null;
        for (SinkChannel c : cs) {
            try {
                millis = c.record(eventClock, type, millis, tags, v0, v1, v2, v3, v4, v5);
            } catch (RuntimeException | Error e) { // only an injected clock throws here: stamp 0, finish the sinks
                clockFailure = e;
                millis = 0;
            }
        }
        if (clockFailure instanceof Error e) {
            throw e;
        }
        if (clockFailure != null) {
            throw (RuntimeException) clockFailure;
        }
    }

    // ------------------------------------------------------------------ observation

    /** The current value of every metric, including {@code tandem.stats.*}, in registration order. */
    public List<Measurement> measurements() {
        return registry.snapshot();
    }

    /** Every sink's books, in registration order. */
    public List<SinkStats> sinkStats() {
        List<SinkStats> out = new ArrayList<>(channels.length);
        for (SinkChannel c : channels) {
            out.add(c.stats());
        }
        return out;
    }

    /**
     * One sink's books.
     *
     * @throws IllegalArgumentException if no sink has that name
     */
    public SinkStats sinkStats(String sinkName) {
        Objects.requireNonNull(sinkName, "sinkName");
        for (SinkChannel c : channels) {
            if (c.name.equals(sinkName)) {
                return c.stats();
            }
        }
        throw new IllegalArgumentException("sinkName: '" + sinkName + "' (expected one of " + sinkNames() + ")");
    }

    public List<String> sinkNames() {
        List<String> out = new ArrayList<>(channels.length);
        for (SinkChannel c : channels) {
            out.add(c.name);
        }
        return out;
    }

    /** True once close has begun. */
    public boolean isClosed() {
        return closeStarted.get();
    }

    // ------------------------------------------------------------------ close

    /** {@link #close(Duration)} with the builder's close timeout (default 5 s). */
    @Override
    public void close() {
        close(closeTimeout);
    }

    /**
     * Stops accepting events, lets each sink flush what it can and close, and returns by
     * {@code timeout} (plus scheduling noise) whatever the sinks do (S7). A delivery thread still
     * busy at the deadline is abandoned: interrupted if it is inside {@code publish} (to free
     * interruptible I/O), left alone if it is inside the sink's {@code close()}. Its sink stays
     * CLOSING and its unsent events are reported as in flight, then as shutdown drops once it
     * ends. Later calls wait for the first close, up to their own timeout.
     *
     * @return true if every sink published everything it held, ended with a final metrics
     *     publish and closed without error, all within the deadline
     */
    public boolean close(Duration timeout) {
        long timeoutNanos = Checks.nonNegativeNanos("timeout", timeout);
        long deadline = Checks.deadline(System.nanoTime(), timeoutNanos);
        if (!closeStarted.compareAndSet(false, true)) {
            try {
                return closed.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        for (SinkChannel c : channels) {
            c.beginClose(deadline);
        }
        boolean all = true;
        boolean interrupted = false;
        for (int i = 0; i < deliveryThreads.length; i++) {
            Thread t = deliveryThreads[i];
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (t.isAlive()) {
                all = false;
                SinkChannel ch = channels[i];
                ch.abandonDelivery(); // before the interrupt: readers of SinkStats see it while the thread lives
                ch.interruptUnlessClosingSink(t); // may free a publish blocked in interruptible I/O
                if (timeoutNanos > 0) {
                    SinkStats st = ch.stats();
                    log.warn("Tandem stats sink '{}' did not finish within the close timeout of {}; abandoning its "
                            + "delivery thread (state {}, {} events in flight, its publish running for {} ms; "
                            + "sinkStats shows deliveryAbandoned until it returns)", ch.name, timeout,
                            ch.state(), st.inFlight(), st.publishRunningMillis());
                }
            } else if (!channels[i].closedCleanly()) {
                all = false;
            }
        }
        if (watchdog != null) {
            watchdog.stop();
        }
        for (Object t : dropTracking) {
            StatsEvents.untrack(t);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        closed.complete(all);
        return all;
    }

    @Override
    public String toString() {
        return "StatsPipeline" + sinkNames();
    }

    /** Collects sinks and options; {@link #build()} validates them and starts the threads. */
    public static final class Builder {
        private static final Duration DEFAULT_TIMESTAMP_TICK = Duration.ofMillis(10);
        private static final Duration MIN_TIMESTAMP_TICK = Duration.ofMillis(1);
        private static final Duration MAX_TIMESTAMP_TICK = Duration.ofSeconds(1);
        private static final Pattern SINK_NAME = Pattern.compile("[A-Za-z0-9._-]+");

        private final List<String> names = new ArrayList<>();
        private final List<StatsSink> sinks = new ArrayList<>();
        private final List<SinkOptions> options = new ArrayList<>();
        private Clock clock = Clock.system();
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration dropLogInterval = Duration.ofSeconds(60);
        private Duration timestampTick = DEFAULT_TIMESTAMP_TICK;
        private boolean preciseTimestamps;
        private int stripes; // 0: one per core (see EventStripes.perCore)
        private Consumer<String> warn = log::warn;
        private boolean built;

        private Builder() {}

        /** Registers a sink with {@link SinkOptions#defaults()}. */
        public Builder sink(String name, StatsSink sink) {
            return sink(name, sink, SinkOptions.defaults());
        }

        /**
         * Registers a sink under a unique name ({@code [A-Za-z0-9._-]+}: it appears in thread names
         * and in the {@code sink} tag).
         */
        public Builder sink(String name, StatsSink sink, SinkOptions options) {
            names.add(name); // checked by build(), with every other option
            sinks.add(sink);
            this.options.add(options);
            return this;
        }

        /** The clock for lingers, timeouts and timestamps (default {@link Clock#system()}). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * How often the cached clock that event timestamps come from is advanced (default 10 ms,
         * from 1 ms to 1 s): an event's timestamp is then at most one tick (plus scheduling delay)
         * behind the precise time, and reading it costs a producer one volatile load instead of a
         * {@link System#currentTimeMillis()} call. The pipeline's watchdog thread advances it; no
         * thread is added. Ignored with {@link #preciseTimestamps(boolean) precise timestamps} or
         * an injected {@link #clock(Clock) clock}, whose time every event reads itself.
         */
        public Builder timestampTick(Duration timestampTick) {
            this.timestampTick = timestampTick;
            return this;
        }

        /**
         * True to read the clock on every recorded event instead of the cached clock (default
         * false): exact to the millisecond, at the cost of a clock call per event.
         */
        public Builder preciseTimestamps(boolean preciseTimestamps) {
            this.preciseTimestamps = preciseTimestamps;
            return this;
        }

        /**
         * How many stripes each sink's storage is split into (default 0: one per core, rounded up
         * to a power of two, fewer for a sink whose stripes would hold under 64 events). Each
         * producer thread writes to one stripe, chosen by its thread id, so concurrent producers
         * do not contend; the sink's {@code queueCapacity} is their total, so one thread alone
         * can fill only its own stripe, {@code queueCapacity / stripes} events (its drops count as
         * {@code queue_full}). 1 gives every producer the whole capacity, in one shared queue.
         * Otherwise a power of two, at most 64 and at most half of every sink's capacity.
         */
        public Builder producerStripes(int producerStripes) {
            this.stripes = producerStripes;
            return this;
        }

        /** The deadline {@link StatsPipeline#close()} uses (default 5 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /** The most often one sink's drop summary is logged (default 60 s). */
        public Builder dropLogInterval(Duration dropLogInterval) {
            this.dropLogInterval = dropLogInterval;
            return this;
        }

        /** For tests of the summary line: where warnings go instead of slf4j. */
        Builder warnings(Consumer<String> warn) {
            this.warn = warn;
            return this;
        }

        /**
         * Validates the configuration and starts the pipeline's threads. Every option and sink
         * registration is checked here, none in its setter, so that every builder of Tandem has the
         * same rule.
         *
         * @throws NullPointerException naming a missing option ({@code clock}, {@code closeTimeout},
         *     {@code dropLogInterval}) or sink argument ({@code name}, {@code sink}, {@code options})
         * @throws IllegalArgumentException on an invalid or repeated sink name, the same sink
         *     instance registered twice, or an invalid duration
         * @throws IllegalStateException if this builder already built a pipeline
         */
        public StatsPipeline build() {
            if (built) {
                throw new IllegalStateException("this builder already built a pipeline (expected: one build per builder, "
                        + "since a sink must not be fed by two pipelines)");
            }
            Objects.requireNonNull(clock, "clock");
            Checks.positiveNanos("closeTimeout", closeTimeout);
            Checks.positiveNanos("dropLogInterval", dropLogInterval);
            long tick = Checks.positiveNanos("timestampTick", timestampTick);
            if (tick < MIN_TIMESTAMP_TICK.toNanos() || tick > MAX_TIMESTAMP_TICK.toNanos()) {
                throw new IllegalArgumentException("timestampTick: " + timestampTick + " (expected: "
                        + MIN_TIMESTAMP_TICK + " to " + MAX_TIMESTAMP_TICK + ")");
            }
            if (stripes != 0) {
                Checks.positive("producerStripes", stripes);
                if (Integer.bitCount(stripes) != 1 || stripes > 64) {
                    throw new IllegalArgumentException("producerStripes: " + stripes
                            + " (expected: 0 for one per core, or a power of two up to 64)");
                }
            }
            Set<String> seen = new HashSet<>();
            Map<StatsSink, String> instances = new IdentityHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                String name = Objects.requireNonNull(names.get(i), "name");
                Objects.requireNonNull(sinks.get(i), "sink");
                Objects.requireNonNull(options.get(i), "options");
                if (!SINK_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("sink name: '" + name + "' (expected: [A-Za-z0-9._-]+)");
                }
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("sink name: '" + name + "' registered twice (expected: unique names)");
                }
                int room = Integer.highestOneBit(Math.max(1, options.get(i).queueCapacity() - 1)); // rounded capacity / 2
                if (stripes > room) {
                    throw new IllegalArgumentException("producerStripes: " + stripes + " (expected: at most " + room
                            + " for sink '" + name + "' of queueCapacity " + options.get(i).queueCapacity() + ")");
                }
                String prior = instances.put(sinks.get(i), name);
                if (prior != null) {
                    throw new IllegalArgumentException("sink '" + name + "' is the same instance as sink '" + prior
                            + "' (expected: one registration per instance, since publish is single-threaded)");
                }
            }
            built = true;
            StatsPipeline p = new StatsPipeline(this);
            p.start();
            return p;
        }
    }
}
