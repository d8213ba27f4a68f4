/** A Micrometer MeterBinder over a Tandem stats pipeline's exact counters and gauges. */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // micrometer-core is an automatic module
module dev.tandem.stats.micrometer {
    requires transitive dev.tandem.stats;
    requires transitive micrometer.core;
    requires org.slf4j;

    exports dev.tandem.stats.micrometer;
}
