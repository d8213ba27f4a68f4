package dev.tandem.stats.jfr;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import jdk.jfr.FlightRecorder;

/**
 * Not API: how the stats pipeline tells JDK Flight Recorder about its sinks, as
 * {@code dev.tandem.SinkStateChanged} (at each state transition) and {@code dev.tandem.StatsDropped}
 * (a periodic summary per sink and reason; period in {@code /dev/tandem/tandem.jfc}, default 10 s).
 *
 * <p>Implementation notes. {@link #sinkStateChanged} runs on whichever thread moved the state (a
 * delivery thread, the watchdog, the closing thread) and builds its event only if a recording asks
 * for it. Drops are not events: each sink's totals are registered here ({@link #trackDrops}) and
 * read by JFR's periodic thread, which emits only the differences since its last visit (fields
 * confined to that thread). The periodic hook is handed to Flight Recorder only once a recorder
 * exists ({@link #watchdogTick}, from each pipeline's watchdog), so a JVM that never records loads
 * none of JFR's machinery. A JVM without the {@code jdk.jfr} module skips every call.
 */
public final class StatsEvents {
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
    private static final List<Source> SOURCES = new CopyOnWriteArrayList<>();
    private static final Object HOOK_LOCK = new Object();
    private static volatile boolean hooked;

    private StatsEvents() {}

    /** One sink's drop totals, read on JFR's periodic thread. */
    private static final class Source {
        final String sink;
        final String[] reasons;
        final Supplier<long[]> totals;
        final long[] last;

        Source(String sink, String[] reasons, Supplier<long[]> totals) {
            this.sink = sink;
            this.reasons = reasons;
            this.totals = totals;
            this.last = new long[reasons.length];
        }
    }

    /** A sink's state moved; {@code lastError} is the sink's last publish failure (the cause of BACKOFF). */
    public static void sinkStateChanged(String sink, Enum<?> from, Enum<?> to, Throwable lastError) {
        if (!AVAILABLE) {
            return;
        }
        SinkStateChangedEvent e = new SinkStateChangedEvent();
        if (e.isEnabled()) {
            e.sink = sink;
            e.from = from.name();
            e.to = to.name();
            e.cause = cause(from.name(), to.name(), lastError);
            e.commit();
        }
    }

    private static String cause(String from, String to, Throwable lastError) {
        switch (to) {
            case "RUNNING": return from.equals("STALLED") ? "the overrunning publish returned" : "a publish succeeded";
            case "STALLED": return "a publish overran its timeout";
            case "BACKOFF": return "a publish failed: " + lastError;
            case "CLOSING": return "the pipeline is closing";
            case "CLOSED": return "delivery ended and the sink's close() returned";
            default: return to.toLowerCase(Locale.ROOT); // a state added later: named, not explained
        }
    }

    /**
     * Registers a sink's drop totals, one per entry of {@code reasons} in that order, for the
     * periodic summary; returns the handle {@link #untrack} takes.
     */
    public static Object trackDrops(String sink, String[] reasons, Supplier<long[]> totals) {
        Source s = new Source(sink, reasons.clone(), totals);
        SOURCES.add(s);
        return s;
    }

    /** Stops reporting a sink's drops (its pipeline closed). */
    public static void untrack(Object handle) {
        SOURCES.remove(handle);
    }

    /**
     * Called by each pipeline's watchdog on every tick: hands the periodic hook to Flight Recorder
     * once a recorder exists. Cheap: a volatile read once hooked.
     */
    public static void watchdogTick() {
        if (hooked || !AVAILABLE || !FlightRecorder.isInitialized()) {
            return;
        }
        synchronized (HOOK_LOCK) {
            if (!hooked) {
                FlightRecorder.addPeriodicEvent(StatsDroppedEvent.class, StatsEvents::emitDrops);
                hooked = true;
            }
        }
    }

    /** JFR's periodic thread: one event per sink and reason that dropped something since the last call. */
    private static void emitDrops() {
        for (Source s : SOURCES) {
            long[] now = s.totals.get();
            for (int i = 0; i < s.reasons.length && i < now.length; i++) {
                long delta = now[i] - s.last[i];
                if (delta > 0) {
                    StatsDroppedEvent e = new StatsDroppedEvent();
                    e.sink = s.sink;
                    e.reason = s.reasons[i];
                    e.dropped = delta;
                    e.total = now[i];
                    e.commit();
                }
                s.last[i] = now[i];
            }
        }
    }
}
