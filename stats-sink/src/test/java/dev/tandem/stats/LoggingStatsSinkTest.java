package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.stats.testing.StatsSinkContractTest;
import org.junit.jupiter.api.Test;

class LoggingStatsSinkTest extends StatsSinkContractTest {
    @Override
    protected StatsSink newSink() {
        return LoggingStatsSink.builder().loggerName("tandem.stats.contract").build();
    }

    @Test
    void rejectsAnEmptyLoggerName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoggingStatsSink.builder().loggerName("").build());
        assertEquals("loggerName: \"\" (expected: not empty)", e.getMessage());
        assertThrows(NullPointerException.class, () -> LoggingStatsSink.builder().loggerName(null).build(),
                "build() checks it, like every option of every builder");
    }
}
