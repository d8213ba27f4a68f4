package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stress tests on a real manager (a Lincheck model of the manager would need its timer, pools and
 * registry modelled; these run thousands of real interleavings instead): {@code open} racing
 * {@code shutdown}, and concurrent {@code shutdown} calls. Bounded in count and time; in-memory
 * resources, no sockets.
 */
@Timeout(120)
class ShutdownRaceTest {
    private static final int ROUNDS = 30;
    private static final int OPENERS = 3;

    private final List<ConnectionManager> managers = new ArrayList<>();

    @AfterEach
    void noLeaks() throws InterruptedException {
        for (ConnectionManager m : managers) {
            TestSupport.assertNoLeaks(m);
        }
        TestSupport.assertNoTandemThreads();
    }

    /** An in-memory resource: a reader on it waits until it is closed. */
    static final class Pipe implements AutoCloseable {
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
            closed.countDown();
        }
    }

    /**
     * Openers race one shutdown: every open either returns a pair that closes (with its hook run
     * once) or throws with its resource closed; nothing is left open, the counts are exact.
     */
    @ParameterizedTest
    @EnumSource(TestSupport.ThreadMode.class)
    void anOpenRacingShutdownIsClosedOrRefusedNeverLeft(TestSupport.ThreadMode mode) throws Exception {
        ExecutorService openers = Executors.newFixedThreadPool(OPENERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                AtomicInteger hookRuns = new AtomicInteger();
                ConnectionManager m = mode.configure(ConnectionManager.builder().name("race-" + round)
                        .cleanupHook(info -> hookRuns.incrementAndGet())).build();
                managers.add(m);
                ConcurrentLinkedQueue<ConnectionPair<String>> opened = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<Pipe> refused = new ConcurrentLinkedQueue<>();
                CyclicBarrier start = new CyclicBarrier(OPENERS + 1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < OPENERS; t++) {
                    done.add(openers.submit(() -> {
                        start.await();
                        for (int i = 0; i < 200; i++) {
                            Pipe pipe = new Pipe();
                            try {
                                opened.add(m.open(pipe, ctx -> pipe.closed.await(), (msg, ctx) -> { }));
                            } catch (IllegalStateException shutDown) {
                                refused.add(pipe);
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                start.await();
                Thread.yield();
                ShutdownReport report = m.shutdown(Duration.ofSeconds(10));
                for (Future<?> f : done) {
                    f.get(20, TimeUnit.SECONDS);
                }
                for (ConnectionPair<String> p : opened) {
                    CloseInfo info = TestSupport.await(p.closeFuture());
                    assertTrue(info.reason() == CloseReason.SHUTDOWN || info.reason() == CloseReason.READER_EOF,
                            "closed by the shutdown: " + info);
                }
                for (Pipe pipe : refused) {
                    assertEquals(1, pipe.closes.get(), "a refused resource is closed, so it cannot leak");
                }
                TestSupport.awaitTrue(() -> m.counts().live() == 0, "no pair left open");
                assertEquals(opened.size(), m.counts().opened(), "every open counted once");
                assertEquals(opened.size(), m.counts().closed(CloseReason.SHUTDOWN)
                        + m.counts().closed(CloseReason.READER_EOF), "every pair counted closed once: " + m.counts());
                TestSupport.awaitTrue(() -> hookRuns.get() == opened.size(), "each pair's hook ran");
                assertEquals(opened.size(), hookRuns.get(), "each pair's hook ran once");
                assertTrue(report.stragglers().isEmpty(), report::toString);
            }
        } finally {
            openers.shutdownNow();
        }
    }

    /** Shutdowns from several threads at once: all return the first one's report; each pair closes once. */
    @ParameterizedTest
    @EnumSource(TestSupport.ThreadMode.class)
    void concurrentShutdownsAllReturnTheFirstOnesReport(TestSupport.ThreadMode mode) throws Exception {
        int callers = 4;
        int pairs = 20;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                AtomicInteger hookRuns = new AtomicInteger();
                ConnectionManager m = mode.configure(ConnectionManager.builder().name("shutdowns-" + round)
                        .cleanupHook(info -> hookRuns.incrementAndGet())).build();
                managers.add(m);
                for (int i = 0; i < pairs; i++) {
                    Pipe pipe = new Pipe();
                    m.open(pipe, ctx -> pipe.closed.await(), (msg, ctx) -> { }).send("m");
                }
                CyclicBarrier start = new CyclicBarrier(callers);
                List<Future<ShutdownReport>> reports = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    reports.add(pool.submit(() -> {
                        start.await();
                        return m.shutdown(Duration.ofSeconds(10));
                    }));
                }
                ShutdownReport first = m.terminationFuture().toCompletableFuture().get(20, TimeUnit.SECONDS);
                for (Future<ShutdownReport> r : reports) {
                    assertSame(first, r.get(20, TimeUnit.SECONDS), "every caller gets the first shutdown's report");
                }
                assertTrue(first.clean(), first::toString);
                assertEquals(pairs, first.closedByShutdown(), first.toString());
                assertEquals(pairs, m.counts().closed(CloseReason.SHUTDOWN), m.counts().toString());
                assertEquals(0, m.counts().live());
                assertEquals(pairs, hookRuns.get(), "each pair's hook ran once");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
