package dev.tandem.stats.micrometer;

import dev.tandem.stats.ApiSurface;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API of tandem-stats-micrometer is the one recorded in {@code api/tandem-stats-micrometer.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.check(Path.of("target", "classes"), Path.of("api", "tandem-stats-micrometer.txt"));
    }
}
