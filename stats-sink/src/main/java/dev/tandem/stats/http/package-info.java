/**
 * A {@link dev.tandem.stats.StatsSink} that posts batches over HTTP with the JDK's client:
 * {@link dev.tandem.stats.http.HttpSink}, with a pluggable {@link dev.tandem.stats.http.BodyEncoding}
 * (JSON Lines and InfluxDB line protocol ship with it). Needs nothing but the JDK. Options,
 * failure behaviour and a configuration to copy are in {@code docs/sinks.md}.
 */
package dev.tandem.stats.http;
