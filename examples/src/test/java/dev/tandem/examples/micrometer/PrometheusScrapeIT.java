package dev.tandem.examples.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.CloseReason;
import dev.tandem.core.ConnectionManager;
import dev.tandem.stats.ItEnvironment;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example's endpoint scraped by a real Prometheus ({@code .ci/services.d/40-prometheus.sh}):
 * the values read back through Prometheus' HTTP API equal the manager's exact counts, and a metric
 * registered after binding reaches Prometheus too.
 */
@Timeout(120)
class PrometheusScrapeIT {
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ONE_VALUE = Pattern.compile("\"value\":\\[[0-9.eE+-]+,\"([^\"]+)\"\\]");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The value of an instant query that must match one series; empty while it matches none. */
    private OptionalDouble query(String prometheus, String promql) throws Exception {
        URI uri = URI.create(prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"status\":\"success\""), r.body());
        Matcher m = ONE_VALUE.matcher(r.body());
        if (!m.find()) {
            return OptionalDouble.empty();
        }
        String value = m.group(1);
        assertTrue(!m.find(), promql + " matched more than one series: " + r.body());
        return OptionalDouble.of(Double.parseDouble(value));
    }

    /** Queries until {@code promql} reads {@code expected}, bounded (the first scrape takes a few seconds). */
    private void awaitValue(String prometheus, String promql, double expected) throws Exception {
        long deadline = System.nanoTime() + QUERY_TIMEOUT.toNanos();
        OptionalDouble last = OptionalDouble.empty();
        while (true) {
            last = query(prometheus, promql);
            if (last.isPresent() && last.getAsDouble() == expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(promql + " did not read " + expected + " within " + QUERY_TIMEOUT + "; last " + last);
            }
            Thread.sleep(200); // polling Prometheus with a bounded deadline, not synchronising
        }
    }

    @Test
    void prometheusScrapesTheManagersExactCountsAndMetricsAddedLater() throws Exception {
        String prometheus = ItEnvironment.require("TANDEM_IT_PROMETHEUS_URL");
        Path targets = Path.of(ItEnvironment.require("TANDEM_IT_PROMETHEUS_TARGETS"));
        String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Path target = targets.resolve(run + ".json");
        ConnectionManager manager = ConnectionManager.builder().name("echo").build();
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.serve(manager.stats(),
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             EchoClients clients = new EchoClients(manager)) {
            // The run label tells this run's series from those of earlier runs on the same Prometheus.
            Path tmp = targets.resolve("." + run + ".tmp");
            Files.writeString(tmp, "[{\"targets\":[\"127.0.0.1:" + endpoint.address().getPort()
                    + "\"],\"labels\":{\"run\":\"" + run + "\"}}]", StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); // Prometheus never reads half a file

            clients.talkAndLeave(7);
            assertEquals(7, manager.counts().closed(CloseReason.READER_EOF), manager.counts().toString());
            String sel = "{run=\"" + run + "\",manager=\"echo\"";
            awaitValue(prometheus, "tandem_connections_opened_total" + sel + "}", 7);
            awaitValue(prometheus, "tandem_connections_closed_total" + sel + ",reason=\"reader_eof\"}", 7);
            awaitValue(prometheus, "tandem_connections_live" + sel + "}", 0);

            clients.talkAndLeave(3);
            awaitValue(prometheus, "tandem_connections_opened_total" + sel + "}", 10);

            manager.stats().counter("app.jobs.done", Tags.of("kind", "late")).add(42); // registered after binding
            awaitValue(prometheus, "app_jobs_done_total{run=\"" + run + "\",kind=\"late\"}", 42);
        } finally {
            Files.deleteIfExists(target);
            assertTrue(manager.shutdown(Duration.ofSeconds(5)).clean());
        }
        assertEquals(0, manager.counts().live());
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
