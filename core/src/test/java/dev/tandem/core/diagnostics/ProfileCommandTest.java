package dev.tandem.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline command: a dump file in, the profile out; a clear error and exit 1 on garbage. */
class ProfileCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ProfileCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsTheGroupedProfileOfADumpFile() throws IOException {
        Path dump = Files.writeString(dir.resolve("dump.json"), ThreadDumpParserTest.resource("jdk25-threads.json"));
        assertEquals(0, run("profile", dump.toString()), err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("thread profile: total 20 (virtual 6, platform 14), source: file "), text);
        assertTrue(text.contains("\n\n5 @ WAITING virtual e.g. \"parked-0\", \"parked-1\", \"parked-2\", ...\n"
                + "#\tjava.base/java.lang.VirtualThread.park(VirtualThread.java:742)\n"), text);
        assertTrue(text.contains("#\tPark.parkHere(Park.java:4)\n"), text);
    }

    @Test
    void failsWithExitOneAndAMessageOnAFileThatIsNotADump() throws IOException {
        Path notADump = Files.writeString(dir.resolve("pom.xml"), "<project/>\n");
        assertEquals(1, run("profile", notADump.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a thread dump"), err.toString(StandardCharsets.UTF_8));
        assertEquals(1, run("profile", dir.resolve("absent.json").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such file"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void answersAUsageErrorWithExitTwo() {
        assertEquals(2, run());
        assertEquals(2, run("prof", "x"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: "));
    }
}
