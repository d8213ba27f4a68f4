package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The randomized fault harness (issue 13): thousands of generated pairs per run, in rounds of one
 * manager each, every pair a random mix over real loopback sockets and in-memory resources of a
 * reader that returns, throws, waits for input or hangs ignoring interrupts; a writer that writes,
 * throws or blocks in a write; a peer that closes, resets, vanishes or stops reading; 0 to 3
 * threads calling {@code close()} at once; pair hooks that throw or hang past their deadline; a
 * stats sink that hangs, throws an Error or crawls; and {@code shutdown} at a random moment.
 *
 * <p>After each round: every pair reached CLOSED, or was reported STUCK in the shutdown report with
 * the stack of the side that hangs (and reaches CLOSED once released); each resource closed exactly
 * once; each hook (the pair's and the manager's) ran exactly once; the counts per reason are exactly
 * the reasons the close futures gave; and at the end no {@code tandem-} thread and no descriptor is
 * left. A failure names its seed: rerun it with {@code -Dtandem.faults.seed=S}. Soak with
 * {@code -Dtandem.faults.scenarios=N} (default 600 in {@code mvn verify}).
 */
@Timeout(600)
class LifecycleFaultHarnessTest {
    private static final int SCENARIOS = Integer.getInteger("tandem.faults.scenarios", 600);
    private static final long SEED = Long.getLong("tandem.faults.seed", System.nanoTime());
    private static final int PER_ROUND = 40;

    enum ReaderFault { RETURN, THROW, WAIT_FOR_INPUT, HANG_IGNORING_INTERRUPTS }
    enum WriterFault { WRITE, THROW, BLOCK }
    enum PeerFault { CLOSE, RESET, VANISH, STOP_READING }
    enum HookFault { RETURN, THROW, HANG }
    enum SinkFault { HEALTHY, HANG, THROW_ERROR, CRAWL }

    /** Released at the end of a round: every hang that ignores interrupts waits for it. */
    private volatile CountDownLatch release = new CountDownLatch(1);

    @Test
    void everyGeneratedScenarioEndsClosedOrReportedStuckAndCountsExactly() throws Exception {
        int fdsBefore = TestSupport.openFds();
        int rounds = (SCENARIOS + PER_ROUND - 1) / PER_ROUND;
        try (CountingServer server = new CountingServer()) {
            for (int r = 0; r < rounds; r++) {
                long seed = SEED + r;
                try {
                    round(new SplittableRandom(seed), server, Math.min(PER_ROUND, SCENARIOS - r * PER_ROUND));
                } catch (Throwable t) {
                    release.countDown();
                    throw new AssertionError("fault scenario failed; rerun with -Dtandem.faults.seed=" + seed
                            + " -Dtandem.faults.scenarios=" + PER_ROUND + ": " + t, t);
                }
            }
        }
        TestSupport.assertNoTandemThreads();
        // a leaked socket per scenario would be hundreds; the slack is for files the JVM opens lazily (jars, /dev/random)
        TestSupport.awaitTrue(() -> TestSupport.openFds() <= fdsBefore + 4, "descriptors back to " + fdsBefore
                + " (now " + TestSupport.openFds() + ")");
    }

