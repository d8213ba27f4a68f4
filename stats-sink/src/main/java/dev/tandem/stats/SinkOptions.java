package dev.tandem.stats;

import dev.tandem.stats.internal.Checks;
import java.time.Duration;

/**
 * How one sink is fed: its queue, batching, timeouts, backoff and rate limit. Immutable; build
 * with {@link #builder()}. {@link #defaults()} suits a backend reached over the network.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>queueCapacity</td><td>2048</td><td>events held for this sink; rounded up to a power of two</td></tr>
 *   <tr><td>batchSize</td><td>512, or a quarter of queueCapacity if that is less</td><td>most events per
 *       publish; unless set, it follows the queue capacity</td></tr>
 *   <tr><td>linger</td><td>1 s</td><td>longest an event waits for its batch to fill</td></tr>
 *   <tr><td>metricsInterval</td><td>10 s</td><td>longest gap between publishes when no events arrive</td></tr>
 *   <tr><td>publishTimeout</td><td>10 s</td><td>a publish running longer marks the sink STALLED</td></tr>
 *   <tr><td>backoffInitial / backoffMax</td><td>100 ms / 30 s</td><td>wait after a failed publish, doubling</td></tr>
 *   <tr><td>maxRetries</td><td>2</td><td>retries of a failed batch before its events are dropped</td></tr>
 *   <tr><td>maxEventsPerSecond</td><td>0 (off)</td><td>rate limit on events published</td></tr>
 * </table>
 */
public final class SinkOptions {
    private static final SinkOptions DEFAULTS = builder().build();

    private final int queueCapacity;
    private final int batchSize;
    private final boolean batchSizeSet;
    private final Duration linger;
    private final Duration metricsInterval;
    private final Duration publishTimeout;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final int maxRetries;
    private final long maxEventsPerSecond;

    private SinkOptions(Builder b) {
        this.queueCapacity = b.queueCapacity;
        this.batchSize = b.batchSizeSet ? b.batchSize : defaultBatchSize(b.queueCapacity);
        this.batchSizeSet = b.batchSizeSet;
        this.linger = b.linger;
        this.metricsInterval = b.metricsInterval;
        this.publishTimeout = b.publishTimeout;
        this.backoffInitial = b.backoffInitial;
        this.backoffMax = b.backoffMax;
        this.maxRetries = b.maxRetries;
        this.maxEventsPerSecond = b.maxEventsPerSecond;
    }

    /** The batch size when none is set: a quarter of the queue, at most 512, at least 1. */
    static int defaultBatchSize(int queueCapacity) {
        return Math.max(1, Math.min(512, queueCapacity / 4));
    }

    public static SinkOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from these options. A batch size that was not set stays unset, so it
     * still follows a new queue capacity.
     */
    public Builder toBuilder() {
        Builder b = new Builder().queueCapacity(queueCapacity);
        if (batchSizeSet) {
            b.batchSize(batchSize);
        }
        return b.linger(linger)
                .metricsInterval(metricsInterval)
                .publishTimeout(publishTimeout)
                .backoff(backoffInitial, backoffMax)
                .maxRetries(maxRetries)
                .maxEventsPerSecond(maxEventsPerSecond);
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration linger() {
        return linger;
    }

    public Duration metricsInterval() {
        return metricsInterval;
    }

    public Duration publishTimeout() {
        return publishTimeout;
    }

    public Duration backoffInitial() {
        return backoffInitial;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    public int maxRetries() {
        return maxRetries;
    }

    /** 0 when there is no rate limit. */
    public long maxEventsPerSecond() {
        return maxEventsPerSecond;
    }

    @Override
    public String toString() {
        return "SinkOptions{queueCapacity=" + queueCapacity + ", batchSize=" + batchSize + ", linger=" + linger
                + ", metricsInterval=" + metricsInterval + ", publishTimeout=" + publishTimeout
                + ", backoff=" + backoffInitial + ".." + backoffMax + ", maxRetries=" + maxRetries
                + ", maxEventsPerSecond=" + maxEventsPerSecond + '}';
    }

    /** Collects options; {@link #build()} validates them all. */
    public static final class Builder {
        private int queueCapacity = 2048;
        private int batchSize;
        private boolean batchSizeSet;
        private Duration linger = Duration.ofSeconds(1);
        private Duration metricsInterval = Duration.ofSeconds(10);
        private Duration publishTimeout = Duration.ofSeconds(10);
        private Duration backoffInitial = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(30);
        private int maxRetries = 2;
        private long maxEventsPerSecond;

        private Builder() {}

        /** Events held for this sink before new ones are dropped ({@code queue_full}); rounded up to a power of two. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /**
         * The most events in one publish; at most the queue capacity. Unless set, a quarter of the
         * queue capacity, at most 512 (512 with the default queue of 2048): a queue shrunk or grown
         * alone keeps room to fill while a batch is published.
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            this.batchSizeSet = true;
            return this;
        }

        /** The longest an event waits for its batch to fill before it is published anyway. */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /** The longest gap between two publishes when no event arrives; each carries current metrics. */
        public Builder metricsInterval(Duration metricsInterval) {
            this.metricsInterval = metricsInterval;
            return this;
        }

        /**
         * How long a publish may run before the sink is marked {@link SinkState#STALLED}. The call is
         * not cancelled (the JVM cannot cancel it); the sink's events are dropped until it returns.
         */
        public Builder publishTimeout(Duration publishTimeout) {
            this.publishTimeout = publishTimeout;
            return this;
        }

        /** The wait after a failed publish, doubled on each further failure up to {@code max}. */
        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** How many times a failed batch is retried before its events are dropped ({@code failed}); 0 for never. */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** The most events published per second (token bucket, burst of one batch); 0 for no limit. */
        public Builder maxEventsPerSecond(long maxEventsPerSecond) {
            this.maxEventsPerSecond = maxEventsPerSecond;
            return this;
        }

        /**
         * Validates every option.
         *
         * @throws IllegalArgumentException naming the first invalid option
         * @throws NullPointerException naming a missing duration
         */
        public SinkOptions build() {
            Checks.positive("queueCapacity", queueCapacity);
            if (batchSizeSet) {
                Checks.positive("batchSize", batchSize);
                Checks.atMost("batchSize", batchSize, "queueCapacity", queueCapacity);
            }
            Checks.positiveNanos("linger", linger);
            Checks.positiveNanos("metricsInterval", metricsInterval);
            Checks.positiveNanos("publishTimeout", publishTimeout);
            Checks.positiveNanos("backoffInitial", backoffInitial);
            Checks.positiveNanos("backoffMax", backoffMax);
            if (backoffMax.compareTo(backoffInitial) < 0) {
                throw new IllegalArgumentException(
                        "backoffMax: " + backoffMax + " (expected: >= backoffInitial " + backoffInitial + ")");
            }
            Checks.nonNegative("maxRetries", maxRetries);
            Checks.nonNegative("maxEventsPerSecond", maxEventsPerSecond);
            return new SinkOptions(this);
        }
    }
}
