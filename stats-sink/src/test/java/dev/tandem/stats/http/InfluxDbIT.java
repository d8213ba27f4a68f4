package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.Await;
import dev.tandem.stats.Counter;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.EventType;
import dev.tandem.stats.ItEnvironment;
import dev.tandem.stats.ItResources;
import dev.tandem.stats.Producers;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkState;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP sink with the InfluxDB line protocol against a real InfluxDB 1.x (Debian's, see
 * {@code .ci/services.d/20-influxdb.sh}): what the pipeline counted is what InfluxDB answers to
 * queries. Each test writes to a database of its own; the kill, restart and freeze tests run an
 * InfluxDB of their own.
 */
@Timeout(120)
class InfluxDbIT {
    @RegisterExtension
    final ItResources resources = new ItResources();

    @TempDir
    Path dir;

    static String newDatabase(InfluxClient client) throws IOException, InterruptedException {
        String db = "tandem_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        client.createDatabase(db);
        return db;
    }

    private static InfluxClient shared() {
        return new InfluxClient(URI.create(ItEnvironment.require("TANDEM_IT_INFLUXDB_URL")));
    }

    private InfluxServer own() throws IOException {
        return resources.server(InfluxServer.start(dir));
    }

    /** A sink writing the line protocol into {@code db}. */
    private static HttpSink.Builder lineProtocol(InfluxClient influx, String db) {
        return HttpSink.builder(influx.write(db)).encoding(BodyEncoding.influxLineProtocol());
    }

    private StatsPipeline pipeline(SinkOptions options, String name, HttpSink sink) {
        return resources.pipeline(StatsPipeline.builder().sink(name, sink, options).build());
    }

    private static long number(InfluxClient c, String db, String q) {
        return Await.unchecked(() -> c.number(db, q));
    }

    @Test
    void countersAndEventsFromSeveralThreadsAreReadBackExactlyWithAndWithoutGzip() throws Exception {
        InfluxClient influx = shared();
        String plainDb = newDatabase(influx);
        String gzipDb = newDatabase(influx);
        HttpSink plain = lineProtocol(influx, plainDb).build();
        HttpSink gzip = lineProtocol(influx, gzipDb).gzip(true).build();
        SinkOptions options = SinkOptions.builder().queueCapacity(16_384).batchSize(1_000)
                .linger(Duration.ofMillis(20)).metricsInterval(Duration.ofMillis(50)).build();
        StatsPipeline p = resources.pipeline(
                StatsPipeline.builder().sink("plain", plain, options).sink("gzip", gzip, options).build());
        Counter requests = p.counter("it.requests", Tags.of("route", "home"));
        EventType request = p.eventType("it.request", "seq", "duration_ms");
        AtomicLong seq = new AtomicLong();
        int threads = 4;
        int each = 2_000;
        Producers.together(threads, t -> {
            Tags tags = Tags.of("thread", "t" + t, "route", "a b,c=d");
            for (int i = 0; i < each; i++) {
                requests.increment();
                request.record(tags, seq.incrementAndGet(), i);
            }
        });
        assertTrue(p.close(Duration.ofSeconds(20)), "closed cleanly");
        int n = threads * each;
        for (String sink : List.of("plain", "gzip")) {
            SinkStats st = p.sinkStats(sink);
            assertEquals(n, st.delivered(), st.toString());
            assertEquals(0, st.failures(), st.toString());
        }
        for (String db : List.of(plainDb, gzipDb)) {
            assertEquals(n, number(influx, db, "SELECT COUNT(\"seq\") FROM \"it.request\""), db);
            assertEquals(n, number(influx, db, "SELECT COUNT(DISTINCT(\"seq\")) FROM \"it.request\""),
                    db + ": every event its own point, none overwritten");
            assertEquals(n, number(influx, db, "SELECT LAST(\"value\") FROM \"it.requests\""), db + ": the exact total");
            assertEquals(threads, influx.rows(db, "SHOW TAG VALUES FROM \"it.request\" WITH KEY = \"thread\"").size());
            assertEquals(List.of("a b,c=d"), values(influx.rows(db, "SHOW TAG VALUES FROM \"it.request\" WITH KEY = \"route\"")));
        }
    }

    private static List<String> values(List<List<String>> rows) {
        List<String> out = new ArrayList<>();
        for (List<String> r : rows) {
            out.add(r.get(r.size() - 1));
        }
        return out;
    }

