package dev.tandem.examples.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tandem's artifacts as real modules: a small program on the module path (compiled and run by
 * this JDK, so CI checks JDK 17 and 25) requires every published artifact and uses each one, and a
 * class outside Tandem can reach {@code dev.tandem.stats.internal} neither at compile time nor by
 * reflection. The module path is the artifacts this build made (jars after {@code package},
 * exploded {@code target/classes} before) and the libraries they need.
 */
@Timeout(120)
class ModulePathTest {
    /** What goes on the module path: Tandem's published artifacts and their libraries, by file name. */
    private static final List<String> MODULE_PATH_ARTIFACTS = List.of(
            "tandem-stats-sink", "tandem-stats-testing", "tandem-stats-kafka", "tandem-stats-micrometer",
            "tandem-core", "slf4j-api", "jctools-core", "kafka-clients", "micrometer-core", "micrometer-commons",
            "micrometer-observation", "HdrHistogram", "LatencyUtils", "junit-jupiter-api", "junit-platform-commons",
            "opentest4j", "apiguardian-api");

    private static String modulePath;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTheModules() {
        List<String> found = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String artifact = artifactOf(entry);
            if (artifact != null && MODULE_PATH_ARTIFACTS.contains(artifact)) {
                found.add(entry);
            }
        }
        List<String> names = found.stream().map(ModulePathTest::artifactOf).collect(Collectors.toList());
        for (String tandem : List.of("tandem-stats-sink", "tandem-stats-testing", "tandem-stats-kafka",
                "tandem-stats-micrometer", "tandem-core")) {
            assertTrue(names.contains(tandem), tandem + " is on the test class path: " + found);
        }
        modulePath = String.join(File.pathSeparator, found);
    }

    /** The artifact behind a class path entry: a jar's name without its version, or a module's folder. */
    private static String artifactOf(String entry) {
        Path p = Path.of(entry);
        String name = p.getFileName().toString();
        if (name.endsWith(".jar")) {
            if (name.endsWith("-tests.jar")) {
                return null; // Tandem's own test helpers share packages with the modules
            }
            return name.replaceFirst("-[0-9][^-]*(-SNAPSHOT)?\\.jar$", "").replaceFirst("\\.jar$", "");
        }
        if (name.equals("classes") && p.getParent() != null && p.getParent().getFileName().toString().equals("target")) {
            Path module = p.getParent().getParent();
            String folder = module.getFileName().toString();
            String parent = module.getParent() == null ? "" : module.getParent().getFileName().toString();
            switch (folder) {
                case "stats-sink": return "tandem-stats-sink";
                case "core": return "tandem-core";
                default: return parent.equals("stats-sink") ? "tandem-stats-" + folder : null;
            }
        }
        return null;
    }

    @Test
    void aProgramOnTheModulePathUsesEveryArtifact() throws Exception {
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), "module app {\n"
                + "    requires dev.tandem.core;\n"
                + "    requires dev.tandem.stats.kafka;\n"
                + "    requires dev.tandem.stats.micrometer;\n"
                + "    requires dev.tandem.stats.testing;\n"
                + "}\n");
        write(src.resolve("app/Main.java"), String.join("\n",
                "package app;",
                "",
                "import dev.tandem.core.ConnectionManager;",
                "import dev.tandem.core.ConnectionPair;",
                "import dev.tandem.core.diagnostics.ThreadProfile;",
                "import dev.tandem.stats.Event;",
                "import dev.tandem.stats.EventType;",
                "import dev.tandem.stats.StatsPipeline;",
                "import dev.tandem.stats.Tags;",
                "import dev.tandem.stats.json.JsonWriter;",
                "import dev.tandem.stats.kafka.KafkaStatsSink;",
                "import dev.tandem.stats.micrometer.StatsPipelineMetrics;",
                "import dev.tandem.stats.testing.TestEvents;",
                "import java.time.Duration;",
                "import java.util.concurrent.CountDownLatch;",
                "",
                "public class Main {",
                "    public static void main(String[] args) throws Exception {",
                "        ConnectionManager manager = ConnectionManager.builder().name(\"modules\").build();",
                "        CountDownLatch done = new CountDownLatch(1);",
                "        ConnectionPair<String> pair = manager.<String>pair(() -> { })",
                "                .reader(ctx -> done.await())",
                "                .writer((m, ctx) -> { })",
                "                .start();",
                "        pair.close();",
                "        done.countDown();",
                "        System.out.println(\"closed: \" + pair.closeFuture().toCompletableFuture().get().reason());",
                "        System.out.println(\"shutdown clean: \" + manager.shutdown(Duration.ofSeconds(5)).clean());",
                "        System.out.println(\"profile: \" + ThreadProfile.capture().startsWith(\"thread profile\"));",
                "        EventType t = TestEvents.type(\"app.event\", \"n\");",
                "        StringBuilder sb = new StringBuilder();",
                "        new JsonWriter(JsonWriter.ControlEscapes.ALL_SHORT_FORMS, JsonWriter.NonFinite.NULL)",
                "                .fields(sb, Event.of(t, 1, Tags.empty(), 7));",
                "        System.out.println(\"json: \" + sb);",
                "        try (StatsPipeline stats = StatsPipeline.builder().build()) {",
                "            System.out.println(\"binder: \" + (StatsPipelineMetrics.of(stats) != null));",
                "        }",
                "        System.out.println(\"kafka: \" + (KafkaStatsSink.builder(\"127.0.0.1:9\", \"t\") != null));",
                "        for (Class<?> c : new Class<?>[] {ConnectionManager.class, StatsPipeline.class,",
                "                KafkaStatsSink.class, StatsPipelineMetrics.class, TestEvents.class}) {",
                "            System.out.println(\"module: \" + c.getModule().getName());",
                "        }",
                "        try {",
                "            Class<?> checks = Class.forName(\"dev.tandem.stats.internal.Checks\");",
                "            checks.getMethod(\"positive\", String.class, long.class).invoke(null, \"x\", 1L);",
                "            System.out.println(\"internal: reachable\");",
                "        } catch (IllegalAccessException expected) {",
                "            System.out.println(\"internal: refused\");",
                "        }",
                "    }",
                "}",
                ""));
        Path out = dir.resolve("out");
        String errors = compile(src, out);
        assertEquals("", errors, "the program compiles against the modules");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("app.log");
        Process p = new ProcessBuilder(java, "--module-path", out + File.pathSeparator + modulePath, "-m", "app/app.Main")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the program ends within 60 s: " + output);
        assertEquals(0, p.exitValue(), output);
        for (String line : List.of("closed: EXPLICIT", "shutdown clean: true", "profile: true", "json: {\"n\":7}",
                "binder: true", "kafka: true", "module: dev.tandem.core", "module: dev.tandem.stats",
                "module: dev.tandem.stats.kafka", "module: dev.tandem.stats.micrometer",
                "module: dev.tandem.stats.testing", "internal: refused")) {
            assertTrue(output.lines().anyMatch(line::equals), "prints '" + line + "':\n" + output);
        }
    }

    @Test
    void aClassOutsideTandemCannotCompileAgainstInternal() throws Exception {
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), "module outsider {\n    requires dev.tandem.core;\n}\n");
        write(src.resolve("outsider/Peek.java"), "package outsider;\n\n"
                + "public class Peek {\n"
                + "    public static void main(String[] args) {\n"
                + "        dev.tandem.stats.internal.Checks.positive(\"x\", 1);\n"
                + "    }\n"
                + "}\n");
        String errors = compile(src, dir.resolve("out"));
        assertFalse(errors.isEmpty(), "compiling against internal must fail");
        assertTrue(errors.contains("package dev.tandem.stats.internal is not visible"), errors);
    }

    /** Compiles every source under {@code src} on the module path; the diagnostics, or "" on success. */
    private static String compile(Path src, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(Arrays.asList("--module-path", modulePath, "-d", out.toString(),
                "-Xlint:-options"));
        try (var files = Files.walk(src)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, err, err, args.toArray(new String[0]));
        String text = err.toString(StandardCharsets.UTF_8);
        return rc == 0 ? "" : text.isEmpty() ? "javac exited " + rc : text;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
