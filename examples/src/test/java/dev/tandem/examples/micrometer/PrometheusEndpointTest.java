package dev.tandem.examples.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.CloseReason;
import dev.tandem.core.ConnectionManager;
import dev.tandem.stats.TestThreads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example endpoint over real loopback HTTP, with real echo clients: the scrape shows the manager's exact counts. */
@Timeout(60)
class PrometheusEndpointTest {
    static OptionalDouble sample(String scrape, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(scrape);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    /** Scrapes until {@code nameAndLabels} reads {@code expected} (snapshots are up to 1 s old), bounded. */
    static String scrapeUntil(HttpClient http, URI uri, String nameAndLabels, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            OptionalDouble v = sample(r.body(), nameAndLabels);
            if (v.isPresent() && v.getAsDouble() == expected) {
                return r.body();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(nameAndLabels + " never read " + expected + "; last scrape:\n" + r.body());
            }
            Thread.sleep(50); // polling a condition with a bounded deadline, not synchronising
        }
    }

    @Test
    void aScrapeShowsTheManagersExactConnectionCountsAndMetricsAddedLater() throws Exception {
        ConnectionManager manager = ConnectionManager.builder().name("echo").build();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.serve(manager.stats(),
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             EchoClients clients = new EchoClients(manager)) {
            URI uri = URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/metrics");
            clients.talkAndLeave(5);
            assertEquals(5, manager.counts().closed(CloseReason.READER_EOF));
            // Each series is read on its own, from a snapshot at most maxSnapshotAge old, so one scrape
            // may straddle a re-snapshot: wait for each value rather than expect them in one scrape.
            scrapeUntil(http, uri, "tandem_connections_opened_total{manager=\"echo\"}", 5);
            scrapeUntil(http, uri, "tandem_connections_closed_total{manager=\"echo\",reason=\"reader_eof\"}", 5);
            scrapeUntil(http, uri, "tandem_connections_live{manager=\"echo\"}", 0);

            manager.stats().counter("app.jobs.done", dev.tandem.stats.Tags.of("kind", "late")).add(3); // new after binding
            scrapeUntil(http, uri, "app_jobs_done_total{kind=\"late\"}", 3);
        } finally {
            assertTrue(manager.shutdown(Duration.ofSeconds(5)).clean());
        }
        assertEquals(0, manager.counts().live());
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
