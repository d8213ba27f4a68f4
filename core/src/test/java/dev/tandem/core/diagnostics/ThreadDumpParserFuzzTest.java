package dev.tandem.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.stats.FuzzInputs;
import dev.tandem.stats.json.JsonWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Coverage-guided fuzzing of {@link ThreadDumpParser} (issue 12's parser, issue 13's rule: every
 * parser of outside input is fuzzed; docs/fuzzing.md).
 *
 * <ul>
 *   <li>Any text: the parser returns groups or fails with an {@link IllegalArgumentException} that
 *       starts with "not a thread dump"; nothing else escapes, nothing hangs.</li>
 *   <li>A generated dump, in the JSON format (any name and frame text, escaped as JSON) and in the
 *       text format (names and frames without line breaks, as the JDK writes them), groups back to
 *       exactly its threads: the counts per distinct stack, the virtual counts, the states, and
 *       names drawn only from that stack's threads. No name or frame becomes a frame, a thread or
 *       a group of its own.</li>
 * </ul>
 */
class ThreadDumpParserFuzzTest {
    private static final JsonWriter JSON = new JsonWriter(JsonWriter.ControlEscapes.ALL_SHORT_FORMS, JsonWriter.NonFinite.STRING);
    private static final String[] STATES = {"RUNNABLE", "WAITING", "TIMED_WAITING", "BLOCKED", "NEW", "TERMINATED"};

    @FuzzTest(maxDuration = "2s")
    void anyTextParsesOrFailsAsNotAThreadDump(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            List<StackGroup> groups = ThreadDumpParser.parse(text);
            for (StackGroup g : groups) {
                assertTrue(g.count() > 0 && g.virtualCount() <= g.count(), g.toString());
            }
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith("not a thread dump"), e.toString());
        }
    }

    /** One generated thread. */
    private record Gen(String name, String state, boolean virtual, List<String> stack) {}

    @FuzzTest(maxDuration = "2s")
    void aGeneratedDumpGroupsBackToExactlyItsThreads(FuzzedDataProvider data) {
        boolean json = data.consumeBoolean();
        List<List<String>> stacks = new ArrayList<>();
        int distinct = data.consumeInt(1, 4);
        for (int s = 0; s < distinct; s++) {
            List<String> frames = new ArrayList<>();
            int depth = data.consumeInt(1, 5);
            for (int f = 0; f < depth; f++) {
                frames.add(json ? FuzzInputs.text(data, 40) : textFrame(data));
            }
            stacks.add(frames);
        }
        List<Gen> threads = new ArrayList<>();
        int n = data.consumeInt(1, 20);
        for (int t = 0; t < n; t++) {
            String name = json ? FuzzInputs.text(data, 20) : oneLine(FuzzInputs.text(data, 20));
            threads.add(new Gen(name, STATES[data.consumeInt(0, STATES.length - 1)], data.consumeBoolean(),
                    stacks.get(data.consumeInt(0, distinct - 1))));
        }
        String dump = json ? renderJson(threads) : renderText(threads);

        List<StackGroup> groups = ThreadDumpParser.parse(dump);

        Map<List<String>, List<Gen>> expected = new HashMap<>();
        for (Gen g : threads) {
            expected.computeIfAbsent(g.stack(), k -> new ArrayList<>()).add(g);
        }
        assertEquals(expected.size(), groups.size(), () -> "groups of\n" + dump + "\n" + groups);
        for (StackGroup group : groups) {
            List<Gen> mine = expected.get(group.stack());
            assertTrue(mine != null, () -> "a group with a stack no thread had: " + group.stack() + "\nin\n" + dump);
            assertEquals(mine.size(), group.count(), group::toString);
            assertEquals(mine.stream().filter(Gen::virtual).count(), group.virtualCount(), group::toString);
            Map<String, Integer> states = new TreeMap<>();
            for (Gen g : mine) {
                states.merge(g.state(), 1, Integer::sum);
            }
            assertEquals(states, new TreeMap<>(group.states()), group::toString);
            List<String> names = mine.stream().map(Gen::name).toList();
            for (String name : group.names()) {
                assertTrue(names.contains(name), () -> "name '" + name + "' is not one of " + names);
            }
        }
    }

    /** A frame as the text format shows one: no line break, and not read as a lock line or a thread line. */
    private static String textFrame(FuzzedDataProvider data) {
        String f = oneLine(FuzzInputs.text(data, 40)).strip();
        return f.isEmpty() || f.startsWith("-") || f.startsWith("#") ? "x" + f : f;
    }

    private static String oneLine(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // what BufferedReader.readLine splits on, and the JDK writes no other control character
            sb.append(c == '\n' || c == '\r' || c < ' ' ? ' ' : c);
        }
        return sb.toString();
    }

    private static String renderJson(List<Gen> threads) {
        StringBuilder sb = new StringBuilder("{\"threadDump\": {\"processId\": \"1\", \"time\": \"t\", "
                + "\"runtimeVersion\": \"25\", \"threadContainers\": [{\"container\": \"<root>\", \"parent\": null, "
                + "\"owner\": null, \"threads\": [");
        int tid = 1;
        for (Gen g : threads) {
            if (tid > 1) {
                sb.append(',');
            }
            sb.append("{\"tid\": \"").append(tid++).append("\", \"time\": \"t\", \"name\": ");
            JSON.string(sb, g.name());
            sb.append(", \"state\": \"").append(g.state()).append('"');
            if (g.virtual()) {
                sb.append(", \"virtual\": true");
            }
            sb.append(", \"stack\": [");
            for (int i = 0; i < g.stack().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                JSON.string(sb, g.stack().get(i));
            }
            sb.append("]}");
        }
        return sb.append("], \"threadCount\": \"").append(threads.size()).append("\"}]}}").toString();
    }

    private static String renderText(List<Gen> threads) {
        StringBuilder sb = new StringBuilder("1\n2026-12-03T00:00:00Z\n25.0.3+9-LTS\n\n");
        int tid = 1;
        for (Gen g : threads) {
            sb.append('#').append(tid++).append(" \"").append(g.name()).append('"')
                    .append(g.virtual() ? " virtual " : " ").append(g.state()).append(" 2026-12-03T00:00:00Z\n");
            for (String frame : g.stack()) {
                sb.append("      at ").append(frame).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
