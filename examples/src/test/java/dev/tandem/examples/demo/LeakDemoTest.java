package dev.tandem.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo scaled down, so it cannot rot: the naive server leaks sockets and threads once the
 * stats platform hangs, the Tandem server leaks nothing, drops are counted, and the exit code is 0.
 */
@Timeout(120)
class LeakDemoTest {
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
