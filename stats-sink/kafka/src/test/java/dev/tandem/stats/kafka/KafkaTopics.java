package dev.tandem.stats.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Test helpers on a real broker: create topics, read a topic back whole with a real KafkaConsumer. */
final class KafkaTopics {
    private KafkaTopics() {}

    /** A topic name no earlier run used. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void create(String bootstrap, String... topics) throws Exception {
        create(bootstrap, 1, topics);
    }

    static void create(String bootstrap, int partitions, String... topics) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, partitions, (short) 1));
            }
            admin.createTopics(list).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, List.of(topics), partitions);
        }
    }

    /**
     * Waits (bounded) until the broker itself, not only the controller, knows a leader for every
     * partition: {@code createTopics} returns once the controller has the topic, and a producer
     * that races the broker's metadata then meets NOT_LEADER and, idempotent, an out-of-order
     * sequence on its retry (seen once under load).
     */
    private static void awaitLeaders(Admin admin, List<String> topics, int partitions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (true) {
            try {
                Map<String, org.apache.kafka.clients.admin.TopicDescription> d =
                        admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean ready = d.size() == topics.size() && d.values().stream().allMatch(t ->
                        t.partitions().size() == partitions
                                && t.partitions().stream().allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty()));
                if (ready) {
                    return;
                }
                last = d.toString();
            } catch (java.util.concurrent.ExecutionException notYet) { // e.g. unknown topic, for a moment
                last = String.valueOf(notYet.getCause());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no leader for every partition of " + topics + " within 30 s: " + last);
            }
            Thread.sleep(20); // polling the broker's metadata under a bounded deadline
        }
    }

    /** One record as read back: its key, its tandem.type header and its value parsed as JSON. */
    record Read(String key, String type, JsonNode value, int partition, long offset) {}

    /**
     * Every record of {@code topic}, from the beginning to the end offsets at the time of the
     * call (so everything acknowledged before it), without a consumer group.
     */
    static List<Read> readAll(String bootstrap, String topic, Duration timeout) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<Read> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("did not read " + topic + " to its end offsets " + end + " within " + timeout
                            + " (read " + out.size() + ")");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    var h = r.headers().lastHeader(KafkaStatsSink.TYPE_HEADER);
                    out.add(new Read(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                            h == null ? null : new String(h.value(), StandardCharsets.UTF_8),
                            JsonRecordEncoderTest.parse(r.value()), r.partition(), r.offset()));
                }
            }
        }
        return out;
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Events in the records: one per {@code event} record, the array's length per {@code events} record. */
    static long eventCount(List<Read> records) {
        long n = 0;
        for (Read r : records) {
            if ("event".equals(r.type())) {
                n++;
            } else if ("events".equals(r.type())) {
                n += r.value().get("events").size();
            }
        }
        return n;
    }

    /** The metrics record of {@code source} with the highest batch sequence: the latest totals. */
    static JsonNode latestMetrics(List<Read> records, String source) {
        JsonNode best = null;
        for (Read r : records) {
            if ("metrics".equals(r.type()) && source.equals(r.value().get("source").asText())
                    && (best == null || r.value().get("batch").asLong() >= best.get("batch").asLong())) {
                best = r.value();
            }
        }
        if (best == null) {
            throw new AssertionError("no metrics record of source " + source + " among " + records.size() + " records");
        }
        return best;
    }

    /** The value of one metric in a metrics record, by name and tags; fails if absent. */
    static JsonNode metric(JsonNode metricsRecord, String name, Map<String, String> tags) {
        for (JsonNode m : metricsRecord.get("metrics")) {
            if (m.get("name").asText().equals(name) && m.get("tags").size() == tags.size()) {
                boolean all = true;
                for (Map.Entry<String, String> t : tags.entrySet()) {
                    JsonNode v = m.get("tags").get(t.getKey());
                    all &= v != null && v.asText().equals(t.getValue());
                }
                if (all) {
                    return m.get("value");
                }
            }
        }
        throw new AssertionError("no metric " + name + tags + " in " + metricsRecord);
    }
}
