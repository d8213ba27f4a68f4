package dev.tandem.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the results part of docs/benchmarks.md from the fragments a run produced:
 * {@code java -cp benchmarks.jar dev.tandem.bench.Report docs/benchmarks.md benchmarks/target/results [--keep]}.
 * Everything between {@code <!-- results:start -->} and {@code <!-- results:end -->} is replaced;
 * a harness that did not run this time keeps no stale numbers, it says so. With {@code --keep},
 * a harness whose fragment is not in the results directory keeps the one the document has (each
 * fragment names its own machine and date), so that one harness's run can be folded in alone.
 */
public final class Report {
    static final String START = "<!-- results:start -->";
    static final String END = "<!-- results:end -->";
    static final String[] PARTS = {"b1", "b2", "b3", "b4", "b5", "b6"};
    /** A fragment's heading: "### B2 — ..." or "### B4: ...", at the start of a line. */
    private static final Pattern HEADING = Pattern.compile("(?m)^### (B[0-9]+)\\b");

    private Report() {}

    public static void main(String[] args) throws IOException {
        boolean keep = args.length == 3 && args[2].equals("--keep");
        if (args.length != 2 && !keep) {
            System.err.println("usage: Report <docs/benchmarks.md> <results dir> [--keep]");
            System.exit(2);
        }
        Path doc = Path.of(args[0]);
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        String updated = render(text, Path.of(args[1]), keep);
        Files.writeString(doc, updated, StandardCharsets.UTF_8);
        System.out.println("rewrote " + doc);
    }

    static String render(String doc, Path results) throws IOException {
        return render(doc, results, false);
    }

    static String render(String doc, Path results, boolean keep) throws IOException {
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the document has no " + START + " ... " + END + " section");
        }
        Map<String, String> kept = keep ? fragments(doc.substring(start + START.length(), end)) : Map.of();
        StringBuilder sb = new StringBuilder(doc.substring(0, start + START.length())).append('\n');
        for (String part : PARTS) {
            Path f = results.resolve(part + ".md");
            String id = part.toUpperCase(Locale.ROOT);
            if (Files.isRegularFile(f)) {
                sb.append('\n').append(Files.readString(f, StandardCharsets.UTF_8).strip()).append('\n');
            } else if (kept.containsKey(id)) {
                sb.append('\n').append(kept.get(id)).append('\n');
            } else {
                sb.append("\n### ").append(id).append("\n\nNot run in the pass that wrote this file.\n");
            }
        }
        return sb.append('\n').append(doc.substring(end)).toString();
    }

    /** The results section's fragments by id ("B1"): each from its heading to the next one. */
    static Map<String, String> fragments(String section) {
        Map<String, String> out = new HashMap<>();
        Matcher m = HEADING.matcher(section);
        String id = null;
        int from = -1;
        while (m.find()) {
            if (id != null) {
                out.put(id, section.substring(from, m.start()).strip());
            }
            id = m.group(1);
            from = m.start();
        }
        if (id != null) {
            out.put(id, section.substring(from).strip());
        }
        return out;
    }
}
