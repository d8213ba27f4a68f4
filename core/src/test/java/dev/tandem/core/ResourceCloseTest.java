package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.TestSupport.ThreadMode;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who closes a resource that is not a JDK socket (its {@code close()} may block, so never the
 * closer's thread): the pair's own writer on its way out when it was idle at the close, a cleanup
 * thread when it was in a write or never ran. Either way exactly once, and the pair reaches CLOSED.
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
    static final class Probe implements AutoCloseable {
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
    void anIdlePairsResourceIsClosedByItsOwnWriter(ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30))).build();
        Probe probe = new Probe();
        List<String> hookThreads = new CopyOnWriteArrayList<>();
        ConnectionPair<String> p = manager.<String>pair(probe)
                .reader(ctx -> probe.awaitClosed())
                .writer((m, ctx) -> { })
                .cleanupHook(info -> hookThreads.add(Thread.currentThread().getName()))
                .start();
        TestSupport.awaitTrue(() -> p.snapshot().writer().threadState() == Thread.State.WAITING, "writer parked");

        assertTrue(p.close());
        CloseInfo info = TestSupport.await(p.closeFuture());

        assertEquals(CloseReason.EXPLICIT, info.reason());
        assertFalse(info.stuck());
        assertEquals(1, probe.closes.get(), "closed once");
        assertEquals(List.of("tandem-" + p.id() + "-writer"), probe.closedBy, "closed by the idle writer");
        assertEquals(1, hookThreads.size());
        // on a side, or on a cleanup thread if this thread's own token was the last: never here
        assertTrue(hookThreads.get(0).startsWith("tandem-"), "the hook ran on " + hookThreads);
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

    @Test
    void aWriterThatNeverStartedLeavesTheCloseToACleanupThread() throws Exception {
        AtomicInteger made = new AtomicInteger();
        manager = ConnectionManager.builder().gracePeriod(Duration.ofSeconds(30)).threadFactory(r -> {
            // the pair asks for its writer first: that one refuses to start
            Thread t = made.getAndIncrement() == 0 ? new Thread(r) {
                @Override
                public synchronized void start() {
                    throw new IllegalThreadStateException("refused to start");
                }
            } : new Thread(r);
            t.setDaemon(true);
            return t;
        }).build();
        Probe probe = new Probe();
        CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
        assertThrows(RejectedExecutionException.class, () -> manager.<String>pair(probe)
                .reader(ctx -> probe.awaitClosed()).writer((m, ctx) -> { }).cleanupHook(closed::complete).start());
        CloseInfo info = TestSupport.await(closed); // would hang if the close waited for that writer

        assertEquals(CloseReason.THREAD_START_FAILED, info.reason());
        assertFalse(info.stuck());
        assertEquals(1, probe.closes.get(), "closed once");
        assertTrue(probe.closedBy.get(0).startsWith("tandem-cleanup-"), "closed by " + probe.closedBy);
    }
}
