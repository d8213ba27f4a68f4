/**
 * Test support for code that uses Tandem's stats pipeline and for authors of sinks, in the
 * {@code tandem-stats-testing} artifact (add it with test scope):
 * {@link dev.tandem.stats.testing.RecordingStatsSink} keeps what a pipeline publishes and waits for
 * it with a bounded timeout; {@link dev.tandem.stats.testing.StatsSinkContractTest} is the
 * contract every {@link dev.tandem.stats.StatsSink} must pass (extend it, JUnit 5);
 * {@link dev.tandem.stats.testing.TestEvents} declares event types for a sink's unit tests.
 */
package dev.tandem.stats.testing;
