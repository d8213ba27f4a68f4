package dev.tandem.core.diagnostics;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * Groups a thread dump that the JDK wrote ({@code jcmd <pid> Thread.dump_to_file}, text or
 * {@code -format=json}, JDK 21+) by identical stack, largest group first. Pure: text in, groups
 * out, no JVM state read, no JSON library; the format is told from the first character
 * (an opening brace is JSON). Anything that is not such a dump fails with an
 * {@link IllegalArgumentException} whose message starts with {@code "not a thread dump"} and says
 * where; no other exception escapes for bad input.
 */
public final class ThreadDumpParser {
    private ThreadDumpParser() {}

    /** The groups of {@code dump}, largest first. */
    public static List<StackGroup> parse(String dump) {
        Objects.requireNonNull(dump, "dump");
        try {
            return parse(new StringReader(dump));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not throw
        }
    }

    /**
     * The groups of the dump {@code in} holds, largest first; reads it to the end as a stream, so a
     * dump larger than the heap groups fine when its stacks repeat.
     *
     * @throws IOException if reading fails
     */
    public static List<StackGroup> parse(Reader in) throws IOException {
        return read(in).groups();
    }

    static StackGrouper read(Reader in) throws IOException {
        Objects.requireNonNull(in, "in");
        PushbackReader r = new PushbackReader(in, 1);
        int first;
        do {
            first = r.read();
        } while (first == ' ' || first == '\n' || first == '\r' || first == '\t' || first == '\uFEFF');
        if (first == -1) {
            throw new IllegalArgumentException("not a thread dump: the input is empty");
        }
        r.unread(first);
        StackGrouper grouper = new StackGrouper();
        if (first == '{') {
            new JsonDumpReader(r).read(grouper);
        } else {
            new TextDumpReader(r).read(grouper);
        }
        return grouper;
    }
}
