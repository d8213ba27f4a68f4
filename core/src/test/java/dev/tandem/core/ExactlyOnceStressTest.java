package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * G2/G4 with real threads, thousands of times: on each pair, four threads call close() at the same
 * instant as the reader and the writer both fail. The resource closes once, each hook runs once,
 * exactly one close() wins, and the kept reason is one of the racers'.
 */
@Timeout(300)
class ExactlyOnceStressTest {
    private static final int PAIRS = 2_000;
    private static final int CLOSERS = 4;
    private ConnectionManager manager;

    @AfterEach
    void noLeaks() throws InterruptedException {
        TestSupport.assertNoLeaks(manager);
    }

    /** A resource that counts its closes. */
    static final class CountingResource implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void closeFromManyThreadsWhileBothSidesFailHappensOnce() throws Exception {
        AtomicInteger managerHookRuns = new AtomicInteger();
        manager = ConnectionManager.builder().cleanupHook(info -> managerHookRuns.incrementAndGet()).build();
        Set<CloseReason> seen = EnumSet.noneOf(CloseReason.class);
        for (int i = 0; i < PAIRS; i++) {
            CountingResource resource = new CountingResource();
            AtomicInteger pairHookRuns = new AtomicInteger();
            CyclicBarrier go = new CyclicBarrier(CLOSERS + 2);
            CountDownLatch writerReady = new CountDownLatch(1);
            ConnectionPair<String> pair = manager.<String>pair(resource)
                    .reader(ctx -> {
                        go.await();
                        throw new IOException("reader fails");
                    })
                    .writer((msg, ctx) -> {
                        writerReady.countDown();
                        go.await();
                        throw new IOException("writer fails");
                    })
                    .cleanupHook(info -> pairHookRuns.incrementAndGet())
                    .start();
            pair.send("trigger");
            assertTrue(writerReady.await(10, TimeUnit.SECONDS));
            AtomicInteger wins = new AtomicInteger();
            Thread[] closers = new Thread[CLOSERS];
            for (int c = 0; c < CLOSERS; c++) {
                closers[c] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException | BrokenBarrierException e) {
                        throw new AssertionError(e);
                    }
                    if (pair.close()) {
                        wins.incrementAndGet();
                    }
                });
                closers[c].start();
            }
            CloseInfo info = TestSupport.await(pair.closeFuture());
            for (Thread t : closers) {
                t.join(10_000);
            }
            assertEquals(1, resource.closes.get(), "resource closed once, pair " + i);
            assertEquals(1, pairHookRuns.get(), "pair hook once, pair " + i);
            assertTrue(wins.get() <= 1, "close() won " + wins + " times");
            assertEquals(wins.get() == 1, info.reason() == CloseReason.EXPLICIT,
                    "an explicit winner iff the kept reason is EXPLICIT: " + info);
            seen.add(info.reason());
            if (info.cause() != null) {
                assertTrue(info.cause() instanceof IOException || info.cause() instanceof InterruptedException
                        || info.cause() instanceof BrokenBarrierException, info.toString());
            }
        }
        TestSupport.awaitTrue(() -> managerHookRuns.get() == PAIRS, "manager hook once per pair");
        assertEquals(PAIRS, manager.counts().closedTotal());
        assertEquals(PAIRS, manager.counts().opened());
        assertTrue(seen.size() >= 2, "the race really had different winners: " + seen);
    }
}
