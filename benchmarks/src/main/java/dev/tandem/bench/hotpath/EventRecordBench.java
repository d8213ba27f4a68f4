package dev.tandem.bench.hotpath;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.Tags;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * B1: recording one event, Tandem's real {@link StatsPipeline} against the queues a user would
 * pick instead, each with one consumer that drains in batches and parks when idle.
 *
 * <p>Every contender does the same work per call: take a wall-clock timestamp, allocate an event
 * of the same size (Tandem's {@link Event}, or a {@link BenchEvent} with the same fields), hand it
 * to the queue, and count a drop if it was refused. Two regimes:
 * <ul>
 *   <li>{@code room}: each call is preceded by {@code Blackhole.consumeCPU(}{@value #PACE_TOKENS}{@code )},
 *       which keeps the producers well below what the consumer drains; the sink does almost nothing
 *       per event. {@link ReferenceBench#pace} measures the pacing alone, and the report subtracts
 *       it.</li>
 *   <li>{@code flood}: producers run flat out and the sink burns {@value #SINK_TOKENS} tokens of CPU
 *       per event ({@link ReferenceBench#sinkEvent}), so the queue stays full and most events are
 *       refused; the drop fraction is reported.</li>
 * </ul>
 *
 * <p>One contender does less: {@code mpsc_prebuilt} offers one pre-built event to a bare
 * {@code MpscArrayQueue} (no timestamp, no allocation): the floor that issue 11's "record within
 * 1.2x of an offer" target is measured against.
 *
 * <p>The thread count comes from the runner ({@code -t 1}, {@code -t 2}). Per-thread books are JMH
 * auxiliary counters: {@code records}, {@code drops}, {@code producerBytes} (bytes allocated by
 * the producing threads themselves, so that the consumer's allocations are not charged to the
 * hot path) and {@code producerCpuNanos} (their CPU time, so that the report can tell the time a
 * producer spent off its core from the time its calls took); for Tandem also {@code delivered}
 * and {@code deliveryBytes}, the events its sink was handed in the iteration and the bytes its
 * delivery thread allocated meanwhile (read by the delivery thread itself at the end of each
 * publish).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 8, time = 1)
public class EventRecordBench {
    /** Pacing between two records in the {@code room} regime. */
    public static final long PACE_TOKENS = 128;
    /** CPU the sink burns per event in the {@code flood} regime. */
    public static final long SINK_TOKENS = 128;
    /** Queue capacity and batch size of every contender: Tandem's defaults. */
    static final int CAPACITY = SinkOptions.defaults().queueCapacity();
    static final int BATCH = SinkOptions.defaults().batchSize();
    /** The batch of the {@code tandem_b4096} case (queue four batches, as by default). */
    static final int WIDE_BATCH = 4096;

    static final String SINK = "b1";
    static final Tags TAGS = Tags.of("reason", "eof");

    @Param({"tandem", "tandem_b4096", "mpsc_bare", "mpsc_prebuilt", "abq_offer", "lbq_offer", "clq_capped", "abq_put"})
    public String queue;

    @Param({"room", "flood"})
    public String regime;

    private Producer producer;
    private long paceTokens;

    @Setup(Level.Trial)
    public void start() {
        boolean flood;
        switch (regime) {
            case "room": flood = false; break;
            case "flood": flood = true; break;
            default: throw new IllegalArgumentException("regime: '" + regime + "' (expected: room or flood)");
        }
        SinkWork work = new SinkWork(flood ? SINK_TOKENS : 0);
        switch (queue) {
            case "tandem":
                producer = new TandemProducer(work, SinkOptions.defaults());
                break;
            case "tandem_b4096": // the same pipeline with 8x fewer wake-ups: what the wake-up costs
                producer = new TandemProducer(work, SinkOptions.builder().queueCapacity(4 * WIDE_BATCH)
                        .batchSize(WIDE_BATCH).build());
                break;
            default:
                producer = new BaselineProducer(queue, work);
        }
        paceTokens = flood ? 0 : PACE_TOKENS;
    }

    @Setup(Level.Iteration)
    public void iterationStarts() {
        producer.iterationStarts();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        producer.close();
    }

    @Benchmark
    public void record(Books books) {
        if (paceTokens != 0) {
            Blackhole.consumeCPU(paceTokens);
        }
        producer.record(books);
    }

    /** One producer thread's books for one iteration, reported by JMH as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Books {
        /** Records attempted (accepted or dropped). */
        public long records;
        /** Records refused by a full queue. */
        public long drops;
        /** Bytes allocated by this producer thread during the iteration. */
        public long producerBytes;
        /** Tandem only: events its sink was handed during the iteration (reported by one thread). */
        public long delivered;
        /** Tandem only: bytes its delivery thread allocated meanwhile (reported by one thread). */
        public long deliveryBytes;
        /**
         * CPU time this producer thread used during the iteration: over the records, what the
         * calls cost on the CPU; the rest of their wall time the thread was not running (another
         * thread, such as a consumer, had its core).
         */
        public long producerCpuNanos;

        private long bytesAtStart;
        private long cpuAtStart;

        @Setup(Level.Iteration)
        public void iterationStarts() {
            bytesAtStart = Allocation.currentThreadBytes();
            cpuAtStart = Allocation.currentThreadCpuNanos();
        }

        @TearDown(Level.Iteration)
        public void iterationEnds(EventRecordBench bench) {
            long now = Allocation.currentThreadBytes();
            long cpu = Allocation.currentThreadCpuNanos();
            producerBytes = now < 0 || bytesAtStart < 0 ? Long.MIN_VALUE / 4 : now - bytesAtStart; // unsupported: negative
            producerCpuNanos = cpu < 0 || cpuAtStart < 0 ? Long.MIN_VALUE / 4 : cpu - cpuAtStart;
            bench.producer.settle(this);
        }
    }

    abstract static class Producer {
        abstract void record(Books books);

        void iterationStarts() {}

        /** After this thread's iteration: fix up the books (producer thread). */
        void settle(Books books) {}

        abstract void close() throws InterruptedException;
    }

    /** The real pipeline, one sink doing {@link SinkWork}. */
    static final class TandemProducer extends Producer {
        private final WorkSink sink;
        private final StatsPipeline pipeline;
        private final EventType type;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private volatile long recordedAtStart;
        private volatile long droppedAtStart;
        private volatile long deliveredAtStart;
        private volatile long deliveryBytesAtStart;

        TandemProducer(SinkWork work, SinkOptions options) {
            sink = new WorkSink(work);
            pipeline = StatsPipeline.builder().sink(SINK, sink, options).build();
            type = pipeline.eventType("tandem.connection.closed", "id", "duration_ms");
        }

        @Override
        void record(Books books) {
            type.record(TAGS, ++books.records, 42L);
        }

        SinkStats stats() {
            return pipeline.sinkStats(SINK);
        }

        @Override
        void iterationStarts() {
            SinkStats s = pipeline.sinkStats(SINK);
            recordedAtStart = s.recorded();
            droppedAtStart = s.recorded() - s.enqueued();
            deliveredAtStart = sink.events;
            deliveryBytesAtStart = sink.bytes;
            claimed.set(false);
        }

        /**
         * Tandem counts drops itself, for all threads at once: the first thread to finish the
         * iteration reports the pipeline's own deltas (records and door drops, from one snapshot),
         * the others report zero, so the sums JMH makes are the pipeline's books.
         */
        @Override
        void settle(Books books) {
            if (claimed.compareAndSet(false, true)) {
                SinkStats s = pipeline.sinkStats(SINK);
                books.records = s.recorded() - recordedAtStart;
                books.drops = (s.recorded() - s.enqueued()) - droppedAtStart;
                books.delivered = sink.events - deliveredAtStart;
                books.deliveryBytes = sink.bytes - deliveryBytesAtStart;
            } else {
                books.records = 0;
                books.drops = 0;
            }
        }

        @Override
        void close() {
            boolean clean = pipeline.close(Duration.ofSeconds(10));
            SinkStats s = pipeline.sinkStats(SINK);
            // The books this benchmark reports must balance; a run whose books do not is a failed run.
            if (!clean || s.recorded() != s.delivered() + s.droppedTotal() || s.delivered() != sink.work.events()) {
                throw new IllegalStateException("Tandem's books do not balance after close (clean=" + clean
                        + ", sink saw " + sink.work.events() + "): " + s);
            }
        }
    }

    static final class BaselineProducer extends Producer {
        private final BaselineQueue queue;
        private final BatchConsumer consumer;
        private final Object type = TestEvents.type("tandem.connection.closed", "id", "duration_ms");
        private final BenchEvent prebuilt; // null: build an event per record, as a user would

        BaselineProducer(String kind, SinkWork work) {
            this(kind, work, CAPACITY);
        }

        BaselineProducer(String kind, SinkWork work, int capacity) {
            queue = BaselineQueue.create(kind, capacity);
            consumer = new BatchConsumer(queue, work, BATCH);
            prebuilt = kind.equals("mpsc_prebuilt") ? new BenchEvent(type, System.currentTimeMillis(), TAGS, 1, 42L,
                    0, 0, 0, 0) : null;
        }

        @Override
        void record(Books books) {
            if (prebuilt != null) {
                ++books.records;
                if (!queue.offer(prebuilt)) {
                    books.drops++;
                }
                return;
            }
            BenchEvent e = new BenchEvent(type, System.currentTimeMillis(), TAGS, ++books.records, 42L, 0, 0, 0, 0);
            if (!queue.offer(e)) {
                books.drops++;
            }
        }

        BaselineQueue queue() {
            return queue;
        }

        @Override
        void close() throws InterruptedException {
            consumer.stop();
        }
    }

    /**
     * A sink that does the benchmark's per-event work on Tandem's delivery thread, and publishes
     * after each publish how many events it was handed and what its thread has allocated so far.
     */
    static final class WorkSink implements StatsSink {
        final SinkWork work;
        volatile long events;
        volatile long bytes;

        WorkSink(SinkWork work) {
            this.work = work;
        }

        /** It reads no measurement and keeps none: the delivery loop may reuse them (and allocate nothing). */
        @Override
        public boolean acceptsReusedMeasurements() {
            return true;
        }

        /** Nor does it keep an event past its publish: the delivery loop may refill the same ones. */
        @Override
        public boolean acceptsReusedEvents() {
            return true;
        }

        @Override
        public void publish(Batch batch) {
            java.util.List<Event> list = batch.events();
            for (int i = 0, n = list.size(); i < n; i++) {
                work.event(list.get(i).timestampMillis());
            }
            events = events + list.size(); // one writer: the delivery thread
            bytes = Allocation.currentThreadBytes();
        }
    }

    /** Bytes allocated by the current thread, from HotSpot's per-thread allocation counter. */
    static final class Allocation {
        private static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();

        private Allocation() {}

        static long currentThreadBytes() {
            if (BEAN instanceof com.sun.management.ThreadMXBean) {
                return ((com.sun.management.ThreadMXBean) BEAN).getCurrentThreadAllocatedBytes();
            }
            return -1;
        }

        /** CPU time of the current thread, or -1 where the JVM cannot measure it. */
        static long currentThreadCpuNanos() {
            return BEAN.isCurrentThreadCpuTimeSupported() ? BEAN.getCurrentThreadCpuTime() : -1;
        }
    }
}
