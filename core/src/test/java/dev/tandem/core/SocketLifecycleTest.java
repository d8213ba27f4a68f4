package dev.tandem.core;

import static dev.tandem.core.TestSupport.await;
import static dev.tandem.core.TestSupport.awaitTrue;
import static dev.tandem.core.TestSupport.echoLines;
import static dev.tandem.core.TestSupport.writeLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.TestSupport.Loopback;
import dev.tandem.core.TestSupport.TestClock;
import dev.tandem.core.TestSupport.ThreadMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * G1, G5, G6, G9 over real loopback sockets, on platform threads and (JDK 21+) virtual threads.
 * Every test ends with the goleak-style check: no live pair, no {@code tandem-} thread.
 */
@Timeout(120)
class SocketLifecycleTest {
    private ConnectionManager manager;
    private Loopback loopback;
    private final BlockingQueue<ConnectionPair<String>> accepted = new ArrayBlockingQueue<>(64);

    @AfterEach
    void noLeaks() throws Exception {
        if (loopback != null) {
            loopback.close();
        }
        TestSupport.assertNoLeaks(manager);
    }

    private ConnectionManager manager(ThreadMode mode, Consumer<ConnectionManager.Builder> options) {
        ConnectionManager.Builder b = mode.configure(ConnectionManager.builder());
        options.accept(b);
        manager = b.build();
        return manager;
    }

    private void serve(ReadLoop<String> reader, MessageWriter<String> writer) throws IOException {
        loopback = new Loopback(s -> accepted.add(manager.open(s, reader, writer)));
    }

    private ConnectionPair<String> nextPair() throws InterruptedException {
        ConnectionPair<String> p = accepted.poll(20, TimeUnit.SECONDS);
        assertTrue(p != null, "the server accepted a connection");
        return p;
    }

