package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.function.Executable;

/** Bad input fails at the API edge with a clear message; misuse on the hot path returns a result. */
class BadInputTest {
    private ConnectionManager manager;

    @AfterEach
    void noLeaks() throws InterruptedException {
        if (manager != null) {
            manager.shutdown(Duration.ofSeconds(5));
        }
        TestSupport.assertNoTandemThreads();
    }

    private static void iae(String message, Consumer<ConnectionManager.Builder> change) {
        atBuild(IllegalArgumentException.class, message, change);
    }

    /**
     * The one rule of every Tandem builder: setters take anything, {@code build()} checks it all,
     * and the message starts with the option's name as the builder (and the docs) spell it.
     */
    private static void atBuild(Class<? extends RuntimeException> type, String message,
                                Consumer<ConnectionManager.Builder> change) {
        ConnectionManager.Builder b = ConnectionManager.builder();
        assertDoesNotThrow(() -> change.accept(b), "setters do not validate: build() does");
        RuntimeException e = assertThrows(type, b::build);
        assertEquals(message, e.getMessage());
        String option = message.split(":", 2)[0];
        assertTrue(Arrays.stream(ConnectionManager.Builder.class.getMethods()).anyMatch(m -> m.getName().equals(option)),
                "'" + option + "' is the name of a builder option");
    }

    private static void npe(String message, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void nonPositiveTimeoutsAndCapacitiesAreRejected() {
        iae("outboundQueueCapacity: 0 (expected: > 0)", b -> b.outboundQueueCapacity(0));
        iae("idleTimeout: PT0S (expected: > 0)", b -> b.idleTimeout(Duration.ZERO));
        iae("writeTimeout: PT-1S (expected: > 0)", b -> b.writeTimeout(Duration.ofSeconds(-1)));
        iae("gracePeriod: PT0S (expected: > 0)", b -> b.gracePeriod(Duration.ZERO));
        iae("hookTimeout: PT0S (expected: > 0)", b -> b.hookTimeout(Duration.ZERO));
        iae("timerTick: PT0S (expected: > 0)", b -> b.timerTick(Duration.ZERO));
        iae("recentlyClosed: -1 (expected: > 0)", b -> b.recentlyClosed(-1));
        iae("name: \"\" (expected: not empty)", b -> b.name(""));
        assertTrue(TestSupport.tandemThreads().isEmpty(), "a rejected build starts no thread");
    }

    @Test
    void nullOptionsAreRejectedByBuildNamingTheOption() {
        atBuild(NullPointerException.class, "name", b -> b.name(null));
        atBuild(NullPointerException.class, "stats", b -> b.stats(null));
        atBuild(NullPointerException.class, "timeSource", b -> b.timeSource(null));
        atBuild(NullPointerException.class, "threadFactory", b -> b.threadFactory(null));
        atBuild(NullPointerException.class, "overflowPolicy", b -> b.overflowPolicy(null));
        atBuild(NullPointerException.class, "cleanupHook", b -> b.cleanupHook(null));
        atBuild(NullPointerException.class, "writeTimeout", b -> b.writeTimeout(null));
        atBuild(NullPointerException.class, "gracePeriod", b -> b.gracePeriod(null));
        atBuild(NullPointerException.class, "hookTimeout", b -> b.hookTimeout(null));
        assertTrue(TestSupport.tandemThreads().isEmpty(), "a rejected build starts no thread");
    }

    @Test
    void nullsNameTheParameter() {
        manager = ConnectionManager.builder().build();
        npe("resource", () -> manager.open(null, ctx -> { }, (m, ctx) -> { }));
        npe("reader", () -> manager.open(() -> { }, null, (m, ctx) -> { }));
        npe("writer", () -> manager.<String>pair(() -> { }).reader(ctx -> { }).start());
        npe("cleanupHook", () -> manager.<String>pair(() -> { }).reader(ctx -> { }).writer((m, ctx) -> { })
                .cleanupHook(null).start());
        npe("messageType", () -> manager.open(null, () -> { }, ctx -> { }, (m, ctx) -> { }));
        npe("timeout", () -> manager.shutdown(null));
        ConnectionPair<String> p = manager.open(() -> { }, ctx -> { }, (m, ctx) -> { });
        npe("message", () -> p.send(null));
        npe("hook", () -> p.addCleanupHook(null));
    }

    @Test
    void startingTwiceAndBuildingTwiceAreIllegalStates() throws Exception {
        ConnectionManager.Builder b = ConnectionManager.builder();
        manager = b.build();
        assertThrows(IllegalStateException.class, b::build);
        ConnectionManager.PairBuilder<String> pb = manager.<String>pair(() -> { }).reader(ctx -> { }).writer((m, ctx) -> { });
        ConnectionPair<String> p = pb.start();
        IllegalStateException e = assertThrows(IllegalStateException.class, pb::start);
        assertEquals("pair already started (expected: one start per builder)", e.getMessage());
        TestSupport.await(p.closeFuture());
    }

    @Test
    void sendAfterCloseReturnsClosedAndOpeningAfterShutdownClosesTheResource() throws Exception {
        manager = ConnectionManager.builder().build();
        ConnectionPair<String> p = manager.open(() -> { }, ctx -> { }, (m, ctx) -> { });
        TestSupport.await(p.closeFuture());
        assertEquals(SendResult.CLOSED, p.send("late"));
        assertTrue(manager.shutdown(Duration.ofSeconds(5)).clean());
        AtomicInteger closes = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> manager.open(closes::incrementAndGet, ctx -> { }, (m, ctx) -> { }));
        assertEquals("manager 'default' is shut down (expected: open pairs before shutdown)", e.getMessage());
        assertEquals(1, closes.get(), "the refused resource is closed, so it cannot leak");
        assertThrows(IllegalArgumentException.class, () -> manager.shutdown(Duration.ofSeconds(-1)));
    }

    @Test
    @EnabledForJreRange(max = JRE.JAVA_20)
    void virtualThreadsBelowJdk21AreRefusedWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ConnectionManager.builder().virtualThreads().build());
        assertTrue(e.getMessage().startsWith("virtual threads need JDK 21 or newer"), e.getMessage());
    }

    @Test
    void streamsAreRefusedForResourcesThatHaveNone() throws Exception {
        manager = ConnectionManager.builder().build();
        java.util.concurrent.CompletableFuture<Throwable> seen = new java.util.concurrent.CompletableFuture<>();
        ConnectionPair<String> p = manager.open(() -> { }, ctx -> {
            try {
                ctx.input();
            } catch (UnsupportedOperationException expected) {
                seen.complete(expected);
            }
        }, (m, ctx) -> { });
        TestSupport.await(p.closeFuture());
        assertTrue(seen.get().getMessage().startsWith("input() needs a Socket or SocketChannel resource"));
    }
}
