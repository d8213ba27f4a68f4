package dev.tandem.stats.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Not API. The open/closed lifecycle of a sink or binder: open until the first {@link #close()},
 * which alone returns true, so the close work runs exactly once whatever the number of callers.
 * Thread-safe; {@link #isOpen()} is one volatile read.
 */
public final class CloseOnce {
    private final AtomicBoolean closed = new AtomicBoolean();

    /** True until {@link #close()} was called. */
    public boolean isOpen() {
        return !closed.get();
    }

    /** Moves to closed; true for the one call that did it, false for every other. */
    public boolean close() {
        return closed.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return isOpen() ? "OPEN" : "CLOSED";
    }
}
