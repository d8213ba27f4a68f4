package dev.tandem.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * One kind of warning, written at most once per interval: the first occurrence at once, then a
 * summary of how many were suppressed. A failure storm must not become a log storm, nor a storm of
 * messages built for nothing: the message is made only when it is written (a STUCK pair's carries
 * the stacks of its threads).
 */
final class ThrottledLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong lastNanos;
    private final AtomicLong suppressed = new AtomicLong();

    ThrottledLog(Logger log, long intervalNanos, long nowNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.lastNanos = new AtomicLong(nowNanos - intervalNanos);
    }

    /** Writes {@code message.get()} with {@code t}, unless a warning was written less than an interval ago. */
    void warn(long nowNanos, Supplier<String> message, Throwable t) {
        long last = lastNanos.get();
        if (nowNanos - last < intervalNanos || !lastNanos.compareAndSet(last, nowNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        String text = message.get();
        String line = skipped == 0 ? text : text + " (" + skipped + " similar warnings suppressed since the last)";
        if (t == null) {
            log.warn(line);
        } else {
            log.warn(line, t);
        }
    }
}
