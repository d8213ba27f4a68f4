package dev.tandem.stats.testing;

import dev.tandem.stats.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of tandem-stats-testing is the one recorded in {@code api/tandem-stats-testing.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.checkThisModule();
    }
}
