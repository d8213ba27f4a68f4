package dev.tandem.bench.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.ConnectionManager;
import dev.tandem.stats.TestThreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * B6 at a smoke size, so the harness cannot rot: for every variant, every message pushed is
 * received exactly once and in order on its connection, every connection closes on the server's
 * side, and the fragment has a row and the target lines. Asserts no speed.
 */
@Timeout(120)
class PushBenchTest {
    @Test
    void everyMessageSentIsReceivedOnceInOrderAndTheFragmentSaysSo(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PushBench.Outcome o = PushBench.run(new String[] {"--quick", "--connections", "40", "--messages", "50",
            "--rounds", "2", "--capacity", "8", "--pushers", "2", "--out", dir.toString()},
                new PrintStream(log, true, StandardCharsets.UTF_8));
        String text = log.toString(StandardCharsets.UTF_8);

        boolean virtual = ConnectionManager.virtualThreadsSupported();
        assertEquals(virtual ? 4 : 2, o.results().size(), o.results().keySet().toString());
        for (Map.Entry<String, List<PushRun.Result>> e : o.results().entrySet()) {
            assertEquals(2, e.getValue().size(), e.getKey() + " ran once per round");
            for (PushRun.Result r : e.getValue()) {
                assertEquals(40 * 50, r.sent, r + "\n" + text);
                assertEquals(40 * 50, r.received, "every message sent arrived, none twice: " + r);
                assertEquals(0, r.outOfOrder, "each connection's messages in order, none from another: " + r);
                assertEquals(40, r.complete, "every connection got all 50: " + r);
                assertEquals(40, r.serverClosed, "every connection closed on the server's side: " + r);
                assertTrue(r.inTime, r.toString());
                assertEquals(40 * 50, r.latency.getTotalCount(), "one latency per message: " + r);
                assertTrue(r.booksBalance() && r.messagesPerSecond() > 0, r.toString());
            }
        }
        String md = Files.readString(o.file(), StandardCharsets.UTF_8);
        assertEquals(o.markdown(), md);
        assertTrue(md.startsWith("### B6 — push-heavy: 1 KiB messages to 1,000 clients\n"), md);
        for (String v : o.results().keySet()) {
            assertTrue(md.contains("| " + v + " | "), v + " has a row:\n" + md);
        }
        assertTrue(md.contains("- Target (" + PushBench.TANDEM + " >= 0.95× the messages/s of the bare two-thread server, "
                + PushBench.BARE + "): **"), md);
        assertTrue(md.contains("- Target (" + PushBench.TANDEM + " p99 send-to-receive within 1/0.95"), md);
        assertEquals(virtual, md.contains("- Target (" + PushBench.TANDEM_VIRTUAL), md);
        assertTrue(!md.contains("Books did not balance") && !md.contains("n/a"), "every cell measured:\n" + md);
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
