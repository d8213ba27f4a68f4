package dev.tandem.bench.hotpath;

import dev.tandem.stats.Counter;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * B1: one counter increment, Tandem's {@link Counter} against a bare {@link AtomicLong} and a bare
 * {@link LongAdder}, one counter shared by all threads (the contended case that matters). The
 * pipeline has no sink: an increment never touches one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
public class CounterBench {
    private StatsPipeline pipeline;
    private Counter tandem;
    private final AtomicLong atomicLong = new AtomicLong();
    private final LongAdder longAdder = new LongAdder();

    @Setup(Level.Trial)
    public void start() {
        pipeline = StatsPipeline.builder().build();
        tandem = pipeline.counter("tandem.connections.opened", Tags.empty());
    }

    @TearDown(Level.Trial)
    public void stop() {
        pipeline.close(Duration.ofSeconds(5));
    }

    @Benchmark
    public void tandem() {
        tandem.increment();
    }

    @Benchmark
    public void atomicLong() {
        atomicLong.getAndIncrement();
    }

    @Benchmark
    public void longAdder() {
        longAdder.increment();
    }
}
