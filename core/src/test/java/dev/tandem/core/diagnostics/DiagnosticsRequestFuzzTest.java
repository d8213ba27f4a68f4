package dev.tandem.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.core.ConnectionManager;
import dev.tandem.stats.TestThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of the diagnostics endpoint's request handling (docs/fuzzing.md), over
 * loopback: any method and any request target. Each request is answered with one of the statuses
 * the endpoint (or the JDK server, for a malformed request) gives, never 500; nothing from the
 * request reaches a response header; a body echoes at most the parsed pair id; and the endpoint
 * still answers {@code /tandem/counts} afterwards.
 */
class DiagnosticsRequestFuzzTest {
    private static final Set<Integer> STATUSES = Set.of(200, 400, 404, 405);
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "FROB");
    private static ConnectionManager manager;
    private static DiagnosticsServer server;

    private static synchronized DiagnosticsServer server() throws IOException {
        if (server == null) {
            manager = ConnectionManager.builder().name("fuzz").build();
            server = DiagnosticsServer.start(manager, 0);
        }
        return server;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (manager != null) {
            manager.shutdown(Duration.ofSeconds(5));
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(20));
    }

    @FuzzTest(maxDuration = "2s")
    void everyRequestIsAnsweredWithoutEchoOrInjection(FuzzedDataProvider data) throws IOException {
        // Jazzer's SSRF detector (on while fuzzing) flags every connection; this test talks to loopback only
        BugDetectors.allowNetworkConnections((host, port) -> InetAddress.getLoopbackAddress().getHostName().equals(host)
                || host.startsWith("127.") || host.equals("localhost"));
        String method = data.consumeBoolean() ? data.pickValue(METHODS) : token(data.consumeAsciiString(8));
        String target = data.pickValue(new String[] {"/tandem/", "/tandem/pairs/", "/", ""}) + data.consumeRemainingAsAsciiString();
        target = target.replace(' ', '+').replace('\r', '%').replace('\n', '%');
        String response = exchange(method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        if (!response.isEmpty()) { // a request the JDK server cannot parse may be closed without an answer
            assertTrue(response.startsWith("HTTP/1.1 "), response);
            int status = Integer.parseInt(response.substring(9, 12));
            assertTrue(STATUSES.contains(status), "status " + status + " for " + method + " " + target);
            int headersEnd = response.indexOf("\r\n\r\n");
            String headers = headersEnd < 0 ? response : response.substring(0, headersEnd);
            for (String h : headers.split("\r\n")) {
                assertTrue(h.startsWith("HTTP/1.1 ") || h.matches("(?i)(Date|Content-type|Content-length|Allow|Connection|Transfer-encoding): .*"),
                        "unexpected header " + h);
            }
            String body = headersEnd < 0 ? "" : response.substring(headersEnd + 4);
            if (target.length() > 16 && status != 200) {
                assertFalse(body.contains(target), "the request target is not echoed: " + body);
            }
        }
        String health = exchange("GET /tandem/counts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(health.startsWith("HTTP/1.1 200"), "still answering: " + health);
        assertEquals(0, manager.counts().live());
    }

    /** An HTTP method is a token: keep letters only, so the fuzzer explores targets, not request-line errors. */
    private static String token(String s) {
        String t = s.replaceAll("[^A-Za-z]", "");
        return t.isEmpty() ? "X" : t;
    }

    private static String exchange(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server().address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            try {
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException reset) {
                return "";
            }
        }
    }
}
