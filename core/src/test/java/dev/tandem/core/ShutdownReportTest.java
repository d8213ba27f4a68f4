package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shutdown report says what happened in words an operator reads correctly: pairs that had
 * closed before, pairs shutdown closed, pairs already closing, and stragglers (issue 15).
 */
@Timeout(60)
class ShutdownReportTest {
    private final ConnectionManager manager = ConnectionManager.builder().build();
    private final BlockingQueue<ConnectionPair<String>> accepted = new LinkedBlockingQueue<>();

    @AfterEach
    void noLeaks() throws InterruptedException {
        TestSupport.assertNoLeaks(manager);
    }

    private ConnectionPair<String> next() throws InterruptedException {
        ConnectionPair<String> p = accepted.poll(TestSupport.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(p != null, "no pair accepted in time");
        return p;
    }

    @Test
    void pairsThatAllClosedBeforeShutdownAreReportedAsSuchNotAsNoneClosed() throws Exception {
        try (TestSupport.Loopback server = new TestSupport.Loopback(s -> accepted.add(
                manager.open(s, TestSupport.echoLines(), TestSupport.writeLines())))) {
            for (int i = 0; i < 3; i++) {
                Socket c = server.connect();
                c.close();
                TestSupport.await(next().closeFuture());
            }
        }
        ShutdownReport r = manager.shutdown(Duration.ofSeconds(10));
        assertEquals(3, r.closedBeforeShutdown(), r.toString());
        assertEquals(0, r.liveAtShutdown());
        assertEquals(0, r.closedByShutdown());
        assertTrue(r.clean());
        assertTrue(r.toString().matches("ShutdownReport\\{took \\d+ms: 0 pairs live when it began \\(0 closed by shutdown, "
                + "0 already closing\\), 0 not closed by the deadline; 3 had closed before}"), r.toString());
    }

    @Test
    void pairsOpenAtShutdownAreReportedClosedByItBesideThoseClosedBefore() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (TestSupport.Loopback server = new TestSupport.Loopback(s -> accepted.add(
                manager.open(s, TestSupport.echoLines(), TestSupport.writeLines())))) {
            server.connect().close();
            TestSupport.await(next().closeFuture());
            for (int i = 0; i < 2; i++) {
                Socket c = server.connect();
                clients.add(c);
                c.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8));
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("hi", in.readLine(), "the pair is open and serving");
                next();
            }
            ShutdownReport r = manager.shutdown(Duration.ofSeconds(10));
            assertEquals(1, r.closedBeforeShutdown(), r.toString());
            assertEquals(2, r.liveAtShutdown(), r.toString());
            assertEquals(2, r.closedByShutdown(), r.toString());
            assertEquals(0, r.alreadyClosing());
            assertTrue(r.toString().contains(": 2 pairs live when it began (2 closed by shutdown, 0 already closing), "
                    + "0 not closed by the deadline; 1 had closed before}"), r.toString());
        }
    }
}
