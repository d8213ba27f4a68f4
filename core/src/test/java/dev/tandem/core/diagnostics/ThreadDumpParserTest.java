package dev.tandem.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The offline parser on real dumps: jdk25-threads.json and .txt were taken with
 * {@code jcmd <pid> Thread.dump_to_file [-format=json]} on JDK 25.0.3 from Park.java.txt (5 virtual
 * threads parked in parkHere, 3 platform threads in elsewhere, a platform thread holding a monitor
 * and a virtual thread blocked on it), plus garbage that must fail with a clear message.
 */
class ThreadDumpParserTest {

    static String resource(String name) throws IOException {
        try (InputStream in = ThreadDumpParserTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk25-threads.json", "jdk25-threads.txt"})
    void groupsARealJdk25DumpLargestGroupFirst(String file) throws IOException {
        List<StackGroup> groups = ThreadDumpParser.parse(resource(file));
        StackGroup first = groups.get(0);
        assertEquals(5, first.count(), groups.toString());
        assertEquals(5, first.virtualCount());
        assertEquals(Map.of("WAITING", 5), first.states());
        assertEquals(List.of("parked-0", "parked-1", "parked-2"), first.names());
        assertEquals("Park.parkHere(Park.java:4)", first.stack().get(3));
        assertEquals("java.base/java.lang.VirtualThread.park(VirtualThread.java:742)", first.stack().get(0),
                "JSON's \\/ escape is undone");

        StackGroup second = groups.get(1);
        assertEquals(3, second.count());
        assertEquals(0, second.virtualCount());
        assertEquals(List.of("plat \"q\"-0", "plat \"q\"-1", "plat \"q\"-2"), second.names(), "quotes in names");
        assertTrue(second.stack().contains("Park.elsewhere(Park.java:5)"), second.stack().toString());

        assertEquals(20, groups.stream().mapToInt(StackGroup::count).sum(), "every thread of the dump");
        StackGroup blocked = groups.stream().filter(g -> g.names().contains("vblocked")).findFirst().orElseThrow();
        assertEquals("BLOCKED", blocked.mainState());
        assertEquals(List.of("Park.lambda$main$3(Park.java:14)",
                "java.base/java.lang.VirtualThread.run(VirtualThread.java:460)"), blocked.stack(), "lock lines skipped");
        for (int i = 1; i < groups.size(); i++) {
            assertTrue(groups.get(i - 1).count() >= groups.get(i).count(), "largest first");
        }
    }

    @Test
    void textAndJsonOfTheSameProcessGroupAlike() throws IOException {
        List<StackGroup> json = ThreadDumpParser.parse(resource("jdk25-threads.json"));
        List<StackGroup> text = ThreadDumpParser.parse(resource("jdk25-threads.txt"));
        assertEquals(json.subList(0, 2), text.subList(0, 2));
    }

    @Test
    void readsTheJdk21TextFormWithoutStateOrAt() {
        String jdk21 = "4711\n2024-01-01T00:00:00Z\n21.0.2+13\n\n"
                + "#21 \"\" virtual\n      java.base/java.lang.VirtualThread.park(VirtualThread.java:582)\n"
                + "      app//A.f(A.java:3)\n\n"
                + "#22 \"\" virtual\n      java.base/java.lang.VirtualThread.park(VirtualThread.java:582)\n"
                + "      app//A.f(A.java:3)\n\n"
                + "#1 \"main\"\n      app//A.main(A.java:9)\n";
        List<StackGroup> groups = ThreadDumpParser.parse(jdk21);
        assertEquals(2, groups.get(0).count());
        assertEquals(2, groups.get(0).virtualCount());
        assertEquals("UNKNOWN", groups.get(0).mainState());
        assertEquals(List.of("java.base/java.lang.VirtualThread.park(VirtualThread.java:582)", "app//A.f(A.java:3)"),
                groups.get(0).stack());
        assertEquals(List.of("main"), groups.get(1).names());
    }

    @Test
    void readsJsonWithEscapesAndKeysItDoesNotKnow() {
        String json = "{\"threadDump\":{\"future\":[1,-2.5e3,true,false,null,{\"x\":[]}],\"threadContainers\":["
                + "{\"container\":\"<root>\",\"threads\":[{\"tid\":\"1\",\"name\":\"a\\u0041\\n\",\"virtual\":true,"
                + "\"state\":\"RUNNABLE\",\"carrier\":{\"tid\":\"9\"},\"stack\":[\"x.Y.z(Y.java:1)\"]}]}]}}";
        StackGroup g = ThreadDumpParser.parse(json).get(0);
        assertEquals(List.of("aA\n"), g.names());
        assertEquals(1, g.virtualCount());
        assertEquals(List.of("x.Y.z(Y.java:1)"), g.stack());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   \n\t", "hello", "<?xml version=\"1.0\"?>\n<project/>", "{}", "[1,2]", "{\"threadDump\":{}}",
        "{\"threadDump\":{\"threadContainers\":[", "{\"a\":\"unterminated", "{\"a\":tru}", "{\"a\":1}}",
        "{\"a\":\"\\x\"}", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":-}", "\"main\" #1 prio=5 os_prio=0 tid=0x1 nid=0x2 runnable",
        "12\n\n    at x.Y.z(Y.java:1)\n", "#x \"a\"\n", "#1 no quotes\n",
        "1\n2\n3\n4\n#1 \"a\"\n", "{\"threadDump\":{\"threadContainers\":[{\"threads\":[{\"stack\":[\"a\"]}]}]}} trailing"
    })
    void refusesWhatIsNotAThreadDumpWithAClearMessage(String garbage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadDumpParser.parse(garbage));
        assertTrue(e.getMessage().startsWith("not a thread dump"), e.getMessage());
    }

    @Test
    void refusesNestingDeeperThanItsLimitInsteadOfOverflowingTheStack() {
        String deep = "{\"threadDump\":" + "[".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadDumpParser.parse(deep));
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
    }

    @Test
    void namesItsParameter() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> ThreadDumpParser.parse((String) null));
        assertEquals("dump", e.getMessage());
    }
}
