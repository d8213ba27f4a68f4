package dev.tandem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsQuickStartTest {
    @Test
    void runsTheReadmeExampleDeliversEveryEventAndLeavesNoThreadBehind() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            StatsQuickStart.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        List<String> lines = List.of(captured.toString(StandardCharsets.UTF_8).split("\\R"));
        assertEquals(2, lines.size(), "two lines: " + lines);
        assertEquals("flushed=true accepted=3", lines.get(0));
        String books = lines.get(1);
        assertTrue(books.startsWith("SinkStats{log CLOSED recorded=3 enqueued=3 delivered=3 dropped={} inFlight=0 "),
                books);
        assertTrue(books.endsWith(" failures=0}"), books);
        dev.tandem.stats.TestThreads.assertNoTandemThreadsWithin(java.time.Duration.ofSeconds(10));
    }
}
