package dev.tandem.stats.http;

import dev.tandem.stats.Batch;
import dev.tandem.stats.StatsSink;
import dev.tandem.stats.internal.Checks;
import dev.tandem.stats.internal.CloseOnce;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;

/**
 * A sink that POSTs each batch to an HTTP endpoint, with the JDK's {@link HttpClient}: one request
 * per publish, its body made by a {@link BodyEncoding} (JSON Lines, InfluxDB line protocol, or
 * your own).
 *
 * <pre>{@code
 * HttpSink influx = HttpSink.builder(URI.create("http://127.0.0.1:8086/write?db=app"))
 *         .encoding(BodyEncoding.influxLineProtocol())
 *         .requestTimeout(Duration.ofSeconds(5))
 *         .header("Authorization", "Token " + token)
 *         .build();
 * StatsPipeline stats = StatsPipeline.builder().sink("influx", influx).build();
 * }</pre>
 *
 * <h2>Failure behaviour</h2>
 * A response other than 2xx, a connection that fails, or no complete response within
 * {@code requestTimeout} makes the publish throw, so the pipeline backs off and retries the batch:
 * the sink itself never retries. The whole exchange (connect, send, response and its body) is
 * bounded by {@code requestTimeout}; keep it below the sink's
 * {@link dev.tandem.stats.SinkOptions.Builder#publishTimeout publishTimeout} so a hung server makes
 * the sink {@code BACKOFF} rather than {@code STALLED}. An interrupt of the delivery thread (the
 * pipeline's close deadline) ends the wait at once and cancels the request. Redirects are not
 * followed (a 3xx is a failure). Each request carries {@code X-Tandem-Batch} (the batch sequence,
 * the same on a retry) and {@code X-Tandem-Attempt}, so a receiver can drop a repeated batch.
 *
 * <h2>Threading</h2>
 * Implementation notes: {@link #publish} runs only on the pipeline's delivery thread. The
 * {@link HttpClient} is created on the first publish (a client starts a selector thread, so a
 * sink that is built and never used starts none) and shut down by {@link #close()} where the JDK
 * allows it (21+: {@code shutdownNow}; on 17 its idle threads end by themselves once the client
 * is unreachable). The lifecycle is one {@link AtomicReference} moved by CAS from OPEN to CLOSED;
 * {@code close()} may run on any thread and never blocks. The client's own threads complete the
 * exchange; the delivery thread only waits for it, with a deadline.
 */
public final class HttpSink implements StatsSink {
    private static final int MAX_ERROR_BODY = 512;
    private static final List<String> OWN_HEADERS = List.of(
            "content-type", "content-encoding", "x-tandem-batch", "x-tandem-attempt");


    private final URI uri;
    private final BodyEncoding encoding;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final long requestTimeoutNanos;
    private final boolean gzip;
    private final List<String> headers; // name, value, name, value ...

    private final CloseOnce state = new CloseOnce();
    private final AtomicReference<HttpClient> client = new AtomicReference<>();

    private HttpSink(Builder b, List<String> headers) {
        this.uri = b.uri;
        this.encoding = b.encoding;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.requestTimeoutNanos = Checks.saturatedNanos(b.requestTimeout);
        this.gzip = b.gzip;
        this.headers = headers;
    }

    /** A builder for a sink that posts to {@code uri} ({@code http} or {@code https}). */
    public static Builder builder(URI uri) {
        return new Builder(Objects.requireNonNull(uri, "uri"));
    }

    /** Where batches are posted. */
    public URI uri() {
        return uri;
    }

    /**
     * Encodes the batch and posts it; an empty body sends nothing.
     *
     * @throws IOException on a non-2xx response, a failed connection or exchange
     * @throws HttpTimeoutException if no complete response came within {@code requestTimeout}
     * @throws InterruptedException if the delivery thread was interrupted (the request is cancelled)
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public void publish(Batch batch) throws IOException, InterruptedException {
        Objects.requireNonNull(batch, "batch");
        if (!state.isOpen()) {
            throw new IllegalStateException(this + " is closed");
        }
        byte[] body = body(batch);
        if (body.length == 0) {
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", encoding.contentType())
                .header("X-Tandem-Batch", Long.toString(batch.sequence()))
                .header("X-Tandem-Attempt", Integer.toString(batch.attempt()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        CompletableFuture<HttpResponse<String>> exchange =
                client().sendAsync(request.build(), info -> new LimitedBodySubscriber(MAX_ERROR_BODY));
        HttpResponse<String> response;
        try {
            response = exchange.get(requestTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("POST " + uri + ": no complete response within " + requestTimeout);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new HttpTimeoutException("POST " + uri + ": " + cause.getMessage());
            }
            throw new IOException("POST " + uri + " failed: " + cause, cause);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            String text = response.body();
            throw new IOException("POST " + uri + ": HTTP " + status
                    + (text == null || text.isBlank() ? "" : ": " + text.strip()));
        }
    }

    private byte[] body(Batch batch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        if (!gzip) {
            encoding.encode(batch, bytes);
            return bytes.toByteArray();
        }
        CountingStream counted;
        try (GZIPOutputStream zip = new GZIPOutputStream(bytes, 8192)) {
            counted = new CountingStream(zip);
            encoding.encode(batch, counted);
        }
        return counted.count == 0 ? new byte[0] : bytes.toByteArray();
    }

    private HttpClient client() {
        HttpClient c = client.get();
        if (c == null) {
            c = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            if (!client.compareAndSet(null, c)) { // only a racing close() could have changed it
                shutdownNow(c);
                throw new IllegalStateException(this + " is closed");
            }
            if (!state.isOpen() && client.compareAndSet(c, null)) { // closed while we built it
                shutdownNow(c);
                throw new IllegalStateException(this + " is closed");
            }
        }
        return c;
    }

    /**
     * Stops the HTTP client; later publishes throw {@link IllegalStateException}. Never blocks; a
     * second call does nothing.
     */
    @Override
    public void close() {
        if (state.close()) {
            HttpClient c = client.getAndSet(null);
            if (c != null) {
                shutdownNow(c);
            }
        }
    }

