package dev.tandem.core.diagnostics;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the JSON thread dump of JDK 21+ ({@code jcmd <pid> Thread.dump_to_file -format=json}, or
 * {@code HotSpotDiagnosticMXBean.dumpThreads(file, JSON)}) as a stream: each thread of
 * {@code threadDump.threadContainers[].threads[]} goes to the consumer as soon as its object ends,
 * so a dump of 100,000 threads is never held in memory. Just enough JSON (RFC 8259) for that, no
 * library: everything outside the threads is checked for syntax and skipped. Keys it does not
 * know are ignored, so newer JDKs' additions (locks, carriers) do not break it.
 *
 * <p>A malformed document, one nested deeper than {@value #MAX_DEPTH}, or a JSON document that is
 * not a thread dump fails with an {@link IllegalArgumentException} that says where.
 */
final class JsonDumpReader {
    static final int MAX_DEPTH = 64;

    /** Where in the document a value sits; only threads at {@link #THREAD} are handed over. */
    private enum Place { ROOT, DUMP, CONTAINERS, CONTAINER, THREADS, THREAD, THREAD_STACK, OTHER }

    private final Reader in;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int len;
    private long offset; // of buf[0] in the document
    private final StringBuilder text = new StringBuilder(128);
    private boolean sawContainers;

    // the thread object being read
    private String name;
    private String state;
    private boolean virtual;
    private List<String> stack;
    /** The last thread's stack: its frames are reused when the next thread's match (no copy per thread). */
    private List<String> previous = List.of();
    private boolean allReused;

    JsonDumpReader(Reader in) {
        this.in = in;
    }

    /** Reads the whole document, handing over every thread. */
    void read(Consumer<DumpedThread> out) throws IOException {
        skipSpace();
        if (peek() != '{') {
            throw fail("a JSON thread dump starts with '{'");
        }
        value(Place.ROOT, 0, out);
        skipSpace();
        if (peek() != -1) {
            throw fail("unexpected text after the end of the JSON document");
        }
        if (!sawContainers) {
            throw new IllegalArgumentException("not a thread dump: JSON without threadDump.threadContainers "
                    + "(expected: the output of jcmd <pid> Thread.dump_to_file -format=json)");
        }
    }

    private void value(Place place, int depth, Consumer<DumpedThread> out) throws IOException {
        if (depth > MAX_DEPTH) {
            throw fail("nested deeper than " + MAX_DEPTH);
        }
        skipSpace();
        int c = peek();
        switch (c) {
            case '{': object(place, depth, out); break;
            case '[': array(place, depth, out); break;
            case '"': readString(); break;
            case 't': literal("true"); break;
            case 'f': literal("false"); break;
            case 'n': literal("null"); break;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw fail(c == -1 ? "unexpected end of input" : "unexpected character '" + (char) c + "'");
                }
        }
    }

    private void object(Place place, int depth, Consumer<DumpedThread> out) throws IOException {
        next(); // '{'
        if (place == Place.THREAD) {
            name = "";
            state = DumpedThread.UNKNOWN_STATE;
            virtual = false;
            stack = List.of();
        }
        skipSpace();
        if (peek() == '}') {
            next();
        } else {
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw fail("expected a key in quotes");
                }
                String key = string();
                skipSpace();
                if (next() != ':') {
                    throw fail("expected ':' after key \"" + key + "\"");
                }
                member(place, key, depth, out);
                skipSpace();
                int c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw fail("expected ',' or '}' in an object");
                }
            }
        }
        if (place == Place.THREAD) {
            out.accept(new DumpedThread(name, state, virtual, stack));
        }
    }

    private void member(Place place, String key, int depth, Consumer<DumpedThread> out) throws IOException {
        skipSpace();
        int c = peek();
        if (place == Place.ROOT && key.equals("threadDump") && c == '{') {
            value(Place.DUMP, depth + 1, out);
        } else if (place == Place.DUMP && key.equals("threadContainers") && c == '[') {
            sawContainers = true;
            value(Place.CONTAINERS, depth + 1, out);
        } else if (place == Place.CONTAINER && key.equals("threads") && c == '[') {
            value(Place.THREADS, depth + 1, out);
        } else if (place == Place.THREAD && c == '"' && (key.equals("name") || key.equals("state"))) {
            String s = string();
            if (key.equals("name")) {
                name = s;
            } else {
                state = s;
            }
        } else if (place == Place.THREAD && key.equals("virtual") && c == 't') {
            literal("true");
            virtual = true;
        } else if (place == Place.THREAD && key.equals("stack") && c == '[') {
            stack = new ArrayList<>(16);
            allReused = true;
            value(Place.THREAD_STACK, depth + 1, out);
            stack = allReused && stack.size() == previous.size() ? previous : List.copyOf(stack);
            previous = stack;
        } else if (c == '"') {
            readString(); // a value we do not need: checked, not kept
        } else {
            value(Place.OTHER, depth + 1, out);
        }
    }

    private void array(Place place, int depth, Consumer<DumpedThread> out) throws IOException {
        next(); // '['
        Place element = place == Place.CONTAINERS ? Place.CONTAINER
                : place == Place.THREADS ? Place.THREAD : Place.OTHER;
        skipSpace();
        if (peek() == ']') {
            next();
            return;
        }
        while (true) {
            skipSpace();
            if (place == Place.THREAD_STACK && peek() == '"') {
                stack.add(frame(stack.size()));
            } else {
                value(element, depth + 1, out);
            }
            skipSpace();
            int c = next();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw fail("expected ',' or ']' in an array");
            }
        }
    }

    /**
     * Frame {@code i} of the thread being read: the previous thread's frame {@code i} when the text
     * is the same, so 100,000 identical stacks cost one set of strings.
     */
    private String frame(int i) throws IOException {
        readString();
        if (i < previous.size() && previous.get(i).contentEquals(text)) {
            return previous.get(i);
        }
        allReused = false;
        return text.toString();
    }

    private String string() throws IOException {
        readString();
        return text.toString();
    }

    /** Reads a string into {@link #text}. */
    private void readString() throws IOException {
        next(); // '"'
        text.setLength(0);
        while (true) {
            if (pos == len && !fill()) {
                throw fail("unterminated string");
            }
            // copy the run of plain characters in one go
            int start = pos;
            while (pos < len) {
                char ch = buf[pos];
                if (ch == '"' || ch == '\\' || ch < 0x20) {
                    break;
                }
                pos++;
            }
            text.append(buf, start, pos - start);
            if (pos == len) {
                continue;
            }
            char ch = buf[pos++];
            if (ch == '"') {
                return;
            }
            if (ch < 0x20) {
                pos--;
                throw fail("control character in a string");
            }
            escape();
        }
    }

    private void escape() throws IOException {
        int e = next();
        switch (e) {
            case '"': text.append('"'); break;
            case '\\': text.append('\\'); break;
            case '/': text.append('/'); break;
            case 'b': text.append('\b'); break;
            case 'f': text.append('\f'); break;
            case 'n': text.append('\n'); break;
            case 'r': text.append('\r'); break;
            case 't': text.append('\t'); break;
            case 'u':
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(next(), 16);
                    if (d < 0) {
                        throw fail("bad \\u escape");
                    }
                    v = v * 16 + d;
                }
                text.append((char) v);
                break;
            default:
                throw fail("bad escape in a string");
        }
    }

    private void number() throws IOException {
        int digits = 0;
        if (peek() == '-') {
            next();
        }
        for (int c = peek(); (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'; c = peek()) {
            next();
            digits += c >= '0' && c <= '9' ? 1 : 0;
        }
        if (digits == 0) {
            throw fail("bad number");
        }
    }

    private void literal(String word) throws IOException {
        for (int i = 0; i < word.length(); i++) {
            if (next() != word.charAt(i)) {
                throw fail("expected " + word);
            }
        }
    }

    private void skipSpace() throws IOException {
        while (true) {
            if (pos == len && !fill()) {
                return;
            }
            char c = buf[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private int peek() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos];
    }

    private int next() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos++];
    }

    private boolean fill() throws IOException {
        offset += len;
        pos = 0;
        len = 0;
        int n;
        while ((n = in.read(buf, 0, buf.length)) == 0) {
            // a Reader may return 0 only for an empty buffer; read again
        }
        if (n < 0) {
            return false;
        }
        len = n;
        return true;
    }

    private IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("not a thread dump: malformed JSON at character " + (offset + pos)
                + ": " + what);
    }
}
