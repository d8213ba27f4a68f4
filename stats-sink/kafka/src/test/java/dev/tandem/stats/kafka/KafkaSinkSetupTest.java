package dev.tandem.stats.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.TestThreads;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The configuration the docs show builds, starts and closes (no broker needed: the producer connects lazily). */
class KafkaSinkSetupTest {
    @Test
    void theDocumentedSetupBuildsAndClosesWithinItsDeadline() throws InterruptedException {
        StatsPipeline p = KafkaSinkSetup.pipeline("127.0.0.1:9");
        assertEquals(java.util.List.of("kafka"), p.sinkNames());
        p.close(Duration.ofSeconds(10)); // nothing recorded: the final metrics publish fails fast, then close
        assertTrue(p.isClosed());
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
