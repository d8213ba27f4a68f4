package dev.tandem.bench.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.TestThreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * B3 at a smoke size: with a healthy, a hung or a throwing sink Tandem closes every connection
 * and leaves nothing open; the naive server closes every one with its platform healthy, and with
 * the platform hung leaks exactly the connections that found its stats queue full (all but the
 * queue's worth and the one its drainer holds). Asserts no speed.
 */
@Timeout(180)
class HungBackendBenchTest {
    static final int CONNECTIONS = 120;
    static final int QUEUE = 10;

    @Test
    void tandemClosesEverythingWhateverTheSinkAndTheNaiveServerLeaksOnceItsQueueIsFull(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Outcome o = HungBackendBench.run(new String[] {"--quick", "--connections", "" + CONNECTIONS, "--rounds", "1",
            "--concurrency", "8", "--queue", "" + QUEUE, "--out", dir.toString()},
                new PrintStream(log, true, StandardCharsets.UTF_8));
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(5, o.results.size());

        for (String v : List.of(HungBackendBench.HEALTHY, HungBackendBench.HUNG, HungBackendBench.THROWING,
                HungBackendBench.NAIVE_HEALTHY)) {
            RunResult r = o.results.get(v).get(0);
            assertEquals(CONNECTIONS, r.served, r + "\n" + text);
            assertEquals(CONNECTIONS, r.closed, "every connection closed: " + r + "\n" + text);
            assertEquals(CONNECTIONS, r.closeToClosed.getTotalCount(), r.toString());
            assertEquals(0, r.leftOpenSockets, r.toString());
            assertEquals(0, r.leftBelievedLive, r.toString());
            assertEquals(0, r.leftThreads, r.toString());
            assertEquals(0, r.unmatched, r.toString());
        }
        for (String v : List.of(HungBackendBench.HEALTHY, HungBackendBench.HUNG, HungBackendBench.THROWING)) {
            RunResult r = o.results.get(v).get(0);
            assertEquals(CONNECTIONS, r.sink.recorded(), v + ": one stats event per close: " + r.sink);
            assertEquals(r.sink.recorded(), r.sink.delivered() + r.sink.droppedTotal() + r.sink.inFlight(),
                    v + ": every event accounted for: " + r.sink);
        }
        RunResult hung = o.results.get(HungBackendBench.HUNG).get(0);
        assertEquals(0, hung.sink.delivered(), "the hung sink delivered nothing: " + hung.sink);
        assertTrue(hung.notes.contains("platform answered 0, held 1"), "its one POST is held: " + hung.notes);
        assertEquals(0, o.results.get(HungBackendBench.THROWING).get(0).sink.delivered());
        assertTrue(o.results.get(HungBackendBench.HEALTHY).get(0).sink.delivered() > 0);

        RunResult naive = o.results.get(HungBackendBench.NAIVE_HUNG).get(0);
        long leaked = CONNECTIONS - QUEUE - 1;
        assertEquals(CONNECTIONS, naive.served, "clients are served even so: " + naive);
        assertEquals(QUEUE + 1, naive.closed, naive.toString());
        assertEquals(leaked, naive.leftOpenSockets, "each later disconnect leaked its socket: " + naive);
        assertEquals(2 * leaked, naive.leftThreads, "and both its threads: " + naive);
        assertEquals(leaked, naive.leftBelievedLive, naive.toString());

        String md = o.markdown;
        assertTrue(md.startsWith("### B3 — closing while the stats backend hangs\n"), md);
        for (String v : o.results.keySet()) {
            assertTrue(md.contains("| " + v + " | "), v + " has a row:\n" + md);
        }
        assertTrue(md.contains("- Target (" + HungBackendBench.HUNG + " / healthy close latency <= 1.05, nothing left open): **"), md);
        assertTrue(md.contains("leaked " + leaked + " of " + CONNECTIONS + " connections per run"), md);
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
