package dev.tandem.stats;

/**
 * A value that goes up and down, read when a batch is published. Obtain one with
 * {@link StatsPipeline#gauge(String, Tags, java.util.function.DoubleSupplier)} (sampled from a
 * function) or {@link StatsPipeline#settableGauge(String, Tags)}.
 */
public interface Gauge {
    /** The current value; {@code NaN} if the supplying function threw. */
    double value();

    String name();

    Tags tags();
}
