package dev.tandem.examples;

import dev.tandem.stats.Counter;
import dev.tandem.stats.EventType;
import dev.tandem.stats.LoggingStatsSink;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import java.time.Duration;

public final class StatsQuickStart {
    public static void main(String[] args) {
        StatsPipeline stats = StatsPipeline.builder()
                .sink("log", LoggingStatsSink.create()) // one queue and one delivery thread per sink
                .build();

        // Metrics are state: exact, kept in this process, sent as current totals on every publish.
        Counter accepted = stats.counter("app.connections.accepted", Tags.of("port", "8080"));
        // Events are lossy: each is offered to every sink's bounded queue; nobody waits for a sink.
        EventType closed = stats.eventType("app.connection.closed", "id", "duration_ms");

        for (long id = 1; id <= 3; id++) {
            accepted.increment();
            closed.record(Tags.of("reason", "eof"), id, 40 * id);
        }

        boolean flushed = stats.close(Duration.ofSeconds(2)); // returns by the deadline, whatever the sink does
        System.out.println("flushed=" + flushed + " accepted=" + accepted.count());
        System.out.println(stats.sinkStats("log")); // the books: recorded = delivered + dropped + in flight
    }
}
