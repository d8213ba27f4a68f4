package dev.tandem.core.diagnostics;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * This JVM's threads, grouped. On JDK 21+ from the JDK's own dump of all threads, virtual ones
 * included ({@code HotSpotDiagnosticMXBean.dumpThreads}, found by reflection: Tandem is Java 17
 * bytecode), written to a temporary file, streamed through the parser and deleted. On JDK 17 from
 * {@link Thread#getAllStackTraces()}, which is every thread there is.
 *
 * <p>The plain-text format first: the JDK writes it in about 60% of the time the JSON one takes
 * (100,000 parked virtual threads on JDK 25: 1.2 s against 2.0 s, 76 MB against 104 MB), and the
 * dump is most of a profile's cost. The text format writes thread names raw, so a name with a line
 * break can break its shape; the parser then rejects it and the profile is taken again in JSON,
 * where every name is escaped.
 *
 * <p>Called on any thread; each call takes its own dump; nothing is shared between calls.
 */
final class JvmThreadDump {
    private static final Method DUMP_THREADS;
    private static final Object JSON;
    private static final Object TEXT;

    static {
        Method m = null;
        Object json = null;
        Object text = null;
        try {
            Class<?> format = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
            m = HotSpotDiagnosticMXBean.class.getMethod("dumpThreads", String.class, format);
            for (Object constant : format.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals("JSON")) {
                    json = constant;
                } else if (((Enum<?>) constant).name().equals("TEXT_PLAIN")) {
                    text = constant;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError absent) {
            m = null; // JDK 17, or a JVM without the HotSpot bean: platform threads only
        }
        DUMP_THREADS = json == null ? null : m;
        JSON = json;
        TEXT = text;
    }

    private JvmThreadDump() {}

    /** True if this JVM can dump its virtual threads (JDK 21+ with the HotSpot diagnostic bean). */
    static boolean seesVirtualThreads() {
        return DUMP_THREADS != null;
    }

    /** The text profile of every thread of this JVM. */
    static String profile() {
        if (!seesVirtualThreads()) {
            StackGrouper g = platformThreads(t -> true);
            return ProfileText.format("Thread.getAllStackTraces (Java " + Runtime.version().feature()
                    + " has no virtual threads)", g.total(), g.virtualTotal(), g.groups());
        }
        StackGrouper g = allThreads();
        return ProfileText.format("thread dump of JDK " + Runtime.version(), g.total(), g.virtualTotal(), g.groups());
    }

    /** The platform threads {@code include} accepts, grouped. */
    static StackGrouper platformThreads(Predicate<Thread> include) {
        StackGrouper g = new StackGrouper();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (!include.test(e.getKey())) {
                continue;
            }
            List<String> stack = new ArrayList<>(e.getValue().length);
            for (StackTraceElement f : e.getValue()) {
                stack.add(f.toString());
            }
            g.accept(new DumpedThread(e.getKey().getName(), e.getKey().getState().name(), false, List.copyOf(stack)));
        }
        return g;
    }

    static StackGrouper allThreads() {
        if (TEXT != null) {
            try {
                return dumpAndRead(TEXT, "threads.txt");
            } catch (IllegalArgumentException oddName) { // a thread name broke the text shape
                return dumpAndRead(JSON, "threads.json");
            }
        }
        return dumpAndRead(JSON, "threads.json");
    }

    private static StackGrouper dumpAndRead(Object format, String fileName) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tandem-threads");
            Path file = dir.resolve(fileName); // must not exist yet: dumpThreads refuses to overwrite
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            DUMP_THREADS.invoke(bean, file.toAbsolutePath().toString(), format);
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return ThreadDumpParser.read(r);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not take a thread dump", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("HotSpotDiagnosticMXBean.dumpThreads failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("HotSpotDiagnosticMXBean.dumpThreads is not accessible", e);
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temporary directory left behind is harmless
                }
            }
        }
    }
}
