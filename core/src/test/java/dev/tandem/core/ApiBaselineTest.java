package dev.tandem.core;

import dev.tandem.stats.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of tandem-core is the one recorded in {@code api/tandem-core.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.checkThisModule();
    }
}
