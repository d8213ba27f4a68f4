package dev.tandem.core;

/**
 * A cleanup hook failed: it threw (the exception is the {@link #getCause() cause}) or it ran past
 * its deadline and was interrupted and abandoned ({@link #timedOut()}; the stack trace is then the
 * hook thread's stack at the deadline: where the hook was stuck). Listed in
 * {@link CloseInfo#laterFailures()}, added to the first cause as suppressed, and counted in
 * {@code tandem.connections.hook.failures}; the pair's other hooks still run.
 */
public final class CleanupHookException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long pairId;
    private final int hookIndex;
    private final boolean timedOut;

    private CleanupHookException(String message, Throwable cause, long pairId, int hookIndex, boolean timedOut) {
        super(message, cause, false, true);
        this.pairId = pairId;
        this.hookIndex = hookIndex;
        this.timedOut = timedOut;
    }

    static CleanupHookException threw(long pairId, int hookIndex, CleanupHook hook, Throwable thrown) {
        return new CleanupHookException("cleanup hook #" + hookIndex + " of pair " + pairId
                + " (" + hook.getClass().getName() + ") threw", thrown, pairId, hookIndex, false);
    }

    static CleanupHookException timedOut(long pairId, int hookIndex, java.time.Duration deadline,
                                         StackTraceElement[] where) {
        CleanupHookException e = new CleanupHookException("cleanup hook #" + hookIndex + " of pair " + pairId
                + " did not finish within " + deadline + "; interrupted and abandoned", null, pairId, hookIndex, true);
        e.setStackTrace(where);
        return e;
    }

    /** The id of the pair whose hook this was. */
    public long pairId() {
        return pairId;
    }

    /** True if the hook was cut off at its deadline; false if it threw. */
    public boolean timedOut() {
        return timedOut;
    }

    /** The hook's position in its pair's chain: the pair's own hooks first, then the manager's. */
    public int hookIndex() {
        return hookIndex;
    }
}
