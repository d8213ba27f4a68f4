package dev.tandem.core;

import static dev.tandem.core.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.RecordedEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The core's Flight Recorder events, read back from a live recording, one test per event kind. */
@Timeout(120)
class FlightRecorderTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private ConnectionManager manager;
    private RecordedEvents events;

    @AfterEach
    void noLeaks() throws InterruptedException {
        release.countDown();
        if (events != null) {
            events.close();
        }
        if (manager != null) {
            manager.shutdown(Duration.ofSeconds(5));
            TestSupport.awaitTrue(() -> manager.counts().live() == 0, "every pair closed");
        }
        TestSupport.assertNoTandemThreads();
    }

    private static Predicate<RecordedEvent> of(String type, String managerName) {
        return e -> e.getEventType().getName().equals(type) && managerName.equals(e.getString("manager"));
    }

    private void ignoreInterruptsUntilReleased() {
        TestSupport.ignoreInterruptsUntil(release);
    }

    @Test
    void recordsAPairOpened() throws Exception {
        events = RecordedEvents.of("dev.tandem.PairOpened");
        manager = ConnectionManager.builder().name("jfr-opened").build();
        ConnectionPair<String> pair = manager.open(() -> { }, ctx -> release.await(), (m, ctx) -> { });
        RecordedEvent e = events.next(of("dev.tandem.PairOpened", "jfr-opened"));
        assertEquals(pair.id(), e.getLong("pairId"));
        assertFalse(e.getBoolean("virtualThreads"));
        assertTrue(e.getClass("resource").getName().startsWith(FlightRecorderTest.class.getName()), e.toString());
    }

    @Test
    void recordsAPairClosedWithReasonLifetimeBytesAndMessages() throws Exception {
        events = RecordedEvents.of("dev.tandem.PairClosed");
        manager = ConnectionManager.builder().name("jfr-closed").build();
        BlockingQueue<ConnectionPair<String>> accepted = new LinkedBlockingQueue<>();
        try (TestSupport.Loopback server = new TestSupport.Loopback(
                s -> accepted.add(manager.open(s, TestSupport.echoLines(), TestSupport.writeLines())))) {
            Socket client = server.connect();
            client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
            Reader in = new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8);
            char[] echo = new char[5];
            assertEquals(5, in.read(echo, 0, 5));
            client.shutdownOutput(); // EOF: the reader returns
            ConnectionPair<String> pair = accepted.poll(20, TimeUnit.SECONDS);
            CloseInfo info = await(pair.closeFuture());
            RecordedEvent e = events.next(of("dev.tandem.PairClosed", "jfr-closed"));
            assertEquals(pair.id(), e.getLong("pairId"));
            assertEquals("READER_EOF", e.getString("reason"));
            assertEquals(null, e.getString("cause"));
            assertEquals(info.lifetime(), Duration.ofNanos(e.getLong("lifetime")));
            assertEquals(5, e.getLong("bytesIn"));
            assertEquals(5, e.getLong("bytesOut"));
            assertEquals(1, e.getLong("messagesIn"));
            assertEquals(1, e.getLong("messagesOut"));
            assertEquals(0, e.getLong("messagesDropped"));
            assertFalse(e.getBoolean("stuck"));
        }
    }

    @Test
    void recordsAPairStuckWithTheStackOfTheSideThatDidNotExit() throws Exception {
        events = RecordedEvents.of("dev.tandem.PairStuck");
        manager = ConnectionManager.builder().name("jfr-stuck").gracePeriod(Duration.ofMillis(100)).build();
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        ConnectionPair<String> pair = manager.open(() -> { }, ctx -> {
            reading.countDown();
            ignoreInterruptsUntilReleased();
        }, (m, ctx) -> { });
        // a reader whose pair closes before a pooled thread picks it up never runs, and nothing hangs
        assertTrue(reading.await(30, java.util.concurrent.TimeUnit.SECONDS), "the reader runs");
        pair.close();
        RecordedEvent e = events.next(of("dev.tandem.PairStuck", "jfr-stuck"));
        assertEquals(pair.id(), e.getLong("pairId"));
        assertTrue(e.getString("readerStack").contains("FlightRecorderTest.ignoreInterruptsUntilReleased("),
                e.getString("readerStack"));
        assertTrue(e.getString("whatIsStuck").contains("reader"), e.getString("whatIsStuck"));
        assertTrue(Duration.ofNanos(e.getLong("closing")).compareTo(Duration.ofMillis(100)) >= 0, e.toString());
        release.countDown();
        await(pair.closeFuture());
    }

    @Test
    void recordsAHookThatThrewAndOneThatTimedOut() throws Exception {
        events = RecordedEvents.of("dev.tandem.HookFailed");
        manager = ConnectionManager.builder().name("jfr-hooks").hookTimeout(Duration.ofMillis(100)).build();
        ConnectionPair<String> pair = manager.<String>pair(() -> { })
                .reader(ctx -> { })
                .writer((m, ctx) -> { })
                .cleanupHook(info -> {
                    throw new IllegalStateException("hook says no");
                })
                .cleanupHook(info -> ignoreInterruptsUntilReleased())
                .start();
        await(pair.closeFuture());
        RecordedEvent threw = events.next(of("dev.tandem.HookFailed", "jfr-hooks").and(e -> !e.getBoolean("timedOut")));
        assertEquals(pair.id(), threw.getLong("pairId"));
        assertEquals(0, threw.getInt("hookIndex"));
        assertEquals("java.lang.IllegalStateException: hook says no", threw.getString("thrown"));
        RecordedEvent timedOut = events.next(of("dev.tandem.HookFailed", "jfr-hooks").and(e -> e.getBoolean("timedOut")));
        assertEquals(1, timedOut.getInt("hookIndex"));
        assertTrue(timedOut.getString("where").contains("ignoreInterruptsUntilReleased"), timedOut.getString("where"));
        assertTrue(timedOut.getString("message").contains("did not finish within"), timedOut.getString("message"));
    }

    @Test
    void recordsAManagerShutdownWithItsReportsFigures() throws Exception {
        events = RecordedEvents.of("dev.tandem.ManagerShutdown");
        manager = ConnectionManager.builder().name("jfr-shutdown").gracePeriod(Duration.ofMillis(50)).build();
        manager.open(() -> { }, ctx -> release.await(), (m, ctx) -> { });
        java.util.concurrent.CountDownLatch stragglerReading = new java.util.concurrent.CountDownLatch(1);
        ConnectionPair<String> straggler = manager.open(() -> { }, ctx -> {
            stragglerReading.countDown();
            ignoreInterruptsUntilReleased();
        }, (m, ctx) -> { });
        // on pooled threads a reader whose pair closes before it runs never runs: nothing would hang
        assertTrue(stragglerReading.await(10, java.util.concurrent.TimeUnit.SECONDS), "straggler's reader running");
        ShutdownReport report = manager.shutdown(Duration.ofMillis(300));
        RecordedEvent e = events.next(of("dev.tandem.ManagerShutdown", "jfr-shutdown"));
        assertEquals(2, e.getInt("closedByShutdown"));
        assertEquals(1, e.getInt("stragglers"));
        assertEquals("[" + straggler.id() + "]", e.getString("stragglerIds"));
        assertFalse(e.getBoolean("clean"));
        assertEquals(report.stragglers().size(), e.getInt("stragglers"));
        assertTrue(e.getDuration().compareTo(Duration.ofMillis(250)) >= 0, "spans the shutdown: " + e.getDuration());
    }

    @Test
    void theJfcInTheJarConfiguresEveryTandemEventOfTheCore() throws IOException, java.text.ParseException, InterruptedException {
        Configuration jfc;
        try (InputStream in = ConnectionManager.class.getResourceAsStream("/dev/tandem/tandem.jfc")) {
            jfc = Configuration.create(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        Map<String, String> s = jfc.getSettings();
        for (String name : new String[] {"PairOpened", "PairClosed", "PairStuck", "HookFailed", "ManagerShutdown"}) {
            assertEquals("true", s.get("dev.tandem." + name + "#enabled"), name);
        }
        assertEquals("0 ms", s.get("dev.tandem.ManagerShutdown#threshold"));
        assertEquals("10 s", s.get("dev.tandem.StatsDropped#period"));
        // the names in the file are the events' real names: a recording of it enables them
        manager = ConnectionManager.builder().name("jfr-jfc").build();
        manager.open(() -> { }, ctx -> { }, (m, ctx) -> { });
        TestSupport.awaitTrue(() -> FlightRecorder.getFlightRecorder().getEventTypes().stream()
                .map(EventType::getName).filter(n -> n.startsWith("dev.tandem.Pair")).count() >= 2, "event types registered");
        for (EventType t : FlightRecorder.getFlightRecorder().getEventTypes()) {
            if (t.getName().startsWith("dev.tandem.")) {
                assertTrue(s.containsKey(t.getName() + "#enabled"), "the .jfc names " + t.getName());
                assertEquals(java.util.List.of("Tandem", "Connections"), t.getCategoryNames(), t.getName());
                assertTrue(t.getDescription() != null && !t.getDescription().isEmpty(), t.getName());
            }
        }
    }
}
