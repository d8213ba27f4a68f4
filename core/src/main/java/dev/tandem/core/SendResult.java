package dev.tandem.core;

/** The outcome of {@link ConnectionPair#send}: it never blocks and never throws for these cases. */
public enum SendResult {
    /** Queued for the writer. */
    ACCEPTED,
    /** The pair is closing or closed; the message was not queued. */
    CLOSED,
    /**
     * The outbound queue was full. Under {@link OverflowPolicy#CLOSE_PAIR} the pair is now closing
     * with {@link CloseReason#SLOW_CONSUMER}; under {@link OverflowPolicy#DROP_MESSAGE} the message
     * was dropped and counted.
     */
    OVERFLOW
}
