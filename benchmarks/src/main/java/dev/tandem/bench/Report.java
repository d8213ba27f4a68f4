package dev.tandem.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rewrites the results part of docs/benchmarks.md from the fragments a run produced:
 * {@code java -cp benchmarks.jar dev.tandem.bench.Report docs/benchmarks.md benchmarks/target/results}.
 * Everything between {@code <!-- results:start -->} and {@code <!-- results:end -->} is replaced;
 * a harness that did not run this time keeps no stale numbers, it says so.
 */
public final class Report {
    static final String START = "<!-- results:start -->";
    static final String END = "<!-- results:end -->";
    static final String[] PARTS = {"b1", "b2", "b3", "b4", "b5", "b6"};

    private Report() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Report <docs/benchmarks.md> <results dir>");
            System.exit(2);
        }
        Path doc = Path.of(args[0]);
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        String updated = render(text, Path.of(args[1]));
        Files.writeString(doc, updated, StandardCharsets.UTF_8);
        System.out.println("rewrote " + doc);
    }

    static String render(String doc, Path results) throws IOException {
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the document has no " + START + " ... " + END + " section");
        }
        StringBuilder sb = new StringBuilder(doc.substring(0, start + START.length())).append('\n');
        for (String part : PARTS) {
            Path f = results.resolve(part + ".md");
            if (Files.isRegularFile(f)) {
                sb.append('\n').append(Files.readString(f, StandardCharsets.UTF_8).strip()).append('\n');
            } else {
                sb.append("\n### ").append(part.toUpperCase(java.util.Locale.ROOT))
                        .append("\n\nNot run in the pass that wrote this file.\n");
            }
        }
        return sb.append('\n').append(doc.substring(end)).toString();
    }
}
