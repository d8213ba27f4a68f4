package dev.tandem.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A closing pair's teardown: the tokens, the finish barrier, the hook chain, the resource's close
 * and the STUCK marking. Made by the thread that closes the pair and published in the {@link Life}
 * that leaves OPEN, so an open pair holds none of it.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Tokens before hooks.</b> {@code pending} starts at 4: the reader (released when its loop
 *       has returned), the writer (released by whoever ends the writer side: the closer when no
 *       drain runs, else the drain as it leaves; see {@link WriteSide}), the closer (released once
 *       it has woken both sides) and the resource (released once closed). Hooks run when it
 *       reaches 0, so they always run after the resource is closed and after every wake-up (no
 *       interrupt of the close can land in a hook), on the thread that released the last token if
 *       that is a side thread of this pair or a cleanup thread, else on a cleanup thread: never on
 *       the timer or a caller's thread.</li>
 *   <li><b>Finish barrier.</b> {@code barrier} starts at 2: "tokens at 0" and "hooks done". The
 *       thread bringing it to 0 does the accounting, then moves the pair to CLOSED, then completes
 *       the close future, exactly once: whoever sees CLOSED or the future sees the counts.</li>
 *   <li><b>Hooks claimed once.</b> {@code hooksClaimed} is taken by CAS by the last token or by the
 *       STUCK path (which runs the hooks early, on a cleanup thread), whichever comes first.</li>
 *   <li><b>Stuck, counted exactly.</b> {@link Stuck} moves NEVER → DECLARED (counted by the
 *       manager) or NEVER/DECLARED → FINISHED, by CAS and getAndSet, so the stuck gauge goes up
 *       once and down once at most.</li>
 *   <li><b>Hook deadlines</b> are handed over by {@link HookRun}'s CAS; the timer that cuts a hook
 *       off runs the rest on a cleanup thread.</li>
 *   <li>The timer reads {@code pending} and {@code hookRun} racily: a stale read delays a STUCK
 *       marking or a cut-off by one tick.</li>
 * </ul>
 */
final class Teardown {
    /** The pair as its teardown sees it. */
    interface Owner {
        long id();

        PairHost host();

        PairState state();

        long closeStartNanos();

        /** CLOSING → STUCK by CAS; false if the pair was not CLOSING. */
        boolean moveToStuck();

        /** To CLOSED, from wherever the pair is. */
        void moveToClosed();

        /** True on this pair's reader or drain thread. */
        boolean onSideThread();

        /** What of the sides has not exited, for the STUCK report; empty if both have. */
        String sidesRunning();

        PairSnapshot snapshot();

        CloseInfo closeInfo(boolean stuck);

        /** The close future completes with {@code info} (the first call wins). */
        void complete(CloseInfo info);
    }

    enum Stuck { NEVER, DECLARED, FINISHED }

    private static final AtomicIntegerFieldUpdater<Teardown> PENDING =
            AtomicIntegerFieldUpdater.newUpdater(Teardown.class, "pending");
    private static final AtomicIntegerFieldUpdater<Teardown> BARRIER =
            AtomicIntegerFieldUpdater.newUpdater(Teardown.class, "barrier");
    private static final AtomicIntegerFieldUpdater<Teardown> HOOKS_CLAIMED =
            AtomicIntegerFieldUpdater.newUpdater(Teardown.class, "hooksClaimed");
    private static final AtomicReferenceFieldUpdater<Teardown, Stuck> STUCK =
            AtomicReferenceFieldUpdater.newUpdater(Teardown.class, Stuck.class, "stuck");

    private final Owner pair;
    private final Throwable firstCause;
    private volatile int pending = 4;
    private volatile int barrier = 2;
    private volatile int hooksClaimed; // 0 or 1, by CAS
    private volatile Stuck stuck = Stuck.NEVER;
    private volatile CleanupHook[] chain; // set once by the closer, before it releases its token
    private volatile HookRun hookRun;
    private volatile String description; // the resource, described before it was closed
    private volatile boolean resourceClosed;
    private volatile Thread resourceCloser;
    private final List<Throwable> laterFailures = new ArrayList<>(2); // guarded by itself

    /** {@code firstCause}: the cause of the close that will make this teardown, later failures attach to it. */
    Teardown(Owner pair, Throwable firstCause) {
        this.pair = pair;
        this.firstCause = firstCause;
    }

    /** The closer, once: the hooks to run and the resource's description, before anything is released. */
    void begin(CleanupHook[] hooks, String resourceDescription) {
        this.chain = hooks;
        this.description = resourceDescription;
    }

    String description() {
        return description;
    }

    // ================================================================== tokens

    /** Releases one of the four tokens; the last one starts the hooks. */
    void release() {
        release(false);
    }

    /** As {@link #release()}; {@code onCleanupThread}: the caller is a cleanup thread, which may run the hooks. */
    void release(boolean onCleanupThread) {
        if (PENDING.decrementAndGet(this) != 0) {
            return;
        }
        finishStep(); // "every token released" counts once
        if (HOOKS_CLAIMED.compareAndSet(this, 0, 1)) { // not claimed already by the STUCK path
            if (onCleanupThread || pair.onSideThread()) {
                runHooksFrom(0);
            } else {
                pair.host().runOffThread(() -> runHooksFrom(0));
            }
        }
    }