    /** {@code HttpClient.shutdownNow()} exists from JDK 21; on 17 the client's threads end once it is unreachable. */
    private static void shutdownNow(HttpClient c) {
        try {
            Method m = HttpClient.class.getMethod("shutdownNow");
            m.invoke(c);
        } catch (NoSuchMethodException e) {
            // JDK 17 to 20: nothing to call
        } catch (ReflectiveOperationException | RuntimeException e) {
            // best effort: the client is unreachable from here on anyway
        }
    }

    /**
     * True with a built-in encoding ({@link BodyEncoding#jsonLines()},
     * {@link BodyEncoding#influxLineProtocol()}): a publish encodes the batch into the request body
     * before it sends, and keeps no event, so the pipeline may hand it the same events, refilled,
     * every time. False with an encoding of your own, which may keep what it is given.
     */
    @Override
    public boolean acceptsReusedEvents() {
        return builtInEncoding();
    }

    /** True with a built-in encoding, for the same reason as {@link #acceptsReusedEvents()}. */
    @Override
    public boolean acceptsReusedMeasurements() {
        return builtInEncoding();
    }

    private boolean builtInEncoding() {
        return encoding instanceof JsonLinesEncoding || encoding instanceof InfluxLineProtocolEncoding;
    }

    @Override
    public String toString() {
        return "HttpSink[POST " + uri + ", " + encoding + (gzip ? ", gzip" : "") + ']';
    }

    // for tests of the documented defaults
    BodyEncoding encoding() {
        return encoding;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    boolean gzip() {
        return gzip;
    }

    List<String> headers() {
        return headers;
    }

    /** Counts bytes written, to tell an empty body from an empty gzip stream (which is not empty). */
    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    /** Options of the HTTP sink; {@link #build()} validates them all. */
    public static final class Builder {
        private final URI uri;
        private BodyEncoding encoding = BodyEncoding.jsonLines();
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private boolean gzip;
        private final List<String> headers = new ArrayList<>();

        private Builder(URI uri) {
            this.uri = uri;
        }

        /** How batches become request bodies (default {@link BodyEncoding#jsonLines()}). */
        public Builder encoding(BodyEncoding encoding) {
            this.encoding = encoding;
            return this;
        }

        /** The longest a TCP (and TLS) connection may take to open (default 2 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * The longest one whole exchange may take, connect and response body included (default
         * 5 s); keep it below the sink's {@code publishTimeout} (default 10 s).
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Whether to compress request bodies with gzip ({@code Content-Encoding: gzip}; default false). */
        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /**
         * Adds a header to every request (for example {@code Authorization}); may be called again
         * for more headers, or for the same name twice. None by default.
         */
        public Builder header(String name, String value) {
            headers.add(name);
            headers.add(value);
            return this;
        }

        /**
         * Validates every option. Starts nothing: the HTTP client is created on the first publish.
         *
         * @throws NullPointerException naming a missing option
         * @throws IllegalArgumentException naming the first invalid one
         */
        public HttpSink build() {
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("uri: " + uri + " (expected: an http or https URI)");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("uri: " + uri + " (expected: a host)");
            }
            Objects.requireNonNull(encoding, "encoding");
            Checks.positiveNanos("connectTimeout", connectTimeout);
            Checks.positiveNanos("requestTimeout", requestTimeout);
            List<String> checked = new ArrayList<>(headers);
            HttpRequest.Builder probe = HttpRequest.newBuilder(uri);
            for (int i = 0; i < checked.size(); i += 2) {
                String name = Objects.requireNonNull(checked.get(i), "header name");
                String value = Objects.requireNonNull(checked.get(i + 1), () -> "value of header '" + name + "'");
                if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("header: '" + name + "' (expected: not one the sink sets itself, "
                            + OWN_HEADERS + ")");
                }
                try {
                    probe.header(name, "x"); // the JDK's own checks: restricted or malformed names
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("header: '" + name + "' (expected: a header the JDK's HttpClient "
                            + "may send: " + e.getMessage() + ")", e);
                }
                try {
                    probe.header(name, value);
                } catch (IllegalArgumentException e) { // its message quotes the value: it may be a secret
                    throw new IllegalArgumentException("value of header '" + name
                            + "' (expected: no line breaks or control characters)");
                }
            }
            return new HttpSink(this, Collections.unmodifiableList(checked));
        }
    }
}
