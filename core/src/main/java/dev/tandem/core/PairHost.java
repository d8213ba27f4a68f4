package dev.tandem.core;

import java.util.concurrent.ThreadFactory;

/**
 * What a pair needs from its manager. An interface so the pair's state machine can be driven on
 * its own (by Lincheck, without a timer thread or a stats pipeline).
 */
interface PairHost {
    TimeSource clock();

    /** Where reader and writer threads come from. */
    ThreadFactory threads();

    int queueCapacity();

    OverflowPolicy overflowPolicy();

    /** The manager's hooks, run after each pair's own. */
    CleanupHook[] hooks();

    /** Runs teardown work off the thread that triggered it (never on a caller's or the timer's thread). */
    void runOffThread(Runnable task);

    void messageDropped();

    void hookFailed(PairImpl<?> pair, CleanupHookException failure);

    void onStuck(PairImpl<?> pair, String whatIsStuck, PairSnapshot snapshot, long closingNanos);

    /** Called exactly once per pair, when it reaches CLOSED; {@code wasStuck} if it had been counted STUCK. */
    void onClosed(PairImpl<?> pair, CloseInfo info, boolean wasStuck);
}
