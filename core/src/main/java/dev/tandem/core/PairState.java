package dev.tandem.core;

/**
 * The lifecycle of a pair, moved only forward:
 *
 * <pre>
 *  OPEN ──close (any cause)──▶ CLOSING ──both sides exited, hooks done──▶ CLOSED
 *                                 │
 *                                 └──a side still running after the grace period──▶ STUCK
 *                                                                                    │
 *                                               the stuck side exits at last ────────┘──▶ CLOSED
 * </pre>
 */
public enum PairState {
    /** Reader and writer run; {@code send} accepts messages. */
    OPEN,
    /** Closed: the resource is closed, the sides were woken and are exiting, hooks run after. */
    CLOSING,
    /** A side did not exit within the grace period after close; its stack is reported. */
    STUCK,
    /** Both sides exited and every hook ran (or was cut off at its deadline). */
    CLOSED
}
