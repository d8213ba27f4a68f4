package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** G7/G8/G9: a reader that ignores interrupts and never returns is reported STUCK, with its stack. */
@Timeout(120)
class StuckTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private ConnectionManager manager;

    @AfterEach
    void noLeaks() throws InterruptedException {
        release.countDown();
        if (manager != null) {
            manager.shutdown(Duration.ofSeconds(5));
            TestSupport.awaitTrue(() -> manager.counts().live() == 0, "the stuck pair closes once released");
        }
        TestSupport.assertNoTandemThreads();
    }

    /** Blocks until released, swallowing every interrupt: the worst a read loop can do. */
    private void ignoreInterruptsUntilReleased() {
        TestSupport.ignoreInterruptsUntil(release);
    }

    @Test
    void aResourceWhoseCloseHangsMakesThePairStuckAndTheHooksStillRun() throws Exception {
        AtomicInteger hookRuns = new AtomicInteger();
        manager = ConnectionManager.builder().gracePeriod(Duration.ofMillis(200)).build();
        AutoCloseable hangsInClose = this::ignoreInterruptsUntilReleased;
        ConnectionPair<String> pair = manager.<String>pair(hangsInClose)
                .reader(ctx -> { })
                .writer((m, ctx) -> { })
                .cleanupHook(info -> hookRuns.incrementAndGet())
                .start();
        CloseInfo info = TestSupport.await(pair.closeFuture());
        assertTrue(info.stuck(), info.toString());
        assertEquals(PairState.STUCK, pair.state());
        assertEquals(1, hookRuns.get(), "hooks ran although the resource's close never returned");
        String why = ((PairImpl<?>) pair).whatIsStuck();
        // the reader returned at once, so it closed the pair: the pair's own side closes the resource on its way out
        assertTrue(why.startsWith("the resource's close() has not returned (tandem-" + pair.id() + "-reader"), why);
        assertTrue(why.contains("ignoreInterruptsUntilReleased"), "with the stack of the hung close: " + why);
        release.countDown();
        TestSupport.awaitTrue(() -> pair.state() == PairState.CLOSED, "CLOSED once close() returns");
    }

    @Test
    void aReaderThatNeverExitsIsStuckVisibleInTheDumpAndReportedByShutdown() throws Exception {
        AtomicInteger hookRuns = new AtomicInteger();
        manager = ConnectionManager.builder().gracePeriod(Duration.ofMillis(200)).build();
        CountDownLatch inReader = new CountDownLatch(1);
        ConnectionPair<String> pair = manager.<String>pair(() -> { })
                .reader(ctx -> {
                    inReader.countDown();
                    ignoreInterruptsUntilReleased();
                })
                .writer((m, ctx) -> { })
                .cleanupHook(info -> hookRuns.incrementAndGet())
                .start();
        assertTrue(inReader.await(10, TimeUnit.SECONDS));
        assertTrue(pair.close());

        CloseInfo info = TestSupport.await(pair.closeFuture());
        assertTrue(info.stuck(), "the future completes when the pair is declared STUCK: " + info);
        assertEquals(PairState.STUCK, pair.state());
        assertEquals(1, hookRuns.get(), "the hooks ran anyway, on a cleanup thread");
        assertEquals(1, manager.counts().stuck());
        assertEquals(1, manager.counts().live(), "a stuck pair still counts as live");

        String dump = manager.dump();
        assertTrue(dump.contains("1 @ STUCK explicit oldest "), dump);
        assertTrue(dump.contains(" closing for "), dump);
        assertEquals("the reader did not exit", ((PairImpl<?>) pair).whatIsStuck());
        assertTrue(dump.contains("ignoreInterruptsUntilReleased"), "the dump shows where the reader is stuck:\n" + dump);
        assertTrue(dump.contains("#\twriter exited"), dump);

        long start = System.nanoTime();
        ShutdownReport report = manager.shutdown(Duration.ofMillis(300));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMs < 300 + 2_000, "shutdown kept its deadline: " + tookMs + " ms");
        assertEquals(1, report.stragglers().size(), report.toString());
        PairSnapshot straggler = report.stragglers().get(0);
        assertEquals(PairState.STUCK, straggler.state());
        assertTrue(straggler.reader().alive());
        assertTrue(straggler.reader().stack().stream()
                .anyMatch(e -> e.getMethodName().contains("ignoreInterruptsUntilReleased")), straggler.toString());

        release.countDown();
        TestSupport.awaitTrue(() -> pair.state() == PairState.CLOSED, "CLOSED once the stuck side exits");
        assertEquals(0, manager.counts().stuck());
        assertEquals(1, manager.counts().closed(CloseReason.EXPLICIT));
        assertEquals(1, hookRuns.get(), "hooks did not run again");
    }
}
