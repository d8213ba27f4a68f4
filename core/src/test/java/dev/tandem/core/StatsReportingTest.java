package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** G7: counts are exact in process, published as metrics; one closed event per pair, no payloads. */
@Timeout(60)
class StatsReportingTest {
    private StatsPipeline stats;
    private ConnectionManager manager;

    @AfterEach
    void noLeaks() throws InterruptedException {
        if (manager != null) {
            assertTrue(manager.shutdown(Duration.ofSeconds(5)).clean());
        }
        if (stats != null) {
            stats.close(Duration.ofSeconds(5));
        }
        TestSupport.assertNoTandemThreads();
    }

    @Test
    void aManagerNameCanBeReusedOnASharedPipelineAfterShutdown() {
        stats = StatsPipeline.builder().build();
        ConnectionManager first = ConnectionManager.builder().name("push").stats(stats).build();
        assertTrue(first.shutdown(Duration.ofSeconds(5)).clean());
        manager = ConnectionManager.builder().name("push").stats(stats).build();
        assertEquals(0, manager.counts().live());
    }

    @Test
    void countsAndOneClosedEventPerPairReachTheSinkAsStateAndEvents() throws Exception {
        RecordingStatsSink rec = new RecordingStatsSink();
        stats = StatsPipeline.builder().sink("rec", rec, SinkOptions.builder().linger(Duration.ofMillis(5))
                .metricsInterval(Duration.ofMillis(5)).build()).build();
        manager = ConnectionManager.builder().name("push").stats(stats).build();
        for (int i = 0; i < 3; i++) {
            ConnectionPair<String> p = manager.open(() -> { }, ctx -> { }, (m, ctx) -> { });
            TestSupport.await(p.closeFuture());
        }
        ConnectionPair<String> open = manager.open(() -> { }, ctx -> {
            while (ctx.isOpen()) {
                Thread.sleep(5); // a reader that polls; closed below
            }
        }, (m, ctx) -> { });
        ConnectionPair<String> explicit = manager.open(() -> { }, ctx -> {
            while (ctx.isOpen()) {
                Thread.sleep(5);
            }
        }, (m, ctx) -> { });
        explicit.close();
        TestSupport.await(explicit.closeFuture());

        assertTrue(rec.awaitEvents(e -> e.name().equals("tandem.connection.closed"), 4, Duration.ofSeconds(10)));
        Tags push = Tags.of("manager", "push");
        assertTrue(rec.awaitMetrics(r -> r.counter("tandem.connections.opened", push).orElse(0) == 5
                        && r.gauge("tandem.connections.live", push).orElse(-1) == 1
                        && r.counter("tandem.connections.closed", push.and("reason", "reader_eof")).orElse(0) == 3
                        && r.counter("tandem.connections.closed", push.and("reason", "explicit")).orElse(0) == 1,
                Duration.ofSeconds(10)), "metrics: " + rec.lastMetrics());
        Map<String, Long> byReason = new HashMap<>();
        for (Event e : rec.events()) {
            assertEquals("tandem.connection.closed", e.name());
            assertEquals("push", e.tags().get("manager"));
            assertEquals(List.of("id", "duration_ms", "messages_in", "messages_out"), e.type().fieldNames(),
                    "ids, durations and counts only: no payload field, and no byte count nobody measured");
            byReason.merge(e.tags().get("reason"), 1L, Long::sum);
        }
        assertEquals(Map.of("reader_eof", 3L, "explicit", 1L), byReason);
        assertEquals(open.id(), 4);
        open.close();
        TestSupport.await(open.closeFuture());
        ConnectionCounts c = manager.counts();
        assertEquals(5, c.opened());
        assertEquals(0, c.live());
        assertEquals(2, c.closed(CloseReason.EXPLICIT));
        for (Measurement m : stats.measurements()) {
            if (m.name().equals("tandem.connections.opened")) {
                assertEquals(5, m.longValue(), "the pipeline's in-process counter is exact without any sink");
            }
        }
    }
}
