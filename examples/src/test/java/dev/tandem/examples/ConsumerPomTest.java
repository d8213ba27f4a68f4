package dev.tandem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tandem.core.ConnectionManager;
import dev.tandem.stats.StatsPipeline;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's consumer project (its {@code pom.xml} and Java file, marked
 * {@code <!-- consumer: path -->}) builds with {@code mvn -o package}, as a user would build it
 * after installing Tandem. Nothing is installed into the shared {@code ~/.m2}: the build uses a
 * local repository of its own in a temporary directory, holding this build's Tandem artifacts
 * (the jars or class directories on this test's classpath, and the poms beside them), and reads
 * everything else (plugins, slf4j, JCTools) from the user's repository through a {@code file:}
 * mirror. Skipped only where no {@code mvn} can be found.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsumerPomTest {
    private static final Pattern CONSUMER = Pattern.compile("<!-- consumer: (\\S+) -->\n```(?:xml|java)\n(.*?)```\n",
            Pattern.DOTALL);

    @TempDir
    Path tmp;

    @Test
    void theReadmesConsumerProjectBuildsOffline() throws Exception {
        Path mvn = findMaven();
        assumeTrue(mvn != null, "no mvn on the PATH or in MAVEN_HOME: the README's consumer pom is not built here");
        Path root = DocsMatchCodeTest.root();
        Map<String, String> files = consumerFiles(Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8));
        assertTrue(files.containsKey("pom.xml"), "README.md shows no consumer pom.xml: " + files.keySet());
        String pom = files.get("pom.xml");
        String parentPom = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
        String version = tag(parentPom, "version");
        assertTrue(pom.contains("<artifactId>tandem-core</artifactId>\n      <version>" + version + "</version>"),
                "the README's pom depends on tandem-core " + version);
        assertEquals(property(parentPom, "slf4j.version"), versionOf(pom, "slf4j-simple"), "slf4j-simple's version");
        assertEquals(versionOf(parentPom, "maven-compiler-plugin"), versionOf(pom, "maven-compiler-plugin"),
                "the compiler plugin the README pins is the one this build uses");

        Path project = tmp.resolve("echo");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = project.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
        }
        Path repo = tmp.resolve("repository");
        seed(repo, "tandem-parent", version, root.resolve("pom.xml"), null);
        seed(repo, "tandem-stats-sink", version, root.resolve("stats-sink/pom.xml"), codeOf(StatsPipeline.class));
        seed(repo, "tandem-core", version, root.resolve("core/pom.xml"), codeOf(ConnectionManager.class));
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>user-repository</id><mirrorOf>*</mirrorOf><url>"
                + userRepository().toUri() + "</url></mirror></mirrors></settings>\n", StandardCharsets.UTF_8);

        List<String> command = List.of(mvn.toString(), "-B", "-q", "-o", "-Daether.offline.protocols=file",
                "-Dstyle.color=never", "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "package");
        Path log = tmp.resolve("mvn.log");
        Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(4, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mvn package did not finish in 4 minutes: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + Files.readString(log));
        Path jar = project.resolve("target/echo-1.0.jar");
        assertTrue(Files.isRegularFile(jar), "no " + jar);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertTrue(j.getEntry("example/Echo.class") != null, "the README's Echo.java was compiled into " + jar);
        }
    }

    /** Every block marked {@code <!-- consumer: path -->}, by path, in order. */
    static Map<String, String> consumerFiles(String readme) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = CONSUMER.matcher(readme);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        long markers = Pattern.compile("<!-- consumer:").matcher(readme).results().count();
        assertEquals(markers, out.size(), "a consumer marker must be followed directly by a ```xml or ```java block");
        return out;
    }

    /** Puts one artifact where {@code mvn install} would, as if it had: the pom, and the jar unless {@code code} is null. */
    private static void seed(Path repo, String artifactId, String version, Path pom, Path code) throws IOException {
        Path dir = repo.resolve("dev/tandem/" + artifactId + "/" + version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (code == null) {
            return;
        }
        Path jar = dir.resolve(artifactId + "-" + version + ".jar");
        if (Files.isRegularFile(code)) {
            Files.copy(code, jar, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> all = Files.walk(code)) {
            for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(code.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
    }

    /** The jar or class directory a class was loaded from: this build's artifact, not an installed one. */
    private static Path codeOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Path userRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static Path findMaven() {
        List<Path> candidates = new ArrayList<>();
        for (String home : new String[] {System.getProperty("maven.home"), System.getenv("MAVEN_HOME"), System.getenv("M2_HOME")}) {
            if (home != null) {
                candidates.add(Path.of(home, "bin", "mvn"));
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "mvn"));
                }
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** The first {@code <tag>} after the parent's artifactId: the project's own version. */
    private static String tag(String pom, String tag) {
        int at = pom.indexOf("<artifactId>tandem-parent</artifactId>");
        Matcher m = Pattern.compile("<" + tag + ">([^<]+)</" + tag + ">").matcher(pom);
        assertTrue(at >= 0 && m.find(at), "no <" + tag + "> in the parent pom");
        return m.group(1);
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertTrue(m.find(), "no property " + name);
        return m.group(1);
    }

    /** The version right after an artifactId. */
    private static String versionOf(String pom, String artifactId) {
        Matcher m = Pattern.compile("<artifactId>" + Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(m.find(), "no version for " + artifactId);
        return m.group(1);
    }
}
