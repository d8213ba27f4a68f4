package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;


import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** Shared helpers for core tests: thread modes, a test clock, loopback sockets, leak checks. */
final class TestSupport {
    private TestSupport() {}

    static final Duration WAIT = Duration.ofSeconds(20);

    /** Which threads pairs run on; VIRTUAL is skipped below JDK 21. */
    enum ThreadMode {
        PLATFORM, VIRTUAL;

        ConnectionManager.Builder configure(ConnectionManager.Builder b) {
            if (this == VIRTUAL) {
                assumeTrue(ConnectionManager.virtualThreadsSupported(), "virtual threads need JDK 21+");
                b.virtualThreads();
            }
            return b;
        }
    }

    /** A clock the test moves by hand. */
    static final class TestClock implements TimeSource {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public long currentTimeMillis() {
            return nanos.get() / 1_000_000;
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    /** Line protocol: each line read is counted and echoed back through the pair. */
    static ReadLoop<String> echoLines() {
        return ctx -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(ctx.input(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                ctx.markMessageIn();
                ctx.pair().send(line);
            }
        };
    }

    /** Writes one line per message. */
    static MessageWriter<String> writeLines() {
        return (msg, ctx) -> {
            OutputStream out = ctx.output();
            out.write((msg + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    /** A loopback server that hands each accepted socket to {@code onAccept}. */
    static final class Loopback implements AutoCloseable {
        final ServerSocket server;
        private final Thread acceptor;
        private final List<Socket> clients = new ArrayList<>();

        interface OnAccept {
            void accept(Socket s) throws Exception;
        }

        Loopback(OnAccept onAccept) throws IOException {
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        try {
                            onAccept.accept(s);
                        } catch (Exception e) {
                            s.close();
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "test-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        Socket connect() throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            synchronized (clients) {
                clients.add(s);
            }
            return s;
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                acceptor.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (clients) {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }

    /** Blocks until {@code release} opens, swallowing every interrupt: the worst a read loop or hook can do. */
    static void ignoreInterruptsUntil(java.util.concurrent.CountDownLatch release) {
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                // deliberately swallowed
            }
        }
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT + " waiting for: " + what);
            }
            Thread.sleep(2); // polling a condition under a bounded deadline
        }
    }

    static List<Thread> tandemThreads() {
        return dev.tandem.stats.TestThreads.tandemThreads();
    }

    /** The goleak check: every {@code tandem-} platform thread ends within the wait. */
    static void assertNoTandemThreads() throws InterruptedException {
        dev.tandem.stats.TestThreads.assertNoTandemThreadsWithin(WAIT);
    }

    /**
     * The leak check each test class ends with: the manager (if any) shuts down with a clean report
     * and holds no pair, and no {@code tandem-} thread is left.
     */
    static void assertNoLeaks(ConnectionManager m) throws InterruptedException {
        if (m != null) {
            ShutdownReport r = m.shutdown(Duration.ofSeconds(10));
            assertTrue(r.clean(), r::toString);
            assertNoPairs(m);
        }
        assertNoTandemThreads();
    }

    /** The other half of the leak check: the manager holds no pair. */
    static void assertNoPairs(ConnectionManager m) {
        assertEquals(0, m.counts().live(), () -> "live pairs left:\n" + m.dump());
    }

    /** Open file descriptors of this process (Linux). */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
