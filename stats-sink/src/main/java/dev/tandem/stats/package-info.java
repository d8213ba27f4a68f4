/**
 * Tandem's stats pipeline: telemetry that can never block its caller.
 *
 * <p>Start at {@link dev.tandem.stats.StatsPipeline}. Implement {@link dev.tandem.stats.StatsSink}
 * to reach your own backend; {@link dev.tandem.stats.LoggingStatsSink} and
 * {@link dev.tandem.stats.RecordingStatsSink} are built in. The guarantees S1–S8 are listed in
 * {@code docs/stats-pipeline.md}.
 */
package dev.tandem.stats;
