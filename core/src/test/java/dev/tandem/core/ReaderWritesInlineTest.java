package dev.tandem.core;

import static dev.tandem.core.TestSupport.await;
import static dev.tandem.core.TestSupport.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.TestSupport.Loopback;
import dev.tandem.core.TestSupport.ThreadMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code readerWritesInline(true)} on real loopback sockets: a pair's reader writes what it sends
 * on its own thread; what other threads send still goes through the queue and a drain, in order
 * per sender; a reader blocked in its own write is cut off by the write timeout; and without the
 * option the reader never writes.
 */
@Timeout(60)
class ReaderWritesInlineTest {
    private ConnectionManager manager;
    private Loopback loopback;
    private final BlockingQueue<ConnectionPair<String>> accepted = new LinkedBlockingQueue<>();

    @AfterEach
    void noLeaks() throws Exception {
        if (loopback != null) {
            loopback.close();
        }
        TestSupport.assertNoLeaks(manager);
    }

    /** Echoes each line, and notes which thread read it and which thread wrote its reply. */
    private static final class Threads {
        final Set<Thread> readers = ConcurrentHashMap.newKeySet();
        final Set<Thread> writers = ConcurrentHashMap.newKeySet();

        ReadLoop<String> echo() {
            return ctx -> {
                BufferedReader in = new BufferedReader(new InputStreamReader(ctx.input(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    readers.add(Thread.currentThread());
                    ctx.pair().send(line);
                }
            };
        }

        MessageWriter<String> write() {
            MessageWriter<String> lines = TestSupport.writeLines();
            return (m, ctx) -> {
                if (!m.startsWith("push")) {
                    writers.add(Thread.currentThread());
                }
                lines.write(m, ctx);
            };
        }
    }

    private void serve(ConnectionManager.Builder b, ReadLoop<String> reader, MessageWriter<String> writer) throws Exception {
        manager = b.build();
        loopback = new Loopback(s -> accepted.add(manager.open(s, reader, writer)));
    }

    private ConnectionPair<String> nextPair() throws InterruptedException {
        ConnectionPair<String> p = accepted.poll(20, TimeUnit.SECONDS);
        assertTrue(p != null, "the server accepted a connection");
        return p;
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void theReaderWritesItsRepliesOnItsOwnThread(ThreadMode mode) throws Exception {
        Threads seen = new Threads();
        serve(mode.configure(ConnectionManager.builder()).readerWritesInline(true), seen.echo(), seen.write());
        try (Socket client = loopback.connect()) {
            ConnectionPair<String> pair = nextPair();
            PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 200; i++) {
                out.println("line " + i);
                assertEquals("line " + i, in.readLine());
            }
            awaitTrue(() -> pair.snapshot().messagesOut() == 200, "200 replies counted: " + pair.snapshot());
        }
        assertEquals(seen.readers, seen.writers, "every reply was written on the thread that read its request");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void withoutTheOptionTheReaderNeverWrites(ThreadMode mode) throws Exception {
        Threads seen = new Threads();
        serve(mode.configure(ConnectionManager.builder()), seen.echo(), seen.write());
        try (Socket client = loopback.connect()) {
            nextPair();
            PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 50; i++) {
                out.println("line " + i);
                assertEquals("line " + i, in.readLine());
            }
        }
        Set<Thread> both = ConcurrentHashMap.newKeySet();
        both.addAll(seen.readers);
        both.retainAll(seen.writers);
        assertTrue(both.isEmpty(), "a reply was written on the reader's thread: " + both);
    }

    /**
     * A client sends requests as fast as it can while a pusher thread sends to the same pair: both
     * streams arrive whole, each in the order it was sent, however the reader's bursts, the hand-offs
     * and the pooled drains interleave.
     */
    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void repliesAndPushesFromAnotherThreadEachArriveWholeAndInOrder(ThreadMode mode) throws Exception {
        int n = 3_000;
        Threads seen = new Threads();
        serve(mode.configure(ConnectionManager.builder()).readerWritesInline(true).outboundQueueCapacity(2 * n),
                seen.echo(), seen.write());
        try (Socket client = loopback.connect()) {
            ConnectionPair<String> pair = nextPair();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<String> got = new ArrayList<>();
            Thread receiver = new Thread(() -> {
                try {
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                    for (int i = 0; i < 2 * n; i++) {
                        got.add(in.readLine());
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "test-receiver");
            receiver.start();
            CountDownLatch go = new CountDownLatch(1);
            Thread pusher = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < n; i++) {
                        assertEquals(SendResult.ACCEPTED, pair.send("push " + i));
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "test-pusher");
            pusher.start();
            OutputStream raw = client.getOutputStream();
            go.countDown();
            for (int i = 0; i < n; i++) {
                raw.write(("echo " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            raw.flush();
            pusher.join(TimeUnit.SECONDS.toMillis(30));
            receiver.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(null, failed.get());
            assertEquals(2 * n, got.size(), "lines received");
            assertInOrder(got, "push ", n);
            assertInOrder(got, "echo ", n);
        }

    }

    private static void assertInOrder(List<String> got, String prefix, int n) {
        int next = 0;
        for (String line : got) {
            if (line.startsWith(prefix)) {
                assertEquals(prefix + next, line, "the " + prefix.trim() + " stream out of order");
                next++;
            }
        }
        assertEquals(n, next, "all of the " + prefix.trim() + " stream arrived");
    }

    /** The price of the option, bounded: a reader blocked in its own write is cut off by the write timeout. */
    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aReaderBlockedInItsOwnWriteIsCutOffByTheWriteTimeout(ThreadMode mode) throws Exception {
        String big = "x".repeat(256 * 1024);
        Threads seen = new Threads();
        ReadLoop<String> repliesBig = ctx -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(ctx.input(), StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                seen.readers.add(Thread.currentThread());
                ctx.pair().send(big);
            }
        };
        manager = mode.configure(ConnectionManager.builder()).readerWritesInline(true).writeTimeout(Duration.ofMillis(300))
                .build();
        loopback = new Loopback(s -> {
            s.setSendBufferSize(32 * 1024);
            accepted.add(manager.open(s, repliesBig, seen.write()));
        });
        try (Socket client = loopback.connect()) { // sends requests, never reads a reply
            client.setReceiveBufferSize(32 * 1024);
            ConnectionPair<String> pair = nextPair();
            PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
            for (int i = 0; i < 64; i++) { // 16 MiB of replies: the socket buffers fill, the reader's write blocks
                out.println("request " + i);
            }
            awaitTrue(() -> pair.snapshot().bytesOut() > 0, "the reader started its write");
            CloseInfo info = await(pair.closeFuture());
            assertEquals(CloseReason.WRITE_TIMEOUT, info.reason(), info.toString());
        }
        assertEquals(seen.readers, seen.writers, "the write cut off was the reader's own, on its thread");
    }
}
