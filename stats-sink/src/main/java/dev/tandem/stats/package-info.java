/**
 * Tandem's stats pipeline: telemetry that can never block its caller.
 *
 * <p>Start at {@link dev.tandem.stats.StatsPipeline}. Implement {@link dev.tandem.stats.StatsSink}
 * to reach your own backend ({@link dev.tandem.stats.json.JsonWriter} writes safe JSON for it);
 * {@link dev.tandem.stats.LoggingStatsSink} is built in, and so are the StatsD and HTTP sinks in
 * {@code dev.tandem.stats.statsd} and {@code dev.tandem.stats.http}. Test support (a recording
 * sink, the sink contract test) is in the {@code tandem-stats-testing} artifact. The guarantees
 * S1–S8 are listed in {@code docs/stats-pipeline.md}.
 */
package dev.tandem.stats;
