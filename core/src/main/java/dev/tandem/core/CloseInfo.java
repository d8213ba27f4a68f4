package dev.tandem.core;

import java.time.Duration;
import java.util.List;

/**
 * How a pair ended: the first close reason and cause (later failures are suppressed exceptions of
 * the cause, or listed when there was no cause), how long it lived, and what it carried. Given to
 * cleanup hooks, the close future, and kept in the manager's ring of recently closed pairs.
 * Carries counts, never message contents.
 */
public final class CloseInfo {
    private final long id;
    private final CloseReason reason;
    private final Throwable cause;
    private final List<Throwable> laterFailures;
    private final long openedAtMillis;
    private final Duration lifetime;
    private final long bytesIn;
    private final long bytesOut;
    private final long messagesIn;
    private final long messagesOut;
    private final long messagesUnsent;
    private final long messagesDropped;
    private final boolean stuck;

    CloseInfo(long id, CloseReason reason, Throwable cause, List<Throwable> laterFailures, long openedAtMillis,
              Duration lifetime, long bytesIn, long bytesOut, long messagesIn, long messagesOut,
              long messagesUnsent, long messagesDropped, boolean stuck) {
        this.id = id;
        this.reason = reason;
        this.cause = cause;
        this.laterFailures = laterFailures;
        this.openedAtMillis = openedAtMillis;
        this.lifetime = lifetime;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        this.messagesIn = messagesIn;
        this.messagesOut = messagesOut;
        this.messagesUnsent = messagesUnsent;
        this.messagesDropped = messagesDropped;
        this.stuck = stuck;
    }

    public long id() {
        return id;
    }

    /** The first reason; never changes once set (G4). */
    public CloseReason reason() {
        return reason;
    }

    /** The exception behind the first reason, or {@code null} (EOF, explicit close, timeouts, shutdown). */
    public Throwable cause() {
        return cause;
    }

    /**
     * Failures after the first cause (a reader's "socket closed" after a write timeout, a hook that
     * threw or was cut off, ...). When there is a cause they are also its suppressed exceptions.
     */
    public List<Throwable> laterFailures() {
        return laterFailures;
    }

    /** When the pair opened, in ms since the epoch. */
    public long openedAtMillis() {
        return openedAtMillis;
    }

    /** From open to the moment the close began. */
    public Duration lifetime() {
        return lifetime;
    }

    /** Bytes read through {@link PairContext#input()} or reported with {@link PairContext#markRead}. */
    public long bytesIn() {
        return bytesIn;
    }

    /** Bytes written through {@link PairContext#output()} or reported with {@link PairContext#markWritten}. */
    public long bytesOut() {
        return bytesOut;
    }

    public long messagesIn() {
        return messagesIn;
    }

    /** Messages the writer wrote without throwing. */
    public long messagesOut() {
        return messagesOut;
    }

    /** Messages still queued when the pair closed; never written. */
    public long messagesUnsent() {
        return messagesUnsent;
    }

    /** Messages refused under {@link OverflowPolicy#DROP_MESSAGE}. */
    public long messagesDropped() {
        return messagesDropped;
    }

    /** True if a side had not exited when this was issued (the pair is STUCK). */
    public boolean stuck() {
        return stuck;
    }

    @Override
    public String toString() {
        return "CloseInfo{id=" + id + ", reason=" + reason
                + (cause == null ? "" : ", cause=" + cause.getClass().getName())
                + ", lifetime=" + lifetime.toMillis() + "ms, in=" + bytesIn + "B/" + messagesIn + "msg, out="
                + bytesOut + "B/" + messagesOut + "msg" + (messagesUnsent == 0 ? "" : ", unsent=" + messagesUnsent)
                + (messagesDropped == 0 ? "" : ", dropped=" + messagesDropped)
                + (laterFailures.isEmpty() ? "" : ", laterFailures=" + laterFailures.size())
                + (stuck ? ", STUCK" : "") + '}';
    }
}
