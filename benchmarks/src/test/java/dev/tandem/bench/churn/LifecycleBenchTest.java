package dev.tandem.bench.churn;

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
 * B2 at a smoke size, so the harness cannot rot: every variant serves and closes every connection,
 * each latency is measured once per connection, nothing is left open, and the fragment has a row
 * and a verdict per variant. Asserts no speed.
 */
@Timeout(120)
class LifecycleBenchTest {
    @Test
    void everyVariantServesAndClosesEveryConnectionAndTheFragmentSaysSo(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Outcome o = LifecycleBench.run(new String[] {"--quick", "--connections", "150", "--rounds", "2",
            "--concurrency", "8", "--out", dir.toString()}, new PrintStream(log, true, StandardCharsets.UTF_8));
        String text = log.toString(StandardCharsets.UTF_8);

        boolean virtual = ConnectionManager.virtualThreadsSupported();
        assertEquals(virtual ? 8 : 5, o.results.size(), o.results.keySet().toString());
        for (Map.Entry<String, List<RunResult>> e : o.results.entrySet()) {
            assertEquals(2, e.getValue().size(), e.getKey() + " ran once per round");
            for (RunResult r : e.getValue()) {
                assertEquals(150, r.served, r + "\n" + text);
                assertEquals(0, r.failures, r.toString());
                assertEquals(150, r.closed, "every connection's server side closed and was matched: " + r);
                assertEquals(0, r.unmatched, r.toString());
                assertEquals(150, r.accepted, r.toString());
                assertEquals(150, r.connectToClosed.getTotalCount(), "one latency per connection: " + r);
                assertEquals(150, r.closeToClosed.getTotalCount(), r.toString());
                assertTrue(r.connectToClosed.getMinValue() > 0, r.toString());
                assertTrue(r.closeToClosed.getMaxValue() <= r.connectToClosed.getMaxValue(), "close is within the connection: " + r);
                assertEquals(0, r.leftOpenSockets, r.toString());
                assertEquals(0, r.leftBelievedLive, r.toString());
                assertTrue(r.leftThreads <= 0, "no connection thread left (or not countable: -1): " + r);
                assertTrue(r.wallNanos > 0 && r.closesPerSecond() > 0, r.toString());
            }
        }
        for (RunResult r : o.results.get(LifecycleBench.BARE)) {
            assertTrue(r.threadsStarted >= 150, "a new thread per connection: " + r);
        }
        for (RunResult r : o.results.get(LifecycleBench.POOLED)) {
            assertTrue(r.threadsStarted >= 1 && r.threadsStarted < 100, "the pool reuses its threads (8 clients in flight): " + r);
        }
        String md = Files.readString(o.file, StandardCharsets.UTF_8);
        assertEquals(o.markdown, md);
        assertTrue(md.startsWith("### B2 — lifecycle overhead over loopback\n"), md);
        for (String v : o.results.keySet()) {
            assertTrue(md.contains("| " + v + " | "), v + " has a row:\n" + md);
        }
        assertTrue(md.contains("- Target (" + LifecycleBench.TANDEM + " >= 1.00× the connections/s of the bare "
                + "thread-per-connection server, " + LifecycleBench.BARE + "): **"), md);
        assertTrue(md.contains("- Target (" + LifecycleBench.TANDEM + " >= 0.95× the connections/s of the bare server on a "
                + "cached thread pool, " + LifecycleBench.POOLED + "): **"), md);
        assertEquals(virtual, md.contains("- Target (" + LifecycleBench.TANDEM_VIRTUAL + " >= 0.95× the connections/s of the "
                + "bare virtual-thread server, " + LifecycleBench.BARE_VIRTUAL + "): **"), md);
        assertTrue(md.matches("(?s).*\\*\\*(met|missed|inconclusive)\\*\\*.*"), md);
        assertTrue(!md.contains("NaN") && !md.contains("n/a |"), "every cell measured:\n" + md);
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    @Test
    void appendAddsThisJvmsTableBelowTheFirst(@TempDir Path dir) throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        String[] args = {"--quick", "--connections", "60", "--rounds", "1", "--concurrency", "4", "--out", dir.toString()};
        LifecycleBench.run(args, quiet);
        String[] again = {"--quick", "--connections", "60", "--rounds", "1", "--concurrency", "4", "--out", dir.toString(),
            "--append"};
        Outcome second = LifecycleBench.run(again, quiet);
        String md = Files.readString(second.file, StandardCharsets.UTF_8);
        assertEquals(1, md.split("### B2", -1).length - 1, "one heading:\n" + md);
        assertEquals(2, md.split("#### ", -1).length - 1, "two tables:\n" + md);
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
