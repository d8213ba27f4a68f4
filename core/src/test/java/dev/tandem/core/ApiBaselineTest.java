package dev.tandem.core;

import dev.tandem.stats.ApiSurface;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API of tandem-core is the one recorded in {@code api/tandem-core.txt} (see {@link ApiSurface}). */
class ApiBaselineTest {
    @Test
    void thePublicApiIsTheRecordedOne() throws Exception {
        ApiSurface.check(Path.of("target", "classes"), Path.of("api", "tandem-core.txt"));
    }
}
