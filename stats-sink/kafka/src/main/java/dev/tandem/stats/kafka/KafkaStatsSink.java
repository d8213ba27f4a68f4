package dev.tandem.stats.kafka;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.internal.Checks;
import dev.tandem.stats.internal.CloseOnce;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@link StatsSink} that writes to Kafka through kafka-clients: events (one record per event,
 * or one per batch) and, on every publish, one metrics record carrying every metric's current
 * cumulative value, so the latest metrics record of a {@link Builder#source source} always holds
 * the right totals, whatever was lost or failed before it.
 *
 * <pre>{@code
 * KafkaStatsSink kafka = KafkaStatsSink.builder("127.0.0.1:9092", "tandem-events")
 *         .metricsTopic("tandem-metrics")
 *         .eventKey(EventKey.field("id"))
 *         .build();
 * StatsPipeline stats = StatsPipeline.builder().sink("kafka", kafka).build();
 * }</pre>
 *
 * <h2>Bounded, and failures reach the pipeline</h2>
 * {@link #publish} sends the batch's records, then waits for the broker's acknowledgements, all
 * within one deadline of {@link Builder#ackTimeout ackTimeout} (default 5 s); one send may
 * overrun it by at most {@link Builder#maxBlock maxBlock} (default 1 s), the longest kafka-clients
 * blocks in {@code send} for metadata or buffer space. A record that fails, or is not acknowledged
 * in time, fails the publish by throwing, so the pipeline counts it and backs off; the first
 * send that fails at once (metadata unavailable: the broker is down) ends the publish without
 * sending the rest. With the defaults a publish thus returns within 6 s, before the pipeline's
 * default publish timeout of 10 s: a down broker shows as {@code BACKOFF}, not {@code STALLED}.
 * The producer settings that make this hold ({@code max.block.ms}, {@code delivery.timeout.ms},
 * {@code request.timeout.ms}, {@code buffer.memory}, {@code linger.ms}, {@code acks}) have typed
 * builder methods that validate them; {@link Builder#producerProperty} refuses them, so extra
 * properties cannot silently undo the bounds.
 *
 * <h2>Delivery is at least once</h2>
 * A publish that fails after some of its records were written is retried whole by the pipeline,
 * so a consumer may see an event twice; every event record carries its batch's {@code source},
 * {@code batch} sequence and the event's {@code index} in the batch, a key to drop duplicates by.
 * Metrics records need no such care: each carries totals, and the newest one wins.
 *
 * <p>Implementation notes: {@code publish} runs only on the pipeline's delivery thread;
 * {@code close} may also be called from any thread (the pipeline calls it on the delivery thread,
 * a user's try-with-resources on its own), concurrently with a publish. The lifecycle is one
 * {@link AtomicReference} moved OPEN -> CLOSED by CAS: the winner closes the producer, bounded by
 * {@link Builder#closeTimeout closeTimeout}; a publish that races with close fails with the
 * producer's own {@code IllegalStateException}, a failed publish like any other.
 * {@link KafkaProducer} is thread-safe. The sink itself keeps no state between publishes.
 */
public final class KafkaStatsSink implements StatsSink {
    /** Header on every record: {@code event}, {@code events} or {@code metrics}. */
    public static final String TYPE_HEADER = "tandem.type";

    private static final byte[] TYPE_EVENT = "event".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TYPE_EVENTS = "events".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TYPE_METRICS = "metrics".getBytes(StandardCharsets.UTF_8);


    private final CloseOnce state = new CloseOnce();
    private final Producer<byte[], byte[]> producer;
    private final Map<String, Object> producerConfig;
    private final String topic;
    private final String metricsTopic;
    private final String source;
    private final byte[] sourceKey;
    private final EventRecords eventRecords;
    private final EventKey eventKey;
    private final int maxEventsPerRecord;
    private final boolean metricsRecords;
    private final RecordEncoder encoder;
    private final long ackTimeoutNanos;
    private final Duration closeTimeout;

    private KafkaStatsSink(Builder b, String source, Map<String, Object> config) {
        this.producerConfig = Collections.unmodifiableMap(config);
        this.topic = b.topic;
        this.metricsTopic = b.metricsTopic == null ? b.topic : b.metricsTopic;
        this.source = source;
        this.sourceKey = source.getBytes(StandardCharsets.UTF_8);
        this.eventRecords = b.eventRecords;
        this.eventKey = b.eventKey;
        this.maxEventsPerRecord = b.maxEventsPerRecord;
        this.metricsRecords = b.metricsRecords;
        this.encoder = b.encoder;
        this.ackTimeoutNanos = b.ackTimeout.toNanos();
        this.closeTimeout = b.closeTimeout;
        try {
            this.producer = b.producerFactory.apply(new LinkedHashMap<>(config));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("producer properties: " + e.getMessage()
                    + " (expected: a configuration kafka-clients accepts)", e);
        }
    }

    /**
     * Starts a builder for a sink writing events to {@code topic} on the cluster at
     * {@code bootstrapServers} ({@code host:port[,host:port...]}).
     */
    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(Objects.requireNonNull(bootstrapServers, "bootstrapServers"),
                Objects.requireNonNull(topic, "topic"));
    }

    /**
     * Sends the batch's event records, then its metrics record, and waits for every
     * acknowledgement, within {@code ackTimeout} (plus at most one {@code maxBlock}).
     *
     * @throws IOException if a record was rejected or not acknowledged in time (the cause says why)
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public void publish(Batch batch) throws Exception {
        if (!state.isOpen()) {
            throw new IllegalStateException("KafkaStatsSink is closed (expected: publish before close)");
        }
        long deadline = System.nanoTime() + ackTimeoutNanos;
        List<Event> events = batch.events();
        List<Future<RecordMetadata>> sent = new ArrayList<>(
                (eventRecords == EventRecords.PER_EVENT ? events.size() : events.size() / maxEventsPerRecord + 1) + 1);
        if (eventRecords == EventRecords.PER_EVENT) {
            for (int i = 0; i < events.size(); i++) {
                String key = eventKey.keyOf(events.get(i));
                send(new ProducerRecord<>(topic, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        encoder.event(source, batch, i), headers(TYPE_EVENT)), sent, deadline);
            }
        } else {
            for (int from = 0; from < events.size(); from += maxEventsPerRecord) {
                int to = Math.min(events.size(), from + maxEventsPerRecord);
                send(new ProducerRecord<>(topic, null, sourceKey, encoder.events(source, batch, from, to),
                        headers(TYPE_EVENTS)), sent, deadline);
            }
        }
        if (metricsRecords) {
            send(new ProducerRecord<>(metricsTopic, null, sourceKey, encoder.metrics(source, batch),
                    headers(TYPE_METRICS)), sent, deadline);
        }
        awaitAcks(sent, deadline);
    }

    private static RecordHeaders headers(byte[] type) {
        RecordHeaders h = new RecordHeaders();
        h.add(TYPE_HEADER, type);
        return h;
    }

    /** Sends one record; a send that failed at once (no metadata, no buffer space) ends the publish. */
    private void send(ProducerRecord<byte[], byte[]> record, List<Future<RecordMetadata>> sent, long deadline)
            throws Exception {
        if (deadline - System.nanoTime() <= 0) {
            throw new IOException("Kafka sink ran out of its ackTimeout of " + Duration.ofNanos(ackTimeoutNanos)
                    + " while sending record " + (sent.size() + 1) + " (the producer blocked for metadata or buffer space)",
                    new TimeoutException());
        }
        Future<RecordMetadata> f;
        try {
            f = producer.send(record);
        } catch (org.apache.kafka.common.errors.InterruptException e) { // it has re-set the interrupt flag
            throw e;
        } catch (KafkaException e) {
            throw new IOException("Kafka producer refused record " + (sent.size() + 1) + " for topic " + record.topic()
                    + ": " + e, e);
        }
        sent.add(f);
        if (f.isDone()) { // failed fast: waiting for the others would only repeat maxBlock per record
            awaitOne(f, sent.size(), sent.size(), deadline, record.topic());
        }
    }

    private void awaitAcks(List<Future<RecordMetadata>> sent, long deadline) throws Exception {
        for (int i = 0; i < sent.size(); i++) {
            awaitOne(sent.get(i), i + 1, sent.size(), deadline, null);
        }
    }

    private void awaitOne(Future<RecordMetadata> f, int nth, int of, long deadline, String topicHint) throws Exception {
        try {
            long left = deadline - System.nanoTime();
            if (left <= 0 && !f.isDone()) {
                throw new TimeoutException();
            }
            f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("Kafka did not accept record " + nth + " of " + of
                    + (topicHint == null ? "" : " for topic " + topicHint) + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("Kafka did not acknowledge record " + nth + " of " + of + " within the ackTimeout of "
                    + Duration.ofNanos(ackTimeoutNanos), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    /**
     * Closes the producer, waiting at most {@code closeTimeout} for records still in flight (there
     * are none after a successful publish). Idempotent; safe from any thread.
     */
    @Override
    public void close() {
        if (!state.close()) {
            return;
        }
        producer.close(closeTimeout);
    }

    /** The topic of event records. */
    public String topic() {
        return topic;
    }

    /** The topic of metrics records (the event topic unless set). */
    public String metricsTopic() {
        return metricsTopic;
    }

    /** The key of metrics and per-batch records, and the {@code source} field of every record. */
    public String source() {
        return source;
    }

    /** The configuration given to kafka-clients: the sink's bounds plus the extra properties. */
    public Map<String, Object> producerConfig() {
        return producerConfig;
    }

    /**
     * True with the built-in encoder ({@link RecordEncoder#json()}) and a built-in key
     * ({@link EventKey}'s factories): a publish turns every event into bytes before it hands a
     * record to the producer, and keeps no event, so the pipeline may hand it the same events,
     * refilled, every time. False with an encoder or key of your own, which may keep what it is
     * given.
     */
    @Override
    public boolean acceptsReusedEvents() {
        return builtInCodec();
    }

    /** True with the built-in encoder and key, for the same reason as {@link #acceptsReusedEvents()}. */
    @Override
    public boolean acceptsReusedMeasurements() {
        return builtInCodec();
    }

    private boolean builtInCodec() {
        return encoder == JsonRecordEncoder.INSTANCE
                && eventKey instanceof BuiltInKey;
    }

    @Override
    public String toString() {
        return "KafkaStatsSink[topic=" + topic + ", metricsTopic=" + metricsTopic + ", source=" + source
                + ", " + eventRecords + ", " + state + ']';
    }

    /**
     * Options of the Kafka sink; {@link #build()} validates them all and creates the producer
     * (which connects lazily: a broker that is down at build time is no error).
     */
    public static final class Builder {
        private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
        /** Producer settings the sink owns: each has its own validated builder method (or none). */
        private static final Map<String, String> OWNED = ownedSettings();

        private final String bootstrapServers;
        private final String topic;
        private String metricsTopic;
        private String source;
        private EventRecords eventRecords = EventRecords.PER_EVENT;
        private EventKey eventKey = EventKey.none();
        private int maxEventsPerRecord = 512;
        private boolean metricsRecords = true;
        private RecordEncoder encoder = RecordEncoder.json();
        private Duration ackTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(2);
        private Duration maxBlock = Duration.ofSeconds(1);
        private Duration linger = Duration.ofMillis(5);
        private Duration closeTimeout = Duration.ofSeconds(1);
        private long bufferMemory = 4L * 1024 * 1024;
        private String acks = "all";
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory =
                config -> new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());

        private Builder(String bootstrapServers, String topic) {
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
        }

        private static Map<String, String> ownedSettings() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "builder(bootstrapServers, topic) instead");
            m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "none: keys are UTF-8 strings");
            m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "encoder(RecordEncoder) instead");
            m.put(ProducerConfig.ACKS_CONFIG, "acks(String) instead");
            m.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "maxBlock(Duration) instead");
            m.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "ackTimeout(Duration) instead");
            m.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "requestTimeout(Duration) instead");
            m.put(ProducerConfig.BUFFER_MEMORY_CONFIG, "bufferMemory(long) instead");
            m.put(ProducerConfig.LINGER_MS_CONFIG, "linger(Duration) instead");
            m.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "none: the sink does not use transactions");
            return Collections.unmodifiableMap(m);
        }

        /** Producer settings the sink owns, refused by {@link #producerProperty}. */
        public static Set<String> ownedProducerSettings() {
            return OWNED.keySet();
        }

        /** The topic of metrics records (default: the event topic). A compacted topic keeps the latest per source. */
        public Builder metricsTopic(String metricsTopic) {
            this.metricsTopic = Objects.requireNonNull(metricsTopic, "metricsTopic");
            return this;
        }

        /**
         * Names this producer in every record ({@code source}) and keys its metrics and per-batch
         * records (default: {@code tandem-} and a random UUID, new for each sink). Counters restart
         * at zero with a new pipeline; give a stable source (a service and host name) to let a
         * compacted metrics topic keep one record per producer.
         */
        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** One record per event (default) or one per batch. */
        public Builder eventRecords(EventRecords eventRecords) {
            this.eventRecords = Objects.requireNonNull(eventRecords, "eventRecords");
            return this;
        }

        /** The key of each event's record in {@link EventRecords#PER_EVENT} mode (default {@link EventKey#none()}). */
        public Builder eventKey(EventKey eventKey) {
            this.eventKey = Objects.requireNonNull(eventKey, "eventKey");
            return this;
        }

        /** The most events in one {@link EventRecords#PER_BATCH} record (default 512, the pipeline's default batch size). */
        public Builder maxEventsPerRecord(int maxEventsPerRecord) {
            this.maxEventsPerRecord = maxEventsPerRecord;
            return this;
        }

        /** Whether each publish also writes a metrics record (default true). */
        public Builder metricsRecords(boolean metricsRecords) {
            this.metricsRecords = metricsRecords;
            return this;
        }

        /** How records' values are written (default {@link RecordEncoder#json()}). */
        public Builder encoder(RecordEncoder encoder) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            return this;
        }

        /**
         * The longest a publish waits for its records to be sent and acknowledged (default 5 s);
         * also the producer's {@code delivery.timeout.ms}, so a record the publish gave up on is
         * not delivered long after. Keep {@code ackTimeout + maxBlock} below the sink's
         * {@link SinkOptions.Builder#publishTimeout publishTimeout} (10 s by default), so that a
         * down broker makes the sink back off rather than stall.
         */
        public Builder ackTimeout(Duration ackTimeout) {
            this.ackTimeout = ackTimeout;
            return this;
        }

        /** The producer's {@code request.timeout.ms} (default 2 s); at most {@code ackTimeout - linger}. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * The producer's {@code max.block.ms} (default 1 s): the longest one {@code send} blocks for
         * metadata (the broker is down) or for buffer space; at most {@code ackTimeout}.
         */
        public Builder maxBlock(Duration maxBlock) {
            this.maxBlock = maxBlock;
            return this;
        }

        /** The producer's {@code linger.ms} (default 5 ms; may be zero). */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /** The producer's {@code buffer.memory} in bytes (default 4 MiB): the most it holds unsent. */
        public Builder bufferMemory(long bufferMemory) {
            this.bufferMemory = bufferMemory;
            return this;
        }

        /** The producer's {@code acks}: {@code all} (default), {@code 1} or {@code 0}. */
        public Builder acks(String acks) {
            this.acks = Objects.requireNonNull(acks, "acks");
            return this;
        }

        /** The longest {@link KafkaStatsSink#close()} waits for records in flight (default 1 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Any other producer property (security, compression, {@code client.id}, ...), passed to
         * kafka-clients as is.
         *
         * @throws IllegalArgumentException for a setting the sink owns ({@link #ownedProducerSettings()}),
         *     naming the builder method to use instead
         */
        public Builder producerProperty(String key, Object value) {
            Checks.notEmpty("key", key);
            Objects.requireNonNull(value, "value");
            String owner = OWNED.get(key);
            if (owner != null) {
                throw new IllegalArgumentException("producer property '" + key + "' is set by the sink (expected: "
                        + owner + ")");
            }
            extra.put(key, value);
            return this;
        }

        /** {@link #producerProperty} for each entry. */
        public Builder producerProperties(Map<String, ?> properties) {
            Objects.requireNonNull(properties, "properties");
            properties.forEach(this::producerProperty);
            return this;
        }

        /** For tests: builds the producer from its configuration. */
        Builder producerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory) {
            this.producerFactory = Objects.requireNonNull(producerFactory, "producerFactory");
            return this;
        }

        /**
         * Validates every option and creates the sink and its producer.
         *
         * @throws IllegalArgumentException naming the first invalid option, or when kafka-clients
         *     rejects the resulting configuration
         */
        public KafkaStatsSink build() {
            if (bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers: \"" + bootstrapServers
                        + "\" (expected: host:port[,host:port...])");
            }
            checkTopic("topic", topic);
            if (metricsTopic != null) {
                checkTopic("metricsTopic", metricsTopic);
            }
            if (source != null && source.isBlank()) {
                throw new IllegalArgumentException("source: \"" + source + "\" (expected: not blank)");
            }
            Checks.positive("maxEventsPerRecord", maxEventsPerRecord);
            long ack = Checks.positiveNanos("ackTimeout", ackTimeout);
            long request = Checks.positiveNanos("requestTimeout", requestTimeout);
            long block = Checks.positiveNanos("maxBlock", maxBlock);
            long lingerNanos = Checks.nonNegativeNanos("linger", linger);
            Checks.positiveNanos("closeTimeout", closeTimeout);
            Checks.positive("bufferMemory", bufferMemory);
            if (ack > TimeUnit.MILLISECONDS.toNanos(Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("ackTimeout: " + ackTimeout + " (expected: <= "
                        + Duration.ofMillis(Integer.MAX_VALUE) + ")");
            }
            if (request > ack - lingerNanos) {
                throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: <= ackTimeout "
                        + ackTimeout + " minus linger " + linger + ", as kafka-clients requires of delivery.timeout.ms)");
            }
            if (block > ack) {
                throw new IllegalArgumentException("maxBlock: " + maxBlock + " (expected: <= ackTimeout " + ackTimeout + ")");
            }
            String normalizedAcks = acks.toLowerCase(Locale.ROOT);
            if (!List.of("all", "-1", "1", "0").contains(normalizedAcks)) {
                throw new IllegalArgumentException("acks: \"" + acks + "\" (expected: all, 1 or 0)");
            }
            String src = source == null ? "tandem-" + UUID.randomUUID() : source;
            Map<String, Object> config = new LinkedHashMap<>();
            // A client id per sink: kafka-clients registers an MBean under it and warns on a clash.
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "tandem-stats-" + src.replaceAll("[^A-Za-z0-9._-]", "_"));
            config.putAll(extra);
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.ACKS_CONFIG, normalizedAcks);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TimeUnit.NANOSECONDS.toMillis(block));
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.NANOSECONDS.toMillis(ack));
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.NANOSECONDS.toMillis(request));
            config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferMemory);
            config.put(ProducerConfig.LINGER_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                    TimeUnit.NANOSECONDS.toMillis(lingerNanos)));
            return new KafkaStatsSink(this, src, config);
        }

        private static void checkTopic(String name, String value) {
            if (!TOPIC.matcher(value).matches() || value.equals(".") || value.equals("..")) {
                throw new IllegalArgumentException(name + ": \"" + value
                        + "\" (expected: 1 to 249 of [a-zA-Z0-9._-], not \".\" or \"..\")");
            }
        }
    }
}
