/**
 * Test support for the stats pipeline: a recording sink, the sink contract test (JUnit 5) and
 * event types for a sink's unit tests.
 */
module dev.tandem.stats.testing {
    requires transitive dev.tandem.stats;
    requires transitive org.junit.jupiter.api;

    exports dev.tandem.stats.testing;
    // JUnit reflects into the contract test's methods when a user's test extends it.
    opens dev.tandem.stats.testing to org.junit.platform.commons;
}
