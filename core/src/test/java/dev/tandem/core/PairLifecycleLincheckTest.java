package dev.tandem.core;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * G2 and G4 on the pair's state machine, checked by Lincheck under every interleaving it explores:
 * explicit closes from several threads, the reader failing, sends whose drain (run by an operation:
 * see {@link ModelHost#runOneSide}) fails in its write, and the timer (with a zero grace period, so
 * it can declare the pair STUCK and force the hooks at any moment).
 *
 * <p>Whatever the order: {@code close()} returns true exactly once and that close's reason is the
 * one kept; the resource is closed at most once (exactly once after any close); each hook runs at
 * most once, and exactly once when both sides have exited (the reader returned; the writer side
 * ended: by the close when no drain ran, else by the drain leaving); the pair reaches CLOSED, and
 * the manager hears of it, exactly once and only after both sides exited; the manager's stuck count is 1 exactly
 * while the pair is STUCK.
 */
@Timeout(300)
public class PairLifecycleLincheckTest {
    private final AtomicInteger resourceCloses = new AtomicInteger();
    private final AtomicInteger pairHookRuns = new AtomicInteger();
    private final AtomicInteger explicitWins = new AtomicInteger();
    private boolean readerDone;

    private final ModelHost host = new ModelHost();

    private final PairImpl<String> pair = new PairImpl<>(1, host, resourceCloses::incrementAndGet,
            ctx -> { }, (m, ctx) -> {
                throw new IOException("writer failed");
            }, new CleanupHook[] {info -> pairHookRuns.incrementAndGet()});

    @Operation
    public boolean close() {
        boolean won = pair.close();
        if (won) {
            explicitWins.incrementAndGet();
        }
        return won;
    }

    @Operation(nonParallelGroup = "reader")
    public void readerFails() {
        if (!readerDone) {
            readerDone = true;
            pair.readerExited(new IOException("reader failed"));
        }
    }

    /** Runs a drain that a send scheduled, as a side thread would: its write fails. */
    @Operation(nonParallelGroup = "writer")
    public void drain() {
        host.runOneSide(); // no result: whether a drain was pending is not a sequential property here
    }

    @Operation(nonParallelGroup = "timer")
    public void timerTick() {
        pair.checkDeadlines(ModelHost.STILL.nanoTime() + 1, 0, 0, 0, Long.MAX_VALUE);
    }

    /** No result: a send racing the close may be accepted (a benign race) and no order explains that. */
    @Operation
    public void send() {
        pair.send("m");
    }

    @Validate
    public void everythingHappenedExactlyOnce() {
        PairState state = pair.state();
        check(resourceCloses.get() == (state == PairState.OPEN ? 0 : 1), "resource closes " + resourceCloses);
        check(explicitWins.get() <= 1, "close() returned true " + explicitWins + " times");
        if (explicitWins.get() == 1) {
            check(pair.reason() == CloseReason.EXPLICIT, "the winning close's reason is kept, not " + pair.reason());
        }
        check(pairHookRuns.get() <= 1 && host.managerHookRuns.get() <= 1, "a hook ran twice");
        check(pairHookRuns.get() == host.managerHookRuns.get(), "hooks ran as a chain");
        check(host.closedReports.get() <= 1, "CLOSED reported " + host.closedReports + " times");
        check(host.stuckCount.get() == (state == PairState.STUCK ? 1 : 0), "stuck count " + host.stuckCount + " in state " + state);
        ModelHost.closedExactlyWhenBothSidesExited(pair, host, readerDone, pairHookRuns.get(), this::check);
        if (readerDone && pair.writerState() == WriteSide.Drain.ENDED) {
            check(host.closedReports.get() == 1, "both sides exited but CLOSED reported " + host.closedReports + " times");
            check(pair.closeFuture().toCompletableFuture().isDone(), "close future completed");
        }
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " (state " + pair.state() + ", reason " + pair.reason()
                    + ", reader exited " + readerDone + ", writer side " + pair.writerState() + ")");
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(8)
                .invocationsPerIteration(300)
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(10)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }
}
