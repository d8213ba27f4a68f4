package dev.tandem.bench.hotpath;

import dev.tandem.stats.Tags;

/**
 * The baselines' event: the same fields as Tandem's {@code dev.tandem.stats.Event} (a type, a
 * wall-clock timestamp, tags and six inline longs), so every contender allocates an object of the
 * same size and pays for the same timestamp. {@link ReferenceBench#allocateEvent} measures that size.
 */
final class BenchEvent {
    final Object type;
    final long timestampMillis;
    final Tags tags;
    final long f0;
    final long f1;
    final long f2;
    final long f3;
    final long f4;
    final long f5;

    BenchEvent(Object type, long timestampMillis, Tags tags, long f0, long f1, long f2, long f3, long f4, long f5) {
        this.type = type;
        this.timestampMillis = timestampMillis;
        this.tags = tags;
        this.f0 = f0;
        this.f1 = f1;
        this.f2 = f2;
        this.f3 = f3;
        this.f4 = f4;
        this.f5 = f5;
    }
}
