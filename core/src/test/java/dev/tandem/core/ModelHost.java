package dev.tandem.core;


import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The manager as the Lincheck models of a pair see it: no threads (work handed off runs inline, so
 * the model checker sees every step), a clock that stands still, one manager hook, and the books a
 * real manager keeps (CLOSED reports, the stuck gauge).
 */
final class ModelHost implements PairHost {
    static final TimeSource STILL = new TimeSource() {
        @Override
        public long nanoTime() {
            return 1_000_000L;
        }

        @Override
        public long currentTimeMillis() {
            return 1L;
        }
    };

    final AtomicInteger managerHookRuns = new AtomicInteger();
    final AtomicInteger closedReports = new AtomicInteger();
    /** The manager's stuck gauge, kept as the manager keeps it: up on STUCK, down at CLOSED if it was. */
    final AtomicInteger stuckCount = new AtomicInteger();
    private final CleanupHook[] managerHooks = {info -> managerHookRuns.incrementAndGet()};

    @Override
    public TimeSource clock() {
        return STILL;
    }

    @Override
    public ThreadFactory threads() {
        throw new AssertionError("no threads in a model");
    }

    @Override
    public int queueCapacity() {
        return 4;
    }

    @Override
    public OverflowPolicy overflowPolicy() {
        return OverflowPolicy.CLOSE_PAIR;
    }

    @Override
    public CleanupHook[] hooks() {
        return managerHooks;
    }

    @Override
    public void runOffThread(Runnable task) {
        task.run(); // inline: Lincheck sees every step
    }

    @Override
    public void messageDropped() {}

    @Override
    public void hookFailed(PairImpl<?> pair, CleanupHookException failure) {}

    @Override
    public void onStuck(PairImpl<?> pair, String whatIsStuck, PairSnapshot snapshot, long closingNanos) {
        stuckCount.incrementAndGet();
    }

    @Override
    public void onClosed(PairImpl<?> pair, CloseInfo info, boolean wasStuck) {
        closedReports.incrementAndGet();
        if (wasStuck) {
            stuckCount.decrementAndGet();
        }
    }
}
