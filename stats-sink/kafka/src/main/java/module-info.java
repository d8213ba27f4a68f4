/** A Tandem stats sink that publishes events and metrics to Apache Kafka. */
@SuppressWarnings("requires-automatic") // kafka-clients ships no module descriptor
module dev.tandem.stats.kafka {
    requires transitive dev.tandem.stats;
    requires kafka.clients;
    requires org.slf4j;

    exports dev.tandem.stats.kafka;
}
