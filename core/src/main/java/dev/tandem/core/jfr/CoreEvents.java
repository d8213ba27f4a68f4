package dev.tandem.core.jfr;

import java.time.Duration;
import java.util.List;

/**
 * Not API: how the core tells JDK Flight Recorder what its pairs and managers do, as
 * {@code dev.tandem.*} events (category Tandem / Connections; settings in
 * {@code /dev/tandem/tandem.jfc}). One static call per emission point, all from
 * {@code ConnectionManager}.
 *
 * <p>Implementation notes: each method builds its event only if a recording asks for it. The event
 * object is created first because {@code isEnabled()} is an instance method; without a recording
 * the event classes are not instrumented, {@code isEnabled()} is the constant {@code false} and the
 * JIT removes the allocation (escape analysis), so an idle recorder costs a test and a branch.
 * Called on any thread (the caller's, the timer's, a cleanup thread); never blocks beyond what
 * {@code commit()} does (a thread-local buffer write). A JVM without the {@code jdk.jfr} module
 * skips every call.
 */
public final class CoreEvents {
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
    private static final int MAX_FRAMES = 40;

    private CoreEvents() {}

    /** A pair was registered and its sides started. */
    public static void pairOpened(String manager, long pairId, boolean virtualThreads, Object resource) {
        if (!AVAILABLE) {
            return;
        }
        PairOpenedEvent e = new PairOpenedEvent();
        if (e.isEnabled()) {
            e.manager = manager;
            e.pairId = pairId;
            e.virtualThreads = virtualThreads;
            e.resource = resource.getClass();
            e.commit();
        }
    }

    /** A pair reached CLOSED; the figures are its {@code CloseInfo}'s. */
    public static void pairClosed(String manager, long pairId, Enum<?> reason, Throwable cause, Duration lifetime,
            long bytesIn, long bytesOut, long messagesIn, long messagesOut, long messagesUnsent, long messagesDropped,
            boolean stuck) {
        if (!AVAILABLE) {
            return;
        }
        PairClosedEvent e = new PairClosedEvent();
        if (e.isEnabled()) {
            e.manager = manager;
            e.pairId = pairId;
            e.reason = reason.name();
            e.cause = cause == null ? null : cause.getClass().getName();
            e.lifetime = lifetime.toNanos();
            e.bytesIn = bytesIn;
            e.bytesOut = bytesOut;
            e.messagesIn = messagesIn;
            e.messagesOut = messagesOut;
            e.messagesUnsent = messagesUnsent;
            e.messagesDropped = messagesDropped;
            e.stuck = stuck;
            e.commit();
        }
    }

    /** A side of a closed pair did not exit within the grace period; stacks are empty for a side that exited. */
    public static void pairStuck(String manager, long pairId, String whatIsStuck, long closingNanos,
            List<StackTraceElement> readerStack, List<StackTraceElement> writerStack) {
        if (!AVAILABLE) {
            return;
        }
        PairStuckEvent e = new PairStuckEvent();
        if (e.isEnabled()) {
            e.manager = manager;
            e.pairId = pairId;
            e.whatIsStuck = whatIsStuck;
            e.closing = closingNanos;
            e.readerStack = frames(readerStack.toArray(new StackTraceElement[0]));
            e.writerStack = frames(writerStack.toArray(new StackTraceElement[0]));
            e.commit();
        }
    }

    /** A cleanup hook threw or timed out; {@code failure} is the {@code CleanupHookException}. */
    public static void hookFailed(String manager, long pairId, int hookIndex, boolean timedOut, Throwable failure) {
        if (!AVAILABLE) {
            return;
        }
        HookFailedEvent e = new HookFailedEvent();
        if (e.isEnabled()) {
            e.manager = manager;
            e.pairId = pairId;
            e.hookIndex = hookIndex;
            e.timedOut = timedOut;
            e.message = failure.getMessage();
            Throwable thrown = failure.getCause();
            e.thrown = thrown == null ? "" : thrown.toString();
            e.where = timedOut ? frames(failure.getStackTrace()) : "";
            e.commit();
        }
    }

    /**
     * A manager's shutdown begins: returns what {@link #shutdownEnded} needs (null when no recording
     * asks for the event).
     */
    public static Object shutdownStarted() {
        if (!AVAILABLE) {
            return null;
        }
        ManagerShutdownEvent e = new ManagerShutdownEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    /** A manager's shutdown returns its report's figures; {@code started} is what {@link #shutdownStarted} gave. */
    public static void shutdownEnded(Object started, String manager, int closedByShutdown, long[] stragglerIds) {
        if (!(started instanceof ManagerShutdownEvent)) {
            return;
        }
        ManagerShutdownEvent e = (ManagerShutdownEvent) started;
        e.end();
        if (e.shouldCommit()) {
            e.manager = manager;
            e.closedByShutdown = closedByShutdown;
            e.stragglers = stragglerIds.length;
            e.stragglerIds = java.util.Arrays.toString(stragglerIds);
            e.clean = stragglerIds.length == 0;
            e.commit();
        }
    }

    static String frames(StackTraceElement[] stack) {
        StringBuilder sb = new StringBuilder(64 * Math.min(stack.length, MAX_FRAMES));
        for (int i = 0; i < Math.min(stack.length, MAX_FRAMES); i++) {
            sb.append(stack[i]).append('\n');
        }
        if (stack.length > MAX_FRAMES) {
            sb.append("... ").append(stack.length - MAX_FRAMES).append(" more\n");
        }
        return sb.toString();
    }
}
