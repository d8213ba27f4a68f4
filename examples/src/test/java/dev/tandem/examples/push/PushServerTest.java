package dev.tandem.examples.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tandem.stats.testing.RecordingStatsSink;
import dev.tandem.core.CloseInfo;
import dev.tandem.core.CloseReason;
import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import dev.tandem.core.PairState;
import dev.tandem.core.SendResult;
import dev.tandem.core.ShutdownReport;
import dev.tandem.core.TimeSource;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The push server against real clients over loopback sockets. Every test ends with the leak check:
 * the server stops cleanly, no pair is live, no topic is left, no {@code tandem-} or {@code push-}
 * thread survives.
 */
@Timeout(120)
class PushServerTest {
    private static final Duration WAIT = LineClient.WAIT;

    enum Threads { PLATFORM, VIRTUAL }

    private PushServer server;
    private StatsPipeline stats;
    private RecordingStatsSink recorded;
    private final List<LineClient> clients = new ArrayList<>();

    @AfterEach
    void theServerStopsCleanlyAndLeavesNoPairTopicOrThreadBehind() throws Exception {
        try {
            if (server != null) {
                ShutdownReport report = server.stop(Duration.ofSeconds(10));
                assertTrue(report.clean(), report::toString);
                assertEquals(0, server.manager().counts().live(), server.manager()::dump);
                assertEquals(0, server.topics().topicCount(), "every client left its topics in its cleanup hook");
            }
        } finally {
            for (LineClient c : clients) {
                c.close();
            }
            if (stats != null) {
                assertTrue(stats.close(Duration.ofSeconds(5)), "the test's pipeline closed cleanly");
            }
        }
        assertNoThreadsNamed("tandem-", "push-");
    }

    // ================================================================== tests

    @ParameterizedTest(name = "on {0} threads")
    @EnumSource(Threads.class)
    void subscribersReceiveWhatIsPublishedUntilTheyUnsubscribe(Threads threads) throws Exception {
        if (threads == Threads.VIRTUAL) {
            assumeTrue(ConnectionManager.virtualThreadsSupported(), "virtual threads need JDK 21+");
        }
        start(withRecordedStats().virtualThreads(threads == Threads.VIRTUAL));
        assertEquals(threads == Threads.VIRTUAL, server.manager().usesVirtualThreads(), "pairs run on " + threads + " threads");
        LineClient alice = connect();
        LineClient bob = connect();
        LineClient publisher = connect();

        assertEquals("OK", alice.request("SUB news"));
        assertEquals("OK", bob.request("SUB news"));
        assertEquals("OK", publisher.request("PUB news hello, world"));
        assertEquals("MSG news hello, world", alice.readLine());
        assertEquals("MSG news hello, world", bob.readLine());

        assertEquals("OK", bob.request("UNSUB news"));
        assertEquals("OK", publisher.request("PUB news second"));
        assertEquals("MSG news second", alice.readLine());
        // A publish queues its MSG for every subscriber before the publisher gets OK: had bob still
        // been subscribed, that MSG would reach him before this PONG.
        assertEquals("PONG", bob.request("PING"), "no MSG after UNSUB");
        assertEquals(1, server.topics().subscriberCount("news"), "alice alone is subscribed");

        assertEquals("ERR unknown command: HELLO", publisher.request("HELLO there"));
        assertEquals("ERR usage: SUB <topic>", publisher.request("SUB"));
        assertEquals("ERR usage: PUB <topic> <text>", publisher.request("PUB news"));
        assertEquals("PONG", publisher.request("PING"), "an error does not end the session");
    }

