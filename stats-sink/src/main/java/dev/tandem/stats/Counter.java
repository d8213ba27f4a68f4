package dev.tandem.stats;

/**
 * A monotonic, exact, cumulative count kept in process (S3). Increments are lock-free, never
 * block, allocate nothing, and do not depend on any sink: every publish carries the current
 * total. Obtain one with {@link StatsPipeline#counter(String, Tags)}.
 */
public interface Counter {
    /** Adds one. */
    void increment();

    /**
     * Adds {@code delta}.
     *
     * @throws IllegalArgumentException if {@code delta} is negative (a counter never goes down;
     *     use a {@link SettableGauge} for a value that does)
     */
    void add(long delta);

    /** The exact total so far. */
    long count();

    String name();

    Tags tags();
}
