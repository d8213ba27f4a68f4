/**
 * Tandem's stats pipeline: telemetry that can never block its caller ({@link dev.tandem.stats}),
 * the JSON writer for sink authors ({@link dev.tandem.stats.json}) and the built-in StatsD and
 * HTTP sinks. {@code dev.tandem.stats.internal} is machinery shared with Tandem's own modules, not
 * API.
 */
@SuppressWarnings("module") // the qualified export names modules not present when this one compiles
module dev.tandem.stats {
    requires org.slf4j;
    requires org.jctools.core;
    requires java.net.http;
    requires jdk.jfr;

    exports dev.tandem.stats;
    exports dev.tandem.stats.json;
    exports dev.tandem.stats.http;
    exports dev.tandem.stats.statsd;
    exports dev.tandem.stats.internal to
            dev.tandem.core,
            dev.tandem.stats.kafka,
            dev.tandem.stats.micrometer;
}
