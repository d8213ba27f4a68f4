package dev.tandem.core.diagnostics;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Every thread of this JVM, platform and virtual, grouped by identical stack, counted, most common
 * first: the pprof goroutine profile for the JVM, where it shows at a glance that 10,000 threads
 * wait at the same line, whether or not they belong to Tandem pairs.
 *
 * <p>On JDK 21+ the threads come from the JDK's own thread dump
 * ({@code HotSpotDiagnosticMXBean.dumpThreads}), which lists virtual threads too, including those
 * started directly with the {@code Thread} API; on JDK 17 from {@link Thread#getAllStackTraces()},
 * and the profile's first line says that virtual threads do not exist there. A dump file taken
 * elsewhere with {@code jcmd <pid> Thread.dump_to_file} is grouped by {@link ThreadDumpParser} (or,
 * from a shell, {@code java -jar tandem-core.jar profile <file>}).
 */
public final class ThreadProfile {
    private ThreadProfile() {}

    /**
     * The grouped profile of every thread of this JVM, as text in the shape of
     * {@code pprof goroutine?debug=1}. Takes a full thread dump: about a second for 100,000
     * virtual threads (see docs/benchmarks.md), so call it on demand, not on a timer.
     */
    public static String capture() {
        return JvmThreadDump.profile();
    }

    /**
     * The groups of every thread of this JVM (virtual threads included on JDK 21+), largest first.
     */
    public static List<StackGroup> groups() {
        return JvmThreadDump.seesVirtualThreads() ? JvmThreadDump.allThreads().groups()
                : JvmThreadDump.platformThreads(t -> true).groups();
    }

    /** True if {@link #capture()} sees virtual threads (JDK 21+ with the HotSpot diagnostic bean). */
    public static boolean seesVirtualThreads() {
        return JvmThreadDump.seesVirtualThreads();
    }

    /**
     * The grouped profile of the platform threads {@code include} accepts (e.g. by name), as text.
     * Virtual threads are not {@code Thread} objects one can list, so they are never included.
     */
    public static String capture(Predicate<Thread> include) {
        Objects.requireNonNull(include, "include");
        StackGrouper g = JvmThreadDump.platformThreads(include);
        return ProfileText.format("Thread.getAllStackTraces, platform threads chosen by a filter", g.total(),
                g.virtualTotal(), g.groups());
    }
}