    @Test
    void aSubscriberThatStopsReadingIsCutOffWhileThePublisherAndTheOthersCarryOn() throws Exception {
        // A queue of 8 fills within 9 sends once the slow client's writer blocks in a socket write,
        // long before a 5-minute write timeout: SLOW_CONSUMER is certain, WRITE_TIMEOUT impossible.
        start(withRecordedStats().outboundQueueCapacity(8).writeTimeout(Duration.ofMinutes(5))
                .idleTimeout(Duration.ofMinutes(5)));
        Topics topics = server.topics();
        LineClient healthy = connect();
        assertEquals("OK", healthy.request("SUB news"));
        Set<ConnectionPair<String>> before = topics.subscribers("news");
        LineClient slow = connect(4096); // a small receive window, and it never reads after its OK
        assertEquals("OK", slow.request("SUB news"));
        ConnectionPair<String> slowPair = theOneAdded(before, topics.subscribers("news"));
        ConnectionPair<String> healthyPair = before.iterator().next();
        LineClient publisher = connect();

        String payload = "x".repeat(32 * 1024);
        int published = 0;
        while (slowPair.state() == PairState.OPEN) { // the overflowing send closes it before the publisher's OK
            assertTrue(published < 5_000, "the slow subscriber was still open after " + published + " publishes");
            String text = published + " " + payload;
            assertEquals("OK", publisher.request("PUB news " + text), "the publisher is never held up");
            // Read in step with the publisher: the healthy subscriber never has more than one message queued.
            assertEquals("MSG news " + text, healthy.readLine(), "the healthy subscriber gets message " + published);
            published++;
        }
        CloseInfo info = await(slowPair.closeFuture());
        assertEquals(CloseReason.SLOW_CONSUMER, info.reason(), info::toString);
        assertEquals(PairState.OPEN, healthyPair.state(), "the healthy subscriber is still open");
        // The close future completes after the cleanup hooks: the slow client has left its topics.
        assertEquals(Set.of(healthyPair), topics.subscribers("news"), "the slow client left the topic");
        assertEquals(1, topics.deliveries(SendResult.OVERFLOW), "one send found its queue full; it was closing after that");

        long sentToClosed = topics.deliveries(SendResult.CLOSED);
        long accepted = topics.deliveries(SendResult.ACCEPTED);
        assertEquals("OK", publisher.request("PUB news after"));
        assertEquals("MSG news after", healthy.readLine());
        assertEquals(sentToClosed, topics.deliveries(SendResult.CLOSED), "nothing was sent to the closed client");
        assertEquals(accepted + 1, topics.deliveries(SendResult.ACCEPTED), "'after' went to the healthy subscriber only");
        assertEquals("PONG", publisher.request("PING"));
        assertEquals(1, server.manager().counts().closed(CloseReason.SLOW_CONSUMER), () -> server.manager().counts().toString());
        assertTrue(recorded.awaitEvents(e -> e.name().equals("tandem.connection.closed")
                && "slow_consumer".equals(e.tags().get("reason")), 1, WAIT), "the stats sink saw the close");
    }

    @Test
    void aClientThatGoesSilentIsClosedByTheIdleTimeoutWhileOneThatPingsStaysOpen() throws Exception {
        ManualClock clock = new ManualClock();
        // The write timeout is far beyond every clock step, so a step can never look like a stalled write.
        start(withRecordedStats().clock(clock).timerTick(Duration.ofMillis(5))
                .idleTimeout(Duration.ofSeconds(30)).writeTimeout(Duration.ofMinutes(10)));
        Topics topics = server.topics();
        LineClient silent = connect();
        assertEquals("OK", silent.request("SUB news"));
        ConnectionPair<String> silentPair = theOneAdded(Set.of(), topics.subscribers("news"));
        LineClient pinging = connect();
        assertEquals("OK", pinging.request("SUB news"));
        ConnectionPair<String> pingingPair = theOneAdded(Set.of(silentPair), topics.subscribers("news"));

        clock.advance(Duration.ofSeconds(20));
        assertEquals("PONG", pinging.request("PING")); // input at t=20s resets its idle timer
        clock.advance(Duration.ofSeconds(20)); // t=40s: silent for 40s, pinging for 20s

        CloseInfo info = await(silentPair.closeFuture());
        assertEquals(CloseReason.IDLE_TIMEOUT, info.reason(), info::toString);
        assertNull(silent.readLine(), "the silent client sees the server hang up");
        assertEquals(PairState.OPEN, pingingPair.state(), "20s without input is within the idle timeout");
        assertEquals(Set.of(pingingPair), topics.subscribers("news"), "the silent client left its topic");

        clock.advance(Duration.ofSeconds(11)); // t=51s: 31s since its PING
        assertEquals(CloseReason.IDLE_TIMEOUT, await(pingingPair.closeFuture()).reason());
        assertEquals(0, topics.topicCount(), "the pinging client left its topic too");
        assertEquals(2, server.manager().counts().closed(CloseReason.IDLE_TIMEOUT), () -> server.manager().counts().toString());
    }

