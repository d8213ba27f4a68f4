package dev.tandem.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo scaled down, so it cannot rot: the naive server leaks sockets and threads once the
 * stats platform hangs, the Tandem server leaks nothing, drops are counted, and the exit code is 0.
 */
@Timeout(120)
class LeakDemoTest {
    private static final String TABLE_HEADER = "after every client has left";

    @Test
    void theNaiveServerLeaksAndTheTandemServerDoesNot() throws Exception {
        LeakDemo.Options o = LeakDemo.parse(new String[] {
            "--clients", "300", "--waves", "3", "--queue", "20", "--hang-after-wave", "1", "--interval-ms", "200"});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LeakDemo.Result r = LeakDemo.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        // 200 clients left after the platform hung; 20 fit in the queue, the drainer holds 1:
        // about 180 disconnects must have leaked, each a socket and two threads.
        assertTrue(r.naiveOpenSockets >= 150, "naive server leaked sockets: " + r.naiveOpenSockets + "\n" + out);
        assertTrue(r.naiveThreads >= 2 * 150, "naive server leaked threads: " + r.naiveThreads + "\n" + out);
        assertEquals(r.naiveOpenSockets, r.naiveBelievedLive, "it believes they are live, and they are");
        assertEquals(0, r.tandemOpenSockets, out);
        assertEquals(0, r.tandemThreads, out);
        assertEquals(0, r.tandemBelievedLive, out);
        assertTrue(r.tandemStatsDropped > 0, "Tandem dropped stats instead of connections: " + out);
        assertEquals(0, r.exitCode);
        assertTrue(out.contains("server sockets still open"), out);
        assertTrue(out.contains("ArrayBlockingQueue.put"), "the naive profile shows its threads at the put:\n" + out);
        assertTrue(out.contains("tandem pair profile: total 0 "), "Tandem's dump shows no pair left:\n" + out);
        assertTrue(out.strip().endsWith("Tandem leaked nothing: exit 0."), "the verdict comes last:\n" + out);
        assertEquals(shape(readmeSample()), shape(table(out)),
                "the README's sample table and the lines under it are what a run prints (numbers aside)");
    }

    /** The table and the lines explaining it, as a run prints them. */
    private static String table(String out) {
        int start = out.indexOf(TABLE_HEADER);
        int end = out.indexOf("\n\n=== naive server", start);
        assertTrue(start >= 0 && end > start, "no table in:\n" + out);
        return out.substring(start, end);
    }

    /** The README's sample: the block after its demo-output marker. */
    private static String readmeSample() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        String readme = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
        int marker = readme.indexOf("<!-- demo-output:");
        assertTrue(marker >= 0, "README.md has no demo-output marker");
        int start = readme.indexOf("```\n", marker) + 4;
        return readme.substring(start, readme.indexOf("\n```", start));
    }

    /**
     * Numbers, column padding, the sink's state, the books' drop reasons and whether a publish is
     * running at that instant vary from run to run; words do not.
     */
    private static String shape(String text) {
        return text.replaceAll("dropped=\\{[^}]*\\}", "dropped={...}")
                .replaceAll(" publishRunning=[0-9]+ms", "") // present only while a POST hangs
                .replaceAll("Tandem's sink is [A-Z]+\\.", "Tandem's sink is STATE.")
                .replaceAll(" (RUNNING|STALLED|BACKOFF|CLOSING|CLOSED) ", " STATE ")
                .replaceAll("[0-9]+", "N")
                .replaceAll(" +", " ");
    }

    @Test
    void optionsAreCheckedAndHelpIsOffered() {
        assertNull(LeakDemo.parse(new String[] {"--help"}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LeakDemo.parse(new String[] {"--clients", "0"}));
        assertEquals("--clients: 0 (expected: > 0)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LeakDemo.parse(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> LeakDemo.parse(new String[] {"--waves"}));
        assertEquals(3000, LeakDemo.parse(new String[] {""}).clients, "the demo profile passes an empty argument");
    }
}
