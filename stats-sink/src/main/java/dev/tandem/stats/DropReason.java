package dev.tandem.stats;

/**
 * Why an event did not reach a sink. Every event handed to a sink is either delivered, still in
 * flight, or counted under exactly one of these reasons.
 */
public enum DropReason {
    /** The sink's bounded queue was full when the event was recorded. */
    QUEUE_FULL("queue_full"),
    /** The sink's current {@code publish} overran its timeout; events are refused until it returns. */
    STALLED("stalled"),
    /**
     * The sink's last {@code publish} failed; events are refused until a publish succeeds again
     * (the first retry comes when the backoff expires).
     */
    BACKOFF("backoff"),
    /** The pipeline was closing or closed, or the close deadline passed before the event was published. */
    SHUTDOWN("shutdown"),
    /**
     * The event was recorded on a Tandem delivery thread (from a sink's {@code publish} or
     * {@code close}, or a gauge function, of any pipeline), where accepting it could feed a loop.
     */
    RE_ENTRANT("re_entrant"),
    /** The event's batch failed to publish and its retries ran out. */
    FAILED("failed");

    private final String tagValue;

    DropReason(String tagValue) {
        this.tagValue = tagValue;
    }

    /** The value used for the {@code reason} tag of {@code tandem.stats.dropped}. */
    public String tagValue() {
        return tagValue;
    }
}
