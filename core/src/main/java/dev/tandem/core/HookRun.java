package dev.tandem.core;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One run of one cleanup hook. Its status decides, by one CAS, who owns what comes next: the runner
 * ({@code RUNNING → DONE}) after the hook returns, or the timer that cut the hook off at its
 * deadline ({@code RUNNING → CUT}). The timer interrupts the runner right after its CAS and then
 * says so ({@link #interruptSent}); a cut-off runner waits for that, absorbs the interrupt and
 * stops, so an interrupt meant for one hook never reaches the next task of that thread.
 */
final class HookRun {
    enum Status { RUNNING, DONE, CUT }

    private static final AtomicReferenceFieldUpdater<HookRun, Status> STATUS =
            AtomicReferenceFieldUpdater.newUpdater(HookRun.class, Status.class, "status");

    final int index;
    final long startNanos;
    final Thread thread;
    private volatile Status status = Status.RUNNING;
    private volatile boolean interruptSent;

    HookRun(int index, long startNanos, Thread thread) {
        this.index = index;
        this.startNanos = startNanos;
        this.thread = thread;
    }

    /**
     * The runner, after the hook returned: true if it still owns the chain; false if the timer cut
     * the hook off (then the interrupt has landed and been absorbed when this returns).
     */
    boolean finish() {
        if (STATUS.compareAndSet(this, Status.RUNNING, Status.DONE)) {
            return true;
        }
        while (!interruptSent) {
            Thread.onSpinWait(); // the timer interrupts right after its CAS: a few instructions away
        }
        Thread.interrupted();
        return false;
    }

    /**
     * The timer, past the deadline: the hook's stack if it cut the hook off (the timer then owns the
     * rest of the chain), {@code null} if the hook finished just now.
     */
    StackTraceElement[] cut() {
        if (!STATUS.compareAndSet(this, Status.RUNNING, Status.CUT)) {
            return null;
        }
        StackTraceElement[] where = thread.getStackTrace();
        thread.interrupt();
        interruptSent = true;
        return where;
    }
}
