package dev.tandem.core.diagnostics;

import dev.tandem.core.CloseInfo;
import dev.tandem.core.ConnectionManager;
import dev.tandem.core.PairSnapshot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The read-only HTTP view of a manager, on the JDK's built-in server, bound to loopback unless told
 * otherwise. GET only; plain text; no message contents anywhere.
 *
 * <ul>
 *   <li>{@code /tandem/pairs} — the grouped dump ({@link ConnectionManager#dump()})</li>
 *   <li>{@code /tandem/pairs/<id>} — one pair in detail</li>
 *   <li>{@code /tandem/closed} — the ring of recently closed pairs with reason and duration</li>
 *   <li>{@code /tandem/counts} — exact counts</li>
 *   <li>{@code /tandem/threads} — every JVM thread grouped by stack ({@link ThreadProfile})</li>
 * </ul>
 *
 * <p>Start one with {@link #start(ConnectionManager, int)}; it stops by {@link #stop()} or when its
 * manager has shut down. Abuse is bounded: idle connections hold no thread; at most four threads
 * ({@code tandem-diagnostics-N}) read and answer requests, each exchange cut off after five seconds
 * (so a client sending its request byte by byte holds a thread five seconds at most); a request
 * arriving while all four are busy has its connection closed; the JDK server's own limits refuse
 * oversized headers. None of it touches the manager's pairs.
 */
public final class DiagnosticsServer {
    private final HttpServer server;
    private final BoundedExchanges executor;

    private DiagnosticsServer(HttpServer server, BoundedExchanges executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves {@code manager}'s views on {@code 127.0.0.1:port} (0 picks a free port; see
     * {@link #address()}).
     *
     * @throws IllegalStateException if the manager is shut down
     * @throws IllegalArgumentException if {@code port} is outside 0..65535
     * @throws IOException if the port cannot be bound
     */
    public static DiagnosticsServer start(ConnectionManager manager, int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        return start(manager, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /**
     * As {@link #start(ConnectionManager, int)}, on an address of your choice. The views carry no
     * message contents but do show peers' addresses and your stacks, and there is no
     * authentication: keep it on loopback unless something in front of it guards it.
     */
    public static DiagnosticsServer start(ConnectionManager manager, InetSocketAddress address) throws IOException {
        return start(manager, address, BoundedExchanges.MAX_THREADS, BoundedExchanges.DEADLINE);
    }

    /** As above, with the thread bound and the per-exchange deadline chosen (tests). */
    static DiagnosticsServer start(ConnectionManager manager, InetSocketAddress address, int maxThreads,
                                   Duration deadline) throws IOException {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(address, "address");
        if (manager.isShutdown()) {
            throw new IllegalStateException("manager '" + manager.name() + "' is shut down");
        }
        ConnectionManager mgr = manager;
        HttpServer server = HttpServer.create(address, 16);
        BoundedExchanges executor = new BoundedExchanges(maxThreads, deadline);
        server.setExecutor(executor);
        server.createContext("/tandem/", exchange -> handle(mgr, exchange));
        server.start();
        DiagnosticsServer d = new DiagnosticsServer(server, executor);
        mgr.terminationFuture().whenComplete((report, never) -> d.stop());
        return d;
    }

    /** Threads answering requests now (tests: never above the bound). */
    int exchangeThreads() {
        return executor.threads();
    }

    /** Where it listens (the real port when started with 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Stops serving (shutdown of the manager does this too). The JDK's HTTP server runs a non-daemon
     * dispatcher thread, so a JVM does not exit while the endpoint runs.
     */
    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void handle(ConnectionManager mgr, HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                send(ex, 405, "method not allowed: GET only\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals("/tandem/pairs")) {
                send(ex, 200, mgr.dump());
            } else if (path.startsWith("/tandem/pairs/")) {
                String tail = path.substring("/tandem/pairs/".length());
                long id;
                try {
                    id = Long.parseLong(tail);
                } catch (NumberFormatException e) {
                    send(ex, 400, "pair id must be a number\n");
                    return;
                }
                Optional<PairSnapshot> p = mgr.pair(id);
                if (p.isPresent()) {
                    send(ex, 200, p.get() + "\n");
                } else {
                    send(ex, 404, "no live pair " + id + " (see /tandem/closed)\n");
                }
            } else if (path.equals("/tandem/closed")) {
                StringBuilder sb = new StringBuilder("recently closed pairs, oldest first\n");
                for (CloseInfo c : mgr.recentlyClosed()) {
                    sb.append(c).append('\n');
                }
                send(ex, 200, sb.toString());
            } else if (path.equals("/tandem/counts")) {
                send(ex, 200, mgr.counts() + "\n");
            } else if (path.equals("/tandem/threads")) {
                send(ex, 200, ThreadProfile.capture());
            } else {
                send(ex, 404, "try /tandem/pairs, /tandem/pairs/<id>, /tandem/closed, /tandem/counts, /tandem/threads\n");
            }
        } catch (RuntimeException e) { // our bug: answer 500 rather than hang the client
            send(ex, 500, "internal error: " + e.getClass().getName() + "\n");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
