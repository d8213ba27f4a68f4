package dev.tandem.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.TestThreads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * B4 at smoke size, in {@code mvn verify}: no speed and no memory figure is asserted, only what must
 * hold at any size (every pair opened is closed by shutdown exactly once, nothing leaks) and that
 * the quick pass writes a fragment with every part in it.
 */
@Timeout(300)
class ScaleSmokeTest {

    @Test
    void idlePairsInMemoryAreAllClosedByShutdownAndNothingLeaks() throws Exception {
        IdlePairs.Config c = new IdlePairs.Config();
        c.pairs = 2_000;
        c.virtual = Threads.virtualSupported(); // platform threads on JDK 17, virtual on 21+
        c.warmupPairs = 200;
        c.warmupRounds = 1;
        c.idleCpuMillis = 0;
        Facts f = IdlePairs.run(c);
        String facts = summary(f);

        assertEquals(2_000, f.getLong("tandem.opened"), facts);
        assertEquals(2_000, f.getLong("tandem.live"), "all held at once: " + facts);
        assertEquals(2_000, f.getLong("tandem.closedShutdown"), facts);
        assertEquals(2_000, f.getLong("tandem.closedTotal"), "closed by shutdown and nothing else: " + facts);
        assertEquals(0, f.getLong("tandem.liveAfter"), facts);
        assertEquals(0, f.getLong("tandem.stuck"), facts);
        assertTrue(f.getBoolean("tandem.shutdownClean"), facts);
        assertEquals(2_000, f.getLong("tandem.pipesClosed"), facts);
        assertTrue(f.getBoolean("tandem.closedOnce"), "every pipe closed exactly once: " + facts);
        assertTrue(f.getBoolean("bare.closedOnce"), facts);
        assertTrue(f.getLong("tandem.pairImpls") >= 2_000, "the histogram sees the pairs: " + facts);
        if (c.virtual) {
            assertEquals("tandem-timer-b4", f.get("tandem.platformThreadNames"), "Tandem's only platform thread");
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(20));
    }

    private static String summary(Facts f) {
        StringBuilder sb = new StringBuilder();
        for (String k : new String[] {"threads", "tandem.opened", "tandem.live", "tandem.closedShutdown",
                "tandem.closedTotal", "tandem.liveAfter", "tandem.stuck", "tandem.stragglers", "tandem.shutdownClean",
                "tandem.pipesClosed", "tandem.closedOnce", "bare.closedOnce", "tandem.pairImpls",
                "tandem.platformThreadNames"}) {
            sb.append(k).append('=').append(f.get(k, "?")).append(' ');
        }
        return sb.toString();
    }

    @Test
    void theQuickPassWritesAFragmentWithEveryPart(@TempDir Path out) throws Exception {
        ScaleBench.Plan plan = new ScaleBench.Plan();
        plan.quick();
        plan.out = out;
        Path md = ScaleBench.run(plan); // children on this JVM's JDK

        String text = Files.readString(md, StandardCharsets.UTF_8);
        for (String part : List.of("### B4", "#### In memory: heap per idle pair", "#### In memory: opening and closing",
                "#### Real sockets", "#### Real sockets: live threads per idle pair", "#### Targets", "| platform |",
                "- Live threads == pairs + a constant for idle pairs (platform threads")) {
            assertTrue(text.contains(part), "missing '" + part + "' in\n" + text);
        }
        List<Path> socketRuns;
        try (Stream<Path> files = Files.list(out.resolve("b4"))) {
            socketRuns = files.filter(p -> p.getFileName().toString().matches("sockets-.*\\.properties"))
                    .collect(Collectors.toList());
        }
        assertEquals(Threads.virtualSupported() ? 4 : 2, socketRuns.size(), socketRuns.toString());
        for (Path p : socketRuns) {
            Facts f = Facts.load(p);
            long n = f.getLong("pairs");
            assertEquals(n, f.getLong("serverSocketsClosed"), p + ": " + f);
            assertEquals(n, f.getLong("clientsClosed"), "the clients saw every close: " + f);
            assertTrue(f.getLong("fds.held") - f.getLong("fds.empty") >= n, "one descriptor per pair: " + f);
            assertTrue(f.getLong("fds.end") <= f.getLong("fds.empty"), "no descriptor left: " + f);
            long threads = f.getLong("threads.held") - f.getLong("threads.empty");
            if (f.get("mode").equals("bare")) {
                assertTrue(threads >= 2 * n, "the census counts the bare server's two threads a pair, virtual ones too: " + f);
            } else {
                assertTrue(threads >= n, "the census counts at least a reader per Tandem pair: " + f);
            }
            if (f.get("mode").equals("tandem")) {
                assertEquals(0, f.getLong("tandem.liveAfter"), f.toString());
                assertEquals(n, f.getLong("tandem.closedShutdown"), f.toString());
                assertTrue(f.getBoolean("tandem.shutdownClean"), f.toString());
            }
        }
    }
}
