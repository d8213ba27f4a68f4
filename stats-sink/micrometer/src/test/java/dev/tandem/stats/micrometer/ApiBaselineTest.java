package dev.tandem.stats.micrometer;

import dev.tandem.stats.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of tandem-stats-micrometer is the one recorded in {@code api/tandem-stats-micrometer.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.checkThisModule();
    }
}
