package dev.tandem.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.SinkStats;
import dev.tandem.stats.TestThreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * B5 at a smoke size, with every fault at once: zero pairs leaked, file descriptors and
 * {@code tandem-} threads back to where they were, opened == closed, every count exact (the
 * harness's, the manager's and each sink's books agree), and each fault really happened.
 */
@Timeout(120)
class SoakTest {
    @Test
    void aSmallSoakLeaksNothingAndEveryCountIsExact() throws Exception {
        Soak.Options o = new Soak.Options();
        o.connections = 600;
        o.concurrency = 24;
        o.stopReadingPerMille = 20;
        o.vanishPerMille = 20;
        o.resetPerMille = 50;
        o.warmupConnections = 100;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Soak.Result r = Soak.run(o, new PrintStream(log, true, StandardCharsets.UTF_8));
        String text = log.toString(StandardCharsets.UTF_8) + "\n" + Soak.fragment(r, true, "(test)");

        assertTrue(r.problems().isEmpty(), r.problems() + "\n" + text);
        assertEquals(0, r.leaked(), text);
        assertEquals(600, r.total(r.served), text);
        assertEquals(600, r.countsAfterClients.opened(), text);
        assertEquals(600, r.countsAfterClients.closedTotal(), text);
        assertTrue(r.fdsAfter <= r.fdsBefore, "no file descriptor added: " + text);
        assertTrue(r.fdsBefore > 0, "fds are counted on this system: " + r.fdsBefore);
        assertEquals(r.tandemThreadsBefore, r.tandemThreadsAfter, text);
        for (PeerKind k : PeerKind.values()) {
            assertTrue(r.started[k.ordinal()] > 0, k + " peers took part: " + text);
            assertTrue(r.closes[k.ordinal()][k.expected.ordinal()] > 0, k + " peers were closed with " + k.expected + ": " + text);
        }
        for (String name : Soak.SINKS) {
            SinkStats s = r.sinks.get(name);
            assertEquals(600, s.recorded(), name + ": one event per close: " + s);
            assertEquals(s.recorded(), s.delivered() + s.droppedTotal(), name + ": every event accounted for: " + s);
        }
        assertTrue(r.sinks.get("healthy").delivered() > 0, "the healthy sink delivered: " + r.sinks);
        assertEquals(0, r.sinks.get("hung").delivered(), r.sinks.toString());
        assertEquals(0, r.sinks.get("throwing").delivered(), r.sinks.toString());
        String md = Soak.fragment(r, true, "(test)");
        assertTrue(md.startsWith("### B5 — soak: every fault at once\n"), md);
        assertTrue(md.contains("count exact): **met**."), md);
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
