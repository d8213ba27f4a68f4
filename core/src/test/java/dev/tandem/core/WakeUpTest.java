package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.TestSupport.ThreadMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Interrupting a side, closing the resource, or closing the pair each wake a side, on both kinds of thread. */
@Timeout(60)
class WakeUpTest {
    private ConnectionManager manager;

    @AfterEach
    void noLeaks() throws InterruptedException {
        TestSupport.assertNoLeaks(manager);
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void closingWakesAReaderWaitingOnAnInMemoryQueue(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder()).build();
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        CountDownLatch waiting = new CountDownLatch(1);
        ConnectionPair<String> p = manager.open(() -> { }, ctx -> {
            waiting.countDown();
            inbox.take(); // no file descriptor involved: only the interrupt can end this
        }, (m, ctx) -> { });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        assertTrue(p.close());
        CloseInfo info = TestSupport.await(p.closeFuture());
        assertEquals(CloseReason.EXPLICIT, info.reason());
        assertInstanceOf(InterruptedException.class, info.laterFailures().get(0), "the woken reader's exception");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void interruptingADrainFromOutsideClosesThePair(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder()).build();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inWrite = new CountDownLatch(1);
        ConnectionPair<String> p = manager.open(() -> { }, ctx -> release.await(), (m, ctx) -> {
            inWrite.countDown();
            release.await(); // a drain blocked in a write: only the interrupt ends it
        });
        assertTrue(p.snapshot().writer().idle(), "no drain before the first send");
        assertEquals(SendResult.ACCEPTED, p.send("m"));
        assertTrue(inWrite.await(10, TimeUnit.SECONDS));
        Thread writer = findThread("tandem-" + p.id() + "-writer", mode);
        if (writer == null) {
            release.countDown(); // virtual threads are not listed by the JDK: nothing to interrupt from here
            TestSupport.await(p.closeFuture());
            return;
        }
        writer.interrupt();
        CloseInfo info = TestSupport.await(p.closeFuture());
        assertEquals(CloseReason.WRITER_ERROR, info.reason());
        assertInstanceOf(InterruptedException.class, info.cause());
        release.countDown();
    }

    private static Thread findThread(String name, ThreadMode mode) {
        if (mode == ThreadMode.VIRTUAL) {
            return null;
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no thread " + name);
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aBlockingSocketChannelWorksAndClosingItWakesItsReader(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder()).build();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
                SocketChannel accepted = server.accept();
                ConnectionPair<String> p = manager.open(accepted, TestSupport.echoLines(), TestSupport.writeLines());
                client.write(java.nio.ByteBuffer.wrap("over a channel\n".getBytes(StandardCharsets.UTF_8)));
                BufferedReader in = new BufferedReader(new InputStreamReader(client.socket().getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("over a channel", in.readLine());
                assertTrue(p.close()); // the reader is blocked in a channel read
                assertEquals(CloseReason.EXPLICIT, TestSupport.await(p.closeFuture()).reason());
                assertTrue(!accepted.isOpen());
                assertEquals(null, in.readLine());
            }
        }
    }
}
