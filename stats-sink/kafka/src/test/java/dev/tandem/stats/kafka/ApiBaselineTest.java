package dev.tandem.stats.kafka;

import dev.tandem.stats.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of tandem-stats-kafka is the one recorded in {@code api/tandem-stats-kafka.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.checkThisModule();
    }
}
