package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.StatsPipeline;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Resource exhaustion (issue 13): no thread for a side (the factory throws, returns null, or its
 * thread will not start), and an {@link OutOfMemoryError} from a sink or a hook. Each time the
 * resource is closed once, the pair is counted with a reason that says so, the caller hears of it
 * where it called, and the manager goes on serving a real loopback connection.
 */
@Timeout(120)
class ResourceExhaustionTest {
    private ConnectionManager manager;
    private StatsPipeline stats;

    @AfterEach
    void noLeaks() throws InterruptedException {
        if (stats != null) { // not the manager's own: closed first, so its threads end before the check
            stats.close();
        }
        TestSupport.assertNoLeaks(manager);
    }

    enum NoThread { FACTORY_THROWS, FACTORY_RETURNS_NULL }

    /** Fails the first {@code failures} calls as {@code how} says, then makes daemon threads. */
    static final class FailingFactory implements ThreadFactory {
        final NoThread how;
        final AtomicInteger failuresLeft;

        FailingFactory(NoThread how, int failures) {
            this.how = how;
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public Thread newThread(Runnable r) {
            if (failuresLeft.getAndDecrement() > 0) {
                if (how == NoThread.FACTORY_THROWS) {
                    throw new IllegalStateException("no thread for you");
                }
                return null;
            }
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }
    }

    @ParameterizedTest
    @EnumSource(NoThread.class)
    void aFactoryThatFailsAtOpenClosesAndCountsThePairAndTellsTheCaller(NoThread how) throws Exception {
        FailingFactory factory = new FailingFactory(how, 1);
        manager = ConnectionManager.builder().threadFactory(factory).build();
        ExactlyOnceStressTest.CountingResource resource = new ExactlyOnceStressTest.CountingResource();
        AtomicInteger hookRuns = new AtomicInteger();
        CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> manager.<String>pair(resource)
                .reader(ctx -> { })
                .writer((m, ctx) -> { })
                .cleanupHook(info -> {
                    hookRuns.incrementAndGet();
                    closed.complete(info);
                })
                .start());
        assertTrue(e.getMessage().contains("thread_start_failed"), e.getMessage());
        CloseInfo info = TestSupport.await(closed);
        assertEquals(CloseReason.THREAD_START_FAILED, info.reason());
        TestSupport.awaitTrue(() -> resource.closes.get() == 1, "resource closed once");
        TestSupport.awaitTrue(() -> manager.counts().closed(CloseReason.THREAD_START_FAILED) == 1, "counted");
        assertEquals(1, hookRuns.get());
        keepsServing();
    }

    /**
     * The writer's side cannot be had, whichever model runs: today a writer thread started at open,
     * on the pooled model a drain started by the first send. Threads not named as a pair's reader
     * refuse to start, as {@code OutOfMemoryError: unable to create native thread} would.
     */
    @Test
    void aWriterSideThatCannotStartClosesAndCountsThePair() throws Exception {
        // The reader gets the pool's first thread; the drain the first send schedules needs a
        // second one, and the factory's threads refuse to start from then on.
        java.util.concurrent.atomic.AtomicInteger sideThreads = new java.util.concurrent.atomic.AtomicInteger();
        // (refused in the factory: on JDK 21+ a ThreadPoolExecutor starts its threads without
        // calling an overridden Thread.start)
        ThreadFactory oneSideThread = r -> {
            if (sideThreads.incrementAndGet() > 1) {
                throw new OutOfMemoryError("unable to create native thread (test)");
            }
            return new Thread(r);
        };
        manager = ConnectionManager.builder().threadFactory(oneSideThread).build();
        ExactlyOnceStressTest.CountingResource resource = new ExactlyOnceStressTest.CountingResource();
        CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        ConnectionPair<String> pair = manager.<String>pair(resource).reader(ctx -> never.await())
                .writer((m, ctx) -> { }).cleanupHook(closed::complete).start();
        assertEquals(SendResult.CLOSED, pair.send("needs the writer"), "a send whose drain gets no thread");
        CloseInfo info = TestSupport.await(closed);
        assertEquals(CloseReason.THREAD_START_FAILED, info.reason(), info::toString);
        assertTrue(info.cause().getMessage().contains("writer"), info.cause()::toString);
        TestSupport.awaitTrue(() -> resource.closes.get() == 1, "resource closed once");
        TestSupport.awaitTrue(() -> manager.counts().closed(CloseReason.THREAD_START_FAILED) == 1, "counted");
    }

