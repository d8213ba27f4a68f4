package dev.tandem.stats;

/**
 * The delivery state of one sink, as seen by producers. Only {@link #RUNNING} accepts events.
 *
 * <pre>
 *   RUNNING --publish overran its timeout--> STALLED --publish returned--> RUNNING
 *   RUNNING/STALLED --publish threw--> BACKOFF --backoff expired, retry succeeded--> RUNNING
 *   any --close(deadline)--> CLOSING --flushed and sink closed--> CLOSED
 * </pre>
 */
public enum SinkState {
    /** Accepting events and publishing them. */
    RUNNING,
    /** A publish has run longer than its timeout and has not returned; new events are dropped. */
    STALLED,
    /** The last publish failed; new events are dropped until the backoff expires and a retry succeeds. */
    BACKOFF,
    /** The pipeline is closing: new events are dropped, queued ones are being flushed. */
    CLOSING,
    /** The sink's delivery ended and its {@code close()} returned. */
    CLOSED
}
