package dev.tandem.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One run of one side of a pair (its reader, or one drain burst of its writer) on one thread, and
 * the only way the pair interrupts that thread.
 *
 * <h2>Implementation notes</h2>
 * Sides run on pooled threads: once a side leaves, its thread serves another pair, so an interrupt
 * meant for this side must never land later. The status moves by CAS: the waker's
 * {@code RUNNING → WAKING}, then it interrupts, then {@code WOKEN}; the side's own
 * {@code RUNNING → LEFT} as it leaves. A side that loses that CAS waits the few instructions until
 * the interrupt has landed ({@code WOKEN}) and clears it, so its thread returns to its pool with a
 * clean interrupt status. {@link #thread} is read by the dump while the status is RUNNING; a stack
 * read a moment after the side left is that thread's next task: a benign race of a sketch, which
 * {@link #side} narrows by reading the status again after the stack.
 */
final class SideRun {
    enum Status { RUNNING, WAKING, WOKEN, LEFT }

    private static final AtomicReferenceFieldUpdater<SideRun, Status> STATUS =
            AtomicReferenceFieldUpdater.newUpdater(SideRun.class, Status.class, "status");

    final Thread thread;
    private volatile Status status = Status.RUNNING;

    /** A run of the calling thread. */
    SideRun() {
        this.thread = Thread.currentThread();
    }

    /** True until the side has left (also while it is being woken, or ignores the wake-up). */
    boolean running() {
        return status != Status.LEFT;
    }

    /** Interrupts the side's thread if it still runs this side (never after it left); true if it did. */
    boolean wake() {
        if (thread == Thread.currentThread() || !STATUS.compareAndSet(this, Status.RUNNING, Status.WAKING)) {
            return false;
        }
        thread.interrupt();
        status = Status.WOKEN;
        return true;
    }

    /** Called by the side's own thread as it leaves: afterwards no interrupt of this pair reaches it. */
    void leave() {
        if (!STATUS.compareAndSet(this, Status.RUNNING, Status.LEFT)) {
            while (status == Status.WAKING) {
                Thread.onSpinWait(); // the waker interrupts right after its CAS: a few instructions away
            }
            status = Status.LEFT;
        }
        Thread.interrupted();
    }

    /** The side for a snapshot: its thread, state and stack while it runs this side. */
    PairSnapshot.Side side() {
        String name = thread.getName();
        Thread.State state = thread.getState();
        List<StackTraceElement> stack = List.of(thread.getStackTrace());
        if (!running()) {
            return new PairSnapshot.Side(name, false, state, List.of());
        }
        return new PairSnapshot.Side(name, true, state, stack);
    }
}
