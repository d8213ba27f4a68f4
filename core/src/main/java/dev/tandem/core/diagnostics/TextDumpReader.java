package dev.tandem.core.diagnostics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the plain-text thread dump of JDK 21+ ({@code jcmd <pid> Thread.dump_to_file <file>}) line
 * by line, handing over each thread when the next one starts. The shape, as JDK 21 to 25 write it:
 *
 * <pre>
 * 4711                                   (process id)
 * 2026-12-03T09:51:37.061642555Z         (time)
 * 25.0.3+9-LTS                           (runtime version)
 *
 * #22 "parked-0" virtual WAITING 2026-12-03T09:51:37.084387409Z
 *     at java.base/java.lang.VirtualThread.park(VirtualThread.java:742)
 *     - parking to wait for &lt;java.util.concurrent.locks...&gt;
 * </pre>
 *
 * JDK 21 writes no state or time after the name and indents frames without {@code at}; both are
 * read. Lines starting with {@code -} (locks) are skipped. Anything else fails with an
 * {@link IllegalArgumentException} naming the line.
 */
final class TextDumpReader {
    private static final int HEADER_LINES = 3;

    private final BufferedReader in;
    private int lineNo;
    /** The last thread's stack, whose frames the next thread reuses when they match. */
    private List<String> previous = List.of();

    TextDumpReader(Reader in) {
        this.in = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in, 1 << 16);
    }

    void read(Consumer<DumpedThread> out) throws IOException {
        String line;
        int header = 0;
        int threads = 0;
        String name = null;
        String state = null;
        boolean virtual = false;
        List<String> stack = null;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.startsWith("#")) {
                if (name != null) {
                    out.accept(new DumpedThread(name, state, virtual, finish(stack)));
                }
                int q1 = line.indexOf('"');
                int q2 = line.lastIndexOf('"');
                if (q1 < 2 || q2 == q1 || !digits(line, 1, q1 - 1) || line.charAt(q1 - 1) != ' ') {
                    throw fail(line, "a thread line is #<id> \"<name>\" ...");
                }
                name = line.substring(q1 + 1, q2);
                virtual = false;
                state = DumpedThread.UNKNOWN_STATE;
                for (String word : line.substring(q2 + 1).trim().split(" ")) {
                    if (word.equals("virtual")) {
                        virtual = true;
                    } else if (isState(word)) {
                        state = word;
                    }
                }
                if (stack == null) {
                    stack = new ArrayList<>(16);
                } else {
                    stack.clear(); // finish() kept a copy, or the previous thread's list
                }
                threads++;
            } else if (line.isBlank()) {
                continue;
            } else if (Character.isWhitespace(line.charAt(0)) && name != null) {
                int from = 0;
                int to = line.length();
                while (from < to && Character.isWhitespace(line.charAt(from))) {
                    from++;
                }
                while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
                    to--;
                }
                if (line.startsWith("at ", from)) {
                    stack.add(frame(line, from + 3, to, stack.size()));
                } else if (!line.startsWith("- ", from)) {
                    stack.add(frame(line, from, to, stack.size())); // JDK 21: the frame alone
                }
            } else if (name == null && header < HEADER_LINES && !Character.isWhitespace(line.charAt(0))) {
                header++;
            } else {
                throw fail(line, "expected a thread line (#<id> \"<name>\") or an indented frame");
            }
        }
        if (name != null) {
            out.accept(new DumpedThread(name, state, virtual, finish(stack)));
        }
        if (threads == 0) {
            throw new IllegalArgumentException("not a thread dump: no thread found in " + lineNo + " line(s) "
                    + "(expected: the output of jcmd <pid> Thread.dump_to_file, text or -format=json)");
        }
    }

    /**
     * Frame {@code k} of the thread being read, {@code line[from, to)}: the previous thread's frame
     * {@code k} itself when the text is the same, so that 100,000 threads at one line hold one copy
     * of each frame and allocate none beyond the line.
     */
    private String frame(String line, int from, int to, int k) {
        List<String> p = previous;
        if (k < p.size()) {
            String same = p.get(k);
            if (same.length() == to - from && line.startsWith(same, from)) {
                return same;
            }
        }
        return line.substring(from, to);
    }

    /** The stack as the thread keeps it: the previous thread's own list when every frame is the same. */
    private List<String> finish(List<String> stack) {
        List<String> p = previous;
        if (stack.size() == p.size()) {
            boolean same = true;
            for (int i = 0; i < stack.size() && same; i++) {
                same = stack.get(i) == p.get(i);
            }
            if (same) {
                return p;
            }
        }
        previous = List.copyOf(stack);
        return previous;
    }

    private static boolean digits(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isState(String word) {
        for (Thread.State s : Thread.State.values()) {
            if (s.name().equals(word)) {
                return true;
            }
        }
        return false;
    }

    private IllegalArgumentException fail(String line, String expected) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return new IllegalArgumentException("not a thread dump: line " + lineNo + ": '" + shown + "' (expected: "
                + expected + ")");
    }
}
