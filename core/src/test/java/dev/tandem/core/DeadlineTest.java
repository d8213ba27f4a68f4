package dev.tandem.core;

import static dev.tandem.core.TestSupport.await;
import static dev.tandem.core.TestSupport.awaitTrue;
import static dev.tandem.core.TestSupport.echoLines;
import static dev.tandem.core.TestSupport.writeLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.TestSupport.Loopback;
import dev.tandem.core.TestSupport.TestClock;
import dev.tandem.core.TestSupport.ThreadMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * G6 in the details: the write timeout measures progress, not the length of a write; a socket's own
 * read timeout counts as idle; {@code markRead} and {@code markWritten} drive the deadlines of a
 * resource that is not a socket. Time is the test's ({@link TestClock}) and each check is one
 * explicit pass of the manager's timer ({@link ConnectionManager#tick}), so "still open" means the
 * timer looked and let it be.
 */
@Timeout(120)
class DeadlineTest {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private ConnectionManager manager;
    private Loopback loopback;
    private final BlockingQueue<ConnectionPair<String>> accepted = new ArrayBlockingQueue<>(8);

    @AfterEach
    void noLeaks() throws Exception {
        if (loopback != null) {
            loopback.close();
        }
        TestSupport.assertNoLeaks(manager);
    }

    private ConnectionPair<String> nextPair() throws InterruptedException {
        ConnectionPair<String> p = accepted.poll(20, TimeUnit.SECONDS);
        assertTrue(p != null, "the server accepted a connection");
        return p;
    }

