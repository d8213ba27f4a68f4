package dev.tandem.stats.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Counter;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkState;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link StatsSink} must honour, ours and users' (the pattern of JCTools'
 * {@code QueueSanityTest}). Extend it, implement {@link #newSink()}, and if your sink can tell
 * how many events it received, {@link #receivedEvents(StatsSink)}.
 *
 * <p>Ships in the {@code tandem-stats-sink} test-jar:
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.tandem</groupId><artifactId>tandem-stats-sink</artifactId>
 *   <type>test-jar</type><scope>test</scope>
 * </dependency>
 * }</pre>
 */
@Timeout(60)
public abstract class StatsSinkContractTest {
    private final List<StatsSink> opened = new ArrayList<>();
    private final List<StatsPipeline> pipelines = new ArrayList<>();

    /** For subclasses: one per sink implementation under test. */
    protected StatsSinkContractTest() {}

    /** A fresh sink, ready to publish. */
    protected abstract StatsSink newSink() throws Exception;

    /**
     * How many events {@code sink} has received, read back from wherever it sends them; -1 (the
     * default) if it cannot tell, which skips the read-back checks.
     */
    protected long receivedEvents(StatsSink sink) throws Exception {
        return -1;
    }

    /** Options for the in-pipeline checks; override for a backend that needs more time. */
    protected SinkOptions pipelineOptions() {
        return SinkOptions.builder()
                .queueCapacity(8192)
                .batchSize(256)
                .linger(Duration.ofMillis(20))
                .metricsInterval(Duration.ofMillis(50))
                .publishTimeout(Duration.ofSeconds(5))
                .build();
    }

    private StatsSink sink() throws Exception {
        StatsSink s = newSink();
        opened.add(s);
        return s;
    }

    @AfterEach
    final void closeEverything() throws Exception {
        for (StatsPipeline p : pipelines) {
            p.close(Duration.ofSeconds(5));
        }
        for (StatsSink s : opened) {
            s.close(); // a second close must be harmless too
        }
    }

    @Test
    public void publishesABatchWithNoEventsAndNoMetrics() throws Exception {
        sink().publish(Batch.of("contract", System.currentTimeMillis(), List.of(), List.of()));
    }

    @Test
    public void publishesEventsOfEveryArityWithAwkwardTagsAndValues() throws Exception {
        StatsSink s = sink();
        long now = System.currentTimeMillis();
        List<Event> events = new ArrayList<>();
        String[] fields = {"a", "b_c", "d.e", "f-g", "h", "i"};
        Tags awkward = Tags.of("space", "a b", "equals", "k=v", "comma", "x,y", "quote", "\"q'",
                "unicode", "é✓", "colon|pipe", "a:b|c", "backslash", "c:\\dir");
        for (int arity = 0; arity <= EventType.MAX_FIELDS; arity++) {
            String[] names = java.util.Arrays.copyOf(fields, arity);
            long[] values = new long[arity];
            for (int i = 0; i < arity; i++) {
                values[i] = i % 2 == 0 ? Long.MAX_VALUE - i : Long.MIN_VALUE + i;
            }
            events.add(Event.of(TestEvents.type("contract.arity" + arity, names), now, awkward, values));
            events.add(Event.of(TestEvents.type("contract.plain", names), now, Tags.empty(), values));
        }
        List<Measurement> metrics = List.of(
                Measurement.counter("contract.counter", Tags.empty(), 0),
                Measurement.counter("contract.counter.max", awkward, Long.MAX_VALUE),
                Measurement.gauge("contract.gauge.negative", Tags.of("k", "v"), -1.5),
                Measurement.gauge("contract.gauge.nan", Tags.empty(), Double.NaN),
                Measurement.gauge("contract.gauge.inf", Tags.empty(), Double.POSITIVE_INFINITY));
        s.publish(Batch.of("contract", now, events, metrics));
        long received = receivedEvents(s);
        if (received >= 0) {
            assertEquals(events.size(), received, "events received by " + s);
        }
    }

    @Test
    public void publishesALargeBatch() throws Exception {
        StatsSink s = sink();
        EventType t = TestEvents.type("contract.large", "seq");
        long now = System.currentTimeMillis();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            events.add(Event.of(t, now, Tags.of("k", "v"), i));
        }
        s.publish(Batch.of("contract", now, events, List.of()));
        long received = receivedEvents(s);
        if (received >= 0) {
            assertEquals(events.size(), received, "events received by " + s);
        }
    }

    @Test
    public void closeAfterPublishSucceedsAndASecondCloseIsHarmless() throws Exception {
        StatsSink s = newSink();
        s.publish(Batch.of("contract", System.currentTimeMillis(), List.of(),
                List.of(Measurement.counter("contract.counter", Tags.empty(), 1))));
        s.close();
        s.close();
    }

    @Test
    public void deliversEverythingRecordedThroughAPipelineAndClosesInTime() throws Exception {
        StatsSink s = sink();
        StatsPipeline p = StatsPipeline.builder().sink("contract", s, pipelineOptions()).build();
        pipelines.add(p);
        EventType t = p.eventType("contract.event", "seq");
        Counter c = p.counter("contract.count", Tags.of("kind", "contract"));
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            t.record(Tags.empty(), i);
            c.increment();
        }
        assertTrue(p.close(Duration.ofSeconds(20)), "close finished within its deadline");
        SinkStats st = p.sinkStats("contract");
        assertEquals(SinkState.CLOSED, st.state(), st.toString());
        assertEquals(n, st.recorded(), st.toString());
        assertEquals(n, st.delivered(), "every event delivered: " + st);
        assertEquals(0, st.failures(), "no failed publish: " + st);
        assertEquals(n, c.count());
        long received = receivedEvents(s);
        if (received >= 0) {
            assertEquals(n, received, "events received by " + s);
        }
    }

    @Test
    public void canReadBackWhatItReceived() throws Exception {
        StatsSink s = sink();
        assumeTrue(receivedEvents(s) >= 0, "this sink cannot read back what it received");
        long before = receivedEvents(s);
        EventType t = TestEvents.type("contract.readback", "n");
        s.publish(Batch.of("contract", System.currentTimeMillis(),
                List.of(Event.of(t, 1, Tags.empty(), 1), Event.of(t, 2, Tags.empty(), 2)), List.of()));
        assertEquals(before + 2, receivedEvents(s));
    }
}
