package dev.tandem.stats.testing;

import dev.tandem.stats.ApiSurface;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API of tandem-stats-testing is the one recorded in {@code api/tandem-stats-testing.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.check(Path.of("target", "classes"), Path.of("api", "tandem-stats-testing.txt"));
    }
}
