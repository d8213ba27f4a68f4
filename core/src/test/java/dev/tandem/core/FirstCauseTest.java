package dev.tandem.core;

import static dev.tandem.core.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** G4: the first cause is the reason; what fails afterwards is kept beside it and suppressed by it. */
@Timeout(60)
class FirstCauseTest {
    private ConnectionManager manager;

    @AfterEach
    void noLeaks() throws InterruptedException {
        TestSupport.assertNoLeaks(manager);
    }

    @ParameterizedTest
    @EnumSource(TestSupport.ThreadMode.class)
    void laterFailuresAreKeptBesideTheFirstCauseAndSuppressedByIt(TestSupport.ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder()).build();
        IOException first = new IOException("the write failed first");
        IllegalStateException closeFailure = new IllegalStateException("the resource's close failed later");
        RuntimeException hookFailure = new RuntimeException("a hook failed later");
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch reading = new CountDownLatch(1);

        ConnectionPair<String> pair = manager.<String>pair((AutoCloseable) () -> {
                    throw closeFailure;
                })
                .reader(ctx -> {
                    reading.countDown();
                    never.await(); // woken by the close's interrupt: a later failure too
                })
                .writer((msg, ctx) -> {
                    throw first;
                })
                .cleanupHook(info -> {
                    throw hookFailure;
                })
                .start();
        // a reader not yet started when the pair closes never enters its loop: wait until it waits
        assertTrue(reading.await(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(SendResult.ACCEPTED, pair.send("boom"));

        CloseInfo info = await(pair.closeFuture());
        assertEquals(CloseReason.WRITER_ERROR, info.reason(), info.toString());
        assertSame(first, info.cause(), "the first failure is the cause");
        assertFalse(pair.close(), "a close after the fact changes nothing");
        assertEquals(CloseReason.WRITER_ERROR, manager.recentlyClosed().get(0).reason());

        List<Throwable> later = info.laterFailures();
        assertTrue(later.contains(closeFailure), "the resource's close failure is kept: " + later);
        assertTrue(later.stream().anyMatch(t -> t instanceof InterruptedException), "the woken reader's: " + later);
        assertTrue(later.stream().anyMatch(t -> t instanceof CleanupHookException && t.getCause() == hookFailure),
                "the hook's, wrapped with the hook named: " + later);
        assertFalse(later.contains(first), "the cause is not repeated among the later failures");
        List<Throwable> suppressed = Arrays.asList(first.getSuppressed());
        for (Throwable t : later) {
            assertTrue(suppressed.contains(t), "later failure " + t + " is suppressed by the cause: " + suppressed);
        }
    }
}
