package dev.tandem.core.diagnostics;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * This JVM's threads, grouped. On JDK 21+ from the JDK's own dump of all threads, virtual ones
 * included ({@code HotSpotDiagnosticMXBean.dumpThreads}, found by reflection: Tandem is Java 17
 * bytecode), written to a temporary file by a thread of its own while this thread streams it through
 * the parser, then deleted. On JDK 17 from
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
            try {
                return dumpAndRead(format, file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not take a thread dump", e);
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

    /**
     * The JDK writes the dump on a thread of its own while this thread parses what is written so
     * far ({@link GrowingFileInput}): the parse, a fifth of a profile's time when done after the
     * dump, then hides behind the dump on a second core. Where no thread can be started, both run
     * here, one after the other.
     */
    private static StackGrouper dumpAndRead(Object format, Path file) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                dump(format, file);
            } catch (Throwable t) { // reported by the reading thread once the writer has ended
                failure.set(t);
            }
        }, "tandem-thread-dump");
        writer.setDaemon(true);
        try {
            writer.start();
        } catch (OutOfMemoryError | RuntimeException noThread) { // no thread to spare: one after the other
            dump(format, file);
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return ThreadDumpParser.read(r);
            }
        }
        StackGrouper read;
        try (Reader r = new BufferedReader(new InputStreamReader(new GrowingFileInput(file, writer), StandardCharsets.UTF_8))) {
            read = ThreadDumpParser.read(r);
        } catch (IOException | RuntimeException e) {
            joinUninterruptibly(writer); // the file is deleted next: the writer must be done with it
            rethrowDumpFailure(failure.get(), e);
            throw e;
        } finally {
            joinUninterruptibly(writer); // also after an Error: never delete the file under the writer
        }
        rethrowDumpFailure(failure.get(), null);
        return read;
    }

    private static void dump(Object format, Path file) {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            DUMP_THREADS.invoke(bean, file.toAbsolutePath().toString(), format);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("HotSpotDiagnosticMXBean.dumpThreads failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("HotSpotDiagnosticMXBean.dumpThreads is not accessible", e);
        }
    }

    /** The dump's own failure explains a failed or truncated read better than the read does. */
    private static void rethrowDumpFailure(Throwable dumpFailure, Exception readFailure) {
        if (dumpFailure == null) {
            return;
        }
        if (readFailure != null) {
            dumpFailure.addSuppressed(readFailure);
        }
        if (dumpFailure instanceof RuntimeException) {
            throw (RuntimeException) dumpFailure;
        }
        if (dumpFailure instanceof Error) {
            throw (Error) dumpFailure;
        }
        throw new IllegalStateException("the thread dump failed", dumpFailure);
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
