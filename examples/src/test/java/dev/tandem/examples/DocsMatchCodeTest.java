package dev.tandem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tandem.stats.testing.RecordingStatsSink;
import dev.tandem.core.ConnectionManager;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsPipeline;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation shows real code and real names. Code snippets marked
 * {@code <!-- snippet: path -->} must equal that file verbatim, the tables of self-metrics,
 * drop reasons and option defaults in docs/stats-pipeline.md must match what the code does, and
 * the tables of {@code ConnectionManager.Builder} options in the README and in
 * docs/connection-pair.md must name exactly the builder's options. (Their defaults are not checked:
 * the manager has no public accessor for most of them.)
 */
class DocsMatchCodeTest {
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+) -->\n```java\n(.*?)```\n", Pattern.DOTALL);

    /** The repository's root: the first folder above the working directory that holds examples/pom.xml. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("examples/pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String read(String relative) throws IOException {
        return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(root().resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root().resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** A relative link in Markdown: {@code [text](path)} or {@code [text](path#anchor)}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(((?!https?:|mailto:|#)[^)#\\s]+)(#[^)\\s]*)?\\)");

    @Test
    void everyRelativeLinkInTheDocsPointsAtAFileThatExists() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path md : markdownFiles()) {
            Matcher m = LINK.matcher(Files.readString(md, StandardCharsets.UTF_8));
            while (m.find()) {
                Path target = md.getParent().resolve(m.group(1)).normalize();
                if (!Files.exists(target)) {
                    broken.add(root().relativize(md) + " -> " + m.group(1));
                }
            }
        }
        assertTrue(broken.isEmpty(), "links to files that do not exist (renamed or deleted?):\n" + String.join("\n", broken));
    }

    @Test
    void everyMarkedSnippetIsItsFileVerbatim() throws IOException {
        Map<String, java.util.Set<String>> shown = new TreeMap<>();
        for (Path md : markdownFiles()) {
            String text = Files.readString(md, StandardCharsets.UTF_8);
            Matcher m = SNIPPET.matcher(text);
            while (m.find()) {
                String where = root().relativize(md) + " -> " + m.group(1);
                assertEquals(read(m.group(1)), m.group(2), where + " is not the file verbatim");
                shown.computeIfAbsent(root().relativize(md).toString(), k -> new TreeSet<>()).add(m.group(1));
            }
            long markers = Pattern.compile("<!-- snippet:").matcher(text).results().count();
            long matched = SNIPPET.matcher(text).results().count();
            assertEquals(markers, matched, md + ": a snippet marker must be followed directly by a ```java block");
        }
        assertTrue(shown.get("README.md").contains("examples/src/main/java/dev/tandem/examples/StatsQuickStart.java"),
                shown.toString());
        assertTrue(shown.get("docs/stats-pipeline.md").contains(
                "examples/src/main/java/dev/tandem/examples/sink/MinimalSink.java"), shown.toString());
        assertTrue(shown.get("README.md").contains(
                "examples/src/main/java/dev/tandem/examples/wrap/WrappedEchoServer.java"), shown.toString());
    }

    /** Table rows of one section of a Markdown file: the cells, trimmed, of lines starting with "| `". */
    private static List<List<String>> rows(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "no section " + heading);
        int end = markdown.indexOf("\n## ", start + heading.length() + 2);
        String section = markdown.substring(start, end < 0 ? markdown.length() : end);
        List<List<String>> out = new ArrayList<>();
        String[] lines = section.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            boolean header = n + 1 < lines.length && lines[n + 1].startsWith("|---");
            if (line.startsWith("| `") && !header) {
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) {
                    cells.add(cell.trim());
                }
                out.add(cells);
            }
        }
        return out;
    }

    private static String unquote(String cell) {
        return cell.replace("`", "");
    }

    @Test
    void theSelfMetricsTableListsExactlyWhatThePipelineRegisters() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        for (List<String> row : rows(read("docs/stats-pipeline.md"), "## Self-metrics and the drop summary")) {
            TreeSet<String> keys = new TreeSet<>(List.of("sink"));
            if (!row.get(2).isEmpty()) {
                keys.add(row.get(2).substring(1, row.get(2).indexOf('`', 1))); // "`reason` (...)" -> reason
            }
            documented.put(unquote(row.get(0)), row.get(1) + " " + keys);
        }

        Map<String, String> registered = new TreeMap<>();
        StatsPipeline stats = StatsPipeline.builder().sink("one", new RecordingStatsSink()).build();
        try {
            for (Measurement m : stats.measurements()) {
                TreeSet<String> keys = new TreeSet<>();
                for (int i = 0; i < m.tags().size(); i++) {
                    keys.add(m.tags().key(i));
                }
                registered.put(m.name(), m.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + keys);
            }
        } finally {
            stats.close(Duration.ofSeconds(5));
        }
        assertEquals(registered, documented);
    }

    @Test
    void theDropReasonTableListsEveryReasonInOrder() throws IOException {
        List<String> documented = new ArrayList<>();
        for (List<String> row : rows(read("docs/stats-pipeline.md"), "## Why an event is dropped")) {
            documented.add(unquote(row.get(0)));
        }
        List<String> actual = new ArrayList<>();
        for (DropReason r : DropReason.values()) {
            actual.add(r.tagValue());
        }
        assertEquals(actual, documented);
    }

    @Test
    void theOptionsTableShowsTheBuildersDefaults() throws IOException {
        SinkOptions d = SinkOptions.defaults();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("queueCapacity", Integer.toString(d.queueCapacity()));
        assertEquals(2, SinkOptions.builder().queueCapacity(8).build().batchSize(), "an unset batch size follows the queue");
        expected.put("batchSize", d.batchSize() + ", or a quarter of `queueCapacity` if that is less");
        expected.put("linger", human(d.linger()));
        expected.put("metricsInterval", human(d.metricsInterval()));
        expected.put("publishTimeout", human(d.publishTimeout()));
        expected.put("backoffInitial / backoffMax", human(d.backoffInitial()) + " / " + human(d.backoffMax()));
        expected.put("maxRetries", Integer.toString(d.maxRetries()));
        expected.put("maxEventsPerSecond", d.maxEventsPerSecond() == 0 ? "0 (off)" : Long.toString(d.maxEventsPerSecond()));

        Map<String, String> documented = new LinkedHashMap<>();
        for (List<String> row : rows(read("docs/stats-pipeline.md"), "## Options")) {
            String option = unquote(row.get(0));
            if (expected.containsKey(option)) {
                documented.put(option, row.get(1));
            } else if (!List.of("closeTimeout", "dropLogInterval", "clock", "timestampTick", "preciseTimestamps",
                    "producerStripes").contains(option)) {
                fail("docs/stats-pipeline.md documents an unknown option " + option);
            }
        }
        assertEquals(expected, documented);
    }

    @Test
    void theManagerOptionsTablesNameEveryBuilderOption() throws IOException {
        Set<String> options = new TreeSet<>();
        for (Method m : ConnectionManager.Builder.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("build")) {
                options.add(m.getName());
            }
        }
        assertTrue(options.contains("outboundQueueCapacity") && options.contains("writeTimeout"), options.toString());
        Map<String, String> sections = new LinkedHashMap<>();
        sections.put("README.md", "## Options and defaults");
        sections.put("docs/connection-pair.md", "## Options");
        for (Map.Entry<String, String> s : sections.entrySet()) {
            Set<String> documented = new TreeSet<>();
            for (List<String> row : rows(read(s.getKey()), s.getValue())) {
                for (String option : unquote(row.get(0)).split("/")) { // "threadFactory / virtualThreads"
                    documented.add(option.trim());
                }
            }
            assertEquals(options, documented, s.getKey() + ", " + s.getValue());
        }
    }

    /** Where the architecture page's class names are looked up: every package of Tandem's artifacts. */
    private static final List<String> TANDEM_PACKAGES = List.of("dev.tandem.core", "dev.tandem.core.diagnostics",
            "dev.tandem.stats", "dev.tandem.stats.internal", "dev.tandem.stats.json", "dev.tandem.stats.http",
            "dev.tandem.stats.statsd", "dev.tandem.stats.testing", "dev.tandem.stats.kafka",
            "dev.tandem.stats.micrometer", "dev.tandem.examples", "dev.tandem.examples.modules");
    /** Names the page uses that are not Tandem's classes. */
    private static final Set<String> NOT_TANDEM = Set.of("README", "MeterBinder", "LongAdder", "Thread", "JCTools",
            "JDK", "JSON", "MPSC", "JPMS", "OPEN", "CLOSING", "CLOSED", "STUCK", "RUNNING", "STALLED", "BACKOFF",
            "UDP", "HTTP", "API", "CAS", "IllegalArgumentException", "EXPLICIT", "SHUTDOWN");

    @Test
    void everyClassAndMethodTheArchitecturePageNamesExists() throws IOException {
        String page = read("docs/architecture.md");
        List<String> missing = new ArrayList<>();
        int checked = 0;
        Matcher member = Pattern.compile("\\b([A-Z][A-Za-z0-9]*)\\.([a-z][A-Za-z0-9]*)\\b").matcher(page);
        while (member.find()) {
            if (NOT_TANDEM.contains(member.group(1))) {
                continue;
            }
            Class<?> c = tandemClass(member.group(1));
            checked++;
            if (c == null) {
                missing.add(member.group() + " (no class " + member.group(1) + ")");
            } else if (!declares(c, member.group(2))) {
                missing.add(member.group() + " (" + c.getName() + " has no " + member.group(2) + ")");
            }
        }
        Matcher quoted = Pattern.compile("`([A-Z][A-Za-z0-9]*)`").matcher(page);
        while (quoted.find()) {
            if (!NOT_TANDEM.contains(quoted.group(1)) && tandemClass(quoted.group(1)) == null) {
                missing.add("`" + quoted.group(1) + "` (no such class)");
            }
            checked++;
        }
        assertTrue(checked > 40, "the page names Tandem's classes and methods: " + checked);
        assertEquals(List.of(), missing, "docs/architecture.md names what the code does not have");
    }

    private static Class<?> tandemClass(String simpleName) {
        for (String pkg : TANDEM_PACKAGES) {
            try {
                return Class.forName(pkg + "." + simpleName, false, DocsMatchCodeTest.class.getClassLoader());
            } catch (ClassNotFoundException notHere) {
                // next package
            }
        }
        for (String pkg : TANDEM_PACKAGES) { // a nested class, e.g. PairSnapshot.Side
            for (String outer : List.of("ConnectionManager", "PairSnapshot", "StatsPipeline", "SinkOptions")) {
                try {
                    return Class.forName(pkg + "." + outer + "$" + simpleName, false,
                            DocsMatchCodeTest.class.getClassLoader());
                } catch (ClassNotFoundException notHere) {
                    // next
                }
            }
        }
        return null;
    }

    /** A method or field of that name in the class or, for an interface's default, its supertypes. */
    private static boolean declares(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (Stream.of(k.getDeclaredMethods()).anyMatch(m -> m.getName().equals(name))
                    || Stream.of(k.getDeclaredFields()).anyMatch(f -> f.getName().equals(name))) {
                return true;
            }
        }
        return Stream.of(c.getInterfaces()).anyMatch(i -> declares(i, name));
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
