package dev.tandem.stats;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API of tandem-stats-sink is the one recorded in {@code api/tandem-stats-sink.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.check(Path.of("target", "classes"), Path.of("api", "tandem-stats-sink.txt"));
    }
}
