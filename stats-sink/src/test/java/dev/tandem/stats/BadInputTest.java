package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.testing.RecordingStatsSink;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets a clear error at the API edge; misuse on the hot path becomes a counted drop. */
class BadInputTest {
    private StatsPipeline pipeline;

    @AfterEach
    void close() throws InterruptedException {
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(5));
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private static void iae(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    private static void npe(String message, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(message, e.getMessage());
    }

    private static void options(String message, Consumer<SinkOptions.Builder> change) {
        SinkOptions.Builder b = SinkOptions.builder();
        change.accept(b);
        iae(message, b::build);
    }

    /** The one rule of every Tandem builder: setters take anything, {@code build()} checks it all. */
    private static void atBuild(String message, Consumer<StatsPipeline.Builder> change) {
        StatsPipeline.Builder b = StatsPipeline.builder();
        assertDoesNotThrow(() -> change.accept(b), "setters do not validate: build() does");
        NullPointerException e = assertThrows(NullPointerException.class, b::build);
        assertEquals(message, e.getMessage());
    }

    @Test
    void nullSinkNameOrOptionsAreRejectedByBuildNamingTheParameter() {
        atBuild("sink", b -> b.sink("x", null));
        atBuild("name", b -> b.sink(null, new RecordingStatsSink()));
        atBuild("options", b -> b.sink("x", new RecordingStatsSink(), null));
        atBuild("clock", b -> b.clock(null));
        atBuild("closeTimeout", b -> b.closeTimeout(null));
        atBuild("dropLogInterval", b -> b.dropLogInterval(null));
        assertTrue(TestThreads.tandemThreads().isEmpty(), "a rejected build starts no thread");
    }

    @Test
    void nullSinkOptionsAreRejectedByBuildNamingTheOption() {
        SinkOptions.Builder b = SinkOptions.builder();
        assertDoesNotThrow(() -> b.linger(null).metricsInterval(null).publishTimeout(null).backoff(null, null));
        npe("linger", b::build);
        npe("metricsInterval", () -> SinkOptions.builder().metricsInterval(null).build());
        npe("publishTimeout", () -> SinkOptions.builder().publishTimeout(null).build());
        npe("backoffInitial", () -> SinkOptions.builder().backoff(null, Duration.ofSeconds(1)).build());
        npe("backoffMax", () -> SinkOptions.builder().backoff(Duration.ofSeconds(1), null).build());
        npe("loggerName", () -> LoggingStatsSink.builder().loggerName(null).build());
        iae("loggerName: \"\" (expected: not empty)", () -> LoggingStatsSink.builder().loggerName("").build());
    }

    @Test
    void aBatchSizeLeftUnsetFollowsTheQueueCapacityAndOneSetIsChecked() {
        assertEquals(512, SinkOptions.defaults().batchSize(), "the default queue of 2048 batches 512");
        assertEquals(2, SinkOptions.builder().queueCapacity(8).build().batchSize(), "a quarter of the queue");
        assertEquals(1, SinkOptions.builder().queueCapacity(1).build().batchSize(), "at least one");
        assertEquals(512, SinkOptions.builder().queueCapacity(1 << 20).build().batchSize(), "at most 512");
        assertEquals(16, SinkOptions.defaults().toBuilder().queueCapacity(64).build().batchSize(),
                "toBuilder keeps an unset batch size unset");
        assertEquals(100, SinkOptions.builder().batchSize(100).build().toBuilder().queueCapacity(4096).build()
                .batchSize(), "and keeps one that was set");
        options("batchSize: 100 (expected: <= queueCapacity 64)", b -> b.batchSize(100).queueCapacity(64));
    }

    @Test
    void timestampAndStripeOptionsAreValidatedAtBuild() {
        npe("timestampTick", () -> StatsPipeline.builder().timestampTick(null).build());
        iae("timestampTick: PT0S (expected: > 0)", () -> StatsPipeline.builder().timestampTick(Duration.ZERO).build());
        iae("timestampTick: PT2S (expected: PT0.001S to PT1S)",
                () -> StatsPipeline.builder().timestampTick(Duration.ofSeconds(2)).build());
        iae("timestampTick: PT0.0005S (expected: PT0.001S to PT1S)",
                () -> StatsPipeline.builder().timestampTick(Duration.ofNanos(500_000)).build());
        iae("producerStripes: -1 (expected: > 0)", () -> StatsPipeline.builder().producerStripes(-1).build());
        iae("producerStripes: 3 (expected: 0 for one per core, or a power of two up to 64)",
                () -> StatsPipeline.builder().producerStripes(3).build());
        iae("producerStripes: 128 (expected: 0 for one per core, or a power of two up to 64)",
                () -> StatsPipeline.builder().producerStripes(128).build());
        iae("producerStripes: 4 (expected: at most 2 for sink 'small' of queueCapacity 3)",
                () -> StatsPipeline.builder().producerStripes(4).sink("small", new RecordingStatsSink(),
                        SinkOptions.builder().queueCapacity(3).batchSize(1).build()).build());
        pipeline = StatsPipeline.builder().producerStripes(2).timestampTick(Duration.ofSeconds(1))
                .sink("ok", new RecordingStatsSink(), SinkOptions.builder().queueCapacity(3).batchSize(1).build()).build();
        assertEquals(4, pipeline.sinkStats("ok").queueCapacity(), "two stripes of two: the capacity is their total");
    }

    @Test
    void nonPositiveNumbersAreRejectedWithTheExpectedRange() {
        options("queueCapacity: 0 (expected: > 0)", b -> b.queueCapacity(0));
        options("queueCapacity: -5 (expected: > 0)", b -> b.queueCapacity(-5));
        options("batchSize: 0 (expected: > 0)", b -> b.batchSize(0));
        options("batchSize: 100 (expected: <= queueCapacity 64)", b -> b.queueCapacity(64).batchSize(100));
        options("linger: PT0S (expected: > 0)", b -> b.linger(Duration.ZERO));
        options("publishTimeout: PT-1S (expected: > 0)", b -> b.publishTimeout(Duration.ofSeconds(-1)));
        options("metricsInterval: PT0S (expected: > 0)", b -> b.metricsInterval(Duration.ZERO));
        options("backoffInitial: PT0S (expected: > 0)", b -> b.backoff(Duration.ZERO, Duration.ofSeconds(1)));
        options("backoffMax: PT1S (expected: >= backoffInitial PT2S)",
                b -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        options("maxRetries: -1 (expected: >= 0)", b -> b.maxRetries(-1));
        options("maxEventsPerSecond: -1 (expected: >= 0)", b -> b.maxEventsPerSecond(-1));
        npe("linger", () -> SinkOptions.builder().linger(null).build());
        iae("closeTimeout: PT0S (expected: > 0)", () -> StatsPipeline.builder().closeTimeout(Duration.ZERO).build());
        iae("dropLogInterval: PT-1S (expected: > 0)",
                () -> StatsPipeline.builder().dropLogInterval(Duration.ofSeconds(-1)).build());
    }

    @Test
    void duplicateOrMalformedSinkNamesAndSharedInstancesAreRejectedAtBuild() {
        iae("sink name: 'a' registered twice (expected: unique names)", () -> StatsPipeline.builder()
                .sink("a", new RecordingStatsSink()).sink("a", new RecordingStatsSink()).build());
        iae("sink name: 'has space' (expected: [A-Za-z0-9._-]+)",
                () -> StatsPipeline.builder().sink("has space", new RecordingStatsSink()).build());
        iae("sink name: '' (expected: [A-Za-z0-9._-]+)",
                () -> StatsPipeline.builder().sink("", new RecordingStatsSink()).build());
        RecordingStatsSink shared = new RecordingStatsSink();
        iae("sink 'b' is the same instance as sink 'a' (expected: one registration per instance, since publish is "
                + "single-threaded)", () -> StatsPipeline.builder().sink("a", shared).sink("b", shared).build());
        assertTrue(TestThreads.tandemThreads().isEmpty(), "a rejected build starts no thread");
    }

    @Test
    void buildingTwiceIsAnIllegalState() {
        StatsPipeline.Builder b = StatsPipeline.builder().sink("a", new RecordingStatsSink());
        pipeline = b.build();
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().startsWith("this builder already built a pipeline"), e.getMessage());
    }

    @Test
    void recordingAfterCloseIsACountedShutdownDropNotAnException() {
        pipeline = StatsPipeline.builder().sink("a", new RecordingStatsSink()).build();
        EventType t = pipeline.eventType("late", "n");
        Counter c = pipeline.counter("late.count");
        assertTrue(pipeline.close(Duration.ofSeconds(5)));
        assertDoesNotThrow(() -> {
            for (int i = 0; i < 7; i++) {
                t.record(Tags.empty(), i);
                c.increment();
            }
        });
        SinkStats s = pipeline.sinkStats("a");
        assertEquals(7, s.dropped(DropReason.SHUTDOWN), s.toString());
        assertEquals(7, s.recorded());
        assertEquals(7, c.count(), "counters are state: they keep counting after close");
        assertTrue(pipeline.eventType("declared.after.close") != null, "declaring after close is harmless");
    }

    @Test
    void eventTypesAndRecordCallsAreChecked() {
        pipeline = StatsPipeline.builder().build();
        iae("name: \"\" (expected: not empty)", () -> pipeline.eventType(""));
        iae("fieldNames.length: 7 (expected: <= MAX_FIELDS 6)",
                () -> pipeline.eventType("e", "a", "b", "c", "d", "e", "f", "g"));
        iae("fieldNames: 'a' repeated (expected: unique names)", () -> pipeline.eventType("e", "a", "a"));
        npe("fieldNames[1]", () -> pipeline.eventType("e", "a", null));
        EventType t = pipeline.eventType("e", "a", "b");
        iae("values for 'e': 1 (expected: 2, one per field [a, b])", () -> t.record(Tags.empty(), 1));
        iae("values for 'e': 3 (expected: 2, one per field [a, b])", () -> t.record(Tags.empty(), 1, 2, 3));
        npe("tags", () -> t.record(null, 1, 2));
        iae("values for 'e': 1 (expected: 2, one per field [a, b])", () -> Event.of(t, 0, Tags.empty(), 1));
        npe("type", () -> Event.of(null, 0, Tags.empty()));
        npe("tags", () -> Event.of(t, 0, null, 1, 2));
        iae("field 'zz' (expected one of [a, b])", () -> Event.of(t, 0, Tags.empty(), 1, 2).field("zz"));
    }

    @Test
    void metricsAreCheckedAndOneNameHasOneKind() {
        pipeline = StatsPipeline.builder().build();
        Counter c = pipeline.counter("m", Tags.of("k", "v"));
        iae("delta: -1 (expected: >= 0)", () -> c.add(-1));
        iae("m{k=v} is already registered as a counter (expected: one metric per name and tags)",
                () -> pipeline.settableGauge("m", Tags.of("k", "v")));
        pipeline.gauge("g", Tags.empty(), () -> 1);
        iae("gauge g{} is already registered (expected: a new name or tags)",
                () -> pipeline.gauge("g", Tags.empty(), () -> 2));
        iae("g{} is already registered as a gauge (expected: one metric per name and tags)",
                () -> pipeline.counter("g"));
        npe("valueFunction", () -> pipeline.gauge("h", Tags.empty(), null));
        npe("tags", () -> pipeline.counter("m", null));
        iae("name: \"\" (expected: not empty)", () -> pipeline.counter(""));
        assertEquals(c, pipeline.counter("m", Tags.of("k", "v")), "get-or-create returns the same counter");
    }

    @Test
    void tagsAreChecked() {
        iae("keysAndValues: 3 strings (expected: an even count)", () -> Tags.of("a", "b", "c"));
        iae("keysAndValues: key 'a' repeated (expected: unique keys)", () -> Tags.of("a", "1", "a", "2"));
        iae("tag key: \"\" (expected: not empty)", () -> Tags.of("", "v"));
        iae("value of tag 'k': \"\" (expected: not empty)", () -> Tags.of("k", ""));
        npe("value of tag 'k'", () -> Tags.of("k", null));
        npe("tag key", () -> Tags.of(null, "v"));
        assertEquals(Tags.of("a", "1", "b", "2"), Tags.of("b", "2", "a", "1"), "order does not matter");
        assertEquals("{a=1,b=3}", Tags.of("a", "1", "b", "2").and("b", "3").toString(), "and() replaces");
    }

    @Test
    void lookupsAndCloseArgumentsAreChecked() {
        pipeline = StatsPipeline.builder().sink("a", new RecordingStatsSink()).build();
        iae("sinkName: 'nope' (expected one of [a])", () -> pipeline.sinkStats("nope"));
        npe("timeout", () -> pipeline.close(null));
        iae("timeout: PT-1S (expected: >= 0)", () -> pipeline.close(Duration.ofSeconds(-1)));
    }
}
