/**
 * A {@link dev.tandem.stats.StatsSink} for StatsD and DogStatsD over UDP:
 * {@link dev.tandem.stats.statsd.StatsdSink}. Needs nothing but the JDK. Options, failure
 * behaviour and a configuration to copy are in {@code docs/sinks.md}.
 */
package dev.tandem.stats.statsd;
