package dev.tandem.core;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One kind of warning, written at most once per interval: the first occurrence at once, then a
 * summary of how many were suppressed. A failure storm must not become a log storm.
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

    void warn(long nowNanos, String message, Throwable t) {
        long last = lastNanos.get();
        if (nowNanos - last < intervalNanos || !lastNanos.compareAndSet(last, nowNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        String line = skipped == 0 ? message : message + " (" + skipped + " similar warnings suppressed since the last)";
        if (t == null) {
            log.warn(line);
        } else {
            log.warn(line, t);
        }
    }
}
