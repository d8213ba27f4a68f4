package dev.tandem.bench.hotpath;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.EventType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * B1's yardsticks, measured in the same run: the clocks an event's timestamp could come from,
 * the pacing of the {@code room} regime alone (subtracted from its figures), the flood sink's cost
 * per event (so its drain rate is known), and the allocation of one event (the most a record may
 * allocate).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
public class ReferenceBench {
    private final Object type = TestEvents.type("tandem.connection.closed", "id", "duration_ms");
    private final SinkWork floodSink = new SinkWork(EventRecordBench.SINK_TOKENS);
    private long id;

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    /**
     * The {@code room} regime's pacing alone, per producer. Measured as long as the event cases it
     * is subtracted from (their warm-up and iterations): with the yardsticks' 5 x 300 ms its error
     * (6.5 ns in one run) was the larger part of the subtracted figure's.
     */
    @Benchmark
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 8, time = 1)
    public void pace() {
        Blackhole.consumeCPU(EventRecordBench.PACE_TOKENS);
    }

    /** What the flood sink spends on one event. */
    @Benchmark
    public void sinkEvent() {
        floodSink.event(id++);
    }

    /** One event of the size every contender allocates (the same fields as Tandem's Event). */
    @Benchmark
    public Object allocateEvent() {
        return new BenchEvent(type, id, EventRecordBench.TAGS, id++, 42L, 0, 0, 0, 0);
    }
}
