package dev.tandem.stats;

import org.junit.jupiter.api.Test;

/** The public API of tandem-stats-sink is the one recorded in {@code api/tandem-stats-sink.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.checkThisModule();
    }
}
