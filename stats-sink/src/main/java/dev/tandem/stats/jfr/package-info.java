/**
 * Not API: the stats pipeline's JDK Flight Recorder events ({@code dev.tandem.SinkStateChanged},
 * {@code dev.tandem.StatsDropped}), package-private, emitted through
 * {@link dev.tandem.stats.jfr.StatsEvents}. Settings: {@code /dev/tandem/tandem.jfc} in tandem-core's jar.
 */
package dev.tandem.stats.jfr;
