package dev.tandem.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a pair ended: the first close reason and cause (later failures are suppressed exceptions of
 * the cause, or listed when there was no cause), how long it lived, and what it carried. Given to
 * cleanup hooks, the close future, and kept in the manager's ring of recently closed pairs.
 * Carries counts, never message contents.
 *
 * @param id the pair's id
 * @param reason the first reason; never changes once set (G4)
 * @param cause the exception behind the first reason, or {@code null} (EOF, explicit close,
 *     timeouts, shutdown)
 * @param laterFailures failures after the first cause (a reader's "socket closed" after a write
 *     timeout, a {@link CleanupHookException}, ...); when there is a cause they are also its
 *     suppressed exceptions
 * @param openedAtMillis when the pair opened, in ms since the epoch
 * @param lifetime from open to the moment the close began
 * @param bytesIn bytes read through {@link PairContext#input()} or reported with
 *     {@link PairContext#markRead}
 * @param bytesOut bytes written through {@link PairContext#output()} or reported with
 *     {@link PairContext#markWritten}
 * @param messagesIn inbound messages reported with {@link PairContext#markMessageIn()}
 * @param messagesOut messages the writer wrote without throwing
 * @param messagesUnsent messages still queued when the pair closed; never written
 * @param messagesDropped messages refused under {@link OverflowPolicy#DROP_MESSAGE}
 * @param stuck true if a side had not exited when this was issued (the pair is STUCK)
 * @param bytesInCounted false if Tandem could not know {@code bytesIn}: the handler read neither
 *     through {@link PairContext#input()} nor reported reads with {@link PairContext#markRead}
 *     (an adopted handler that reads the socket's own stream); {@code bytesIn} is then 0, unknown,
 *     and {@link #toString()} and the closed event leave it out
 * @param bytesOutCounted the same for {@code bytesOut}: false if the writer wrote neither through
 *     {@link PairContext#output()} nor reported writes with {@link PairContext#markWritten}
 */
public record CloseInfo(long id, CloseReason reason, Throwable cause, List<Throwable> laterFailures,
                        long openedAtMillis, Duration lifetime, long bytesIn, long bytesOut, long messagesIn,
                        long messagesOut, long messagesUnsent, long messagesDropped, boolean stuck,
                        boolean bytesInCounted, boolean bytesOutCounted) {

    /** Copies {@code laterFailures}; rejects a missing reason, list or lifetime. */
    public CloseInfo {
        Objects.requireNonNull(reason, "reason");
        laterFailures = List.copyOf(Objects.requireNonNull(laterFailures, "laterFailures"));
        Objects.requireNonNull(lifetime, "lifetime");
    }

    @Override
    public String toString() {
        return "CloseInfo{id=" + id + ", reason=" + reason
                + (cause == null ? "" : ", cause=" + cause.getClass().getName())
                + ", lifetime=" + lifetime.toMillis() + "ms, in=" + (bytesInCounted ? bytesIn + "B/" : "")
                + messagesIn + "msg, out=" + (bytesOutCounted ? bytesOut + "B/" : "") + messagesOut + "msg"
                + (bytesInCounted && bytesOutCounted ? "" : ", bytes " + uncounted() + " not counted") + (messagesUnsent == 0 ? "" : ", unsent=" + messagesUnsent)
                + (messagesDropped == 0 ? "" : ", dropped=" + messagesDropped)
                + (laterFailures.isEmpty() ? "" : ", laterFailures=" + laterFailures.size())
                + (stuck ? ", STUCK" : "") + '}';
    }

    private String uncounted() {
        return !bytesInCounted && !bytesOutCounted ? "in and out" : !bytesInCounted ? "in" : "out";
    }
}