    @Test
    void awkwardTagsAndNamesRoundTripThroughTheLineProtocol() throws Exception {
        InfluxClient influx = shared();
        String db = newDatabase(influx);
        HttpSink sink = lineProtocol(influx, db).build();
        Map<String, String> awkward = new TreeMap<>(Map.of("space", "a b", "equals", "k=v", "comma", "x,y",
                "quote", "\"q'", "unicode", "é✓", "colon|pipe", "a:b|c", "backslash", "c:\\dir", "eq=key", "v"));
        List<String> kv = new ArrayList<>();
        awkward.forEach((k, v) -> {
            kv.add(k);
            kv.add(v);
        });
        Tags tags = Tags.of(kv.toArray(new String[0]));
        StatsPipeline p = pipeline(SinkOptions.builder().linger(Duration.ofMillis(10)).build(), "influx", sink);
        p.eventType("odd name,with=stuff", "f=1", "time").record(tags, 1, 2);
        assertTrue(p.close(Duration.ofSeconds(10)));
        Map<String, String> stored = new TreeMap<>();
        for (List<String> row : influx.rows(db, "SHOW TAG VALUES FROM \"odd name,with=stuff\" WITH KEY =~ /.*/")) {
            stored.put(row.get(2), row.get(3));
        }
        assertEquals(awkward, stored);
        List<List<String>> points = influx.rows(db, "SELECT \"f=1\", \"time_\" FROM \"odd name,with=stuff\"");
        assertEquals(1, points.size(), points.toString());
        assertEquals(List.of("1", "2"), points.get(0).subList(3, 5), "the fields, 'time' renamed to 'time_'");
    }

