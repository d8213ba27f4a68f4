package dev.tandem.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LeakDemoTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private void run(String... args) {
        LeakDemo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutArgumentsPrintsWhatTheDemoWillShow() { // what the demo profile runs by default
        run();
        assertEquals(LeakDemo.PLAN + System.lineSeparator(), out());
        assertTrue(out().contains("naive") && out().contains("tandem"), "both servers named");
        assertTrue(out().contains("open sockets") && out().contains("stats dropped"), "the table's columns");
        assertTrue(out().contains("hangs"), "the hanging stats endpoint");
        assertEquals("", err());
    }

    @Test
    void helpShortPrintsThePlanOnly() {
        run("--help-short");
        assertEquals(LeakDemo.PLAN + System.lineSeparator(), out());
        assertEquals("", err());
    }

    @Test
    void helpPrintsUsageBeforeThePlan() {
        run("--help");
        assertTrue(out().startsWith(LeakDemo.USAGE), out());
        assertTrue(out().contains(LeakDemo.PLAN), out());
        assertEquals("", err());
    }

    @Test
    void unknownArgumentsAreReportedAndIgnored() {
        run("--clients=10", "", "bogus");
        assertEquals(LeakDemo.PLAN + System.lineSeparator(), out());
        assertTrue(err().contains("[--clients=10, bogus]"), err());
    }

    @Test
    void mainReturnsNormally() {
        LeakDemo.main(new String[0]); // as the demo profile runs it
    }
}