    @Test
    void theDiagnosticsEndpointOnLoopbackShowsTheConnectedClients() throws Exception {
        start(new PushServerOptions()); // the default pipeline with a LoggingStatsSink, closed by stop
        LineClient a = connect();
        LineClient b = connect();
        assertEquals("OK", a.request("SUB news"));
        assertEquals("OK", b.request("SUB sport"));
        URI base = server.diagnosticsUri();
        assertTrue(InetAddress.getByName(base.getHost()).isLoopbackAddress(), base.toString());

        String pairs = get(base.resolve("pairs"));
        assertTrue(pairs.startsWith("tandem pair profile: total 2 (open 2, closing 0, stuck 0), manager push\n"), pairs);
        assertTrue(pairs.contains("dev.tandem.examples.push.PushSession.read("), "where the readers wait:\n" + pairs);
        String counts = get(base.resolve("counts"));
        assertTrue(counts.startsWith("opened=2 live=2 "), counts);

        ConnectionPair<String> aPair = theOneAdded(Set.of(), server.topics().subscribers("news"));
        a.close();
        assertEquals(CloseReason.READER_EOF, await(aPair.closeFuture()).reason());
        String closed = get(base.resolve("closed"));
        assertTrue(closed.contains("id=" + aPair.id() + ", reason=READER_EOF"), closed);
        String after = get(base.resolve("pairs"));
        assertTrue(after.startsWith("tandem pair profile: total 1 (open 1"), after);
    }

    // ================================================================== helpers

    private void start(PushServerOptions options) throws IOException {
        server = PushServer.start(options);
    }

    /** Options with the test's own pipeline, which records what reaches its sink. */
    private PushServerOptions withRecordedStats() {
        recorded = new RecordingStatsSink();
        stats = StatsPipeline.builder()
                .sink("recorded", recorded, SinkOptions.builder()
                        .linger(Duration.ofMillis(10)).metricsInterval(Duration.ofMillis(100)).build())
                .build();
        return new PushServerOptions().stats(stats);
    }

    private LineClient connect() throws IOException {
        return connect(0);
    }

    private LineClient connect(int receiveBufferBytes) throws IOException {
        LineClient c = LineClient.connect(server.port(), receiveBufferBytes);
        clients.add(c);
        return c;
    }

    private static ConnectionPair<String> theOneAdded(Set<ConnectionPair<String>> before,
                                                      Set<ConnectionPair<String>> after) {
        Set<ConnectionPair<String>> added = new HashSet<>(after);
        added.removeAll(before);
        assertEquals(1, added.size(), () -> "one new subscriber, not " + added);
        return added.iterator().next();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String get(URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout((int) WAIT.toMillis());
        c.setReadTimeout((int) WAIT.toMillis());
        try {
            assertEquals(200, c.getResponseCode(), "GET " + uri);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }

    /** The goleak check, bounded: every thread with one of these prefixes ends within the wait. */
    private static void assertNoThreadsNamed(String... prefixes) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Thread> alive = threadsNamed(prefixes);
        while (!alive.isEmpty() && System.nanoTime() - deadline < 0) {
            alive.get(0).join(50);
            alive = threadsNamed(prefixes);
        }
        if (!alive.isEmpty()) {
            StringBuilder sb = new StringBuilder("threads left after " + WAIT + ":");
            for (Thread t : alive) {
                sb.append("\n  ").append(t.getName()).append(' ').append(t.getState());
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\n    at ").append(e);
                }
            }
            fail(sb.toString());
        }
    }

    private static List<Thread> threadsNamed(String... prefixes) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            for (String p : prefixes) {
                if (t.getName().startsWith(p) && t.isAlive()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** A clock the test moves by hand. */
    static final class ManualClock implements TimeSource {
        private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1));

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public long currentTimeMillis() {
            return TimeUnit.NANOSECONDS.toMillis(nanos.get());
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }
}
