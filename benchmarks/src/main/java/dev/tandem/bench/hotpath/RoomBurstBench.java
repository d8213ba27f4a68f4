package dev.tandem.bench.hotpath;

import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkStats;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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

/**
 * B1, queue with room, without pacing: each measured operation is a burst of {@value #BURST}
 * records straight after one another into a queue that has room for all of them, while the
 * consumer drains as it does in production; before each burst the queue is drained (untimed). What
 * {@link EventRecordBench}'s {@code room} regime measures, without the pacing it must subtract: its
 * ~300 ns of {@code consumeCPU} varies by more than the 20 ns target, so there the verdicts stay
 * inconclusive. Here the timer runs once per burst, and the score divided by the burst is the cost
 * of one record, consumer interference included.
 *
 * <p>Contenders as in {@link EventRecordBench} (same producers, sink work 0): Tandem's
 * {@code EventType.record}, the bare JCTools offer with and without building the event, and
 * {@code ArrayBlockingQueue.offer} for the two-producer ratio. Every queue holds
 * {@value #CAPACITY} events, so a burst is never refused (a run with a drop fails).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 60, batchSize = RoomBurstBench.BURST)
@Measurement(iterations = 100, batchSize = RoomBurstBench.BURST)
public class RoomBurstBench {
    /** Records per measured operation, per producer thread. */
    public static final int BURST = 10_000;
    /** Room for a burst of every producer with margin, on any of Tandem's stripes. */
    static final int CAPACITY = 1 << 17;

    @Param({"tandem", "mpsc_prebuilt", "mpsc_bare", "abq_offer"})
    public String queue;

    private EventRecordBench.Producer producer;
    private EventRecordBench.TandemProducer tandem;
    private BaselineQueue baseline;

    @Setup(Level.Trial)
    public void start() {
        SinkWork work = new SinkWork(0);
        if (queue.equals("tandem")) {
            tandem = new EventRecordBench.TandemProducer(work, SinkOptions.builder().queueCapacity(CAPACITY).build());
            producer = tandem;
        } else {
            EventRecordBench.BaselineProducer b = new EventRecordBench.BaselineProducer(queue, work, CAPACITY);
            baseline = b.queue();
            producer = b;
        }
    }

    /** Untimed: the consumer has taken everything, so the next burst finds the queue empty. */
    @Setup(Level.Iteration)
    public void drained() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!empty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer did not drain the queue within 10 s");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private boolean empty() {
        if (tandem == null) {
            return baseline.size() == 0;
        }
        SinkStats s = tandem.stats();
        if (s.droppedTotal() != 0) {
            throw new IllegalStateException("a burst was refused, so the queue had no room: " + s);
        }
        return s.delivered() == s.recorded();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        producer.close();
    }

    /** One producer thread's books: counts records, and drops (which fail the run). */
    @State(Scope.Thread)
    public static class Books {
        final EventRecordBench.Books books = new EventRecordBench.Books();

        @TearDown(Level.Iteration)
        public void noDrops() {
            if (books.drops != 0) {
                throw new IllegalStateException(books.drops + " records refused: the queue had no room");
            }
        }
    }

    @Benchmark
    public void record(Books books) {
        producer.record(books.books);
    }
}
