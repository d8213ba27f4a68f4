package dev.tandem.examples.sink;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.json.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A user-written sink that appends <a href="https://jsonlines.org/">JSON Lines</a> to a file: one
 * object per event and, if enabled, one object per publish with every metric's current value.
 *
 * <pre>
 * {"type":"event","batch":1,"time":1764340000000,"name":"app.connection.closed","tags":{"reason":"eof"},"fields":{"id":7,"duration_ms":40}}
 * {"type":"metrics","batch":1,"time":1764340000012,"metrics":[{"name":"app.connections.accepted","kind":"counter","tags":{"port":"8080"},"value":3}]}
 * </pre>
 *
 * <ul>
 *   <li>{@code batch} is the pipeline's batch sequence. A batch whose publish failed is retried
 *       whole, so after an I/O error the same {@code batch} may appear twice: readers that need
 *       exactly-once can skip a repeated number.</li>
 *   <li>Counters are cumulative totals (never deltas); gauges that are {@code NaN} or infinite are
 *       written as {@code null}, since JSON has no such numbers.</li>
 *   <li>Strings are escaped as JSON requires ({@code "}, {@code \}, control characters); other
 *       characters are written as UTF-8, except unpaired surrogates, which are written as
 *       six-character escapes (a backslash, {@code u} and four hex digits) so that no data is lost.</li>
 * </ul>
 *
 * <p>Threading: the pipeline calls {@link #publish} and {@link #close} on this sink's delivery
 * thread only; both are also synchronized so a test or shutdown hook may call them. Each publish
 * writes its lines and flushes them to the operating system before it returns, so a reader sees
 * whole batches. If the delivery thread is interrupted during a publish (the pipeline does that
 * when a publish overruns the close deadline) the file channel closes, and later publishes fail.
 *
 * <p>Written against the public API alone: {@link StatsSink} for the contract and
 * {@link JsonWriter} for the escaping, the same writer behind {@code BodyEncoding.jsonLines()}.
 */
public final class JsonLinesFileSink implements StatsSink {
    private final Path path;
    private final boolean fsyncEachPublish;
    private final boolean includeMetrics;
    private final FileChannel channel;
    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);
    private boolean closed;

    private JsonLinesFileSink(Builder b) throws IOException {
        this.path = b.path;
        this.fsyncEachPublish = b.fsyncEachPublish;
        this.includeMetrics = b.includeMetrics;
        this.channel = b.append
                ? FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
        this.out = Channels.newWriter(channel, StandardCharsets.UTF_8);
    }

    /** A builder for a sink writing to {@code path}. */
    public static Builder builder(Path path) {
        return new Builder(path);
    }

    /** The file this sink writes to. */
    public Path path() {
        return path;
    }

    @Override
    public synchronized void publish(Batch batch) throws IOException {
        if (closed) {
            throw new IOException("sink for " + path + " is closed");
        }
        for (Event e : batch.events()) {
            line.setLength(0);
            appendEvent(line, batch.sequence(), e);
            out.append(line).append('\n');
        }
        if (includeMetrics) {
            line.setLength(0);
            appendMetrics(line, batch);
            out.append(line).append('\n');
        }
        out.flush();
        if (fsyncEachPublish) {
            channel.force(false);
        }
    }

    /** Flushes and closes the file; a second call does nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        out.close(); // flushes, then closes the channel
    }

    @Override
    public String toString() {
        return "JsonLinesFileSink[" + path + "]";
    }

    // ------------------------------------------------------------------ JSON

    /** Every short escape JSON has ({@code \\b \\f} included); NaN and infinite gauges as null. */
    private static final JsonWriter JSON = new JsonWriter(JsonWriter.ControlEscapes.ALL_SHORT_FORMS,
            JsonWriter.NonFinite.NULL);

    static void appendEvent(StringBuilder sb, long batchSequence, Event e) {
        sb.append("{\"type\":\"event\",\"batch\":").append(batchSequence)
                .append(",\"time\":").append(e.timestampMillis())
                .append(",\"name\":");
        JSON.string(sb, e.name());
        sb.append(",\"tags\":");
        JSON.tags(sb, e.tags());
        sb.append(",\"fields\":");
        JSON.fields(sb, e);
        sb.append('}');
    }

    static void appendMetrics(StringBuilder sb, Batch batch) {
        sb.append("{\"type\":\"metrics\",\"batch\":").append(batch.sequence())
                .append(",\"time\":").append(batch.timestampMillis())
                .append(",\"metrics\":[");
        boolean first = true;
        for (Measurement m : batch.metrics()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"name\":");
            JSON.string(sb, m.name());
            sb.append(",\"kind\":\"").append(m.kind() == Measurement.Kind.COUNTER ? "counter" : "gauge")
                    .append("\",\"tags\":");
            JSON.tags(sb, m.tags());
            sb.append(",\"value\":");
            JSON.value(sb, m);
            sb.append('}');
        }
        sb.append("]}");
    }

    /** Options of the file sink; {@link #build()} opens the file. */
    public static final class Builder {
        private final Path path;
        private boolean append = true;
        private boolean fsyncEachPublish;
        private boolean includeMetrics = true;

        private Builder(Path path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * Whether to keep what the file already holds and add to its end (default {@code true}),
         * or to empty it when the sink is built.
         */
        public Builder append(boolean append) {
            this.append = append;
            return this;
        }

        /**
         * Whether each publish also forces the file to the storage device (default {@code false}).
         * Without it, a publish's lines are handed to the operating system before the publish
         * returns and survive a crash of the JVM, but not of the machine. With it, they survive a
         * power cut too, at the price of one {@code fsync} per publish (often milliseconds); a
         * slow disk then makes the sink slow, which the pipeline absorbs by dropping events.
         */
        public Builder fsyncEachPublish(boolean fsyncEachPublish) {
            this.fsyncEachPublish = fsyncEachPublish;
            return this;
        }

        /** Whether to write one {@code "metrics"} line per publish (default {@code true}). */
        public Builder includeMetrics(boolean includeMetrics) {
            this.includeMetrics = includeMetrics;
            return this;
        }

        /**
         * Opens (creating if needed) the file.
         *
         * @throws IOException if the file cannot be opened for writing
         */
        public JsonLinesFileSink build() throws IOException {
            return new JsonLinesFileSink(this);
        }
    }
}
