package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** G2/G3: hooks run once, in order, after the resource is closed, with deadlines that really cut off. */
@Timeout(60)
class CleanupHookTest {
    private ConnectionManager manager;
    private TestSupport.Loopback loopback;
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void noLeaks() throws Exception {
        if (loopback != null) {
            loopback.close();
        }
        if (manager != null) {
            assertTrue(manager.shutdown(Duration.ofSeconds(10)).clean());
            TestSupport.assertNoPairs(manager);
        }
        TestSupport.assertNoTandemThreads();
    }

    @Test
    void hooksRunOnceInOrderAfterTheSocketClosedAndNeverOnTheClosingThread() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<String> hookThreads = new CopyOnWriteArrayList<>();
        manager = ConnectionManager.builder()
                .cleanupHook(info -> events.add("manager hook"))
                .build();
        java.util.concurrent.BlockingQueue<ConnectionPair<String>> accepted = new java.util.concurrent.LinkedBlockingQueue<>();
        loopback = new TestSupport.Loopback(s -> {
            ConnectionPair<String> p = manager.<String>pair(s)
                    .reader(TestSupport.echoLines())
                    .writer(TestSupport.writeLines())
                    .cleanupHook(info -> {
                        hookThreads.add(Thread.currentThread().getName());
                        events.add("first pair hook, socket closed=" + s.isClosed());
                    })
                    .cleanupHook(info -> events.add("second pair hook " + info.reason()))
                    .start();
            assertTrue(p.addCleanupHook(info -> events.add("added hook")));
            accepted.add(p);
        });
        loopback.connect();
        ConnectionPair<String> pair = accepted.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(pair != null);
        assertTrue(pair.close()); // from the test thread: the hooks must not run here
        assertFalse(pair.addCleanupHook(info -> events.add("too late")), "no hook after close");
        CloseInfo info = TestSupport.await(pair.closeFuture());
        assertEquals(CloseReason.EXPLICIT, info.reason());
        assertEquals(List.of("first pair hook, socket closed=true", "second pair hook EXPLICIT", "added hook",
                "manager hook"), events);
        String hookThread = hookThreads.get(0);
        assertNotEquals(Thread.currentThread().getName(), hookThread);
        assertTrue(hookThread.matches("tandem-(" + pair.id() + "-(reader|writer)|cleanup-[0-9]+)"),
                "hooks run on the pair's last side to exit, or a cleanup thread: " + hookThread);
    }

    @Test
    void aHookThatThrowsIsReportedAndTheNextHookStillRuns() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        manager = ConnectionManager.builder().cleanupHook(info -> ran.add("manager")).build();
        ConnectionPair<String> p = manager.<String>pair(() -> { })
                .reader(ctx -> { })
                .writer((m, ctx) -> { })
                .cleanupHook(info -> {
                    throw new IllegalStateException("hook bug");
                })
                .cleanupHook(info -> ran.add("second"))
                .start();
        CloseInfo info = TestSupport.await(p.closeFuture());
        assertEquals(CloseReason.READER_EOF, info.reason());
        assertEquals(List.of("second", "manager"), ran);
        assertEquals(1, info.laterFailures().size(), info.laterFailures().toString());
        CleanupHookException f = assertInstanceOf(CleanupHookException.class, info.laterFailures().get(0));
        assertEquals("hook bug", f.getCause().getMessage());
        assertFalse(f.timedOut(), "a hook that threw did not time out");
        assertEquals(0, f.hookIndex(), "the first hook of the chain threw");
    }

    @Test
    void aHookThatBlocksIsCutOffAtItsDeadlineAndTheRestRunOnAnotherThread() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        manager = ConnectionManager.builder().hookTimeout(Duration.ofMillis(100)).build();
        String[] blockedOn = new String[1];
        ConnectionPair<String> p = manager.<String>pair(() -> { })
                .reader(ctx -> { })
                .writer((m, ctx) -> { })
                .cleanupHook(info -> {
                    blockedOn[0] = Thread.currentThread().getName();
                    try {
                        never.await(); // blocks forever, but honours interrupts
                    } catch (InterruptedException e) {
                        ran.add("first interrupted");
                        throw e; // after the cut-off: must not be reported a second time
                    }
                })
                .cleanupHook(info -> ran.add("second on " + Thread.currentThread().getName().replaceAll("[0-9]+", "N")))
                .start();
        CloseInfo info = TestSupport.await(p.closeFuture());
        TestSupport.awaitTrue(() -> ran.size() == 2, "both hooks accounted for");
        assertTrue(ran.contains("second on tandem-cleanup-N"), ran.toString());
        assertTrue(ran.contains("first interrupted"), ran.toString());
        assertNotEquals(null, blockedOn[0]);
        CleanupHookException t = assertInstanceOf(CleanupHookException.class, info.laterFailures().get(0));
        assertTrue(t.timedOut(), "cut off at its deadline");
        assertEquals(null, t.getCause(), "a timed-out hook has no cause: its stack is where it hung");
        assertTrue(java.util.Arrays.stream(t.getStackTrace()).anyMatch(e -> e.getClassName().contains("CountDownLatch")),
                "the timeout carries the stack where the hook was blocked");
        assertEquals(PairState.CLOSED, p.state());
        TestSupport.awaitTrue(() -> TestSupport.tandemThreads().stream()
                .noneMatch(th -> th.getName().startsWith("tandem-" + p.id() + "-")), "the abandoned hook's thread ended");
        assertEquals(1, info.laterFailures().size(), info.laterFailures().toString());
        assertEquals(1, manager.stats().measurements().stream()
                .filter(m -> m.name().equals("tandem.connections.hook.failures")).findFirst().orElseThrow().longValue(),
                "one hook, one failure: the timeout, not also the interrupt that followed it");
    }
}
