package dev.tandem.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import dev.tandem.core.PairState;
import dev.tandem.stats.TestThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The diagnostics endpoint under abuse (issue 13), over loopback: many idle connections, slow
 * clients sending a request byte by byte, huge headers, unknown paths and methods. Another client
 * is still answered within a bound (the exchange deadline), the endpoint never holds more than its
 * thread bound, and the manager's pair is untouched.
 */
@Timeout(120)
class DiagnosticsAbuseTest {
    private static final int MAX_THREADS = 2;
    private static final Duration DEADLINE = Duration.ofMillis(500);
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(20); // liveness bound, not a speed target

    private ConnectionManager manager;
    private DiagnosticsServer server;
    private ConnectionPair<String> pair;
    private final CountDownLatch releasePair = new CountDownLatch(1);
    private final List<Socket> abusers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        manager = ConnectionManager.builder().name("abuse").build();
        pair = manager.open(() -> releasePair.countDown(), ctx -> releasePair.await(), (m, ctx) -> { });
        server = DiagnosticsServer.start(manager, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                MAX_THREADS, DEADLINE);
    }

    @AfterEach
    void noLeaks() throws Exception {
        for (Socket s : abusers) {
            s.close();
        }
        assertEquals(PairState.OPEN, pair.state(), "the manager's pair is untouched by the abuse");
        assertEquals(1, manager.counts().live());
        manager.shutdown(Duration.ofSeconds(10));
        assertEquals(0, manager.counts().live());
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(20));
    }

    @Test
    void manyIdleConnectionsHoldNoThreadAndOthersAreAnswered() throws Exception {
        for (int i = 0; i < 200; i++) {
            abusers.add(connect());
        }
        assertEquals(200, get("/tandem/counts").status, "answered with 200 idle connections open");
        assertTrue(server.exchangeThreads() <= MAX_THREADS, "threads " + server.exchangeThreads());
    }

    @Test
    void slowClientsSendingByteByByteAreCutOffAndOthersAreAnsweredWithinTheBound() throws Exception {
        for (int i = 0; i < 3 * MAX_THREADS; i++) {
            Socket s = connect();
            s.getOutputStream().write('G'); // starts a request, then never finishes it
            s.getOutputStream().flush();
            abusers.add(s);
        }
        assertEquals(200, get("/tandem/counts").status);
        assertTrue(server.exchangeThreads() <= MAX_THREADS, "threads " + server.exchangeThreads());
        for (Socket s : abusers) { // each was cut off: its connection is closed by the server
            s.setSoTimeout((int) TimeUnit.NANOSECONDS.toMillis(BOUND_NANOS));
            assertEquals(-1, drain(s.getInputStream()), "slow client cut off");
        }
    }

    @Test
    void hugeHeadersUnknownPathsAndMethodsAreRefusedAndOthersAreAnswered() throws Exception {
        StringBuilder huge = new StringBuilder("GET /tandem/counts HTTP/1.1\r\nHost: x\r\n");
        String value = "v".repeat(8192);
        for (int i = 0; i < 128; i++) {
            huge.append("X-Big-").append(i).append(": ").append(value).append("\r\n");
        }
        huge.append("\r\n");
        Response r = raw(huge.toString());
        assertTrue(r.status == 431 || r.status == 400 || r.status == -1 || r.status == 200, "huge headers: " + r);
        assertEquals(404, get("/nope").status);
        assertEquals(404, get("/tandem/what%0d%0aX-Injected:%20yes").status);
        assertEquals(400, get("/tandem/pairs/not-a-number").status);
        Response put = answered("PUT /tandem/counts HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                "PUT");
        assertEquals(405, put.status, put.toString());
        Response weird = answered("FROB /tandem/counts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "FROB");
        assertEquals(405, weird.status, weird.toString());
        assertEquals(200, get("/tandem/counts").status);
    }

    // ---------------------------------------------------------------- a raw HTTP/1.1 client

    record Response(int status, String text) {}

    private Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
    }

    /** A GET, retried while the endpoint refuses it (all threads busy), within the bound. */
    private Response get(String path) throws IOException {
        return answered("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET " + path);
    }

    /**
     * Sends {@code request} again while the endpoint closes the connection unanswered (what it does
     * when all its threads are busy, as they may still be with an abusive request just before),
     * within the bound.
     */
    private Response answered(String request, String what) throws IOException {
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (true) {
            Response r = raw(request);
            if (r.status != -1) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                fail("no answer to " + what + " within the bound: " + r);
            }
        }
    }

    /** Sends {@code request} and reads to the end; status -1 if the connection closed without an answer. */
    private Response raw(String request) throws IOException {
        try (Socket s = connect()) {
            s.setSoTimeout((int) TimeUnit.NANOSECONDS.toMillis(BOUND_NANOS));
            try {
                OutputStream out = s.getOutputStream();
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException refused) { // closed by the server mid-request
                return new Response(-1, refused.toString());
            }
            String text;
            try {
                text = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException reset) {
                return new Response(-1, reset.toString());
            }
            if (!text.startsWith("HTTP/1.1 ")) {
                return new Response(-1, text);
            }
            assertTrue(!text.contains("X-Injected"), "no header injected: " + text);
            return new Response(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    private static int drain(InputStream in) throws IOException {
        try {
            int b;
            while ((b = in.read()) >= 0) {
                if (b < 0) {
                    return b;
                }
            }
            return -1;
        } catch (IOException reset) {
            return -1;
        }
    }
}
