package dev.tandem.bench.scale;

import dev.tandem.core.CloseReason;
import dev.tandem.core.ConnectionCounts;
import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import dev.tandem.core.PairSnapshot;
import dev.tandem.core.ReadLoop;
import dev.tandem.core.ShutdownReport;
import dev.tandem.core.MessageWriter;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * B4, in memory: N idle pairs over {@link MemoryPipe}s (no file descriptor), against N bare pairs
 * (two threads each, blocked the same way, same pipe, no Tandem), in one JVM.
 *
 * <p>The run, in order: a warm-up of both kinds (classes loaded, code compiled); the empty heap
 * after full GCs; N bare pairs opened (a pipe, a reader thread parked in {@link MemoryPipe#read()},
 * a writer thread parked in {@link MemoryPipe#awaitClose()}), heap after GC and a class histogram,
 * then closed (every pipe closed, both threads end); N Tandem pairs opened on the same kind of
 * threads (reader: {@code read()} until end of stream; writer: Tandem's writer loop, idle on its
 * empty outbound queue), heap after GC and a class histogram, then {@code shutdown}. Both kinds
 * are held the same way by the harness (an array of their pipes). Tandem's own overhead per pair
 * is {@code (heap with N Tandem pairs - heap with N one-thread bare pairs) / N}.
 *
 * <p>{@code java -Xmx6g -XX:+UseSerialGC -XX:MarkSweepDeadRatio=0 -cp benchmarks.jar dev.tandem.bench.scale.IdlePairs
 * --pairs 1000000 --threads virtual --facts out.properties}
 */
public final class IdlePairs {
    static final String STACK_CHUNK = "jdk.internal.vm.StackChunk";
    private static final Duration WAIT = Duration.ofMinutes(3);

    /** The in-memory read loop: blocks until the pipe closes (end of stream) or the thread is interrupted. */
    static final ReadLoop<byte[]> READER = ctx -> ((MemoryPipe) ctx.resource()).read();
    /** Never called: the pairs are idle. */
    static final MessageWriter<byte[]> WRITER = (message, ctx) -> { };

    /** Sizes and options of one run. */
    static final class Config {
        int pairs = 100_000;
        boolean virtual = true;
        boolean histogram = true;
        long idleCpuMillis = 2000;
        int warmupPairs = 100_000;
        int warmupRounds = 3;
        Duration shutdownTimeout = Duration.ofSeconds(60);
    }

    private IdlePairs() {}

    public static void main(String[] args) throws Exception {
        Config c = new Config();
        Path factsFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs":
                    c.pairs = Integer.parseInt(args[++i]);
                    break;
                case "--threads":
                    c.virtual = parseThreads(args[++i]);
                    break;
                case "--no-histogram":
                    c.histogram = false;
                    break;
                case "--idle-cpu-ms":
                    c.idleCpuMillis = Long.parseLong(args[++i]);
                    break;
                case "--warmup":
                    c.warmupPairs = Integer.parseInt(args[++i]);
                    break;
                case "--warmup-rounds":
                    c.warmupRounds = Integer.parseInt(args[++i]);
                    break;
                case "--facts":
                    factsFile = Path.of(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + " (expected: --pairs N --threads virtual|platform [--no-histogram]"
                            + " [--idle-cpu-ms MS] [--warmup N] [--warmup-rounds R] --facts FILE)");
            }
        }
        Facts f = run(c);
        if (factsFile != null) {
            f.save(factsFile);
        }
        System.out.println(f);
    }

    static boolean parseThreads(String s) {
        switch (s) {
            case "virtual":
                return true;
            case "platform":
                return false;
            default:
                throw new IllegalArgumentException("threads: " + s + " (expected: virtual or platform)");
        }
    }

    /** One whole run; see the class comment. */
    static Facts run(Config c) throws Exception {
        if (c.pairs <= 0) {
            throw new IllegalArgumentException("pairs: " + c.pairs + " (expected: > 0)");
        }
        Facts f = new Facts();
        f.put("pairs", c.pairs).put("threads", c.virtual ? "virtual" : "platform");
        describeJvm(f);
        ThreadFactory bareThreads = Threads.factory(c.virtual);

        // Warm-up: rounds of both kinds until the JIT has settled (the first round runs partly
        // interpreted, and an interpreted frame makes a parked thread's stack chunk 2-3x larger).
        int warmPairs = Math.min(c.pairs, c.warmupPairs);
        long warmStart = System.nanoTime();
        for (int round = 0; round < c.warmupRounds && warmPairs > 0; round++) {
            Tally t = new Tally();
            MemoryPipe[] warmBare = openBare(warmPairs, bareThreads, t);
            awaitCount(t.blocked, 2L * warmPairs, "warm-up bare threads blocked");
            closeBare(warmBare);
            awaitCount(t.ended, 2L * warmPairs, "warm-up bare threads ended");
            t = new Tally(); // the one-thread baseline has its own lambda to compile
            MemoryPipe[] warmOne = openBareOneThread(warmPairs, bareThreads, t);
            awaitCount(t.blocked, warmPairs, "warm-up one-thread bare readers blocked");
            closeBare(warmOne);
            awaitCount(t.ended, warmPairs, "warm-up one-thread bare readers ended");
            ConnectionManager warm = manager("b4-warmup-" + round, c.virtual);
            t = new Tally();
            openTandem(warm, warmPairs, t);
            awaitCount(t.blocked, warmPairs, "warm-up Tandem readers blocked");
            warm.shutdown(c.shutdownTimeout);
        }
        f.put("warmupNanos", System.nanoTime() - warmStart).put("warmupPairs", warmPairs)
                .put("warmupRounds", c.warmupRounds);
        f.put("quietAfterWarmupNanos", awaitQuietHeap());
        ConnectionManager mgr = manager("b4", c.virtual); // its fixed cost is in the empty heap
        int threadsEmpty = HeapProbe.platformThreads();
        long heapEmpty = HeapProbe.usedAfterGc();
        f.put("heap.empty", heapEmpty).put("platformThreads.empty", threadsEmpty);

        // ---------------------------------------------------------------- bare
        Tally bareTally = new Tally();
        long gc0 = HeapProbe.gcMillis();
        long t0 = System.nanoTime();
        MemoryPipe[] bare = openBare(c.pairs, bareThreads, bareTally);
        long bareOpen = System.nanoTime() - t0;
        awaitCount(bareTally.blocked, 2L * c.pairs, "bare threads blocked");
        long bareBlocked = System.nanoTime() - t0;
        f.put("bare.openNanos", bareOpen).put("bare.blockedNanos", bareBlocked)
                .put("bare.openGcMillis", HeapProbe.gcMillis() - gc0);
        f.put("bare.idleCpuNanos", idleCpu(c.idleCpuMillis)).put("idleCpuWindowNanos", c.idleCpuMillis * 1_000_000L);
        f.put("heap.bare", HeapProbe.usedAfterGc());
        f.put("platformThreads.bare", HeapProbe.platformThreads());
        ClassHistogram bareHist = c.histogram ? HeapProbe.liveHistogram() : null;
        if (bareHist != null) {
            f.put("bare.stackChunks", bareHist.row(STACK_CHUNK).instances)
                    .put("bare.stackChunkBytes", bareHist.row(STACK_CHUNK).bytes);
        }
        gc0 = HeapProbe.gcMillis();
        t0 = System.nanoTime();
        closeBare(bare);
        awaitCount(bareTally.ended, 2L * c.pairs, "bare threads ended");
        f.put("bare.closeNanos", System.nanoTime() - t0).put("bare.closeGcMillis", HeapProbe.gcMillis() - gc0);
        f.put("bare.closedOnce", allClosedOnce(bare));
        bare = null; // the bare pairs are garbage from here on
        f.put("heap.afterBare", HeapProbe.usedAfterGc());

        // ---------------------------------------------------------------- bare, one thread
        // The baseline for Tandem's own overhead since a Tandem pair holds one thread while idle
        // (issue 10): the same pipe and a reader parked in it, no writer thread.
        Tally oneTally = new Tally();
        gc0 = HeapProbe.gcMillis();
        t0 = System.nanoTime();
        MemoryPipe[] one = openBareOneThread(c.pairs, bareThreads, oneTally);
        awaitCount(oneTally.blocked, c.pairs, "one-thread bare readers blocked");
        f.put("bare1.blockedNanos", System.nanoTime() - t0).put("bare1.openGcMillis", HeapProbe.gcMillis() - gc0);
        f.put("heap.bare1", HeapProbe.usedAfterGc());
        if (c.histogram) {
            ClassHistogram oneHist = HeapProbe.liveHistogram();
            f.put("bare1.stackChunks", oneHist.row(STACK_CHUNK).instances)
                    .put("bare1.stackChunkBytes", oneHist.row(STACK_CHUNK).bytes);
        }
        t0 = System.nanoTime();
        closeBare(one);
        awaitCount(oneTally.ended, c.pairs, "one-thread bare readers ended");
        f.put("bare1.closeNanos", System.nanoTime() - t0).put("bare1.closedOnce", allClosedOnce(one));
        one = null;
        f.put("heap.afterBare1", HeapProbe.usedAfterGc());

        // ---------------------------------------------------------------- Tandem
        Tally tandemTally = new Tally();
        gc0 = HeapProbe.gcMillis();
        t0 = System.nanoTime();
        Opened opened = openTandem(mgr, c.pairs, tandemTally);
        long tandemOpen = System.nanoTime() - t0;
        awaitCount(tandemTally.blocked, c.pairs, "Tandem readers blocked");
        awaitWritersParked(mgr, opened.lastId, Math.min(64, c.pairs));
        long tandemBlocked = System.nanoTime() - t0;
        f.put("tandem.openNanos", tandemOpen).put("tandem.blockedNanos", tandemBlocked)
                .put("tandem.openGcMillis", HeapProbe.gcMillis() - gc0);
        f.put("tandem.idleCpuNanos", idleCpu(c.idleCpuMillis));
        f.put("heap.tandem", HeapProbe.usedAfterGc());
        f.put("platformThreads.tandem", HeapProbe.platformThreads());
        List<String> own = new java.util.ArrayList<>(HeapProbe.platformThreadNames("tandem-"));
        int sides = own.size();
        own.removeIf(n -> n.matches("tandem-[0-9]+-(reader|writer)"));
        f.put("tandem.platformThreadNames", String.join(",", own)).put("tandem.platformSideThreads", sides - own.size());
        f.put("tandem.live", mgr.counts().live());
        if (bareHist != null) {
            ClassHistogram tandemHist = HeapProbe.liveHistogram();
            f.put("tandem.stackChunks", tandemHist.row(STACK_CHUNK).instances)
                    .put("tandem.stackChunkBytes", tandemHist.row(STACK_CHUNK).bytes);
            f.put("tandem.pairImpls", tandemHist.row("dev.tandem.core.PairImpl").instances);
            List<ClassHistogram.Row> diff = tandemHist.minus(bareHist);
            long sum = 0;
            for (ClassHistogram.Row r : diff) {
                sum += r.bytes;
            }
            f.put("hist.diffBytes", sum);
            int k = 0;
            for (ClassHistogram.Row r : diff) {
                if (k == 24) {
                    break;
                }
                f.put("hist." + k + ".class", r.className).put("hist." + k + ".instances", r.instances)
                        .put("hist." + k + ".bytes", r.bytes);
                k++;
            }
            f.put("hist.rows", k);
        }

        HeapProbe.resetPeakThreads();
        StuckSampler stuck = new StuckSampler(mgr);
        gc0 = HeapProbe.gcMillis();
        t0 = System.nanoTime();
        ShutdownReport report = mgr.shutdown(c.shutdownTimeout);
        long shutdown = System.nanoTime() - t0;
        f.put("tandem.shutdownGcMillis", HeapProbe.gcMillis() - gc0);
        f.put("tandem.peakStuckInShutdown", stuck.stop());
        f.put("tandem.shutdownNanos", shutdown).put("tandem.shutdownClean", report.clean())
                .put("tandem.stragglers", report.stragglers().size())
                .put("tandem.closedByShutdown", report.closedByShutdown())
                .put("platformThreads.peakInShutdown", HeapProbe.peakPlatformThreads());
        awaitCount(tandemTally.ended, c.pairs, "Tandem readers ended");
        ConnectionCounts counts = mgr.counts();
        f.put("tandem.opened", counts.opened()).put("tandem.liveAfter", counts.live())
                .put("tandem.closedShutdown", counts.closed(CloseReason.SHUTDOWN))
                .put("tandem.closedTotal", counts.closedTotal()).put("tandem.stuck", counts.stuck());
        f.put("tandem.closedOnce", allClosedOnce(opened.pipes));
        f.put("tandem.pipesClosed", tandemTally.closed.sum());
        opened = null;
        f.put("heap.end", HeapProbe.usedAfterGc());
        return f;
    }

    /**
     * Samples the manager's STUCK count every 10 ms on a platform thread of its own: a side that
     * is only waiting for a CPU for longer than the grace period is reported STUCK too.
     */
    static final class StuckSampler {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long peak;

        StuckSampler(ConnectionManager mgr) {
            thread = new Thread(() -> {
                while (running) {
                    peak = Math.max(peak, mgr.counts().stuck());
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "b4-stuck-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return peak;
        }
    }

    static ConnectionManager manager(String name, boolean virtual) {
        ConnectionManager.Builder b = ConnectionManager.builder().name(name);
        if (virtual) {
            b.virtualThreads();
        }
        return b.build();
    }

    static MemoryPipe[] openBare(int n, ThreadFactory threads, Tally tally) {
        MemoryPipe[] pipes = new MemoryPipe[n];
        for (int i = 0; i < n; i++) {
            MemoryPipe p = new MemoryPipe(tally);
            pipes[i] = p;
            threads.newThread(() -> readQuietly(p)).start();
            threads.newThread(p::awaitClose).start();
        }
        return pipes;
    }

    /** The one-thread bare pair: a pipe and its reader, parked in {@link MemoryPipe#read()}. */
    static MemoryPipe[] openBareOneThread(int n, ThreadFactory threads, Tally tally) {
        MemoryPipe[] pipes = new MemoryPipe[n];
        for (int i = 0; i < n; i++) {
            MemoryPipe p = new MemoryPipe(tally);
            pipes[i] = p;
            threads.newThread(() -> readQuietly(p)).start();
        }
        return pipes;
    }

    private static void readQuietly(MemoryPipe p) {
        try {
            p.read();
        } catch (InterruptedIOException e) {
            // the bare close never interrupts; a stray interrupt just ends this reader
        }
    }

    static void closeBare(MemoryPipe[] pipes) {
        for (MemoryPipe p : pipes) {
            p.close();
        }
    }

    /** What openTandem leaves: the pipes (held as the bare run holds them) and the newest pair's id. */
    static final class Opened {
        final MemoryPipe[] pipes;
        final long lastId;

        Opened(MemoryPipe[] pipes, long lastId) {
            this.pipes = pipes;
            this.lastId = lastId;
        }
    }

    static Opened openTandem(ConnectionManager mgr, int n, Tally tally) {
        MemoryPipe[] pipes = new MemoryPipe[n];
        long last = 0;
        for (int i = 0; i < n; i++) {
            MemoryPipe p = new MemoryPipe(tally);
            pipes[i] = p;
            ConnectionPair<byte[]> pair = mgr.open(p, READER, WRITER);
            last = pair.id();
        }
        return new Opened(pipes, last);
    }

    /**
     * Tandem's writers give no signal when they park; the scheduler starts threads about in order,
     * so waiting for the writers of the newest pairs to be parked (WAITING) means the others are too
     * (the stack-chunk count in the histogram checks it: one per parked thread).
     */
    private static void awaitWritersParked(ConnectionManager mgr, long lastId, int howMany) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (long id = lastId; id > lastId - howMany; id--) {
            while (true) {
                Optional<PairSnapshot> s = mgr.pair(id);
                if (s.isEmpty() || s.get().writer().threadState() == Thread.State.WAITING) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the writer of pair " + id + " is not parked after " + WAIT);
                }
                Thread.sleep(1);
            }
        }
    }

    static void awaitCount(LongAdder counter, long target, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long seen;
        while ((seen = counter.sum()) < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": " + seen + " of " + target + " after " + WAIT);
            }
            Thread.sleep(2);
        }
    }

    private static boolean allClosedOnce(MemoryPipe[] pipes) {
        for (MemoryPipe p : pipes) {
            if (p.closeCalls() != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until what the warm-up left behind (threads still ending, cleanup threads idling out)
     * is gone: heap after GC readings 200 ms apart that agree within 0.5 % (or 256 KiB), at most 60 s.
     * Returns how long that took.
     */
    private static long awaitQuietHeap() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        long prev = HeapProbe.usedAfterGc();
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            long now = HeapProbe.usedAfterGc();
            if (Math.abs(now - prev) <= Math.max(256 * 1024, prev / 200)) {
                break;
            }
            prev = now;
        }
        return System.nanoTime() - start;
    }

    /** CPU the whole process used while the pairs sat idle for {@code millis}. */
    private static long idleCpu(long millis) throws InterruptedException {
        if (millis <= 0) {
            return 0;
        }
        long before = HeapProbe.processCpuNanos();
        TimeUnit.MILLISECONDS.sleep(millis);
        return HeapProbe.processCpuNanos() - before;
    }

    static void describeJvm(Facts f) {
        f.put("jvm.version", System.getProperty("java.version")).put("jvm.vendor", System.getProperty("java.vendor"))
                .put("jvm.maxHeap", Runtime.getRuntime().maxMemory()).put("jvm.gc", HeapProbe.collectors())
                .put("jvm.compressedOops", HeapProbe.vmOption("UseCompressedOops"))
                .put("jvm.compactHeaders", HeapProbe.vmOption("UseCompactObjectHeaders"))
                .put("jvm.cores", Runtime.getRuntime().availableProcessors());
    }
}
