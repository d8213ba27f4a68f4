package dev.tandem.stats.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import dev.tandem.stats.Counter;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.EventType;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkState;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The binder against Micrometer's SimpleMeterRegistry: kinds, exact values, metrics that come and go. */
@Timeout(60)
class StatsPipelineMetricsTest {
    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<StatsPipeline> pipelines = new ArrayList<>();
    private final List<StatsPipelineMetrics> binders = new ArrayList<>();

    @AfterEach
    void closeEverything() throws InterruptedException {
        binders.forEach(StatsPipelineMetrics::close);
        pipelines.forEach(p -> p.close(Duration.ofSeconds(5)));
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private StatsPipeline pipeline(StatsPipeline.Builder b) {
        StatsPipeline p = b.build();
        pipelines.add(p);
        return p;
    }

    private StatsPipelineMetrics bind(StatsPipeline p, MeterRegistry r) {
        StatsPipelineMetrics m = StatsPipelineMetrics.builder(p).clock(clock).build();
        binders.add(m);
        m.bindTo(r);
        return m;
    }

    private void aPollLater() {
        clock.advance(Duration.ofSeconds(1)); // the default maxSnapshotAge
    }

    static void awaitTrue(BooleanSupplier condition, String what) {
        dev.tandem.stats.Await.until(Duration.ofSeconds(20), condition, () -> what);
    }

    @Test
    void countersAreFunctionCountersAndGaugesAreGaugesWithTheExactValues() {
        StatsPipeline p = pipeline(StatsPipeline.builder());
        Counter c = p.counter("app.requests", Tags.of("route", "/a"));
        c.add(5);
        p.settableGauge("app.temperature", Tags.empty()).set(-2.5);
        p.gauge("app.queue.depth", Tags.of("q", "out"), () -> 7);
        bind(p, registry);

        FunctionCounter fc = registry.get("app.requests").tags("route", "/a").functionCounter();
        assertEquals(5.0, fc.count());
        assertEquals(-2.5, registry.get("app.temperature").gauge().value());
        assertEquals(7.0, registry.get("app.queue.depth").tags("q", "out").gauge().value());

        c.add(Long.MAX_VALUE / 4);
        aPollLater();
        assertEquals((double) (5 + Long.MAX_VALUE / 4), fc.count(), "the pipeline's total, not an increment of ours");
    }

    @Test
    void aSnapshotIsReusedUntilItIsOlderThanMaxSnapshotAge() {
        StatsPipeline p = pipeline(StatsPipeline.builder());
        Counter c = p.counter("app.c", Tags.empty());
        bind(p, registry);
        FunctionCounter fc = registry.get("app.c").functionCounter();
        c.increment();
        clock.advance(Duration.ofMillis(999));
        assertEquals(0.0, fc.count(), "within maxSnapshotAge: the snapshot of bind time");
        clock.advance(Duration.ofMillis(1));
        assertEquals(1.0, fc.count(), "older than maxSnapshotAge: retaken");

        StatsPipelineMetrics always = StatsPipelineMetrics.builder(p).clock(clock).maxSnapshotAge(Duration.ZERO).build();
        binders.add(always);
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        always.bindTo(other);
        c.increment();
        assertEquals(2.0, other.get("app.c").functionCounter().count(), "zero age: every read is fresh");
    }

    @Test
    void exposesEachSinksBooksQueuedDeliveredDroppedByReasonAndState() throws Exception {
        RecordingStatsSink ok = new RecordingStatsSink();
        StatsSink down = batch -> {
            throw new IOException("backend down");
        };
        SinkOptions fast = SinkOptions.builder().linger(Duration.ofMillis(10)).metricsInterval(Duration.ofMillis(10))
                .backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)).build();
        StatsPipeline p = pipeline(StatsPipeline.builder().sink("ok", ok, fast).sink("down", down, fast));
        StatsPipelineMetrics m = bind(p, registry);
        EventType t = p.eventType("app.event", "n");
        t.record(Tags.empty(), 1);
        awaitTrue(() -> p.sinkStats("down").state() == SinkState.BACKOFF && p.sinkStats("ok").delivered() == 1,
                "one sink delivers, the other backs off");
        for (int i = 0; i < 10; i++) {
            t.record(Tags.empty(), i); // dropped at the door of 'down': backoff
        }
        awaitTrue(() -> p.sinkStats("ok").delivered() == 11, "ok delivered everything");
        m.refresh();
        for (String sink : List.of("ok", "down")) {
            SinkStats s = p.sinkStats(sink);
            assertEquals((double) s.recorded(), registry.get("tandem.stats.recorded").tags("sink", sink).functionCounter().count());
            assertEquals((double) s.delivered(), registry.get("tandem.stats.delivered").tags("sink", sink).functionCounter().count());
            assertEquals((double) s.failures(), registry.get("tandem.stats.publish.failures").tags("sink", sink)
                    .functionCounter().count());
            assertEquals((double) s.queued(), registry.get("tandem.stats.queued").tags("sink", sink).gauge().value());
            for (DropReason r : DropReason.values()) {
                assertEquals((double) s.dropped(r), registry.get("tandem.stats.dropped")
                        .tags("sink", sink, "reason", r.tagValue()).functionCounter().count(), sink + " " + r);
            }
            for (SinkState st : SinkState.values()) {
                Gauge g = registry.get("tandem.stats.state").tags("sink", sink, "state", st.name().toLowerCase(Locale.ROOT))
                        .gauge();
                assertEquals(st == s.state() ? 1.0 : 0.0, g.value(), sink + " " + st);
            }
        }
        assertEquals(11.0, registry.get("tandem.stats.delivered").tags("sink", "ok").functionCounter().count());
        assertEquals(10.0, registry.get("tandem.stats.dropped").tags("sink", "down", "reason", "backoff")
                .functionCounter().count());
        assertEquals(1.0, registry.get("tandem.stats.state").tags("sink", "down", "state", "backoff").gauge().value());
        assertEquals("Events dropped for this sink, by reason",
                registry.get("tandem.stats.dropped").tags("sink", "down", "reason", "backoff").functionCounter()
                        .getId().getDescription());
    }

    @Test
    void aMetricThatAppearsAfterBindingGetsItsMeterAtTheNextPoll() {
        StatsPipeline p = pipeline(StatsPipeline.builder());
        bind(p, registry);
        Gauge boundGauge = registry.get(StatsPipelineMetrics.BOUND_GAUGE).gauge();
        assertEquals(0.0, boundGauge.value(), "an empty pipeline: only the binder's own gauge");

        p.counter("tandem.connections.closed", Tags.of("reason", "idle_timeout")).add(3); // a reason seen for the first time
        assertNull(registry.find("tandem.connections.closed").functionCounter(), "no poll yet");
        aPollLater();
        assertEquals(1.0, boundGauge.value(), "the poll that found it bound it");
        FunctionCounter fc = registry.get("tandem.connections.closed").tags("reason", "idle_timeout").functionCounter();
        assertEquals(3.0, fc.count());
    }

    @Test
    void refreshBindsNewMetricsAtOnceAndRemovesGoneOnes() {
        StatsPipeline p = pipeline(StatsPipeline.builder());
        p.gauge("tandem.connections.live", Tags.of("manager", "m1"), () -> 4);
        StatsPipelineMetrics m = bind(p, registry);
        assertEquals(4.0, registry.get("tandem.connections.live").gauge().value());
        p.counter("app.new", Tags.empty()).increment();
        assertTrue(p.remove("tandem.connections.live", Tags.of("manager", "m1")));
        m.refresh();
        assertEquals(1.0, registry.get("app.new").functionCounter().count());
        assertNull(registry.find("tandem.connections.live").gauge(), "removed from the pipeline, removed here");
        assertEquals(1, m.boundCount());
    }

    @Test
    void aMetricReAddedAsAnotherKindGetsAMeterOfThatKind() {
        StatsPipeline p = pipeline(StatsPipeline.builder());
        p.counter("app.x", Tags.empty()).add(2);
        StatsPipelineMetrics m = bind(p, registry);
        assertEquals(2.0, registry.get("app.x").functionCounter().count());
        p.remove("app.x", Tags.empty());
        p.settableGauge("app.x", Tags.empty()).set(9);
        m.refresh();
        assertNull(registry.find("app.x").functionCounter());
        assertEquals(9.0, registry.get("app.x").gauge().value());
    }

    @Test
    void bindsSeveralRegistriesEachOnceAndCloseRemovesEveryMeterFromAll() {
        StatsPipeline p = pipeline(StatsPipeline.builder().sink("rec", new RecordingStatsSink()));
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        StatsPipelineMetrics m = bind(p, registry);
        m.bindTo(second);
        int meters = registry.getMeters().size();
        m.bindTo(registry); // again: nothing new
        assertEquals(meters, registry.getMeters().size());
        assertEquals(p.measurements().size() + 1, meters, "one meter per pipeline metric, and the binder's own");

        p.counter("app.late", Tags.empty()).increment();
        m.refresh();
        assertNotNull(registry.find("app.late").functionCounter());
        assertNotNull(second.find("app.late").functionCounter());

        m.close();
        m.close();
        assertEquals(List.of(), registry.getMeters());
        assertEquals(List.of(), second.getMeters());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.bindTo(new SimpleMeterRegistry()));
        assertEquals("StatsPipelineMetrics is closed (expected: bindTo before close)", e.getMessage());
    }

    @Test
    void extraTagsGoOnEveryMeter() {
        StatsPipeline p = pipeline(StatsPipeline.builder());
        p.counter("app.c", Tags.of("k", "v")).increment();
        StatsPipelineMetrics m = StatsPipelineMetrics.builder(p).tags("pipeline", "orders").build();
        binders.add(m);
        m.bindTo(registry);
        for (Meter meter : registry.getMeters()) {
            assertEquals("orders", meter.getId().getTag("pipeline"), meter.getId().toString());
        }
        assertEquals(1.0, registry.get("app.c").tags("k", "v", "pipeline", "orders").functionCounter().count());
    }

    /** Micrometer holds a FunctionCounter's state weakly; the registry must keep the binder alive by itself. */
    @Test
    void theMetersKeepWorkingWhenNobodyKeepsTheBinder() {
        StatsPipeline p = pipeline(StatsPipeline.builder());
        p.counter("app.c", Tags.empty()).add(3);
        StatsPipelineMetrics.of(p).bindTo(registry); // no reference kept
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertEquals(3.0, registry.get("app.c").functionCounter().count(), "not NaN: the state was not collected");
    }

    /**
     * A registry that refuses one meter (its name and tags are taken there by a meter of another
     * type), next to one that accepts it: the refusal skips that meter in that registry alone, and
     * close removes only what the binder registered, registry by registry.
     */
    @Test
    void aMetricARegistryRefusesIsSkippedThereAloneAndItsOwnMeterIsLeftAlone() {
        SimpleMeterRegistry taken = new SimpleMeterRegistry();
        Gauge.builder("app.clash", () -> 1.0).strongReference(true).register(taken);
        StatsPipeline p = pipeline(StatsPipeline.builder());
        p.counter("app.clash", Tags.empty()).add(5);
        p.counter("app.fine", Tags.empty()).add(6);
        StatsPipelineMetrics m = bind(p, registry);
        m.bindTo(taken);
        assertEquals(5.0, registry.get("app.clash").functionCounter().count(), "accepted where the name is free");
        assertEquals(1.0, taken.get("app.clash").gauge().value(), "the other registry's own meter is left alone");
        assertEquals(6.0, taken.get("app.fine").functionCounter().count());
        p.counter("app.later", Tags.empty()).increment();
        m.refresh();
        assertEquals(1.0, taken.get("app.later").functionCounter().count(), "later metrics still bind");
        m.close();
        assertEquals(1.0, taken.get("app.clash").gauge().value(), "close removes only what the binder registered");
        assertEquals(1, taken.getMeters().size(), taken.getMeters().toString());
        assertEquals(List.of(), registry.getMeters());
    }

    /** A scrape stuck in a slow gauge function of the pipeline must not hold up another reader. */
    @Test
    void aReadNeverWaitsForASnapshotBeingTaken() throws Exception {
        CountDownLatch inGauge = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        StatsPipeline p = pipeline(StatsPipeline.builder());
        p.gauge("app.slow", Tags.empty(), () -> {
            if (armed.get()) {
                inGauge.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 1;
        });
        Counter c = p.counter("app.c", Tags.empty());
        c.add(4);
        StatsPipelineMetrics m = StatsPipelineMetrics.builder(p).clock(clock).build();
        binders.add(m);
        m.bindTo(registry);
        FunctionCounter fc = registry.get("app.c").functionCounter();
        armed.set(true);
        aPollLater();
        CompletableFuture<Double> slowRead = CompletableFuture.supplyAsync(() -> registry.get("app.slow").gauge().value());
        assertTrue(inGauge.await(10, TimeUnit.SECONDS), "the first reader is retaking the snapshot");
        c.increment();
        double v = assertTimeoutPreemptively(Duration.ofSeconds(5), fc::count, "a second reader does not wait");
        assertEquals(4.0, v, "it reads the snapshot it has");
        release.countDown();
        assertEquals(1.0, slowRead.get(10, TimeUnit.SECONDS));
        assertEquals(5.0, fc.count(), "the retaken snapshot");
    }

    @Test
    void badInputIsRefusedNamingTheParameter() {
        StatsPipeline p = pipeline(StatsPipeline.builder());
        assertEquals("pipeline", assertThrows(NullPointerException.class, () -> StatsPipelineMetrics.builder(null)).getMessage());
        assertEquals("pipeline", assertThrows(NullPointerException.class, () -> StatsPipelineMetrics.of(null)).getMessage());
        StatsPipelineMetrics m = StatsPipelineMetrics.of(p);
        binders.add(m);
        assertEquals("registry", assertThrows(NullPointerException.class, () -> m.bindTo(null)).getMessage());
        assertEquals("maxSnapshotAge", assertThrows(NullPointerException.class,
                () -> StatsPipelineMetrics.builder(p).maxSnapshotAge(null).build()).getMessage());
        assertEquals("maxSnapshotAge: PT-1S (expected: >= 0)", assertThrows(IllegalArgumentException.class,
                () -> StatsPipelineMetrics.builder(p).maxSnapshotAge(Duration.ofSeconds(-1)).build()).getMessage());
        assertEquals("clock", assertThrows(NullPointerException.class,
                () -> StatsPipelineMetrics.builder(p).clock(null)).getMessage());
        assertEquals("keysAndValues", assertThrows(NullPointerException.class,
                () -> StatsPipelineMetrics.builder(p).tags((String[]) null)).getMessage());
        assertEquals("keysAndValues: 1 strings (expected: an even count)", assertThrows(IllegalArgumentException.class,
                () -> StatsPipelineMetrics.builder(p).tags("k")).getMessage());
        assertFalse(m.toString().isEmpty());
    }
}