    /** One timer pass at the test clock's time. */
    private void tick(TestClock clock) {
        manager.tick(clock.nanoTime());
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aWriteThatKeepsMovingIsNotCutOffHoweverLongItTakes(ThreadMode mode) throws Exception {
        TestClock clock = new TestClock();
        manager = mode.configure(ConnectionManager.builder()).timeSource(clock).writeTimeout(WRITE_TIMEOUT)
                .timerTick(Duration.ofHours(1)).build(); // only the explicit ticks below
        loopback = new Loopback(s -> {
            s.setSendBufferSize(32 * 1024);
            accepted.add(manager.open(s, echoLines(), writeLines()));
        });
        Socket client = loopback.connect();
        client.setReceiveBufferSize(32 * 1024);
        ConnectionPair<String> pair = nextPair();
        int size = 4 * 1024 * 1024;
        assertEquals(SendResult.ACCEPTED, pair.send("z".repeat(size))); // one message, one long write

        InputStream in = client.getInputStream();
        byte[] buf = new byte[64 * 1024];
        Duration onTheClock = Duration.ZERO;
        for (int step = 0; step < 8; step++) {
            long before = pair.snapshot().bytesOut();
            readAtLeast(in, buf, 128 * 1024); // the slow peer takes a little more
            awaitTrue(() -> pair.snapshot().bytesOut() > before, "the writer made progress");
            clock.advance(WRITE_TIMEOUT.multipliedBy(6).dividedBy(10)); // 6 s since the last progress
            onTheClock = onTheClock.plus(WRITE_TIMEOUT.multipliedBy(6).dividedBy(10));
            tick(clock);
            assertEquals(PairState.OPEN, pair.state(), "step " + step + ": a write that moves is not cut off");
        }
        assertTrue(onTheClock.compareTo(WRITE_TIMEOUT.multipliedBy(4)) > 0, "the one write lasted " + onTheClock);
        assertTrue(pair.snapshot().bytesOut() < size, "and it is still in progress: " + pair.snapshot());
        assertEquals(0, pair.snapshot().messagesOut(), "no message has been written in full");

        // The peer stops reading. Once the buffers are full no chunk completes, and the next pass
        // more than writeTimeout later cuts the write off. (A chunk may still complete after a
        // pass, marking progress at that clock time: hence a bounded number of passes.)
        CloseInfo info = null;
        for (int i = 0; i < 50 && info == null; i++) {
            clock.advance(WRITE_TIMEOUT.plusSeconds(1));
            tick(clock);
            info = pair.state() == PairState.OPEN ? null : await(pair.closeFuture());
        }
        assertTrue(info != null, "a write with no progress was cut off: " + pair.snapshot());
        assertEquals(CloseReason.WRITE_TIMEOUT, info.reason(), info.toString());
        assertEquals(1, info.messagesUnsent(), "the message cut off counts as unsent: " + info);
    }

    private static void readAtLeast(InputStream in, byte[] buf, int bytes) throws IOException {
        int got = 0;
        while (got < bytes) {
            int n = in.read(buf, 0, Math.min(buf.length, bytes - got));
            if (n < 0) {
                throw new IOException("the server closed the connection after " + got + " bytes");
            }
            got += n;
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aSocketReadTimeoutClosesThePairAsIdle(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder()).build(); // no idleTimeout of Tandem's own
        loopback = new Loopback(s -> {
            s.setSoTimeout(50); // the handler's own idle policy, as many existing handlers have
            accepted.add(manager.open(s, echoLines(), writeLines()));
        });
        loopback.connect(); // and never sends
        CloseInfo info = await(nextPair().closeFuture());
        assertEquals(CloseReason.IDLE_TIMEOUT, info.reason(), "SO_TIMEOUT reads as an idle timeout: " + info);
        assertTrue(info.cause() instanceof java.net.SocketTimeoutException, String.valueOf(info.cause()));
    }

    /** A resource with no streams: an in-memory inbox the reader takes from. */
    private static final class Inbox implements AutoCloseable {
        final BlockingQueue<String> lines = new ArrayBlockingQueue<>(16);
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void markReadResetsTheIdleTimerOfAResourceThatIsNotASocket(ThreadMode mode) throws Exception {
        TestClock clock = new TestClock();
        manager = mode.configure(ConnectionManager.builder()).timeSource(clock).idleTimeout(Duration.ofSeconds(30))
                .timerTick(Duration.ofHours(1)).build();
        Inbox inbox = new Inbox();
        ConnectionPair<String> pair = manager.open(inbox, ctx -> {
            while (true) {
                String line = inbox.lines.take(); // woken by the close's interrupt
                ctx.markRead(line.length());
                ctx.markMessageIn();
            }
        }, (msg, ctx) -> ctx.markWritten(msg.length()));

        clock.advance(Duration.ofSeconds(20));
        inbox.lines.add("hello");
        awaitTrue(() -> pair.snapshot().bytesIn() == 5, "the reader reported its input");
        clock.advance(Duration.ofSeconds(20)); // 40 s since open, 20 s since input
        tick(clock);
        assertEquals(PairState.OPEN, pair.state(), "input 20 s ago: not idle");

        clock.advance(Duration.ofSeconds(11)); // 31 s since input
        tick(clock);
        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.IDLE_TIMEOUT, info.reason());
        assertEquals(Duration.ofSeconds(51), info.lifetime(), "closed at the first pass after 30 s without input");
        assertEquals(5, info.bytesIn());
        assertEquals(1, info.messagesIn());
        assertTrue(inbox.closed.await(20, TimeUnit.SECONDS), "the resource was closed");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void markWrittenIsProgressForAWriterThatWritesSomeOtherWay(ThreadMode mode) throws Exception {
        TestClock clock = new TestClock();
        manager = mode.configure(ConnectionManager.builder()).timeSource(clock).writeTimeout(WRITE_TIMEOUT)
                .timerTick(Duration.ofHours(1)).build();
        Inbox inbox = new Inbox();
        CountDownLatch writing = new CountDownLatch(1);
        BlockingQueue<Integer> chunks = new ArrayBlockingQueue<>(16); // the test hands out progress
        ConnectionPair<String> pair = manager.open(inbox, ctx -> inbox.closed.await(), (msg, ctx) -> {
            writing.countDown();
            while (true) {
                int n = chunks.take(); // a write that moves when the test says so; interrupt ends it
                ctx.markWritten(n);
            }
        });
        pair.send("a long write");
        assertTrue(writing.await(20, TimeUnit.SECONDS), "the writer started");
        for (int step = 1; step <= 4; step++) {
            clock.advance(Duration.ofSeconds(6));
            chunks.add(100);
            final long expected = 100L * step;
            awaitTrue(() -> pair.snapshot().bytesOut() == expected, "chunk " + expected + " reported");
            clock.advance(Duration.ofSeconds(6)); // 12 s since the write began each round, 6 s since progress
            tick(clock);
            assertEquals(PairState.OPEN, pair.state(), "progress at step " + step + " keeps the write alive");
        }
        clock.advance(Duration.ofSeconds(5)); // 11 s since the last markWritten
        tick(clock);
        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.WRITE_TIMEOUT, info.reason(), info.toString());
        assertEquals(400, info.bytesOut());
    }
}
