package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.diagnostics.DiagnosticsServer;
import dev.tandem.core.diagnostics.ThreadProfile;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** G8: the grouped dump, the per-pair view, the closed ring and the loopback HTTP endpoint. */
@Timeout(60)
class DiagnosticsTest {
    private ConnectionManager manager;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void noLeaks() throws InterruptedException {
        release.countDown();
        if (manager != null) {
            assertTrue(manager.shutdown(Duration.ofSeconds(5)).clean());
        }
        TestSupport.assertNoTandemThreads();
    }

    private void waitInReaderA(PairContext<String> ctx) throws InterruptedException {
        release.await();
    }

    private void waitInReaderB(PairContext<String> ctx) throws InterruptedException {
        release.await();
    }

    private List<ConnectionPair<String>> openPairs() throws Exception {
        return openPairs(TestSupport.ThreadMode.PLATFORM);
    }

    private List<ConnectionPair<String>> openPairs(TestSupport.ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder()).recentlyClosed(2).build();
        List<ConnectionPair<String>> pairs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pairs.add(manager.open(() -> { }, this::waitInReaderA, (m, ctx) -> { }));
        }
        pairs.add(manager.open(() -> { }, this::waitInReaderB, (m, ctx) -> { }));
        // Group by identical stacks needs every side at rest: readers in their wait (a reader still
        // on its way there has another stack and would split a group); writers hold no thread.
        TestSupport.awaitTrue(() -> manager.pairs().stream().allMatch(
                s -> s.reader().stack().stream().anyMatch(e -> e.getMethodName().startsWith("waitInReader"))
                        && s.writer().idle() && s.writer().stack().isEmpty()),
                "every reader is parked in its wait and every writer idle with no thread");
        return pairs;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestSupport.ThreadMode.class)
    void theDumpGroupsPairsByStateAndStacksMostCommonFirst(TestSupport.ThreadMode mode) throws Exception {
        openPairs(mode); // virtual threads are absent from jstack; the dump still shows their stacks
        String dump = manager.dump();
        assertTrue(dump.startsWith("tandem pair profile: total 4 (open 4, closing 0, stuck 0), manager default\n"), dump);
        int a = dump.indexOf("\n3 @ OPEN oldest ");
        int b = dump.indexOf("\n1 @ OPEN oldest ");
        assertTrue(a > 0 && b > a, "the group of three comes first:\n" + dump);
        assertTrue(dump.substring(a, b).contains("waitInReaderA"), dump);
        assertTrue(dump.substring(b).contains("waitInReaderB"), dump);
        assertTrue(dump.contains("#\twriter idle (no thread)"), "idle writers hold no thread: " + dump);
        assertTrue(!dump.contains("WriteSide"), "no drain runs between bursts: " + dump);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestSupport.ThreadMode.class)
    void aDrainInProgressShowsItsThreadAndStack(TestSupport.ThreadMode mode) throws Exception {
        manager = mode.configure(ConnectionManager.builder()).build();
        java.util.concurrent.CountDownLatch inWrite = new java.util.concurrent.CountDownLatch(1);
        ConnectionPair<String> p = manager.open(() -> { }, this::waitInReaderA, (m, ctx) -> writeBlocked(inWrite));
        assertEquals(SendResult.ACCEPTED, p.send("m"));
        assertTrue(inWrite.await(20, java.util.concurrent.TimeUnit.SECONDS));
        PairSnapshot.Side w = manager.pair(p.id()).orElseThrow().writer();
        assertEquals("tandem-" + p.id() + "-writer", w.threadName());
        assertTrue(w.alive() && !w.idle(), w.toString());
        assertTrue(w.stack().stream().anyMatch(e -> e.getMethodName().equals("writeBlocked")), w.toString());
        String dump = manager.dump();
        assertTrue(dump.contains("writeBlocked") && dump.contains("WriteSide.drain"), dump);
        release.countDown();
        p.close();
        TestSupport.await(p.closeFuture());
    }

    private void writeBlocked(java.util.concurrent.CountDownLatch inWrite) throws InterruptedException {
        inWrite.countDown();
        release.await();
    }

    @Test
    void thePerPairViewAndTheRingOfClosedPairs() throws Exception {
        List<ConnectionPair<String>> pairs = openPairs();
        PairSnapshot one = manager.pair(pairs.get(0).id()).orElseThrow();
        assertEquals(PairState.OPEN, one.state());
        assertEquals("tandem-" + one.id() + "-reader", one.reader().threadName());
        assertTrue(one.toString().contains("waitInReaderA"), one.toString());
        for (ConnectionPair<String> p : pairs) {
            p.close();
            TestSupport.await(p.closeFuture());
        }
        List<CloseInfo> ring = manager.recentlyClosed();
        assertEquals(2, ring.size(), "the ring keeps the last N");
        assertEquals(pairs.get(3).id(), ring.get(1).id());
        assertEquals(CloseReason.EXPLICIT, ring.get(1).reason());
        assertTrue(manager.pair(one.id()).isEmpty());
    }

    @Test
    void theHttpEndpointServesTheViewsOnLoopbackForGetOnly() throws Exception {
        List<ConnectionPair<String>> pairs = openPairs();
        DiagnosticsServer server = DiagnosticsServer.start(manager, 0);
        InetSocketAddress at = server.address();
        assertTrue(at.getAddress().isLoopbackAddress(), "bound to loopback: " + at);
        String base = "http://127.0.0.1:" + at.getPort();
        assertTrue(get(base + "/tandem/pairs", 200).contains("3 @ OPEN"));
        assertTrue(get(base + "/tandem/pairs/" + pairs.get(0).id(), 200).contains("pair " + pairs.get(0).id() + " OPEN"));
        assertTrue(get(base + "/tandem/pairs/999", 404).contains("no live pair 999"));
        assertTrue(get(base + "/tandem/pairs/x", 400).contains("must be a number"));
        assertTrue(get(base + "/tandem/counts", 200).startsWith("opened=4 live=4"));
        assertTrue(get(base + "/tandem/threads", 200).startsWith("thread profile: total "));
        pairs.get(0).close();
        TestSupport.await(pairs.get(0).closeFuture());
        assertTrue(get(base + "/tandem/closed", 200).contains("reason=EXPLICIT"));
        HttpURLConnection post = (HttpURLConnection) java.net.URI.create(base + "/tandem/pairs").toURL().openConnection();
        post.setRequestMethod("POST");
        assertEquals(405, post.getResponseCode());
        assertThrows(IllegalArgumentException.class, () -> DiagnosticsServer.start(manager, 65536), "port range");
    }

    @Test
    void theEndpointStopsWithItsManagerAndRefusesAShutDownOne() throws Exception {
        manager = ConnectionManager.builder().build();
        DiagnosticsServer server = DiagnosticsServer.start(manager, 0);
        String base = "http://127.0.0.1:" + server.address().getPort();
        assertTrue(get(base + "/tandem/counts", 200).startsWith("opened=0"));
        manager.shutdown(Duration.ofSeconds(5));
        TestSupport.awaitTrue(() -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(server.address(), 1_000);
                return false;
            } catch (IOException refused) {
                return true;
            }
        }, "the endpoint's port is closed once the manager has shut down");
        assertThrows(IllegalStateException.class, () -> DiagnosticsServer.start(manager, 0), "after shutdown");
    }

    private static String get(String url, int expectedStatus) throws IOException {
        HttpURLConnection c = (HttpURLConnection) java.net.URI.create(url).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(5_000);
        assertEquals(expectedStatus, c.getResponseCode(), url);
        try (java.io.InputStream in = expectedStatus < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theJvmWideThreadProfileGroupsIdenticalStacks() throws Exception {
        CountDownLatch parked = new CountDownLatch(5);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Thread t = new Thread(() -> {
                parked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "profile-test-" + i);
            t.start();
            ts.add(t);
        }
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        TestSupport.awaitTrue(() -> ts.stream().allMatch(t -> t.getState() == Thread.State.WAITING), "all parked");
        String profile = ThreadProfile.capture();
        assertTrue(profile.contains("5 @ WAITING e.g. \"profile-test-"), profile);
        release.countDown();
        for (Thread t : ts) {
            t.join();
        }
    }
}
