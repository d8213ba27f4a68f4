package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public surface of one of Tandem's artifacts, as text, checked against the baseline kept in
 * the repository ({@code api/<artifact>.txt} in the module): every public or protected type of
 * every package the module's {@code module-info} exports to everyone, with its supertypes and its
 * public and protected constructors, methods and fields, one per line, sorted. A change to the
 * surface makes {@link #check} fail with the lines added and removed; rerun with
 * {@code -Dtandem.api.update=true} to record the new surface, and commit the baseline's diff with
 * the change: the surface then changes on purpose, in review.
 */
public final class ApiSurface {
    private ApiSurface() {}

    /**
     * Checks the module whose tests are running (the working directory is its folder): its
     * {@code target/classes} against {@code api/<artifactId>.txt}, the artifact id read from its
     * {@code pom.xml}.
     */
    public static void checkThisModule() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(pom);
        if (!m.find()) {
            throw new IllegalStateException("no artifactId after the parent in " + Path.of("pom.xml").toAbsolutePath());
        }
        check(Path.of("target", "classes"), Path.of("api", m.group(1) + ".txt"));
    }

    /** Compares the surface of the module compiled into {@code classes} with {@code baseline}. */
    public static void check(Path classes, Path baseline) throws IOException {
        List<String> now = describe(classes);
        if (Boolean.getBoolean("tandem.api.update")) {
            Files.createDirectories(baseline.getParent());
            Files.write(baseline, now, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(baseline)) {
            fail("no API baseline at " + baseline.toAbsolutePath() + ": record it with -Dtandem.api.update=true");
        }
        List<String> recorded = Files.readAllLines(baseline, StandardCharsets.UTF_8);
        if (!recorded.equals(now)) {
            Set<String> added = new LinkedHashSet<>(now);
            added.removeAll(recorded);
            Set<String> removed = new LinkedHashSet<>(recorded);
            removed.removeAll(now);
            fail("the public API differs from " + baseline + " (rerun with -Dtandem.api.update=true and commit the "
                    + "baseline if the change is deliberate)\nadded:\n  " + String.join("\n  ", added)
                    + "\nremoved:\n  " + String.join("\n  ", removed));
        }
    }

    /** The surface as sorted lines: a type's line, then its members' lines, indented. */
    public static List<String> describe(Path classes) throws IOException {
        Set<String> exported = exportedPackages(classes);
        List<String> names;
        try (Stream<Path> files = Files.walk(classes)) {
            names = files.map(p -> classes.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class") && !n.endsWith("package-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .sorted()
                    .collect(Collectors.toList());
        }
        List<String> out = new ArrayList<>();
        for (String name : names) {
            Class<?> c;
            try {
                c = Class.forName(name, false, ApiSurface.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + name + " from " + classes, e);
            }
            if (!exported.contains(c.getPackageName()) || !visible(c)) {
                continue;
            }
            out.add(typeLine(c));
            Set<String> members = new TreeSet<>();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers()) && !k.isSynthetic()) {
                    members.add("  " + k.toGenericString());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    members.add("  " + m.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic()) {
                    members.add("  " + f.toGenericString());
                }
            }
            out.addAll(members);
        }
        return out;
    }

    private static Set<String> exportedPackages(Path classes) throws IOException {
        Path descriptor = classes.resolve("module-info.class");
        if (!Files.exists(descriptor)) {
            throw new IllegalStateException("no module-info.class in " + classes + ": every published artifact declares its module");
        }
        try (InputStream in = Files.newInputStream(descriptor)) {
            return ModuleDescriptor.read(in).exports().stream()
                    .filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toSet());
        }
    }

    /** Public, or protected in a class a user may extend, and every enclosing class visible too. */
    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!visible(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass() || k.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String typeLine(Class<?> c) {
        StringBuilder sb = new StringBuilder(c.toGenericString());
        if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum() && !c.isRecord()) {
            sb.append(" extends ").append(c.getGenericSuperclass().getTypeName());
        }
        if (c.getGenericInterfaces().length > 0) {
            sb.append(c.isInterface() ? " extends " : " implements ").append(Arrays.stream(c.getGenericInterfaces())
                    .map(java.lang.reflect.Type::getTypeName).collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }
}
