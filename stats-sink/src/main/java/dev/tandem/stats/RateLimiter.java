package dev.tandem.stats;

/**
 * A token bucket for one sink's delivery thread (S6). Not thread-safe: only the delivery thread
 * uses it. Time comes in as {@code nowNanos} so tests drive it.
 */
final class RateLimiter {
    private final double tokensPerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    RateLimiter(long perSecond, int burst, long nowNanos) {
        this.tokensPerNano = perSecond / 1e9;
        this.burst = Math.max(1, Math.min(burst, perSecond));
        this.tokens = this.burst;
        this.lastNanos = nowNanos;
    }

    /** Whole tokens available now. */
    long available(long nowNanos) {
        refill(nowNanos);
        return (long) tokens;
    }

    void consume(int n) {
        tokens -= n;
    }

    /** How long until {@code n} whole tokens are available; 0 if they are now. */
    long nanosUntil(int n, long nowNanos) {
        refill(nowNanos);
        double missing = Math.min(n, burst) - tokens;
        return missing <= 0 ? 0 : (long) Math.ceil(missing / tokensPerNano);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * tokensPerNano);
            lastNanos = nowNanos;
        }
    }
}
