package dev.tandem.core;

/** What a full outbound queue does to a {@link ConnectionPair#send send} (G5). Neither blocks the sender. */
public enum OverflowPolicy {
    /** Close the pair with {@link CloseReason#SLOW_CONSUMER}: a peer that cannot keep up is cut off (NATS' rule). */
    CLOSE_PAIR,
    /** Drop the new message and count it; the pair stays open. */
    DROP_MESSAGE
}