    private static String readLine(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aReaderThatReturnsAtEofEndsTheWriterToo(ThreadMode mode) throws Exception {
        manager(mode, b -> { });
        serve(echoLines(), writeLines());
        Socket client = loopback.connect();
        ConnectionPair<String> pair = nextPair();
        client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("ping", readLine(client));
        client.shutdownOutput(); // EOF for the server's reader, which returns normally

        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.READER_EOF, info.reason());
        assertNull(info.cause());
        assertEquals(PairState.CLOSED, pair.state(), "CLOSED means both sides exited");
        assertEquals(1, info.messagesIn());
        assertEquals(1, info.messagesOut());
        assertEquals(5, info.bytesIn());
        assertEquals(5, info.bytesOut());
        assertEquals(-1, client.getInputStream().read(), "the server closed the socket");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aReaderWhoseCleanupBlocksAfterEofStillHasItsSocketClosed(ThreadMode mode) throws Exception {
        manager(mode, b -> { });
        BlockingQueue<Integer> fullStatsQueue = new ArrayBlockingQueue<>(1);
        fullStatsQueue.add(0); // the story: the stats channel is full
        serve(ctx -> {
            InputStream in = ctx.input();
            while (in.read() >= 0) {
                ctx.markMessageIn();
            }
            fullStatsQueue.put(-1); // the story's cleanup: blocks until interrupted
        }, writeLines());
        Socket client = loopback.connect();
        ConnectionPair<String> pair = nextPair();
        client.shutdownOutput();
        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.READER_EOF, info.reason(), "the end of input closed the pair at once");
        assertEquals(-1, client.getInputStream().read(), "the socket was closed although the reader blocked");
        assertEquals(PairState.CLOSED, pair.state(), "the interrupt freed the blocked put");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aWriterFailureEndsAReaderBlockedInRead(ThreadMode mode) throws Exception {
        manager(mode, b -> { });
        CountDownLatch readerBlocked = new CountDownLatch(1);
        serve(ctx -> {
            readerBlocked.countDown();
            InputStream in = ctx.input();
            while (in.read() >= 0) { // the client never sends: blocked in read
                ctx.markMessageIn();
            }
        }, (msg, ctx) -> {
            throw new IOException("cannot encode " + msg.length() + " chars");
        });
        loopback.connect();
        ConnectionPair<String> pair = nextPair();
        assertTrue(readerBlocked.await(20, TimeUnit.SECONDS));
        assertEquals(SendResult.ACCEPTED, pair.send("boom"));

        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.WRITER_ERROR, info.reason());
        assertEquals("cannot encode 4 chars", info.cause().getMessage());
        assertEquals(PairState.CLOSED, pair.state(), "the reader blocked in read exited too");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void anExplicitCloseFromAnotherThreadEndsBothSides(ThreadMode mode) throws Exception {
        manager(mode, b -> { });
        serve(echoLines(), writeLines());
        Socket client = loopback.connect();
        ConnectionPair<String> pair = nextPair();
        Thread closer = new Thread(() -> assertTrue(pair.close()), "test-closer");
        closer.start();
        CloseInfo info = await(pair.closeFuture());
        closer.join();
        assertEquals(CloseReason.EXPLICIT, info.reason());
        assertFalse(pair.close(), "a second close is a no-op");
        assertEquals(SendResult.CLOSED, pair.send("late"), "send after close returns CLOSED");
        assertEquals(-1, client.getInputStream().read());
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aReaderWithNoInputForTheIdleTimeoutIsClosed(ThreadMode mode) throws Exception {
        TestClock clock = new TestClock();
        manager(mode, b -> b.timeSource(clock).idleTimeout(Duration.ofSeconds(30)).timerTick(Duration.ofMillis(5)));
        serve(echoLines(), writeLines());
        Socket client = loopback.connect();
        ConnectionPair<String> pair = nextPair();

        clock.advance(Duration.ofSeconds(20));
        client.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("still here", readLine(client)); // input at t=20s resets the idle timer
        // The echo's drain may not yet have left its write when the line arrives: moving the
        // clock then would make that finished write look 20 s stalled (a write timeout).
        TestSupport.awaitTrue(() -> pair.snapshot().writer().idle(), "the echo's drain has gone idle");
        clock.advance(Duration.ofSeconds(20)); // 40s since open, 20s since input
        pair.send("probe");
        String probe = readLine(client);
        if (probe == null) { // say why, should it ever happen
            CloseInfo early = await(pair.closeFuture());
            throw new AssertionError("closed before the idle timeout: " + early + " " + early.laterFailures());
        }
        assertEquals("probe", probe); // several timer ticks have passed: still open
        assertEquals(PairState.OPEN, pair.state());

        clock.advance(Duration.ofSeconds(11)); // 31s without input
        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.IDLE_TIMEOUT, info.reason());
        assertEquals(Duration.ofSeconds(51), info.lifetime(), "lifetime measured on the injected clock");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aPeerThatStopsReadingIsClosedByTheWriteTimeout(ThreadMode mode) throws Exception {
        manager(mode, b -> b.writeTimeout(Duration.ofMillis(300)));
        serve(echoLines(), writeLines());
        Socket client = loopback.connect();
        client.setReceiveBufferSize(4096); // and never read: the server's writes fill both buffers
        ConnectionPair<String> pair = nextPair();
        String big = "x".repeat(64 * 1024);
        int accepted = 0;
        for (int i = 0; i < 200; i++) {
            if (pair.send(big) == SendResult.ACCEPTED) { // ~13 MB into a peer that takes nothing
                accepted++;
            }
        }
        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.WRITE_TIMEOUT, info.reason());
        assertEquals(accepted, info.messagesOut() + info.messagesUnsent(),
                "every accepted message is either written or counted unsent: " + info);
        assertTrue(info.bytesOut() > 0, "some bytes went out before the buffers filled: " + info);
        assertTrue(info.messagesUnsent() > 0 || info.messagesOut() < 200, info.toString());
        assertEquals(PairState.CLOSED, pair.state(), "the writer blocked in a socket write was freed");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void closingASocketWithSoLingerNeverBlocksTheCloser(ThreadMode mode) throws Exception {
        manager(mode, b -> { });
        loopback = new Loopback(s -> {
            s.setSoLinger(true, 3); // close() itself would now wait up to 3 s for unsent data
            accepted.add(manager.open(s, echoLines(), writeLines()));
        });
        Socket client = loopback.connect();
        client.setReceiveBufferSize(4096); // never read: unsent data stays in the server's buffers
        ConnectionPair<String> pair = nextPair();
        String big = "y".repeat(64 * 1024);
        for (int i = 0; i < 200; i++) {
            pair.send(big); // ~13 MB: more than loopback's buffers can absorb
        }
        TestSupport.awaitTrue(() -> pair.snapshot().writeStalledMillis() > 0 || pair.state() != PairState.OPEN,
                "the writer is blocked on a full send buffer");
        Thread closer = new Thread(pair::close, "test-closer");
        closer.start();
        closer.join(2_000);
        assertFalse(closer.isAlive(), "close() returned at once; the lingering close runs on a cleanup thread");
        assertEquals(CloseReason.EXPLICIT, await(pair.closeFuture()).reason());
        assertEquals(PairState.CLOSED, pair.state());
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aFullOutboundQueueClosesASlowConsumer(ThreadMode mode) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        manager(mode, b -> b.outboundQueueCapacity(8));
        serve(echoLines(), (msg, ctx) -> release.await()); // a writer that cannot make progress
        loopback.connect();
        ConnectionPair<String> pair = nextPair();
        List<SendResult> results = new ArrayList<>();
        for (int i = 0; i < 100 && (results.isEmpty() || results.get(results.size() - 1) == SendResult.ACCEPTED); i++) {
            results.add(pair.send("m" + i));
        }
        assertEquals(SendResult.OVERFLOW, results.get(results.size() - 1), "the send that found the queue full");
        assertTrue(results.size() <= 8 + 2, "at most the capacity (plus the one taken by the writer) accepted: "
                + results.size());
        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.SLOW_CONSUMER, info.reason());
        assertEquals(SendResult.CLOSED, pair.send("late"));
        release.countDown();
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void theDropPolicyDropsAndCountsButKeepsThePairOpen(ThreadMode mode) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        manager(mode, b -> b.outboundQueueCapacity(8).overflowPolicy(OverflowPolicy.DROP_MESSAGE));
        serve(echoLines(), (msg, ctx) -> {
            release.await();
            written.incrementAndGet();
        });
        Socket client = loopback.connect();
        ConnectionPair<String> pair = nextPair();
        int overflowed = 0;
        for (int i = 0; i < 50; i++) {
            if (pair.send("m" + i) == SendResult.OVERFLOW) {
                overflowed++;
            }
        }
        int accepted = 50 - overflowed;
        assertTrue(overflowed >= 50 - 8 - 1, "overflowed " + overflowed);
        assertEquals(PairState.OPEN, pair.state());
        assertEquals(overflowed, manager.counts().messagesDropped());
        assertTrue(accepted > 0);
        release.countDown();
        awaitTrue(() -> written.get() == accepted, "the accepted messages are written");
        client.close();
        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.READER_EOF, info.reason());
        assertEquals(overflowed, info.messagesDropped());
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void shutdownClosesEveryLivePairAndReportsNoStragglers(ThreadMode mode) throws Exception {
        manager(mode, b -> { });
        serve(echoLines(), writeLines());
        List<Socket> clients = new ArrayList<>();
        List<ConnectionPair<String>> pairs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(loopback.connect());
            pairs.add(nextPair());
        }
        assertEquals(20, manager.counts().live());
        ShutdownReport report = manager.shutdown(Duration.ofSeconds(10));
        assertTrue(report.clean(), report.toString());
        assertEquals(20, report.closedByShutdown());
        assertEquals(20, report.liveAtShutdown());
        assertEquals(0, report.closedBeforeShutdown());
        for (ConnectionPair<String> p : pairs) {
            assertEquals(CloseReason.SHUTDOWN, await(p.closeFuture()).reason());
        }
        for (Socket c : clients) {
            assertEquals(-1, c.getInputStream().read(), "each client sees the server close");
        }
        ConnectionCounts counts = manager.counts();
        assertEquals(20, counts.opened());
        assertEquals(20, counts.closed(CloseReason.SHUTDOWN));
        assertEquals(0, counts.live());
        OutputStream unused = clients.get(0).getOutputStream();
        assertTrue(unused != null);
    }
}
