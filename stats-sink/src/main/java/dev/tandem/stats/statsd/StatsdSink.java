package dev.tandem.stats.statsd;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.Tags;
import dev.tandem.stats.internal.Checks;
import dev.tandem.stats.internal.CloseOnce;
import dev.tandem.stats.statsd.StatsdFormat.MetricId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A sink that sends StatsD lines over UDP, in the plain StatsD or the DogStatsD tag syntax, many
 * lines per datagram. It needs nothing but the JDK.
 *
 * <pre>{@code
 * StatsdSink statsd = StatsdSink.builder()
 *         .host("127.0.0.1").port(8125)
 *         .prefix("myapp")
 *         .tagStyle(StatsdSink.TagStyle.DOGSTATSD)
 *         .build();
 * StatsPipeline stats = StatsPipeline.builder().sink("statsd", statsd).build();
 * }</pre>
 *
 * <h2>What is sent</h2>
 * <ul>
 *   <li><b>Counters</b> are the pipeline's exact totals. By default
 *       ({@link CounterMode#CUMULATIVE_GAUGE}) each publish sends every counter's total as a gauge,
 *       {@code name:total|g}: a lost datagram is repaired by the next publish, and a restarted
 *       daemon shows the right total again after one publish. {@link CounterMode#DELTA_COUNTER}
 *       sends {@code name:delta|c}, the growth since the last total this sink handed to the
 *       kernel; a datagram the kernel refused or failed is sent again as part of a later delta, but
 *       one lost after it left (UDP has no acknowledgement) is lost for good.</li>
 *   <li><b>Gauges</b>: {@code name:value|g}; a negative value is preceded by {@code name:0|g}
 *       (StatsD reads a leading minus as "decrement"); NaN and infinities are skipped.</li>
 *   <li><b>Events</b>: {@code name:1|c}, then one sample per numeric field,
 *       {@code name.field:value|ms} (or {@code |h}, {@code |d}: see {@link SampleType}). Negative
 *       values are skipped for timers, which StatsD rejects. Timestamps are not sent: StatsD has none.</li>
 *   <li><b>Self-metrics</b> of this sink, as counters in the chosen mode:
 *       {@code tandem.statsd.packets.sent}, {@code tandem.statsd.packets.dropped{reason}},
 *       {@code tandem.statsd.lines.skipped}, {@code tandem.statsd.events.sent},
 *       {@code tandem.statsd.events.unsent}.</li>
 * </ul>
 *
 * <h2>Failure behaviour</h2>
 * The channel is non-blocking: a datagram the kernel will not take at once (full send buffer) is
 * dropped and counted ({@link PacketDrop#WOULD_BLOCK}), and the publish goes on. A send that
 * throws (for instance {@link java.net.PortUnreachableException}: the channel is connected, so the
 * kernel reports that nothing listens on the port once an ICMP "port unreachable" came back) is
 * counted ({@link PacketDrop#SEND_ERROR}), ends the publish with an {@link IOException}, and the
 * pipeline backs off and retries; a retried batch resumes after the events already sent, so none
 * is sent twice. A host name that does not resolve fails the publish the same way; the channel is
 * reopened, and the name resolved again, on the next publish after any failure.
 *
 * <h2>Threading</h2>
 * Implementation notes: {@link #publish} runs only on the pipeline's delivery thread, which owns
 * the format caches, the packet buffer and the delta totals. The counters behind
 * {@link #packetsSent()} and friends have that single writer and may be read from any thread.
 * The lifecycle is one {@link AtomicReference} moved by CAS from OPEN to CLOSED; {@link #close()}
 * may run on any thread, and a publish that races with it fails with an I/O error (the channel is
 * closed under it) or {@link IllegalStateException}. Nothing here ever blocks, except the host
 * name lookup when the channel is (re)opened.
 */
public final class StatsdSink implements StatsSink {
    /** The smallest allowed {@link Builder#maxPacketSize(int)}: the datagram size any path is assumed to carry. */
    public static final int MIN_PACKET_SIZE = 512;
    /** The largest allowed {@link Builder#maxPacketSize(int)}: the most a UDP datagram over IPv4 can carry. */
    public static final int MAX_PACKET_SIZE = 65_507;

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]*");

    /** How tags are written. */
    public enum TagStyle {
        /** DogStatsD tags, {@code name:1|c|#key:value,key2:value2} (also read by the Etsy daemon 0.9+, Telegraf, statsd_exporter). */
        DOGSTATSD,
        /** Plain StatsD, which has no tags: each tag is appended to the name, {@code name.key.value}. */
        PLAIN
    }

    /** How counters are sent. */
    public enum CounterMode {
        /** {@code name:total|g}: the exact total on every publish (the default). */
        CUMULATIVE_GAUGE,
        /** {@code name:delta|c}: the growth since the last total handed to the kernel. */
        DELTA_COUNTER
    }

    /** The StatsD type of the samples an event's fields become. */
    public enum SampleType {
        /** {@code |ms}, understood by every StatsD server; negative values are skipped. */
        TIMER("ms"),
        /** {@code |h}, a DogStatsD histogram (the Etsy daemon counts it as a counter: do not use it there). */
        HISTOGRAM("h"),
        /** {@code |d}, a DogStatsD distribution. */
        DISTRIBUTION("d");

        private final String wire;

        SampleType(String wire) {
            this.wire = wire;
        }

        String wire() {
            return wire;
        }
    }

    /** Why a datagram was not sent. */
    public enum PacketDrop {
        /** The socket's send buffer was full: the datagram was dropped rather than waited for. */
        WOULD_BLOCK("would_block"),
        /** The send threw (port unreachable, closed channel, ...); the publish failed. */
        SEND_ERROR("send_error");

        private final String tagValue;

        PacketDrop(String tagValue) {
            this.tagValue = tagValue;
        }

        /** The value of the {@code reason} tag of {@code tandem.statsd.packets.dropped}. */
        public String tagValue() {
            return tagValue;
        }
    }


    private static final Tags WOULD_BLOCK_TAGS = Tags.of("reason", PacketDrop.WOULD_BLOCK.tagValue());
    private static final Tags SEND_ERROR_TAGS = Tags.of("reason", PacketDrop.SEND_ERROR.tagValue());

    private final String host;
    private final int port;
    private final String prefix;
    private final TagStyle tagStyle;
    private final CounterMode counterMode;
    private final SampleType sampleType;
    private final int maxPacketSize;
    private final DatagramTransport.Factory transports;

    private final CloseOnce state = new CloseOnce();
    private final StatsdFormat format;
    private final Map<MetricId, Long> lastSentTotals = new HashMap<>();
    private final PacketWriter writer;
    private final StringBuilder group = new StringBuilder(256);
    private volatile DatagramTransport transport;
    private long resumeSequence = -1;
    private int resumeIndex;

    private StatsdSink(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.prefix = b.prefix;
        this.tagStyle = b.tagStyle;
        this.counterMode = b.counterMode;
        this.sampleType = b.sampleType;
        this.maxPacketSize = b.maxPacketSize;
        this.transports = b.transports;
        this.format = new StatsdFormat(prefix, tagStyle, sampleType);
        this.writer = new PacketWriter(maxPacketSize, lastSentTotals);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends the batch's events, then every metric, then this sink's own counters, packed into
     * datagrams.
     *
     * @throws IOException if the channel cannot be opened or a send fails; what was sent before
     *     stays sent, and a retry of this batch resumes after the last event sent
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public void publish(Batch batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        if (!state.isOpen()) {
            throw new IllegalStateException(this + " is closed");
        }
        List<Event> events = batch.events();
        int first = batch.attempt() > 1 && batch.sequence() == resumeSequence ? resumeIndex : 0;
        resumeSequence = batch.sequence();
        resumeIndex = first;
        DatagramTransport t = transport;
        if (t == null) {
            t = transports.open(host, port);
            transport = t;
            if (!state.isOpen()) { // closed while we opened it
                closeTransport();
                throw new IllegalStateException(this + " is closed");
            }
        }
        writer.begin(t);
        try {
            for (int i = first; i < events.size(); i++) {
                group.setLength(0);
                writer.skipped(format.event(group, events.get(i)));
                writer.addEvent(group);
            }
            List<Measurement> metrics = batch.metrics();
            for (Measurement m : metrics) {
                addMetric(m);
            }
            for (Measurement m : selfMetrics()) {
                addMetric(m);
            }
            writer.finish();
        } catch (IOException e) {
            resumeIndex = first + writer.eventsDone();
            closeTransport();
            throw new IOException("statsd send to " + host + ':' + port + " failed: " + e, e);
        }
        resumeIndex = events.size();
        if (counterMode == CounterMode.DELTA_COUNTER && lastSentTotals.size() > 2 * batch.metrics().size() + 64) {
            forgetRemovedCounters(batch.metrics());
        }
    }

    private void addMetric(Measurement m) throws IOException {
        group.setLength(0);
        if (m.kind() == Measurement.Kind.GAUGE) {
            if (!format.gauge(group, m)) {
                writer.skipped(1);
                return;
            }
            writer.addMetric(group, null, 0);
        } else if (counterMode == CounterMode.CUMULATIVE_GAUGE) {
            format.counterAsGauge(group, m);
            writer.addMetric(group, null, 0);
        } else {
            MetricId id = new MetricId(m.name(), m.tags());
            long total = m.longValue();
            Long last = lastSentTotals.get(id);
            // A total below the last one sent means the counter was removed and registered again.
            long delta = last == null || total < last ? total : total - last;
            if (delta == 0) {
                lastSentTotals.put(id, total);
                return;
            }
            format.counterDelta(group, m, delta);
            writer.addMetric(group, id, total);
        }
    }

    private List<Measurement> selfMetrics() {
        List<Measurement> out = new ArrayList<>(6);
        out.add(Measurement.counter("tandem.statsd.packets.sent", Tags.empty(), packetsSent()));
        out.add(Measurement.counter("tandem.statsd.packets.dropped", WOULD_BLOCK_TAGS,
                packetsDropped(PacketDrop.WOULD_BLOCK)));
        out.add(Measurement.counter("tandem.statsd.packets.dropped", SEND_ERROR_TAGS,
                packetsDropped(PacketDrop.SEND_ERROR)));
        out.add(Measurement.counter("tandem.statsd.lines.skipped", Tags.empty(), linesSkipped()));
        out.add(Measurement.counter("tandem.statsd.events.sent", Tags.empty(), eventsSent()));
        out.add(Measurement.counter("tandem.statsd.events.unsent", Tags.empty(), eventsUnsent()));
        return out;
    }

    private void forgetRemovedCounters(List<Measurement> present) {
        Set<MetricId> keep = new HashSet<>();
        for (Measurement m : present) {
            keep.add(new MetricId(m.name(), m.tags()));
        }
        for (Measurement m : selfMetrics()) {
            keep.add(new MetricId(m.name(), m.tags()));
        }
        lastSentTotals.keySet().retainAll(keep);
    }

    /**
     * True: a publish formats each event into its packet buffer and keeps no event (its caches are
     * keyed by type and tags), so the pipeline may hand it the same event objects, refilled, every
     * time, and its delivery thread allocates no event.
     */
    @Override
    public boolean acceptsReusedEvents() {
        return true;
    }

    /** Closes the channel; later publishes throw {@link IllegalStateException}. A second call does nothing. */
    @Override
    public void close() throws IOException {
        if (state.close()) {
            closeTransport();
        }
    }

    private void closeTransport() {
        DatagramTransport t = transport;
        transport = null;
        if (t != null) {
            try {
                t.close();
            } catch (IOException ignored) {
                // a datagram channel's close has nothing to flush; nothing to report
            }
        }
    }

    // ---------------------------------------------------------------- observation

    /** Datagrams handed to the kernel. (UDP: whether the server got them, nobody can tell here.) */
    public long packetsSent() {
        return writer.packetsSent.get();
    }

    /** Datagrams not sent, for one reason. */
    public long packetsDropped(PacketDrop reason) {
        switch (Objects.requireNonNull(reason, "reason")) {
            case WOULD_BLOCK: return writer.packetsWouldBlock.get();
            case SEND_ERROR: return writer.packetsSendError.get();
            default: throw new IllegalStateException("reason " + reason);
        }
    }

    /** Lines left out: NaN or infinite gauges, negative timer samples, lines longer than a datagram. */
    public long linesSkipped() {
        return writer.linesSkipped.get();
    }

    /** Events whose every line went out in a datagram handed to the kernel. */
    public long eventsSent() {
        return writer.eventsSent.get();
    }

    /**
     * Events lost in a datagram dropped for {@link PacketDrop#WOULD_BLOCK} (or with a line too long
     * for a datagram). The pipeline counted them as delivered: its {@code delivered} equals
     * {@code eventsSent() + eventsUnsent()} when every publish succeeded.
     */
    public long eventsUnsent() {
        return writer.eventsUnsent.get();
    }

    @Override
    public String toString() {
        return "StatsdSink[udp://" + host + ':' + port + ", prefix='" + prefix + "', " + tagStyle + ", "
                + counterMode + ", " + sampleType + ", maxPacketSize=" + maxPacketSize + ']';
    }

    // for tests of the documented defaults
    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String prefix() {
        return prefix;
    }

    TagStyle tagStyle() {
        return tagStyle;
    }

    CounterMode counterMode() {
        return counterMode;
    }

    SampleType sampleType() {
        return sampleType;
    }

    int maxPacketSize() {
        return maxPacketSize;
    }

    /** Options of the StatsD sink; {@link #build()} validates them all. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8125;
        private String prefix = "";
        private TagStyle tagStyle = TagStyle.DOGSTATSD;
        private CounterMode counterMode = CounterMode.CUMULATIVE_GAUGE;
        private SampleType sampleType = SampleType.TIMER;
        private int maxPacketSize = 1432;
        private DatagramTransport.Factory transports = DatagramTransport::channel;

        private Builder() {}

        /** The StatsD server's host name or address (default {@code 127.0.0.1}); resolved when the channel opens. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The server's UDP port, 1 to 65535 (default 8125). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Put before every name, followed by a dot (default none): letters, digits, {@code _ . -}.
         */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** DogStatsD tags or tags folded into the name (default {@link TagStyle#DOGSTATSD}). */
        public Builder tagStyle(TagStyle tagStyle) {
            this.tagStyle = tagStyle;
            return this;
        }

        /** Counters as cumulative gauges or as deltas (default {@link CounterMode#CUMULATIVE_GAUGE}). */
        public Builder counterMode(CounterMode counterMode) {
            this.counterMode = counterMode;
            return this;
        }

        /** The type of the samples made from event fields (default {@link SampleType#TIMER}). */
        public Builder sampleType(SampleType sampleType) {
            this.sampleType = sampleType;
            return this;
        }

        /**
         * The most bytes in one datagram, {@value #MIN_PACKET_SIZE} to {@value #MAX_PACKET_SIZE}
         * (default 1432, which fits an Ethernet frame with IPv6 headers).
         */
        public Builder maxPacketSize(int maxPacketSize) {
            this.maxPacketSize = maxPacketSize;
            return this;
        }

        /** For unit tests: where datagrams go. */
        Builder transports(DatagramTransport.Factory transports) {
            this.transports = Objects.requireNonNull(transports, "transports");
            return this;
        }

        /**
         * Validates every option. Opens nothing: the channel is opened on the first publish.
         *
         * @throws NullPointerException naming a missing option
         * @throws IllegalArgumentException naming the first invalid one
         */
        public StatsdSink build() {
            Checks.notEmpty("host", host);
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(tagStyle, "tagStyle");
            Objects.requireNonNull(counterMode, "counterMode");
            Objects.requireNonNull(sampleType, "sampleType");
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
            }
            if (maxPacketSize < MIN_PACKET_SIZE || maxPacketSize > MAX_PACKET_SIZE) {
                throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize
                        + " (expected: " + MIN_PACKET_SIZE + ".." + MAX_PACKET_SIZE + ")");
            }
            if (!PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("prefix: '" + prefix
                        + "' (expected: letters, digits, '_', '.', '-')");
            }
            if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address, without spaces)");
            }
            return new StatsdSink(this);
        }
    }
}
