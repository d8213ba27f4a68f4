package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.Event;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.testing.RecordingStatsSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Byte counts are reported only when Tandem saw the bytes: a handler that reads the socket's own
 * stream (an adopted one) gets no {@code bytes_in} rather than a misleading 0 (issue 14).
 */
@Timeout(60)
class ByteCountsTest {
    private final RecordingStatsSink rec = new RecordingStatsSink();
    private final StatsPipeline stats = StatsPipeline.builder().sink("rec", rec, SinkOptions.builder()
            .linger(Duration.ofMillis(5)).build()).build();
    private final ConnectionManager manager = ConnectionManager.builder().stats(stats).build();

    @AfterEach
    void noLeaks() throws InterruptedException {
        ShutdownReport r = manager.shutdown(Duration.ofSeconds(10));
        stats.close(Duration.ofSeconds(5)); // the manager does not own it
        assertTrue(r.clean(), r::toString);
        TestSupport.assertNoPairs(manager);
        TestSupport.assertNoTandemThreads();
    }

    /** One client says "hello\n" and leaves; returns the server pair's close info. */
    private CloseInfo exchange(ReadLoop<String> reader, MessageWriter<String> writer) throws Exception {
        CompletableFuture<CompletionStage<CloseInfo>> closed = new CompletableFuture<>();
        try (TestSupport.Loopback server = new TestSupport.Loopback(s -> closed.complete(
                manager.open(s, reader, writer).closeFuture()))) {
            Socket client = server.connect();
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("hello", in.readLine());
            client.shutdownOutput();
            return TestSupport.await(TestSupport.await(closed));
        }
    }

    /** An adopted handler's read loop: it reads the socket's own stream, which Tandem cannot count. */
    private static ReadLoop<String> socketsOwnInput() {
        return ctx -> {
            Socket s = (Socket) ctx.resource();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                ctx.pair().send(line);
            }
        };
    }

    private Event closedEvent(long id) throws InterruptedException {
        assertTrue(rec.awaitEvents(e -> e.name().equals("tandem.connection.closed") && e.field("id") == id, 1,
                Duration.ofSeconds(10)), "the closed event of pair " + id);
        return rec.events().stream().filter(e -> e.field("id") == id).findFirst().orElseThrow();
    }

    @Test
    void aHandlerOnTheSocketsOwnInputStreamHasNoBytesInButItsCountedOutput() throws Exception {
        CloseInfo info = exchange(socketsOwnInput(), MessageWriter.lines(StandardCharsets.UTF_8));
        assertFalse(info.bytesInCounted(), info::toString);
        assertTrue(info.bytesOutCounted(), info::toString);
        assertEquals(6, info.bytesOut(), "\"hello\\n\" through ctx.output()");
        assertTrue(info.toString().contains("in=0msg, out=6B/1msg, bytes in not counted"), info.toString());
        assertEquals(List.of("id", "duration_ms", "bytes_out", "messages_in", "messages_out"),
                closedEvent(info.id()).type().fieldNames(), "no bytes_in field rather than a 0");
    }

    @Test
    void aHandlerOnTheSocketsOwnStreamsHasNoByteCountsAtAll() throws Exception {
        CloseInfo info = exchange(socketsOwnInput(), (line, ctx) -> {
            OutputStream out = ((Socket) ctx.resource()).getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        });
        assertFalse(info.bytesInCounted() || info.bytesOutCounted(), info::toString);
        assertTrue(info.toString().contains("in=0msg, out=1msg, bytes in and out not counted"), info.toString());
        assertEquals(List.of("id", "duration_ms", "messages_in", "messages_out"),
                closedEvent(info.id()).type().fieldNames());
    }

    @Test
    void aHandlerOnTheContextsStreamsHasBothCounts() throws Exception {
        CloseInfo info = exchange(TestSupport.echoLines(), TestSupport.writeLines());
        assertTrue(info.bytesInCounted() && info.bytesOutCounted(), info::toString);
        assertEquals(6, info.bytesIn());
        assertEquals(6, info.bytesOut());
        assertFalse(info.toString().contains("not counted"), info.toString());
        Event e = closedEvent(info.id());
        assertEquals(List.of("id", "duration_ms", "bytes_in", "bytes_out", "messages_in", "messages_out"),
                e.type().fieldNames());
        assertEquals(6, e.field("bytes_in"));
    }

    @Test
    void reportingReadsWithMarkReadCountsThem() throws Exception {
        CloseInfo info = exchange(ctx -> {
            Socket s = (Socket) ctx.resource();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                ctx.markRead(line.length() + 1);
                ctx.pair().send(line);
            }
        }, MessageWriter.lines(StandardCharsets.UTF_8));
        assertTrue(info.bytesInCounted(), info::toString);
        assertEquals(6, info.bytesIn());
    }

    /**
     * Pairs that close before their first send share one ended writer side: bytes a handler marks
     * as written after such a close must not land on the shared side and show up in other pairs.
     */
    @Test
    void writesMarkedAfterACloseBeforeAnySendAreNotCountedForOtherPairs() throws Exception {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        ConnectionPair<String> first = manager.open(String.class, () -> { }, ctx -> {
            reading.countDown();
            TestSupport.ignoreInterruptsUntil(closed); // the close wakes the reader: it goes on anyway
            ctx.markWritten(5); // after the close, before any send
        }, (m, ctx) -> { });
        assertTrue(reading.await(10, java.util.concurrent.TimeUnit.SECONDS), "the reader runs");
        first.close();
        closed.countDown();
        TestSupport.await(first.closeFuture());
        TestSupport.awaitTrue(() -> first.state() == PairState.CLOSED, "first CLOSED");
        ConnectionPair<String> second = manager.open(String.class, () -> { }, ctx -> { }, (m, ctx) -> { });
        CloseInfo info = TestSupport.await(second.closeFuture());
        assertEquals(0, info.bytesOut(), info::toString);
    }
}
