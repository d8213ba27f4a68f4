package dev.tandem.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code docs/sinks.md} for the tests that keep it true: one {@code ## } section per sink,
 * option tables whose rows start with {@code | `name` |}, and code blocks marked
 * {@code <!-- code: path#region -->} that must equal the lines between {@code // docs:begin region}
 * and {@code // docs:end region} in that file (indentation removed), so the configuration shown
 * compiles and runs in a test.
 */
public final class SinksDoc {
    private static final Pattern CODE = Pattern.compile("<!-- code: ([^#\\s]+)#(\\S+) -->\n```java\n(.*?)```\n", Pattern.DOTALL);

    private SinksDoc() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/sinks.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docs/sinks.md above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of one {@code ## } section, up to the next. */
    public static String section(String heading) {
        String md = read("docs/sinks.md");
        int start = md.indexOf("\n" + heading + "\n");
        if (start < 0) {
            throw new AssertionError("docs/sinks.md has no section " + heading);
        }
        int end = md.indexOf("\n## ", start + heading.length() + 2);
        return md.substring(start, end < 0 ? md.length() : end);
    }

    /** The text of one subsection ({@code ### } and deeper headings included), up to the next heading. */
    public static String subsection(String heading) {
        String md = read("docs/sinks.md");
        int start = md.indexOf("\n" + heading + "\n");
        if (start < 0) {
            throw new AssertionError("docs/sinks.md has no section " + heading);
        }
        int end = md.indexOf("\n#", start + heading.length() + 2);
        return md.substring(start, end < 0 ? md.length() : end);
    }

    /** Option name to default cell (backquotes removed) of the first table in {@code section} under {@code subheading}. */
    public static Map<String, String> optionTable(String section, String subheading) {
        int at = section.indexOf("\n" + subheading + "\n");
        if (at < 0) {
            throw new AssertionError("no " + subheading + " in the section");
        }
        Map<String, String> out = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : section.substring(at).split("\n")) {
            if (line.startsWith("| `")) {
                inTable = true;
                String[] cells = line.substring(1).split("(?<!\\\\)\\|");
                out.put(cells[0].trim().replace("`", ""), cells[1].trim().replace("`", ""));
            } else if (inTable && !line.startsWith("|")) {
                break;
            }
        }
        return out;
    }

    /** Every marked code block of the section, checked against its region; returns the regions checked. */
    public static List<String> checkCodeBlocks(String section) {
        List<String> checked = new ArrayList<>();
        Matcher m = CODE.matcher(section);
        while (m.find()) {
            String region = region(m.group(1), m.group(2));
            if (!region.equals(m.group(3))) {
                throw new AssertionError("docs/sinks.md, block " + m.group(1) + "#" + m.group(2)
                        + " differs from the code.\n--- docs:\n" + m.group(3) + "--- code:\n" + region);
            }
            checked.add(m.group(2));
        }
        long markers = Pattern.compile("<!-- code:").matcher(section).results().count();
        if (markers != checked.size()) {
            throw new AssertionError("a <!-- code: ... --> marker must be followed directly by a ```java block");
        }
        return checked;
    }

    private static String region(String file, String name) {
        String text = read(file);
        String begin = "// docs:begin " + name + "\n";
        int start = text.indexOf(begin);
        int end = text.indexOf("// docs:end " + name);
        if (start < 0 || end < start) {
            throw new AssertionError(file + " has no region " + name);
        }
        String[] lines = text.substring(start + begin.length(), text.lastIndexOf('\n', end) + 1).split("\n");
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return sb.toString();
    }
}