    private void round(SplittableRandom rnd, CountingServer server, int pairs) throws Exception {
        release = new CountDownLatch(1);
        SinkFault sinkFault = pick(rnd, SinkFault.values());
        StatsPipeline stats = StatsPipeline.builder()
                .sink("faulty", batch -> sink(sinkFault), SinkOptions.builder().publishTimeout(Duration.ofMillis(50)).build())
                .build();
        AtomicInteger managerHookRuns = new AtomicInteger();
        ConnectionManager manager = ConnectionManager.builder().name("faults").stats(stats)
                .writeTimeout(Duration.ofMillis(150)).gracePeriod(Duration.ofMillis(100))
                .hookTimeout(Duration.ofMillis(50)).timerTick(Duration.ofMillis(5))
                .cleanupHook(info -> managerHookRuns.incrementAndGet())
                .build();
        List<Scenario> scenarios = new ArrayList<>();
        List<Thread> actors = new ArrayList<>();
        boolean shutdownEarly = rnd.nextBoolean();
        for (int i = 0; i < pairs; i++) {
            Scenario s = new Scenario(rnd.split(), server);
            scenarios.add(s);
            s.open(manager);
            actors.addAll(s.act());
        }
        for (Thread a : actors) {
            a.start();
        }
        // shutdown at a random moment (fault timing, not synchronisation): early, or once most pairs met their faults
        LockSupport.parkNanos(rnd.nextLong(TimeUnit.MILLISECONDS.toNanos(shutdownEarly ? 20 : 300)));
        ShutdownReport report = manager.shutdown(Duration.ofSeconds(1));
        for (Scenario s : scenarios) {
            if (s.hangsForever()) { // reported STUCK, with the stack of the side that hangs
                PairSnapshot straggler = report.stragglers().stream().filter(p -> p.id() == s.pair.id()).findFirst()
                        .orElseThrow(() -> new AssertionError("pair " + s.pair.id() + " hangs but is not in " + report));
                assertTrue(straggler.toString().contains("hangIgnoringInterrupts"), straggler::toString);
            }
        }
        release.countDown();
        for (Thread a : actors) {
            a.join(TestSupport.WAIT.toMillis());
            assertTrue(!a.isAlive(), "actor " + a.getName() + " finished");
        }
        Map<CloseReason, Long> reasons = new EnumMap<>(CloseReason.class);
        for (Scenario s : scenarios) {
            CloseInfo info = TestSupport.await(s.pair.closeFuture());
            s.closedFully();
            reasons.merge(info.reason(), 1L, Long::sum);
            assertEquals(1, s.closes.get(), () -> "resource closes of " + s);
            TestSupport.awaitTrue(() -> s.hookRuns.get() == 1, "the pair hook ran once: " + s);
        }
        TestSupport.awaitTrue(() -> managerHookRuns.get() == pairs, "each manager hook ran once");
        ConnectionCounts counts = manager.counts();
        assertEquals(pairs, counts.opened());
        assertEquals(0, counts.live(), counts::toString);
        assertEquals(0, counts.stuck(), counts::toString);
        for (CloseReason r : CloseReason.values()) {
            assertEquals(reasons.getOrDefault(r, 0L), counts.closed(r), () -> r + " in " + counts);
        }
        stats.close(Duration.ofSeconds(2)); // false for a sink that keeps failing: its thread still ends (checked at the end)
    }

    private void sink(SinkFault fault) throws InterruptedException {
        switch (fault) {
            case HEALTHY -> { }
            case HANG -> release.await();
            case THROW_ERROR -> throw new LinkageError("a sink throwing an Error");
            case CRAWL -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a slow backend
            default -> throw new IllegalStateException(fault.toString());
        }
    }