    /** Closes the resource here and releases its token. */
    void closeResource(AutoCloseable resource, boolean onCleanupThread) {
        resourceCloser = Thread.currentThread();
        try {
            resource.close();
        } catch (Throwable t) {
            addLaterFailure(t);
        }
        resourceCloser = null;
        resourceClosed = true;
        release(onCleanupThread);
    }

    // ================================================================== hooks

    /** Runs hooks {@code i} onwards, in order, until one is cut off (the timer then owns the rest). */
    private void runHooksFrom(int i) {
        CleanupHook[] hooks = chain;
        PairHost host = pair.host();
        CloseInfo info = null;
        while (i < hooks.length) {
            if (info == null) {
                info = pair.closeInfo(pair.state() == PairState.STUCK);
            }
            Thread.interrupted(); // a hook starts with a clean interrupt status
            HookRun run = new HookRun(i, host.clock().nanoTime(), Thread.currentThread());
            hookRun = run;
            Throwable thrown = null;
            try {
                hooks[i].run(info);
            } catch (Throwable t) { // user code
                thrown = t;
            }
            if (!run.finish()) {
                return; // cut off and already reported; a cleanup thread runs the rest
            }
            if (thrown != null) {
                CleanupHookException f = CleanupHookException.threw(pair.id(), i, hooks[i], thrown);
                addLaterFailure(f);
                host.hookFailed(f);
            }
            i++;
        }
        hookRun = null;
        Thread.interrupted();
        if (pair.state() == PairState.STUCK) {
            pair.complete(pair.closeInfo(true)); // waiters learn now; CLOSED follows if the side ever exits
        }
        finishStep();
    }

    private void finishStep() {
        if (BARRIER.decrementAndGet(this) != 0) {
            return;
        }
        boolean wasStuck = STUCK.getAndSet(this, Stuck.FINISHED) == Stuck.DECLARED;
        CloseInfo info = pair.closeInfo(wasStuck);
        pair.host().onClosed(pair.id(), info, wasStuck); // counts first: whoever sees CLOSED or the future sees them
        pair.moveToClosed();
        pair.complete(info);
    }

    // ================================================================== timer

    /** The timer, on a CLOSING or STUCK pair: STUCK after the grace period, hooks past their deadline. */
    void checkDeadlines(long now, long graceNanos, long hookNanos) {
        if (pair.state() == PairState.CLOSING && now - pair.closeStartNanos() > graceNanos) {
            forceStuck(now);
        }
        HookRun run = hookRun;
        if (run == null || now - run.startNanos <= hookNanos) {
            return;
        }
        StackTraceElement[] where = run.cut();
        if (where == null) {
            return; // it finished just now
        }
        CleanupHookException timeout = CleanupHookException.timedOut(pair.id(), run.index, Duration.ofNanos(hookNanos), where);
        addLaterFailure(timeout);
        pair.host().hookFailed(timeout);
        int next = run.index + 1;
        pair.host().runOffThread(() -> runHooksFrom(next));
    }

    /** A closing pair whose tokens are not all back is STUCK now (the grace period passed, or shutdown's deadline). */
    void forceStuck(long now) {
        if (pending == 0 || chain == null || !pair.moveToStuck()) {
            return;
        }
        if (STUCK.compareAndSet(this, Stuck.NEVER, Stuck.DECLARED)) { // not if the pair finished meanwhile
            pair.host().onStuck(pair.id(), whatIsStuck(), pair.snapshot(), now - pair.closeStartNanos());
        }
        if (HOOKS_CLAIMED.compareAndSet(this, 0, 1)) {
            pair.host().runOffThread(() -> runHooksFrom(0)); // hooks still run, exactly once, on a cleanup thread
        }
    }

    /** What keeps a closing pair from finishing, for the STUCK report. */
    String whatIsStuck() {
        StringBuilder sb = new StringBuilder(pair.sidesRunning());
        if (!resourceClosed) {
            sb.append(sb.length() == 0 ? "" : "; ").append("the resource's close() has not returned");
            Thread closer = resourceCloser;
            if (closer != null) {
                sb.append(" (").append(closer.getName()).append(" is in it:");
                for (StackTraceElement e : closer.getStackTrace()) {
                    sb.append("\n\t").append(e);
                }
                sb.append(')');
            }
        }
        return sb.length() == 0 ? "a teardown step did not finish" : sb.toString();
    }

    // ================================================================== failures

    /** A failure after the first cause (G4): kept, and attached to the first cause as suppressed. */
    void addLaterFailure(Throwable t) {
        if (t == firstCause) {
            return;
        }
        synchronized (laterFailures) {
            laterFailures.add(t);
        }
        if (firstCause != null) {
            firstCause.addSuppressed(t); // Throwable.addSuppressed is thread-safe
        }
    }

    List<Throwable> laterFailures() {
        synchronized (laterFailures) {
            return List.copyOf(laterFailures);
        }
    }
}
