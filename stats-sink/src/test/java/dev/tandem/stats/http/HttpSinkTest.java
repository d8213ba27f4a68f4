package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.Event;
import dev.tandem.stats.Await;
import dev.tandem.stats.Batch;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkState;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP sink against a real HTTP server on loopback: bodies, headers, failures, timeouts, interrupts. */
@Timeout(60)
class HttpSinkTest {
    private final LoopbackHttpServer server;
    private HttpSink sink;

    HttpSinkTest() throws IOException {
        server = new LoopbackHttpServer();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (sink != null) {
            sink.close();
        }
        server.close();
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private static Batch batch() {
        return Batch.of("http", 1764340000012L,
                List.of(Event.of(TestEvents.type("app.closed", "id"), 1764340000000L, Tags.of("reason", "eof"), 42)),
                List.of(Measurement.counter("app.opened", Tags.empty(), 10)));
    }

    @Test
    void postsTheEncodedBatchWithItsHeaders() throws Exception {
        sink = HttpSink.builder(server.uri("/write?db=x")).header("Authorization", "Token s3cret")
                .header("X-Extra", "1").build();
        sink.publish(batch());
        LoopbackHttpServer.Request r = server.requests().get(0);
        assertEquals("POST", r.method);
        assertEquals("/write?db=x", r.uri.toString());
        assertEquals(Bodies.encode(BodyEncoding.jsonLines(), batch()), r.body);
        assertEquals("application/x-ndjson", r.headers.get("content-type"));
        assertEquals("Token s3cret", r.headers.get("authorization"));
        assertEquals("1", r.headers.get("x-extra"));
        assertEquals("1", r.headers.get("x-tandem-batch"));
        assertEquals("1", r.headers.get("x-tandem-attempt"));
        assertEquals(null, r.headers.get("content-encoding"));
    }

    @Test
    void builtInEncodingsTakeReusedEventsAndMeasurementsAnEncodingOfYourOwnDoesNot() {
        for (BodyEncoding e : List.of(BodyEncoding.jsonLines(), BodyEncoding.influxLineProtocol())) {
            HttpSink s = HttpSink.builder(server.uri("/w")).encoding(e).build();
            assertTrue(s.acceptsReusedEvents() && s.acceptsReusedMeasurements(), s.toString());
            s.close();
        }
        BodyEncoding own = new BodyEncoding() {
            @Override
            public String contentType() {
                return "text/plain";
            }

            @Override
            public void encode(Batch batch, java.io.OutputStream out) throws IOException {
                out.write(batch.events().size());
            }
        };
        sink = HttpSink.builder(server.uri("/w")).encoding(own).build();
        assertFalse(sink.acceptsReusedEvents(), "an encoding of your own may keep the events");
        assertFalse(sink.acceptsReusedMeasurements(), "an encoding of your own may keep the measurements");
    }

    @Test
    void batchesOfReusedEventsArriveWhole() throws Exception {
        // The pipeline refills the same event objects for every publish to this sink: each body
        // must hold its own batch's events, whatever the pipeline writes into them afterwards.
        sink = HttpSink.builder(server.uri("/w")).build();
        assertTrue(sink.acceptsReusedEvents(), "the built-in encoding takes reused events");
        StatsPipeline p = StatsPipeline.builder().sink("http", sink, SinkOptions.builder().batchSize(3)
                .linger(Duration.ofMillis(5)).build()).build();
        boolean closed;
        try {
            EventType t = p.eventType("app.closed", "id");
            for (int i = 1; i <= 9; i++) {
                t.record(Tags.empty(), i);
            }
            Await.until(Duration.ofSeconds(10), () -> postedIds().split(" ").length == 9,
                    () -> "events posted: " + postedIds());
        } finally {
            closed = p.close(Duration.ofSeconds(10));
        }
        assertEquals("1 2 3 4 5 6 7 8 9", postedIds(), "every event once, in order");
        assertTrue(server.requests().size() >= 3, "batches of at most 3: " + server.requests().size() + " posts");
        assertTrue(closed, "the pipeline closed in time");
    }

    /** The ids of the events in every body posted so far, in order. */
    private String postedIds() {
        String field = "\"fields\":{\"id\":";
        StringBuilder ids = new StringBuilder();
        for (LoopbackHttpServer.Request r : server.requests()) {
            for (String line : r.body.split("\n")) {
                int at = line.indexOf(field);
                if (at >= 0 && line.contains("\"type\":\"event\"")) {
                    ids.append(ids.length() == 0 ? "" : " ").append(line, at + field.length(), line.indexOf('}', at));
                }
            }
        }
        return ids.toString();
    }

    @Test
    void gzipCompressesTheBody() throws Exception {
        sink = HttpSink.builder(server.uri("/")).encoding(BodyEncoding.influxLineProtocol()).gzip(true).build();
        sink.publish(batch());
        LoopbackHttpServer.Request r = server.requests().get(0);
        assertEquals("gzip", r.headers.get("content-encoding"));
        assertEquals("text/plain; charset=utf-8", r.headers.get("content-type"));
        assertEquals(Bodies.encode(BodyEncoding.influxLineProtocol(), batch()), r.body);
        assertEquals(0x1f, r.rawBody[0] & 0xff, "gzip magic");
        assertEquals(0x8b, r.rawBody[1] & 0xff, "gzip magic");
    }

    @Test
    void anEmptyBodySendsNothing() throws Exception {
        sink = HttpSink.builder(server.uri("/")).gzip(true).build();
        sink.publish(Batch.of("http", 1, List.of(), List.of()));
        sink = HttpSink.builder(server.uri("/")).build();
        sink.publish(Batch.of("http", 1, List.of(), List.of()));
        assertEquals(0, server.requests().size());
    }

    @Test
    void aResponseOtherThan2xxFailsThePublishWithTheStatusAndTheStartOfTheBody() {
        sink = HttpSink.builder(server.uri("/write")).build();
        server.respond(400, "{\"error\":\"unable to parse\"}");
        IOException e = assertThrows(IOException.class, () -> sink.publish(batch()));
        assertEquals("POST " + server.uri("/write") + ": HTTP 400: {\"error\":\"unable to parse\"}", e.getMessage());
        server.respond(503, "x".repeat(100_000));
        e = assertThrows(IOException.class, () -> sink.publish(batch()));
        assertEquals("POST " + server.uri("/write") + ": HTTP 503: " + "x".repeat(512), e.getMessage());
        server.respond(200, "ok");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> sink.publish(batch()));
        server.respond(201, "");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> sink.publish(batch()));
    }

    @Test
    void aRedirectIsNotFollowed() {
        sink = HttpSink.builder(server.uri("/old")).build();
        server.redirectTo(server.uri("/new").toString());
        IOException e = assertThrows(IOException.class, () -> sink.publish(batch()));
        assertEquals("POST " + server.uri("/old") + ": HTTP 302", e.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void aRefusedConnectionFailsThePublish() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        sink = HttpSink.builder(URI.create("http://127.0.0.1:" + port + "/")).build();
        IOException e = assertThrows(IOException.class, () -> sink.publish(batch()));
        assertInstanceOf(ConnectException.class, e.getCause(), e.toString());
    }

    @Test
    void aServerThatNeverAnswersFailsThePublishAtTheRequestTimeout() {
        server.hang();
        sink = HttpSink.builder(server.uri("/")).requestTimeout(Duration.ofMillis(300)).build();
        HttpTimeoutException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HttpTimeoutException.class, () -> sink.publish(batch())));
        assertTrue(e.getMessage().startsWith("POST " + server.uri("/") + ": "), e.getMessage());
    }

    @Test
    void aResponseBodyThatNeverEndsFailsThePublishAtTheRequestTimeout() {
        server.endlessBody();
        sink = HttpSink.builder(server.uri("/")).requestTimeout(Duration.ofMillis(300)).build();
        HttpTimeoutException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HttpTimeoutException.class, () -> sink.publish(batch())));
        assertEquals("POST " + server.uri("/") + ": no complete response within PT0.3S", e.getMessage());
    }

    @Test
    void theCloseDeadlineInterruptsARequestThatHangsLongerThanItsTimeout() throws Exception {
        server.hang();
        sink = HttpSink.builder(server.uri("/")).requestTimeout(Duration.ofSeconds(60)).build();
        StatsPipeline p = StatsPipeline.builder().sink("http", sink, SinkOptions.builder()
                .linger(Duration.ofMillis(5)).publishTimeout(Duration.ofMillis(100)).build()).build();
        EventType ev = p.eventType("e", "n");
        ev.record(Tags.empty(), 1);
        assertTrue(server.awaitFirstRequest(10), "the request reached the server");
        Await.until(Duration.ofSeconds(10), () -> p.sinkStats("http").state() == SinkState.STALLED,
                () -> p.sinkStats("http").toString());
        ev.record(Tags.empty(), 2);
        assertEquals(1, p.sinkStats("http").dropped(DropReason.STALLED));
        assertFalse(p.close(Duration.ofMillis(200)), "the hung publish could not finish");
        // The interrupt ended the publish long before its 60 s request timeout: the thread is gone.
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(5));
        assertEquals(SinkState.CLOSED, p.sinkStats("http").state());
        assertInstanceOf(InterruptedException.class, p.sinkStats("http").lastError(),
                String.valueOf(p.sinkStats("http").lastError()));
    }

    @Test
    void closeIsIdempotentAndAPublishAfterItIsLifecycleMisuse() throws Exception {
        sink = HttpSink.builder(server.uri("/")).build();
        sink.publish(batch());
        sink.close();
        sink.close();
        assertThrows(IllegalStateException.class, () -> sink.publish(batch()));
    }
}
