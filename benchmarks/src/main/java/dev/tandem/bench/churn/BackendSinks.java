package dev.tandem.bench.churn;

import dev.tandem.examples.demo.StatsPost;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** The stats sinks of B3: the demo's platform call, or a backend that refuses every batch. */
final class BackendSinks {
    private BackendSinks() {}

    /**
     * One POST per batch to the demo's stats platform, through the demo's own timeout-less call
     * ({@link StatsPost}): healthy while the platform answers, hung forever once it does not.
     */
    static StatsSink post(InetSocketAddress platform) {
        return batch -> StatsPost.post(platform, body(batch));
    }

    /** A backend that is up but refuses everything: every publish throws. */
    static StatsSink throwing() {
        return batch -> {
            throw new IOException("stats backend refused batch " + batch.sequence() + " (a benchmark's fault)");
        };
    }

    /**
     * The sink options of the leak demo's Tandem server, with the same stats queue size as the
     * naive server: {@code queue} events, batches of up to 64, 100 ms linger, 1 s publish timeout.
     */
    static SinkOptions options(int queue) {
        return SinkOptions.builder()
                .queueCapacity(queue)
                .batchSize(Math.min(64, queue))
                .linger(Duration.ofMillis(100))
                .publishTimeout(Duration.ofSeconds(1))
                .build();
    }

    private static String body(Batch batch) {
        StringBuilder sb = new StringBuilder(32 * batch.events().size() + 16);
        for (Event e : batch.events()) {
            sb.append(e.name()).append(' ').append(e.tags().get("reason")).append(' ').append(e.field("id")).append('\n');
        }
        return sb.toString();
    }
}
