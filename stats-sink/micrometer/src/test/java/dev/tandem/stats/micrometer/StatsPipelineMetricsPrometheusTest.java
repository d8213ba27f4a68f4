package dev.tandem.stats.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import dev.tandem.stats.Counter;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The binder through Micrometer's Prometheus registry: names, types and exact values in the scrape text. */
class StatsPipelineMetricsPrometheusTest {
    private final ManualClock clock = new ManualClock();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private StatsPipeline pipeline;
    private StatsPipelineMetrics metrics;

    @AfterEach
    void close() throws InterruptedException {
        if (metrics != null) {
            metrics.close();
        }
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(5));
        }
        registry.close();
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    /** The value of one sample line {@code name{labels} value} of a scrape, if present. */
    static OptionalDouble sample(String scrape, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(scrape);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    private String scrapeLater() {
        clock.advance(Duration.ofSeconds(1));
        return registry.scrape();
    }

    @Test
    void countersScrapeAsTotalsAndGaugesAsGaugesWithTheExactValues() {
        pipeline = StatsPipeline.builder().sink("rec", new RecordingStatsSink()).build();
        Counter opened = pipeline.counter("tandem.connections.opened", Tags.of("manager", "m"));
        opened.add(12_345_678_901L);
        pipeline.gauge("tandem.connections.live", Tags.of("manager", "m"), () -> 3);
        metrics = StatsPipelineMetrics.builder(pipeline).clock(clock).build();
        metrics.bindTo(registry);

        String scrape = scrapeLater();
        assertTrue(scrape.contains("# TYPE tandem_connections_opened_total counter"), scrape);
        assertTrue(scrape.contains("# HELP tandem_connections_opened_total Connection pairs opened"), scrape);
        assertEquals(12_345_678_901.0, sample(scrape, "tandem_connections_opened_total{manager=\"m\"}").orElseThrow());
        assertTrue(scrape.contains("# TYPE tandem_connections_live gauge"), scrape);
        assertEquals(3.0, sample(scrape, "tandem_connections_live{manager=\"m\"}").orElseThrow());
        assertEquals(1.0, sample(scrape, "tandem_stats_state{sink=\"rec\",state=\"running\"}").orElseThrow(), scrape);
        assertEquals(0.0, sample(scrape, "tandem_stats_dropped_total{reason=\"queue_full\",sink=\"rec\"}").orElseThrow());
        assertEquals((double) pipeline.measurements().size(),
                sample(scrape, "tandem_micrometer_bound").orElseThrow(), "every pipeline metric is bound");
    }

    @Test
    void aCloseReasonSeenForTheFirstTimeIsScrapedAtMostOneScrapeLater() {
        pipeline = StatsPipeline.builder().build();
        pipeline.counter("tandem.connections.closed", Tags.of("reason", "eof")).add(7);
        metrics = StatsPipelineMetrics.builder(pipeline).clock(clock).build();
        metrics.bindTo(registry);
        assertEquals(7.0, sample(scrapeLater(), "tandem_connections_closed_total{reason=\"eof\"}").orElseThrow());

        pipeline.counter("tandem.connections.closed", Tags.of("reason", "write_timeout")).add(2);
        String first = scrapeLater(); // this scrape's reads find the new metric and bind it
        String second = registry.scrape();
        assertEquals(2.0, sample(second, "tandem_connections_closed_total{reason=\"write_timeout\"}").orElseThrow(),
                "the first scrape after: " + sample(first, "tandem_connections_closed_total{reason=\"write_timeout\"}"));
        assertEquals(7.0, sample(second, "tandem_connections_closed_total{reason=\"eof\"}").orElseThrow());
    }

    /** Micrometer 1.17's Prometheus registry takes one name with different label names (older ones refused it). */
    @Test
    void oneNameWithDifferentTagKeysScrapesEveryVariant() {
        pipeline = StatsPipeline.builder().build();
        pipeline.counter("app.requests", Tags.of("route", "/a")).add(1);
        pipeline.counter("app.requests", Tags.of("route", "/b", "method", "GET")).add(2);
        metrics = StatsPipelineMetrics.builder(pipeline).clock(clock).build();
        metrics.bindTo(registry);
        String scrape = scrapeLater();
        assertEquals(1.0, sample(scrape, "app_requests_total{route=\"/a\"}").orElseThrow(), scrape);
        assertEquals(2.0, sample(scrape, "app_requests_total{method=\"GET\",route=\"/b\"}").orElseThrow(), scrape);
    }
}
