package dev.tandem.core;

/**
 * What a pair needs from its manager, typed on what the pair hands over (ids, snapshots, close
 * infos), never on the pair's class: the pair's state machine can be driven on its own (by
 * Lincheck, without threads, a timer or a stats pipeline), and the manager and its pairs import no
 * circle.
 */
interface PairHost {
    TimeSource clock();

    int queueCapacity();

    OverflowPolicy overflowPolicy();

    /**
     * How many messages a send on the pair's own reader thread, finding the writer side idle,
     * writes right there before it hands the rest to a side thread; 0: the reader's sends are
     * drained on side threads like any other.
     */
    int readerInlineBudget();

    /** The manager's hooks, run after each pair's own. */
    CleanupHook[] hooks();

    /**
     * Runs a side (a pair's reader, or one drain burst of its writer) on the manager's side threads,
     * on a thread named {@code name} while it runs.
     *
     * @throws RuntimeException if no thread could be had (the caller closes its pair)
     */
    void runSide(String name, Runnable side);

    /**
     * Runs teardown work off the thread that triggered it (never on a caller's or the timer's
     * thread). Never throws: work no thread can start for yet is retried by the timer.
     */
    void runOffThread(Runnable task);

    void messageDropped();

    void hookFailed(CleanupHookException failure);

    void onStuck(long pairId, String whatIsStuck, PairSnapshot snapshot, long closingNanos);

    /** Called exactly once per pair, when it reaches CLOSED; {@code wasStuck} if it had been counted STUCK. */
    void onClosed(long pairId, CloseInfo info, boolean wasStuck);
}
