package dev.tandem.stats.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server on loopback (the JDK's {@code com.sun.net.httpserver}) for unit tests: keeps
 * every request, answers with a chosen status and body, or hangs until released.
 */
final class LoopbackHttpServer implements Closeable {
    /** One request as received. */
    static final class Request {
        final String method;
        final URI uri;
        final Map<String, String> headers; // lower-case names, first value
        final byte[] rawBody;
        final String body; // gunzipped if Content-Encoding: gzip

        Request(String method, URI uri, Map<String, String> headers, byte[] rawBody, String body) {
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.rawBody = rawBody;
            this.body = body;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-http");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new ArrayList<>();
    private volatile int status = 204;
    private volatile String responseBody = "";
    private volatile String location;
    private volatile CountDownLatch hang; // non-null: handlers wait for it
    private volatile boolean endless; // with hang: headers and a first chunk before waiting
    private final CountDownLatch firstRequestArrived = new CountDownLatch(1);

    LoopbackHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    LoopbackHttpServer respond(int status, String body) {
        this.status = status;
        this.responseBody = body;
        return this;
    }

    LoopbackHttpServer redirectTo(String location) {
        this.location = location;
        return respond(302, "");
    }

    /** From now on requests get a 200 and the start of a body that never ends, until {@link #release()}. */
    LoopbackHttpServer endlessBody() {
        endless = true;
        return hang();
    }

    /** From now on requests get no answer until {@link #release()}. */
    LoopbackHttpServer hang() {
        hang = new CountDownLatch(1);
        return this;
    }

    void release() {
        CountDownLatch h = hang;
        if (h != null) {
            h.countDown();
        }
    }

    boolean awaitFirstRequest(long seconds) throws InterruptedException {
        return firstRequestArrived.await(seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] raw;
            try (InputStream in = ex.getRequestBody()) {
                raw = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            String body;
            if ("gzip".equals(headers.get("content-encoding"))) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else {
                body = new String(raw, StandardCharsets.UTF_8);
            }
            synchronized (this) {
                requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI(), headers, raw, body));
                notifyAll();
            }
            firstRequestArrived.countDown();
            CountDownLatch h = hang;
            if (h != null && endless) {
                ex.sendResponseHeaders(200, 0); // chunked
                OutputStream out = ex.getResponseBody();
                out.write("{\"partial\":".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (h != null) {
                try {
                    h.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (endless) {
                return; // the client gave up long ago
            }
            if (location != null) {
                ex.getResponseHeaders().add("Location", location);
            }
            byte[] answer = responseBody.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            }
        } finally {
            ex.close();
        }
    }

    synchronized List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Lines of every request body that start with {@code prefix}. */
    synchronized long countLines(String prefix) {
        long n = 0;
        for (Request r : requests) {
            for (String line : r.body.split("\n")) {
                if (line.startsWith(prefix)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
