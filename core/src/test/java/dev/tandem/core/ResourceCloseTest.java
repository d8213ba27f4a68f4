package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.TestSupport.ThreadMode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who closes a resource that is not a JDK socket (its {@code close()} may block, so never a
 * caller's thread): the pair's own side when that side closed the pair (its reader returning or
 * failing, its drain failing: it is leaving anyway), else one cleanup thread (a pair between bursts
 * holds no writer thread to hand it to). Either way exactly once, and the pair reaches CLOSED.
 */
@Timeout(60)
class ResourceCloseTest {
    private ConnectionManager manager;

    @AfterEach
    void noLeaks() throws InterruptedException {
        if (manager != null) {
            assertTrue(manager.shutdown(Duration.ofSeconds(5)).clean());
            TestSupport.assertNoPairs(manager);
        }
        TestSupport.assertNoTandemThreads();
    }

    /** An in-memory resource: its close wakes whoever waits for it and records who closed it. */
    static class Probe implements AutoCloseable {
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicInteger closes = new AtomicInteger();
        final List<String> closedBy = new CopyOnWriteArrayList<>();

        @Override
        public void close() {
            closes.incrementAndGet();
            closedBy.add(Thread.currentThread().getName());
            closed.countDown();
        }

        /** What a blocking read on it does: wait until it is closed (or the thread is interrupted). */
        void awaitClosed() throws InterruptedException {
            closed.await();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void anIdlePairClosedFromOutsideHasItsResourceClosedByOneCleanupThread(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30))).build();
        Probe probe = new Probe();
        List<String> hookThreads = new CopyOnWriteArrayList<>();
        ConnectionPair<String> p = manager.<String>pair(probe)
                .reader(ctx -> probe.awaitClosed())
                .writer((m, ctx) -> { })
                .cleanupHook(info -> hookThreads.add(Thread.currentThread().getName()))
                .start();
        assertTrue(p.snapshot().writer().idle(), "between bursts the writer holds no thread");

        assertTrue(p.close());
        CloseInfo info = TestSupport.await(p.closeFuture());

        assertEquals(CloseReason.EXPLICIT, info.reason());
        assertFalse(info.stuck());
        assertEquals(1, probe.closes.get(), "closed once");
        assertEquals(1, probe.closedBy.size());
        assertTrue(probe.closedBy.get(0).startsWith("tandem-cleanup-"), "closed off the caller's thread: " + probe.closedBy);
        assertEquals(1, hookThreads.size());
        // on a side, or on a cleanup thread if this thread's own token was the last: never here
        assertTrue(hookThreads.get(0).startsWith("tandem-"), "the hook ran on " + hookThreads);
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aReaderThatReturnsClosesTheResourceOnItsWayOut(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30))).build();
        Probe probe = new Probe();
        ConnectionPair<String> p = manager.open(probe, ctx -> { }, (m, ctx) -> { });
        CloseInfo info = TestSupport.await(p.closeFuture());

        assertEquals(CloseReason.READER_EOF, info.reason());
        assertEquals(1, probe.closes.get(), "closed once");
        assertEquals(List.of("tandem-" + p.id() + "-reader"), probe.closedBy, "the leaving reader closed it");
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aPairWhoseWriterIsInAWriteIsClosedOnACleanupThread(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30))).build();
        Probe probe = new Probe();
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        ConnectionPair<String> p = manager.open(probe, ctx -> probe.awaitClosed(), (m, ctx) -> {
            inWrite.countDown();
            never.await(); // a write that makes no progress; the close's interrupt ends it
        });
        assertEquals(SendResult.ACCEPTED, p.send("m"));
        assertTrue(inWrite.await(TestSupport.WAIT.toSeconds(), TimeUnit.SECONDS));

        assertTrue(p.close());
        CloseInfo info = TestSupport.await(p.closeFuture());

        assertEquals(CloseReason.EXPLICIT, info.reason());
        assertEquals(1, probe.closes.get(), "closed once");
        assertTrue(probe.closedBy.get(0).startsWith("tandem-cleanup-"),
                "a writer in a write may be blocked on the resource: a cleanup thread closes it, not " + probe.closedBy);
    }

    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void aWriterThatThrowsClosesTheResourceOnItsWayOut(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30))).build();
        Probe probe = new Probe();
        ConnectionPair<String> p = manager.open(probe, ctx -> probe.awaitClosed(), (m, ctx) -> {
            throw new IOException("broken pipe");
        });
        assertEquals(SendResult.ACCEPTED, p.send("m"));
        CloseInfo info = TestSupport.await(p.closeFuture());

        assertEquals(CloseReason.WRITER_ERROR, info.reason());
        assertEquals(1, probe.closes.get(), "closed once");
        assertEquals(List.of("tandem-" + p.id() + "-writer"), probe.closedBy, "the failed writer closed it");
    }

    /**
     * A factory that refuses its {@code refuse}-th thread (from 0) by throwing; the others are
     * daemons. (A thread that refuses in its own {@code start()} would prove nothing on JDK 21+: a
     * pool starts its workers through its thread container, not through {@code Thread.start()}.)
     */
    private static java.util.concurrent.ThreadFactory refusing(int refuse) {
        AtomicInteger made = new AtomicInteger();
        return r -> {
            if (made.getAndIncrement() == refuse) {
                throw new IllegalStateException("no thread for you");
            }
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
    }

    @Test
    void aReaderThatNeverStartedLeavesTheCloseToACleanupThread() throws Exception {
        // the pair's first thread is its reader's: that one refuses to start
        manager = ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30)).threadFactory(refusing(0)).build();
        Probe probe = new Probe();
        CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
        java.util.concurrent.RejectedExecutionException refused = assertThrows(
                java.util.concurrent.RejectedExecutionException.class,
                () -> manager.<String>pair(probe).reader(ctx -> probe.awaitClosed()).writer((m, ctx) -> { })
                        .cleanupHook(closed::complete).start(), "open tells its caller");
        assertTrue(refused.getMessage().contains("reader"), refused::toString);
        CloseInfo info = TestSupport.await(closed); // would hang if the close waited for that reader

        assertEquals(CloseReason.THREAD_START_FAILED, info.reason());
        assertFalse(info.stuck());
        assertEquals(1, probe.closes.get(), "closed once");
        assertTrue(probe.closedBy.get(0).startsWith("tandem-cleanup-"), "closed by " + probe.closedBy);
    }

    @Test
    void aDrainThatGetsNoThreadClosesThePairAndNothingWaitsForIt() throws Exception {
        // the second thread is the first drain's (the reader keeps the first busy): it refuses to start
        manager = ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30)).threadFactory(refusing(1)).build();
        Probe probe = new Probe();
        CountDownLatch reading = new CountDownLatch(1);
        ConnectionPair<String> p = manager.open(probe, ctx -> {
            reading.countDown();
            probe.awaitClosed();
        }, (m, ctx) -> { });
        assertTrue(reading.await(TestSupport.WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(SendResult.CLOSED, p.send("m"), "the message was queued; its drain found no thread");
        CloseInfo info = TestSupport.await(p.closeFuture()); // would hang if the close waited for that drain

        assertEquals(CloseReason.THREAD_START_FAILED, info.reason());
        assertFalse(info.stuck());
        assertEquals(1, info.messagesUnsent());
        assertEquals(1, probe.closes.get(), "closed once");
        assertTrue(probe.closedBy.get(0).startsWith("tandem-cleanup-"), "closed by " + probe.closedBy);
    }

    /**
     * Closes that block do not hold another pair's close back: the timer counts the cleanup threads
     * stuck in a close out and starts others. As many hanging closes as the lane starts threads for
     * at once (one per core), then one that does not hang: it completes while the others still
     * hang.
     */
    @ParameterizedTest
    @EnumSource(ThreadMode.class)
    void closesThatHangDoNotHoldAnotherPairsCloseBack(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30))
                .timerTick(Duration.ofMillis(20))).build();
        CountDownLatch release = new CountDownLatch(1);
        int hanging = Runtime.getRuntime().availableProcessors();
        CountDownLatch allInClose = new CountDownLatch(hanging);
        List<ConnectionPair<String>> stuckInClose = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < hanging; i++) {
                Probe hangs = new Probe() {
                    @Override
                    public void close() {
                        allInClose.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        super.close();
                    }
                };
                ConnectionPair<String> p = manager.open(hangs, ctx -> hangs.awaitClosed(), (m, ctx) -> { });
                stuckInClose.add(p);
                assertTrue(p.close());
            }
            assertTrue(allInClose.await(TestSupport.WAIT.toSeconds(), TimeUnit.SECONDS), "every hanging close began");

            Probe fine = new Probe();
            ConnectionPair<String> p = manager.open(fine, ctx -> fine.awaitClosed(), (m, ctx) -> { });
            assertTrue(p.close());
            CloseInfo info = TestSupport.await(p.closeFuture()); // would hang without more cleanup threads

            assertEquals(CloseReason.EXPLICIT, info.reason());
            assertEquals(1, fine.closes.get());
            assertTrue(fine.closedBy.get(0).startsWith("tandem-cleanup-"), "closed by " + fine.closedBy);
            for (ConnectionPair<String> h : stuckInClose) {
                assertEquals(PairState.CLOSING, h.state(), "the hanging ones are still in their close");
            }
        } finally {
            release.countDown();
        }
        for (ConnectionPair<String> h : stuckInClose) {
            assertEquals(CloseReason.EXPLICIT, TestSupport.await(h.closeFuture()).reason());
        }
    }
}
