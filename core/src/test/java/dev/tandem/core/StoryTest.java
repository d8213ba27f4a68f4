package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.TestSupport.ThreadMode;
import dev.tandem.stats.Batch;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.StatsSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The story behind Tandem, reproduced: 2,000 clients connect, talk and disconnect while the stats
 * backend hangs forever (or throws, or a cleanup hook hangs forever). Afterwards nothing is left:
 * no live pair, no reader or writer thread, the process's open file count back where it started,
 * and the counts exact (opened == closed == 2,000), whatever the stats backend did.
 */
@Timeout(300)
class StoryTest {
    private static final int CLIENTS = 2_000;
    private static final int WAVE = 200;

    enum Fault { STATS_BACKEND_HANGS, STATS_BACKEND_THROWS, CLEANUP_HOOK_HANGS }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (ThreadMode m : ThreadMode.values()) {
            for (Fault f : Fault.values()) {
                out.add(Arguments.of(m, f));
            }
        }
        return out.stream();
    }

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void noLeaks() throws Exception {
        release.countDown();
        for (AutoCloseable c : toClose) {
            c.close();
        }
        TestSupport.assertNoTandemThreads();
    }

    /** A stats backend that hangs forever, as the story's did (released when the test ends). */
    private StatsSink hangs() {
        return batch -> release.await();
    }

    private static StatsSink throwsAlways() {
        return batch -> {
            throw new java.net.ConnectException("stats platform unavailable");
        };
    }

    @ParameterizedTest
    @MethodSource("cases")
    void nothingLeaksWhateverTheStatsBackendOrAHookDoes(ThreadMode mode, Fault fault) throws Exception {
        runRound(mode, fault, 40); // warm up: class loading opens jar files, which would skew the fd count
        int fdsBefore = TestSupport.openFds();

        Round r = runRound(mode, fault, CLIENTS);

        ConnectionCounts counts = r.counts;
        assertEquals(CLIENTS, counts.opened(), counts.toString());
        assertEquals(CLIENTS, counts.closedTotal(), counts.toString());
        assertEquals(CLIENTS, counts.closed(CloseReason.READER_EOF), counts.toString());
        assertEquals(0, counts.live(), counts.toString());
        assertEquals(0, counts.stuck(), counts.toString());
        assertTrue(r.pairThreadsLeft.isEmpty(), "reader/writer threads left: " + r.pairThreadsLeft);
        // Back to where they were (the JVM may close one of its own meanwhile, never open one for us).
        TestSupport.awaitTrue(() -> TestSupport.openFds() <= fdsBefore,
                "open file descriptors back to " + fdsBefore + ", now " + TestSupport.openFds());
        SinkStats s = r.sink;
        assertEquals(CLIENTS, s.recorded(), "one closed event per pair reached the door: " + s);
        if (fault == Fault.CLEANUP_HOOK_HANGS) {
            assertEquals(CLIENTS, r.hookTimeouts, "every hung hook was cut off");
        } else {
            assertTrue(s.droppedTotal() > 0, "the broken backend cost events, not connections: " + s);
        }
    }

    private static final class Round {
        ConnectionCounts counts;
        SinkStats sink;
        List<String> pairThreadsLeft;
        long hookTimeouts;
    }

    private Round runRound(ThreadMode mode, Fault fault, int clients) throws Exception {
        StatsSink sink = fault == Fault.STATS_BACKEND_THROWS ? throwsAlways()
                : fault == Fault.STATS_BACKEND_HANGS ? hangs() : batch -> { };
        StatsPipeline stats = StatsPipeline.builder()
                .sink("platform", sink, SinkOptions.builder().queueCapacity(64).batchSize(16)
                        .linger(Duration.ofMillis(5)).publishTimeout(Duration.ofMillis(50)).build())
                .closeTimeout(Duration.ofMillis(200))
                .build();
        toClose.add(stats);
        ConnectionManager.Builder b = mode.configure(ConnectionManager.builder()).stats(stats);
        java.util.concurrent.atomic.AtomicLong hookTimeouts = new java.util.concurrent.atomic.AtomicLong();
        if (fault == Fault.CLEANUP_HOOK_HANGS) {
            b.hookTimeout(Duration.ofMillis(100))
                    .cleanupHook(info -> release.await()) // forever, unless interrupted at its deadline
                    .cleanupHook(info -> hookTimeouts.addAndGet(info.laterFailures().stream()
                            .filter(f -> f instanceof CleanupHookException && ((CleanupHookException) f).timedOut()).count()));
        }
        ConnectionManager manager = b.build();
        try (TestSupport.Loopback server = new TestSupport.Loopback(
                s -> manager.open(s, TestSupport.echoLines(), TestSupport.writeLines()))) {
            for (int done = 0; done < clients; done += WAVE) {
                int n = Math.min(WAVE, clients - done);
                List<Socket> wave = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    wave.add(server.connect());
                }
                for (Socket c : wave) {
                    c.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                }
                for (Socket c : wave) {
                    String echo = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))
                            .readLine();
                    assertEquals("hello", echo);
                }
                for (Socket c : wave) {
                    c.close(); // the disconnect: the server's reader sees EOF
                }
            }
            TestSupport.awaitTrue(() -> manager.counts().closedTotal() == clients,
                    "every pair closed: " + manager.counts());
        }
        Round r = new Round();
        r.counts = manager.counts();
        r.sink = stats.sinkStats("platform");
        r.hookTimeouts = hookTimeouts.get();
        // A side thread may still be returning from its run() just after its pair reached CLOSED: it
        // did the teardown itself, or its hook was cut off and the remaining hooks ran elsewhere (G3),
        // so it returns from the interrupted hook only then. Join each for a bounded time, then list
        // what is left.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        r.pairThreadsLeft = new ArrayList<>();
        for (Thread t : TestSupport.tandemThreads()) {
            if (t.getName().matches("tandem-[0-9]+-(reader|writer)")) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    r.pairThreadsLeft.add(t.getName() + " " + t.getState());
                }
            }
        }
        assertTrue(manager.shutdown(Duration.ofSeconds(5)).clean());
        return r;
    }
}