    @Test
    void aWriteWhoseResponseIsLostIsRetriedWithoutDoublingItsPoints() throws Exception {
        InfluxClient influx = shared();
        String db = newDatabase(influx);
        // In front of the real InfluxDB: a proxy that forwards every write, and answers the first
        // three with 503 whatever InfluxDB said, as when a response is lost after the write.
        HttpClient forwarder = HttpClient.newHttpClient();
        AtomicInteger writes = new AtomicInteger();
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", ex -> {
            try {
                byte[] body = ex.getRequestBody().readAllBytes();
                HttpRequest.Builder forward = HttpRequest.newBuilder(influx.write(db))
                        .header("Content-Type", ex.getRequestHeaders().getFirst("Content-Type"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                HttpResponse<String> stored = forwarder.send(forward.build(), HttpResponse.BodyHandlers.ofString());
                int status = writes.incrementAndGet() <= 3 ? 503 : stored.statusCode();
                ex.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(500, -1);
            } finally {
                ex.close();
            }
        });
        proxy.start();
        try {
            HttpSink sink = HttpSink.builder(URI.create("http://127.0.0.1:" + proxy.getAddress().getPort() + "/write"))
                    .encoding(BodyEncoding.influxLineProtocol()).build();
            StatsPipeline p = pipeline(SinkOptions.builder().batchSize(250).linger(Duration.ofMillis(10))
                    .backoff(Duration.ofMillis(10), Duration.ofMillis(10)).maxRetries(10).build(), "influx", sink);
            EventType ev = p.eventType("it.event", "seq");
            for (int i = 1; i <= 1000; i++) {
                ev.record(Tags.empty(), i);
            }
            Await.books(p, "influx", Duration.ofSeconds(20), s -> s.delivered() == 1000);
            assertTrue(p.close(Duration.ofSeconds(10)));
            SinkStats st = p.sinkStats("influx");
            assertEquals(3, st.failures(), st.toString());
            assertTrue(writes.get() > 3, "writes through the proxy: " + writes.get());
            assertEquals(1000, number(influx, db, "SELECT COUNT(\"seq\") FROM \"it.event\""),
                    "each retried write overwrote the points it had already stored");
            assertEquals(1000, number(influx, db, "SELECT COUNT(DISTINCT(\"seq\")) FROM \"it.event\""));
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void aKilledServerMakesTheSinkBackOffAndAfterTheRestartItHoldsExactlyWhatWasDelivered() throws Exception {
        InfluxServer influx = own();
        String db = newDatabase(influx.client);
        HttpSink sink = lineProtocol(influx.client, db).connectTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(2)).build();
        StatsPipeline p = pipeline(SinkOptions.builder().queueCapacity(4096).batchSize(256)
                .linger(Duration.ofMillis(10)).metricsInterval(Duration.ofMillis(10))
                .backoff(Duration.ofMillis(10), Duration.ofMillis(200)).maxRetries(1_000).build(), "influx", sink);
        Counter c = p.counter("it.count");
        EventType ev = p.eventType("it.event", "seq");
        AtomicLong seq = new AtomicLong();
        try (Producers producers = Producers.steady(2, () -> {
            c.increment();
            ev.record(Tags.empty(), seq.incrementAndGet());
        })) {
            Await.until(Duration.ofSeconds(10), () -> number(influx.client, db, "SELECT COUNT(\"seq\") FROM \"it.event\"") > 0,
                    () -> "no point yet");
            influx.kill();
            long killedAt = System.nanoTime();
            Duration toBackoff = Await.books(p, "influx", Duration.ofSeconds(10), s -> s.state() == SinkState.BACKOFF);
            Await.books(p, "influx", Duration.ofSeconds(10),
                    s -> s.dropped(DropReason.BACKOFF) > 0 && s.failures() >= 3);
            SinkStats down = p.sinkStats("influx");
            assertInstanceOf(ConnectException.class, down.lastError().getCause(), down.toString());
            long duringOutage = seq.get();

            Duration ready = influx.restart();
            long restartedAt = System.nanoTime();
            Duration toRunning = Await.books(p, "influx", Duration.ofSeconds(10),
                    s -> s.state() == SinkState.RUNNING && s.publishes() > down.publishes());
            assertTrue(seq.get() > duringOutage, "the producers kept recording throughout: they never wait");

            producers.stop();
            assertTrue(p.close(Duration.ofSeconds(10)), "closed cleanly");
            SinkStats end = p.sinkStats("influx");
            assertEquals(end.recorded(), end.delivered() + end.droppedTotal(), end.toString());
            assertEquals(0, end.dropped(DropReason.FAILED), "retries outlasted the outage: " + end);
            assertEquals(c.count(), number(influx.client, db, "SELECT LAST(\"value\") FROM \"it.count\""),
                    "the exact total");
            assertEquals(end.delivered(), number(influx.client, db, "SELECT COUNT(\"seq\") FROM \"it.event\""),
                    "exactly the delivered events: none lost, none doubled by a retry");
            System.out.printf("influxdb kill/restart: BACKOFF %d ms after SIGKILL; server ready %d ms after "
                            + "restart; sink RUNNING %d ms after that; outage %d ms; books %s%n",
                    toBackoff.toMillis(), ready.toMillis(), toRunning.toMillis(),
                    (restartedAt - killedAt) / 1_000_000, end);
        }
    }

    @Test
    void aFrozenServerMakesTheSinkStalledThenTheRequestTimeoutMakesItBackOff() throws Exception {
        InfluxServer influx = own();
        String db = newDatabase(influx.client);
        HttpSink sink = lineProtocol(influx.client, db).requestTimeout(Duration.ofSeconds(1)).build();
        StatsPipeline p = pipeline(SinkOptions.builder().linger(Duration.ofMillis(10))
                .metricsInterval(Duration.ofMillis(10)).publishTimeout(Duration.ofMillis(250))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).maxRetries(1_000).build(), "influx", sink);
        EventType ev = p.eventType("it.event", "seq");
        AtomicLong seq = new AtomicLong();
        ev.record(Tags.empty(), seq.incrementAndGet());
        Await.books(p, "influx", Duration.ofSeconds(10), s -> s.delivered() == 1);

        influx.freeze();
        ev.record(Tags.empty(), seq.incrementAndGet());
        Duration toStalled = Await.books(p, "influx", Duration.ofSeconds(10), s -> s.state() == SinkState.STALLED);
        ev.record(Tags.empty(), seq.incrementAndGet());
        assertEquals(1, p.sinkStats("influx").dropped(DropReason.STALLED), p.sinkStats("influx").toString());
        Duration toBackoff = Await.books(p, "influx", Duration.ofSeconds(10), s -> s.state() == SinkState.BACKOFF);
        assertInstanceOf(HttpTimeoutException.class, p.sinkStats("influx").lastError(),
                String.valueOf(p.sinkStats("influx").lastError()));

        influx.thaw();
        Duration toRunning = Await.books(p, "influx", Duration.ofSeconds(10),
                s -> s.state() == SinkState.RUNNING && s.delivered() == 2);
        assertTrue(p.close(Duration.ofSeconds(10)));
        SinkStats end = p.sinkStats("influx");
        assertEquals(2, end.delivered(), end.toString());
        assertEquals(2, number(influx.client, db, "SELECT COUNT(\"seq\") FROM \"it.event\""), "the delivered events");
        System.out.printf("influxdb freeze: STALLED %d ms after SIGSTOP (publishTimeout 250 ms), BACKOFF %d ms "
                        + "after it (requestTimeout 1 s), RUNNING %d ms after SIGCONT; books %s%n",
                toStalled.toMillis(), toBackoff.toMillis(), toRunning.toMillis(), end);
    }

    @Test
    void theCloseDeadlineEndsARequestToAFrozenServer() throws Exception {
        InfluxServer influx = own();
        String db = newDatabase(influx.client);
        HttpSink sink = lineProtocol(influx.client, db).requestTimeout(Duration.ofSeconds(60)).build();
        StatsPipeline p = pipeline(SinkOptions.builder().linger(Duration.ofMillis(10))
                .publishTimeout(Duration.ofSeconds(30)).build(), "influx", sink);
        EventType ev = p.eventType("it.event", "seq");
        influx.freeze();
        ev.record(Tags.empty(), 1);
        Await.books(p, "influx", Duration.ofSeconds(10), s -> s.inFlight() == 1 && s.queued() == 0);
        long start = System.nanoTime();
        assertFalse(p.close(Duration.ofMillis(300)), "the publish could not finish");
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(5));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(InterruptedException.class, p.sinkStats("influx").lastError());
        assertEquals(1, p.sinkStats("influx").dropped(DropReason.SHUTDOWN), p.sinkStats("influx").toString());
        System.out.printf("influxdb frozen at close: close(300 ms) and the delivery thread's end took %d ms "
                + "(requestTimeout 60 s)%n", tookMillis);
    }
}
