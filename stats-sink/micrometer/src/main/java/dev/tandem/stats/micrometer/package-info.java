/**
 * Tandem's metrics in Micrometer: {@link dev.tandem.stats.micrometer.StatsPipelineMetrics} is a
 * {@code MeterBinder} that exposes a {@link dev.tandem.stats.StatsPipeline}'s exact counters and
 * gauges (the pipeline's own per-sink books, core's connection counts, and the application's)
 * to any Micrometer registry.
 *
 * <p>Artifact {@code dev.tandem:tandem-stats-micrometer}; it brings micrometer-core, which the core
 * stats artifact does not.
 */
package dev.tandem.stats.micrometer;