    @Test
    void aSinkThrowingOutOfMemoryErrorLosesNoCountAndBlocksNoPair() throws Exception {
        stats = StatsPipeline.builder().sink("oom", batch -> {
            throw new OutOfMemoryError("sink (test)");
        }).build();
        manager = ConnectionManager.builder().stats(stats).build();
        for (int i = 0; i < 20; i++) {
            ExactlyOnceStressTest.CountingResource resource = new ExactlyOnceStressTest.CountingResource();
            ConnectionPair<String> pair = manager.open(resource, ctx -> { }, (m, ctx) -> { });
            assertEquals(CloseReason.READER_EOF, TestSupport.await(pair.closeFuture()).reason());
            TestSupport.awaitTrue(() -> resource.closes.get() == 1, "resource closed once");
        }
        assertEquals(20, manager.counts().closed(CloseReason.READER_EOF));
        keepsServing();
    }

    @Test
    void aHookThrowingOutOfMemoryErrorIsReportedAndTheOtherHooksRun() throws Exception {
        AtomicInteger managerHook = new AtomicInteger();
        manager = ConnectionManager.builder().cleanupHook(info -> managerHook.incrementAndGet()).build();
        ExactlyOnceStressTest.CountingResource resource = new ExactlyOnceStressTest.CountingResource();
        ConnectionPair<String> pair = manager.<String>pair(resource).reader(ctx -> { }).writer((m, ctx) -> { })
                .cleanupHook(info -> {
                    throw new OutOfMemoryError("hook (test)");
                })
                .start();
        CloseInfo info = TestSupport.await(pair.closeFuture());
        assertEquals(CloseReason.READER_EOF, info.reason());
        TestSupport.awaitTrue(() -> pair.state() == PairState.CLOSED, "CLOSED");
        TestSupport.awaitTrue(() -> managerHook.get() == 1, "the manager's hook still ran");
        assertEquals(1, resource.closes.get());
        assertEquals(1, manager.counts().closed(CloseReason.READER_EOF));
        keepsServing();
    }

    /**
     * No thread at all for teardown work: the cleanup pool's fall-back cannot start a thread either
     * (here a factory that hands out threads already started, so {@code start} fails as it does when
     * the process is out of native threads). The close still returns at once, the caller does not
     * close the resource itself, and the timer's retry closes it, once, when threads come back.
     */
    @Test
    void teardownWorkNoThreadCanStartForWaitsForTheTimerAndIsNeverLost() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory threadsComeBackAfterFourRefusals = r -> {
            int n = made.incrementAndGet();
            if (n >= 2 && n <= 4) { // the reader gets thread 1; the next three cannot start
                Thread used = new Thread(() -> { });
                used.start();
                return used;
            }
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
        manager = ConnectionManager.builder().threadFactory(threadsComeBackAfterFourRefusals)
                .timerTick(java.time.Duration.ofMillis(20)).build();
        CompletableFuture<Thread> closedOn = new CompletableFuture<>();
        AtomicInteger closes = new AtomicInteger();
        AutoCloseable resource = () -> {
            closes.incrementAndGet();
            closedOn.complete(Thread.currentThread());
        };
        java.util.concurrent.CountDownLatch readerRunning = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        ConnectionPair<String> pair = manager.<String>pair(resource).reader(ctx -> {
            readerRunning.countDown();
            never.await();
        }).writer((m, ctx) -> { }).start();
        assertTrue(readerRunning.await(10, java.util.concurrent.TimeUnit.SECONDS), "reader running");

        pair.close(); // the resource close goes off-thread: no thread can start for it
        Thread closer = TestSupport.await(closedOn);
        assertTrue(closer != Thread.currentThread(), "the caller closed the resource itself");
        assertTrue(made.get() >= 5, "closed before threads came back: " + made.get() + " threads asked for");
        assertEquals(CloseReason.EXPLICIT, TestSupport.await(pair.closeFuture()).reason());
        TestSupport.awaitTrue(() -> pair.state() == PairState.CLOSED, "CLOSED");
        assertEquals(1, closes.get());
        keepsServing();
    }

    /** The manager still serves a real loopback connection: an echo round trip. */
    private void keepsServing() throws Exception {
        try (TestSupport.Loopback server = new TestSupport.Loopback(
                s -> manager.open(s, TestSupport.echoLines(), TestSupport.writeLines()))) {
            Socket client = server.connect();
            OutputStream out = client.getOutputStream();
            out.write("still serving\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("still serving", in.readLine());
        }
    }
}
