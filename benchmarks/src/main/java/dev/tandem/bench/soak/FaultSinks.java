package dev.tandem.bench.soak;

import dev.tandem.examples.demo.StatsPost;
import dev.tandem.stats.Batch;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's four stats backends, all on one pipeline at once. Healthy and slow are models of a
 * backend's round trip (1 ms and 10 ms per publish, so "10x slow"); hung is the leak demo's
 * platform, really hung (a POST that is never answered, until the platform closes at teardown);
 * throwing refuses every batch.
 */
final class FaultSinks {
    static final Duration HEALTHY_PUBLISH = Duration.ofMillis(1);
    static final Duration SLOW_PUBLISH = Duration.ofMillis(10);

    private FaultSinks() {}

    static StatsSink taking(Duration perPublish) {
        long nanos = perPublish.toNanos();
        return batch -> {
            long end = System.nanoTime() + nanos;
            for (long left = nanos; left > 0; left = end - System.nanoTime()) {
                LockSupport.parkNanos(left); // a backend's round trip: time passes, no CPU is used
            }
        };
    }

    /** One POST per batch to {@code platform}, the demo's timeout-less call: hangs as long as the platform does. */
    static StatsSink post(InetSocketAddress platform) {
        return (Batch batch) -> StatsPost.post(platform, batch.events().size() + " events\n");
    }

    static StatsSink throwing() {
        return batch -> {
            throw new IOException("stats backend refused batch " + batch.sequence() + " (a soak fault)");
        };
    }

    /**
     * The same options for every sink: a queue of 256 events, batches of up to 16 (so the 10 ms
     * sink keeps up with at most 1,600 events/s, fewer than the soak closes), 50 ms linger, a
     * publish overrunning 500 ms marks the sink STALLED, backoff 100 ms doubling to 1 s, one retry.
     */
    static SinkOptions options() {
        return SinkOptions.builder()
                .queueCapacity(256)
                .batchSize(16)
                .linger(Duration.ofMillis(50))
                .publishTimeout(Duration.ofMillis(500))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .maxRetries(1)
                .metricsInterval(Duration.ofSeconds(1))
                .build();
    }

    static long millis(Duration d) {
        return TimeUnit.NANOSECONDS.toMillis(d.toNanos());
    }
}
