/**
 * Tandem's core: {@link dev.tandem.core.ConnectionPair} ties a connection's reader and writer
 * lifecycles together with guaranteed cleanup, under a {@link dev.tandem.core.ConnectionManager};
 * {@link dev.tandem.core.diagnostics} holds the loopback diagnostics endpoint and the JVM-wide
 * thread profile.
 */
module dev.tandem.core {
    requires transitive dev.tandem.stats;
    requires org.slf4j;
    requires jdk.httpserver;
    requires jdk.jfr;
    requires java.management;
    requires jdk.management;

    exports dev.tandem.core;
    exports dev.tandem.core.diagnostics;
}