    private static <T> T pick(SplittableRandom rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    /** One pair's faults and what is observed of it. */
    private final class Scenario {
        final SplittableRandom rnd;
        final CountingServer server;
        final boolean socket;
        final ReaderFault readerFault;
        final WriterFault writerFault;
        final PeerFault peerFault;
        final HookFault hookFault;
        final int closers;
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger hookRuns = new AtomicInteger();
        final CountDownLatch memoryClosed = new CountDownLatch(1);
        /** Set when the reader entered its hang: a reader whose pair closed before it ran never does. */
        final java.util.concurrent.atomic.AtomicBoolean hanging = new java.util.concurrent.atomic.AtomicBoolean();
        Socket client;
        ConnectionPair<byte[]> pair;

        Scenario(SplittableRandom rnd, CountingServer server) {
            this.rnd = rnd;
            this.server = server;
            this.socket = rnd.nextBoolean();
            this.readerFault = pick(rnd, ReaderFault.values());
            this.writerFault = pick(rnd, WriterFault.values());
            this.peerFault = pick(rnd, PeerFault.values());
            this.hookFault = pick(rnd, HookFault.values());
            this.closers = rnd.nextInt(4);
        }

        /**
         * The reader hangs ignoring interrupts, and got to run: on the pooled model a reader whose
         * pair closed before a thread picked it up never enters its loop. Read after shutdown
         * returned, when every pair is closing and no reader can newly start.
         */
        boolean hangsForever() {
            return readerFault == ReaderFault.HANG_IGNORING_INTERRUPTS && hanging.get();
        }

        void open(ConnectionManager manager) throws IOException {
            AutoCloseable resource;
            if (socket) {
                client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                resource = server.next(closes);
            } else {
                resource = new AutoCloseable() {
                    @Override
                    public void close() {
                        closes.incrementAndGet();
                        memoryClosed.countDown();
                    }

                    @Override
                    public String toString() {
                        return "memory resource";
                    }
                };
            }
            pair = manager.<byte[]>pair(resource).reader(this::read).writer(this::write)
                    .cleanupHook(info -> hook()).start();
            pair.send(new byte[rnd.nextBoolean() ? 16 : 4 << 20]);
        }

        /** The peer's fault and the concurrent closers, as threads started together. */
        List<Thread> act() {
            List<Thread> out = new ArrayList<>();
            if (socket) {
                out.add(new Thread(this::peer, "test-peer-" + pair.id()));
            }
            for (int c = 0; c < closers; c++) {
                out.add(new Thread(pair::close, "test-closer-" + pair.id() + "-" + c));
            }
            return out;
        }

        private void peer() {
            try (Socket s = client) {
                switch (peerFault) {
                    case CLOSE -> { }
                    case RESET -> s.setSoLinger(true, 0);
                    case VANISH, STOP_READING -> release.await(); // holds the socket open, reads nothing
                    default -> throw new IllegalStateException(peerFault.toString());
                }
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        private void read(PairContext<byte[]> ctx) throws Exception {
            switch (readerFault) {
                case RETURN -> { }
                case THROW -> throw new IOException("reader fault");
                case WAIT_FOR_INPUT -> {
                    if (socket) {
                        InputStream in = ctx.input();
                        while (in.read() >= 0) {
                            ctx.markMessageIn();
                        }
                    } else {
                        memoryClosed.await();
                    }
                }
                case HANG_IGNORING_INTERRUPTS -> hangIgnoringInterrupts();
                default -> throw new IllegalStateException(readerFault.toString());
            }
        }

        private void hangIgnoringInterrupts() {
            hanging.set(true);
            boolean interrupted = false;
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private void write(byte[] message, PairContext<byte[]> ctx) throws Exception {
            switch (writerFault) {
                case WRITE, BLOCK -> {
                    if (socket) {
                        OutputStream out = ctx.output();
                        out.write(writerFault == WriterFault.BLOCK ? new byte[4 << 20] : message);
                        out.flush();
                    } else if (writerFault == WriterFault.BLOCK) {
                        memoryClosed.await(); // a write that returns only when the resource is closed
                    }
                }
                case THROW -> throw new IOException("writer fault");
                default -> throw new IllegalStateException(writerFault.toString());
            }
        }

        private void hook() throws InterruptedException {
            hookRuns.incrementAndGet();
            switch (hookFault) {
                case RETURN -> { }
                case THROW -> throw new IllegalStateException("hook fault");
                case HANG -> new CountDownLatch(1).await(); // until the deadline's interrupt
                default -> throw new IllegalStateException(hookFault.toString());
            }
        }

        /** The close future completes at CLOSED, or at STUCK: a released STUCK pair must then reach CLOSED. */
        void closedFully() throws InterruptedException {
            TestSupport.awaitTrue(() -> pair.state() == PairState.CLOSED, "pair " + pair.id() + " CLOSED: " + this);
        }

        @Override
        public String toString() {
            return "Scenario{pair=" + (pair == null ? "-" : pair.id()) + (socket ? " socket" : " memory")
                    + " reader=" + readerFault + " writer=" + writerFault + (socket ? " peer=" + peerFault : "")
                    + " hook=" + hookFault + " closers=" + closers + " closes=" + closes + " hookRuns=" + hookRuns + '}';
        }
    }

    /** A loopback server whose accepted sockets count their closes. */
    private static final class CountingServer extends ServerSocket {
        CountingServer() throws IOException {
            super(0, 1024, InetAddress.getLoopbackAddress());
        }

        /** Accepts the connection just made by the client. */
        Socket next(AtomicInteger closes) throws IOException {
            Socket s = new Socket() {
                @Override
                public synchronized void close() throws IOException {
                    closes.incrementAndGet();
                    super.close();
                }
            };
            implAccept(s);
            return s;
        }
    }
}
