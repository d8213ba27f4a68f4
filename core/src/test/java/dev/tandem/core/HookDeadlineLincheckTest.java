package dev.tandem.core;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hook cut off by its deadline, under Lincheck: the timer (a hook deadline of 0, so any hook in
 * progress is past it) races the hook chain that the last token starts, which closes from several
 * threads and the reader exiting release. Whoever wins a hook run's CAS owns the rest of the chain:
 * the runner after the hook returned, or the timer that cut it off (it runs the rest, inline here).
 *
 * <p>Whatever the order: each hook runs at most once, and exactly once when the pair has closed and
 * its reader exited (a hook cut off still counts as run; the ones after it still run); no hook
 * starts with an interrupt meant for another hook (a cut-off runner absorbs the timer's interrupt
 * before it leaves; a hook cut off before its first line may see its own); at most one cut-off is reported per hook; the pair reaches CLOSED exactly
 * once. {@code actorsBefore(0)}: a close in the init part would run the chain before any timer.
 *
 * <p>Seen failing with its bug put back: a runner that takes the chain back with a plain write
 * instead of its CAS (in {@code HookRun.finish}, {@code status = DONE; return true;}) runs the next
 * hook although the timer that cut this one off runs it too: a hook runs twice.
 */
@Timeout(300)
public class HookDeadlineLincheckTest {
    private final AtomicInteger firstRuns = new AtomicInteger();
    private final AtomicInteger secondRuns = new AtomicInteger();
    private final java.util.Set<Integer> startedInterrupted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean readerDone;

    private final ModelHost host = new ModelHost();

    private final PairImpl<String> pair = new PairImpl<>(1, host, () -> { }, ctx -> { }, (m, ctx) -> { },
            new CleanupHook[] {info -> run(0, firstRuns), info -> run(1, secondRuns)});

    private void run(int index, AtomicInteger runs) {
        if (Thread.currentThread().isInterrupted()) {
            startedInterrupted.add(index); // fine only if this very hook was cut off (its deadline is 0)
        }
        runs.incrementAndGet();
    }

    @Operation
    public boolean close() {
        return pair.close();
    }

    @Operation(nonParallelGroup = "reader")
    public void readerExits() {
        if (!readerDone) {
            readerDone = true;
            pair.readerExited(null);
        }
    }

    @Operation(nonParallelGroup = "timer")
    public void timerTick() {
        pair.checkDeadlines(ModelHost.STILL.nanoTime() + 1, 0, 0, Long.MAX_VALUE, 0);
    }

    @Validate
    public void everyHookRunsOnceCutOffOrNot() {
        check(firstRuns.get() <= 1 && secondRuns.get() <= 1 && host.managerHookRuns.get() <= 1, "a hook ran twice");
        check(host.cutHooks.containsAll(startedInterrupted), "hooks " + startedInterrupted
                + " started with an interrupt pending that was meant for another (cut off: " + host.cutHooks + ")");
        check(host.closedReports.get() <= 1, "CLOSED reported " + host.closedReports + " times");
        check(host.hookTimeouts.get() <= 3, "more cut-offs reported than hooks (3)");
        if (readerDone && pair.state() != PairState.OPEN) {
            check(firstRuns.get() == 1 && secondRuns.get() == 1 && host.managerHookRuns.get() == 1,
                    "closed and the reader exited, but hooks ran " + firstRuns + "/" + secondRuns + "/" + host.managerHookRuns);
            check(pair.state() == PairState.CLOSED && host.closedReports.get() == 1, "not CLOSED once");
        } else {
            check(host.closedReports.get() == 0, "CLOSED before the reader exited");
        }
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " (state " + pair.state() + ", reader exited " + readerDone
                    + ", cut-offs " + host.hookTimeouts + ")");
        }
    }

    @Test
    void modelChecking() {
        ModelHost.modelCheck(getClass(), 5, 200);
    }

    @Test
    void stress() {
        ModelHost.stress(getClass(), 3, 500);
    }
}
