package dev.tandem.core;

import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * The registry every {@link ConnectionPair} belongs to: it starts pairs, enforces their deadlines
 * with one shared timer thread, keeps exact counts, reports through the stats pipeline without
 * ever blocking on it, shows what is live (the dump) and shuts everything down within a deadline.
 *
 * <pre>{@code
 * ConnectionManager manager = ConnectionManager.builder()
 *         .idleTimeout(Duration.ofMinutes(2))
 *         .build();
 * ConnectionPair<String> pair = manager.open(socket,
 *         ctx -> handler.readLoop(),             // your read loop: return at EOF, throw on error
 *         (line, ctx) -> handler.write(line));   // how to write one message
 * pair.send("hello");
 * }</pre>
 *
 * <h2>Threads</h2>
 * A pair costs one thread while it is idle: its reader. Its writer side holds no thread between
 * bursts: a {@code send} into an empty outbound queue schedules one drain, which writes until the
 * queue is empty and then gives its thread back. Readers and drains run on threads the manager
 * owns: with platform threads (the default; daemon threads from the builder's thread factory if
 * one is given) a cached pool that reuses idle threads, so churning connections creates no thread
 * per connection; with {@link Builder#virtualThreads()} a virtual thread per reader and per drain
 * burst. While a thread serves a pair its name says so ({@code tandem-<id>-reader},
 * {@code tandem-<id>-writer}); an idle pooled thread is {@code tandem-pool-N}. The manager adds one
 * timer thread ({@code tandem-timer-<name>}) and, only when teardown work must move off the thread
 * that triggered it, {@code tandem-cleanup-N} threads. All end by {@link #shutdown(Duration)}
 * (idle pooled threads at once), except for pairs still STUCK then: the timer stays until the last
 * of them closes, so their hooks keep their deadlines.
 */
public final class ConnectionManager {
    private final PairRegistry pairs;

    private ConnectionManager(Builder b) {
        this.pairs = new PairRegistry(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True if this JDK can run pairs on virtual threads (21+). */
    public static boolean virtualThreadsSupported() {
        return VirtualThreads.supported();
    }

    // ================================================================== opening

    /**
     * Opens a pair over {@code resource} and starts its reader and writer.
     *
     * @throws IllegalStateException if the manager is shut down (the resource is then closed, so it
     *     cannot leak)
     * @throws RejectedExecutionException if no thread could be had for a side (see
     *     {@link PairBuilder#start()}); the pair is closed and counted
     */
    public <M> ConnectionPair<M> open(AutoCloseable resource, ReadLoop<M> reader, MessageWriter<M> writer) {
        return this.<M>pair(resource).reader(reader).writer(writer).start();
    }

    /**
     * {@link #open(AutoCloseable, ReadLoop, MessageWriter)} with the message type spelled out, so that
     * plain lambdas need no typed parameters: {@code manager.open(String.class, socket, ctx -> ...,
     * (line, ctx) -> ...)}. The class is only a type witness; nothing checks messages against it.
     * ({@link MessageWriter#lines} and {@link MessageWriter#bytes} fix the type too.)
     */
    public <M> ConnectionPair<M> open(Class<M> messageType, AutoCloseable resource, ReadLoop<M> reader,
                                      MessageWriter<M> writer) {
        Objects.requireNonNull(messageType, "messageType");
        return open(resource, reader, writer);
    }

    /** A builder for a pair with its own cleanup hooks. */
    public <M> PairBuilder<M> pair(AutoCloseable resource) {
        return new PairBuilder<>(this, Objects.requireNonNull(resource, "resource"));
    }

    /** Collects a pair's reader, writer and hooks; {@link #start()} opens it, once. */
    public static final class PairBuilder<M> {
        private final ConnectionManager mgr;
        private final AutoCloseable resource;
        private ReadLoop<M> reader;
        private MessageWriter<M> writer;
        private final List<CleanupHook> hooks = new ArrayList<>(2);
        private boolean started;

        private PairBuilder(ConnectionManager mgr, AutoCloseable resource) {
            this.mgr = mgr;
            this.resource = resource;
        }

        public PairBuilder<M> reader(ReadLoop<M> reader) {
            this.reader = reader; // checked by start(), like every builder's options
            return this;
        }

        public PairBuilder<M> writer(MessageWriter<M> writer) {
            this.writer = writer;
            return this;
        }

        /** A hook run once when this pair has closed, before the manager's hooks. */
        public PairBuilder<M> cleanupHook(CleanupHook cleanupHook) {
            hooks.add(cleanupHook);
            return this;
        }

        /**
         * Registers the pair and starts its reader and writer threads.
         *
         * @throws IllegalStateException if this builder already started a pair, or the manager is
         *     shut down (the resource is then closed)
         * @throws RejectedExecutionException if a thread for the reader or the writer could not be
         *     had (the factory threw or returned null, or the thread would not start): the pair is
         *     then closed with {@link CloseReason#THREAD_START_FAILED}, its resource closed and its
         *     hooks run, and it is counted; the cause says which side and why
         * @throws NullPointerException naming a missing {@code reader}, {@code writer} or
         *     {@code cleanupHook}
         */
        public ConnectionPair<M> start() {
            if (started) {
                throw new IllegalStateException("pair already started (expected: one start per builder)");
            }
            Objects.requireNonNull(reader, "reader");
            Objects.requireNonNull(writer, "writer");
            for (CleanupHook h : hooks) {
                Objects.requireNonNull(h, "cleanupHook");
            }
            started = true;
            return mgr.pairs.start(resource, reader, writer,
                    hooks.isEmpty() ? PairImpl.NO_HOOKS : hooks.toArray(new CleanupHook[0]));
        }
    }


    // ================================================================== observation

    /** Exact counts, read now. */
    public ConnectionCounts counts() {
        return pairs.counts();
    }

    /** Snapshots of every live pair (open, closing or stuck), oldest first. */
    public List<PairSnapshot> pairs() {
        return pairs.pairs();
    }

    /** The detail view of one live pair. */
    public Optional<PairSnapshot> pair(long id) {
        PairImpl<?> p = pairs.get(id);
        return p == null ? Optional.empty() : Optional.of(p.snapshot());
    }

    /** The last closed pairs (up to the builder's {@code recentlyClosed}), oldest first. */
    public List<CloseInfo> recentlyClosed() {
        return pairs.recentlyClosed();
    }

    /**
     * The live pairs grouped by (state, reader stack, writer stack), most common first, in a text
     * format close to Go's {@code pprof goroutine?debug=1} (G8). Works for virtual threads too.
     */
    public String dump() {
        return PairDump.format(pairs.name(), pairs(), counts());
    }

    /** The stats pipeline this manager reports to. */
    public StatsPipeline stats() {
        return pairs.stats();
    }

    /**
     * Completes once, with the first {@link #shutdown(Duration)}'s report, when that shutdown
     * returns; never completes exceptionally. Lets code that lives beside the manager (the
     * diagnostics endpoint, a supervisor) end with it.
     */
    public CompletionStage<ShutdownReport> terminationFuture() {
        return pairs.terminated().minimalCompletionStage();
    }

    public String name() {
        return pairs.name();
    }

    /** True if pairs run on virtual threads. */
    public boolean usesVirtualThreads() {
        return pairs.virtual();
    }

    public boolean isShutdown() {
        return pairs.isShutdown();
    }

    /** One pass of the timer, now (tests that drive time themselves). */
    void tick(long now) {
        pairs.tick(now);
    }

    // ================================================================== shutdown

    /**
     * Closes every pair with {@link CloseReason#SHUTDOWN}, waits at most {@code timeout} for them to
     * reach CLOSED, and returns the pairs that did not (G9). Pairs still closing at the deadline
     * are marked STUCK and their hooks are started on cleanup threads. Never waits past the
     * deadline; later calls wait for the first one, up to their own timeout. Closes the stats
     * pipeline only if the manager created it.
     */
    public ShutdownReport shutdown(Duration timeout) {
        return pairs.shutdown(timeout);
    }

    @Override
    public String toString() {
        return "ConnectionManager{" + pairs.name() + ", " + counts() + '}';
    }

    // ================================================================== builder

    /** Options of a manager; {@link #build()} validates them all and starts the timer. */
    public static final class Builder {
        String name = "default";
        StatsPipeline stats;
        boolean statsSet; // so that stats(null) is an error, not the default
        TimeSource clock = TimeSource.system();
        ThreadFactory threads;
        boolean threadsSet;
        boolean virtual;
        int queueCapacity = 1024;
        OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE_PAIR;
        boolean readerWritesInline;
        Duration idleTimeout;
        Duration writeTimeout = Duration.ofSeconds(10);
        Duration gracePeriod = Duration.ofSeconds(5);
        Duration hookTimeout = Duration.ofSeconds(5);
        Duration timerTick;
        int recentlyClosed = 256;
        final List<CleanupHook> hooks = new ArrayList<>();
        private boolean built;

        private Builder() {}

        /**
         * The {@code manager} tag on every metric and event (default {@code default}); unique among
         * the running managers that share a stats pipeline.
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Where counts and events go (default: a pipeline without sinks, owned by the manager). */
        public Builder stats(StatsPipeline stats) {
            this.stats = stats;
            this.statsSet = true;
            return this;
        }

        /**
         * The time every deadline is measured in (default {@link TimeSource#system()}); tests pass
         * their own. A stats pipeline the manager creates for itself reads the same time.
         */
        public Builder timeSource(TimeSource timeSource) {
            this.clock = timeSource;
            return this;
        }

        /**
         * Where the manager's platform threads come from (default: daemon threads): the pooled
         * threads that run readers and drains, and the cleanup threads. Each thread it makes is
         * reused for many pairs.
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threads = threadFactory;
            this.threadsSet = true;
            this.virtual = false;
            return this;
        }

        /**
         * Runs readers and drains on virtual threads: one per reader, one per drain burst. Needs JDK 21+ at run time (checked by
         * {@link #build()}); Tandem itself stays Java 17 bytecode.
         */
        public Builder virtualThreads() {
            this.virtual = true;
            this.threads = null;
            this.threadsSet = false;
            return this;
        }

        /**
         * The most messages a pair's outbound queue holds (default 1024), rounded up to a power of
         * two (at least 4). The queue starts small and grows on demand up to this.
         */
        public Builder outboundQueueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /** What a full outbound queue does (default {@link OverflowPolicy#CLOSE_PAIR}). */
        public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
            this.overflowPolicy = overflowPolicy;
            return this;
        }

        /**
         * Whether a pair's own reader writes what it sends on its own thread (default false). With
         * {@code true}, a {@link ConnectionPair#send send} called on the thread that runs the pair's
         * {@link ReadLoop}, while the pair's writer side is idle, runs the drain right there instead
         * of handing it to another thread: the reply of a request-response or echo protocol costs no
         * thread hand-off, as in a plain thread-per-connection server. What other threads send, and
         * what is queued behind the reader's message, is written in order as usual; a reader that
         * has written 16 messages in one go hands the rest to a drain on the side threads.
         *
         * <p>The price: such a {@code send} returns when its message is written, so the reader blocks
         * while the peer does not read, up to {@link #writeTimeout} (which then closes the pair, as
         * for any write). Every other sender still never blocks (G5). Leave it off for protocols
         * whose peer may stop reading until it has sent all it has (both sides would then wait on
         * each other's socket until the write timeout), and for push servers, whose sends come from
         * other threads and gain nothing.
         */
        public Builder readerWritesInline(boolean readerWritesInline) {
            this.readerWritesInline = readerWritesInline;
            return this;
        }

        /** Close a pair whose read side saw no input for this long (default: no idle timeout). */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Close a pair whose write makes no progress for this long (default 10 s). */
        public Builder writeTimeout(Duration writeTimeout) {
            this.writeTimeout = writeTimeout;
            return this;
        }

        /** How long the sides have to exit after close before the pair is reported STUCK (default 5 s). */
        public Builder gracePeriod(Duration gracePeriod) {
            this.gracePeriod = gracePeriod;
            return this;
        }

        /** The deadline of each cleanup hook (default 5 s). */
        public Builder hookTimeout(Duration hookTimeout) {
            this.hookTimeout = hookTimeout;
            return this;
        }

        /** How often the shared timer checks deadlines (default: a quarter of the shortest, 5–250 ms). */
        public Builder timerTick(Duration tick) {
            this.timerTick = tick;
            return this;
        }

        /** How many closed pairs the ring keeps for diagnostics (default 256). */
        public Builder recentlyClosed(int size) {
            this.recentlyClosed = size;
            return this;
        }

        /** A hook run once for every pair of this manager, after the pair's own hooks. */
        public Builder cleanupHook(CleanupHook cleanupHook) {
            hooks.add(cleanupHook);
            return this;
        }

        /**
         * Validates every option and starts the manager's timer. Every option is checked here, none
         * in its setter, the same rule as the stats pipeline's builders.
         *
         * @throws NullPointerException naming a missing option, as the builder method spells it
         *     ({@code overflowPolicy}, {@code timeSource}, ...)
         * @throws IllegalArgumentException naming the first invalid option
         * @throws IllegalStateException if this builder already built a manager, or virtual
         *     threads were asked for on a JDK without them
         */
        public ConnectionManager build() {
            if (built) {
                throw new IllegalStateException("this builder already built a manager (expected: one build per builder)");
            }
            Checks.notEmpty("name", name);
            if (statsSet) {
                Objects.requireNonNull(stats, "stats");
            }
            Objects.requireNonNull(clock, "timeSource");
            if (threadsSet) {
                Objects.requireNonNull(threads, "threadFactory");
            }
            Objects.requireNonNull(overflowPolicy, "overflowPolicy");
            for (CleanupHook h : hooks) {
                Objects.requireNonNull(h, "cleanupHook");
            }
            Checks.positive("outboundQueueCapacity", queueCapacity);
            if (idleTimeout != null) {
                Checks.positiveNanos("idleTimeout", idleTimeout);
            }
            Checks.positiveNanos("writeTimeout", writeTimeout);
            Checks.positiveNanos("gracePeriod", gracePeriod);
            Checks.positiveNanos("hookTimeout", hookTimeout);
            if (timerTick != null) {
                Checks.positiveNanos("timerTick", timerTick);
            }
            Checks.positive("recentlyClosed", recentlyClosed);
            if (virtual && !VirtualThreads.supported()) {
                VirtualThreads.factory(); // throws the explanation
            }
            ConnectionManager m;
            try {
                m = new ConnectionManager(this);
            } catch (IllegalArgumentException clash) { // its gauges are already on this pipeline
                throw new IllegalArgumentException("name: '" + name + "' is already used by a manager on this stats "
                        + "pipeline (expected: a unique name per pipeline, or shut the other manager down first)", clash);
            }
            built = true;
            m.pairs.startTimer();
            return m;
        }
    }
}
