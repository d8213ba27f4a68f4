package dev.tandem.stats;

import dev.tandem.stats.jfr.StatsEvents;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The pipeline's one watchdog thread ({@code tandem-stats-watchdog}): marks sinks whose publish
 * overran its timeout as STALLED (S5), writes at most one summary line per sink per interval
 * about drops, failures and stalls (S8), and advances the cached clock that event timestamps come
 * from (when the pipeline uses one; see {@link CachedClock}).
 *
 * <p>Implementation notes: it never calls user code and never blocks except in its own
 * {@code parkNanos}; {@link #tick(long)} is separate from the thread so tests drive it with their
 * own time. Per-sink fields are confined to the watchdog thread (or to the test calling tick). It
 * wakes every {@code min(stall tick, timestamp tick)}: each wake advances the cached clock first,
 * then checks for stalls (a few volatile reads per sink) and, once per log interval, the books.
 */
final class Watchdog implements Runnable {
    private final SinkChannel[] channels;
    private final Clock clock;
    private final long[] timeoutNanos;
    private final long tickNanos;
    private final long logIntervalNanos;
    private final Consumer<String> warn;

    private final long[] lastLogAt;
    private final long[][] droppedAtLastLog;
    private final long[] failuresAtLastLog;
    private final int[] stallsSinceLog;
    private final boolean[] reported;

    private final CachedClock timestamps; // null when events read the clock themselves
    private final long parkNanos;

    private volatile boolean stopped;
    private volatile Thread thread;

    Watchdog(SinkChannel[] channels, Clock clock, long logIntervalNanos, Consumer<String> warn) {
        this(channels, clock, logIntervalNanos, warn, null, Long.MAX_VALUE);
    }

    Watchdog(SinkChannel[] channels, Clock clock, long logIntervalNanos, Consumer<String> warn,
             CachedClock timestamps, long timestampTickNanos) {
        this.channels = channels;
        this.timestamps = timestamps;
        this.clock = clock;
        this.logIntervalNanos = logIntervalNanos;
        this.warn = warn;
        int n = channels.length;
        this.timeoutNanos = new long[n];
        this.lastLogAt = new long[n];
        this.droppedAtLastLog = new long[n][DropReason.values().length];
        this.failuresAtLastLog = new long[n];
        this.stallsSinceLog = new int[n];
        this.reported = new boolean[n];
        long minTimeout = Long.MAX_VALUE;
        long now = clock.nanoTime();
        for (int i = 0; i < n; i++) {
            timeoutNanos[i] = channels[i].options.publishTimeout().toNanos();
            minTimeout = Math.min(minTimeout, timeoutNanos[i]);
            lastLogAt[i] = now - logIntervalNanos; // the first trouble is reported at once
        }
        // Stall detection is late by at most a tick: a quarter of the shortest timeout, 1..100 ms.
        this.tickNanos = Math.max(1_000_000L, Math.min(100_000_000L, Math.min(minTimeout / 4, logIntervalNanos)));
        this.parkNanos = timestamps == null ? tickNanos : Math.min(tickNanos, timestampTickNanos);
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (!stopped) {
            if (timestamps != null) {
                timestamps.advance();
            }
            tick(clock.nanoTime());
            LockSupport.parkNanos(this, parkNanos);
        }
    }

    /** How long the thread parks between two wakes (the shorter of the stall and timestamp ticks). */
    long parkNanos() {
        return parkNanos;
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    void tick(long nowNanos) {
        StatsEvents.watchdogTick();
        for (int i = 0; i < channels.length; i++) {
            if (channels[i].checkStall(nowNanos, timeoutNanos[i])) {
                stallsSinceLog[i]++;
            }
            maybeLog(i, nowNanos);
        }
    }

    private void maybeLog(int i, long nowNanos) {
        long sinceLast = nowNanos - lastLogAt[i];
        if (sinceLast < logIntervalNanos) {
            return;
        }
        SinkStats st = channels[i].stats();
        long[] before = droppedAtLastLog[i];
        long droppedNow = 0;
        StringBuilder reasons = new StringBuilder();
        for (DropReason r : DropReason.values()) {
            long delta = st.dropped(r) - before[r.ordinal()];
            if (delta > 0) {
                reasons.append(reasons.length() == 0 ? "" : ", ").append(r.tagValue()).append('=').append(delta);
                droppedNow += delta;
            }
        }
        long failed = st.failures() - failuresAtLastLog[i];
        int stalls = stallsSinceLog[i];
        if (droppedNow == 0 && failed == 0 && stalls == 0) {
            return;
        }
        StringBuilder line = new StringBuilder(200)
                .append("Tandem stats sink '").append(st.name()).append("' is ").append(st.state())
                .append(": dropped ").append(droppedNow).append(" events");
        if (droppedNow > 0) {
            line.append(" (").append(reasons).append(')');
        }
        line.append(", ").append(failed).append(" failed publishes, ").append(stalls).append(" stalls");
        if (reported[i]) {
            line.append(" in the last ").append(sinceLast < 10_000_000_000L
                    ? (sinceLast / 1_000_000) + " ms" : Math.round(sinceLast / 1e9) + " s");
        } else {
            line.append(" so far");
        }
        long running = channels[i].publishRunningNanos(nowNanos);
        if (running > timeoutNanos[i]) {
            line.append("; current publish running for ").append(running / 1_000_000).append(" ms");
        }
        Throwable last = st.lastError();
        if (failed > 0 && last != null) {
            line.append("; last error: ").append(last);
        }
        warn.accept(line.toString());
        for (DropReason r : DropReason.values()) {
            before[r.ordinal()] = st.dropped(r);
        }
        failuresAtLastLog[i] = st.failures();
        stallsSinceLog[i] = 0;
        lastLogAt[i] = nowNanos;
        reported[i] = true;
    }
}
