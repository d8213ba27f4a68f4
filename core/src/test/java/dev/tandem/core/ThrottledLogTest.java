package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** One warning per interval, and a message made only when it is written. */
class ThrottledLogTest {
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(10);

    @Test
    void aWarningInsideTheIntervalIsCountedNotBuiltAndTheNextOneSaysHowManyWereSuppressed() {
        Logger logger = mock(Logger.class); // what was written, without a logging backend to read back
        ThrottledLog log = new ThrottledLog(logger, INTERVAL, 0);
        List<String> built = new ArrayList<>();
        Supplier<String> message = () -> {
            String m = "warning " + built.size();
            built.add(m);
            return m;
        };
        log.warn(0, message, null);
        assertEquals(1, built.size(), "the first warning is written at once");
        verify(logger).warn("warning 0");
        for (int i = 1; i <= 5; i++) {
            log.warn(i, message, null);
        }
        assertEquals(1, built.size(), "warnings inside the interval build no message");
        IllegalStateException cause = new IllegalStateException("cause");
        log.warn(INTERVAL, message, cause);
        assertEquals(2, built.size(), "an interval later the next warning is written");
        verify(logger).warn("warning 1 (5 similar warnings suppressed since the last)", cause);
        log.warn(INTERVAL + 1, message, null);
        assertEquals(2, built.size());
        assertTrue(built.get(1).startsWith("warning 1"), built.toString());
        verifyNoMoreInteractions(logger);
    }
}
