package dev.tandem.examples.push;

import dev.tandem.core.ConnectionManager;
import dev.tandem.core.diagnostics.DiagnosticsServer;
import dev.tandem.core.OverflowPolicy;
import dev.tandem.core.ShutdownReport;
import dev.tandem.stats.LoggingStatsSink;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsPipeline;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A line-protocol TCP push server on Tandem (protocol: {@link PushSession}). Each accepted socket
 * becomes a {@link dev.tandem.core.ConnectionPair}; a subscriber that cannot keep up is closed
 * ({@link OverflowPolicy#CLOSE_PAIR}) rather than slowing anyone down; a silent client is closed by
 * the idle timeout; a write that makes no progress by the write timeout; and a closed client leaves
 * its topics in its cleanup hook, exactly once.
 *
 * <p>Threads: one {@code push-acceptor} thread, plus Tandem's (two per client, the timer, the
 * diagnostics endpoint and the stats pipeline's). {@link #stop(Duration)} ends them all.
 *
 * <pre>{@code
 * PushServer server = PushServer.start(new PushServerOptions().port(7070));
 * ...
 * ShutdownReport report = server.stop(Duration.ofSeconds(5));
 * }</pre>
 */
public final class PushServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushServer.class);

    private final ServerSocket listener;
    private final StatsPipeline stats;
    private final boolean ownsStats;
    private final ConnectionManager manager;
    private final Topics topics;
    private final DiagnosticsServer diagnostics;
    private final Thread acceptor;

    private PushServer(ServerSocket listener, StatsPipeline stats, boolean ownsStats, ConnectionManager manager,
                       Topics topics, DiagnosticsServer diagnostics) {
        this.listener = listener;
        this.stats = stats;
        this.ownsStats = ownsStats;
        this.manager = manager;
        this.topics = topics;
        this.diagnostics = diagnostics;
        this.acceptor = new Thread(this::acceptLoop, "push-acceptor-" + listener.getLocalPort());
        acceptor.setDaemon(false); // a running server keeps the JVM alive; stop() ends it
    }

    /** Binds, starts the diagnostics endpoint and starts accepting; on failure releases what it made. */
    public static PushServer start(PushServerOptions o) throws IOException {
        ServerSocket listener = new ServerSocket(o.port, 128, o.bindAddress);
        boolean ownsStats = o.stats == null;
        StatsPipeline stats = ownsStats
                ? StatsPipeline.builder()
                        .sink("log", LoggingStatsSink.create(),
                                SinkOptions.builder().metricsInterval(Duration.ofSeconds(30)).build())
                        .build()
                : o.stats;
        ConnectionManager manager = null;
        try {
            Topics topics = new Topics(stats);
            ConnectionManager.Builder b = ConnectionManager.builder()
                    .name("push")
                    .stats(stats)
                    .timeSource(o.clock)
                    .outboundQueueCapacity(o.outboundQueueCapacity)
                    .overflowPolicy(OverflowPolicy.CLOSE_PAIR) // the default, said out loud: slow consumers are cut off
                    .idleTimeout(o.idleTimeout)
                    .writeTimeout(o.writeTimeout);
            if (o.timerTick != null) {
                b.timerTick(o.timerTick);
            }
            if (o.virtualThreads && ConnectionManager.virtualThreadsSupported()) {
                b.virtualThreads();
            }
            manager = b.build();
            DiagnosticsServer diagnostics = DiagnosticsServer.start(manager, o.diagnosticsPort);
            PushServer server = new PushServer(listener, stats, ownsStats, manager, topics, diagnostics);
            server.acceptor.start();
            return server;
        } catch (IOException | RuntimeException | Error e) {
            listener.close();
            if (manager != null) {
                manager.shutdown(Duration.ofSeconds(1));
            }
            if (ownsStats) {
                stats.close(Duration.ofSeconds(1));
            }
            throw e;
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) { // e.g. out of file descriptors: do not spin
                    log.warn("accept failed; retrying in 100 ms", e);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                continue;
            }
            try {
                socket.setTcpNoDelay(true); // pushes are small and should leave at once
                PushSession session = new PushSession(topics);
                manager.<String>pair(socket)
                        .reader(session::read)
                        .writer(PushSession::write)
                        .cleanupHook(session::leaveAll) // registered before start: runs once, whenever it closes
                        .start();
            } catch (IOException | IllegalStateException e) { // setTcpNoDelay on a dead socket, or shut down
                closeQuietly(socket);
            }
        }
    }

    /** The port clients connect to (the real one when started on port 0). */
    public int port() {
        return listener.getLocalPort();
    }

    /** The base of the diagnostics endpoint, e.g. {@code http://127.0.0.1:41234/tandem/}. */
    public URI diagnosticsUri() {
        InetSocketAddress a = diagnostics.address();
        String host = a.getAddress() instanceof Inet6Address
                ? "[" + a.getAddress().getHostAddress() + "]" : a.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + a.getPort() + "/tandem/");
    }

    public ConnectionManager manager() {
        return manager;
    }

    public Topics topics() {
        return topics;
    }

    /**
     * Stops accepting, closes every client (their hooks leave their topics) and, if the server made
     * its stats pipeline, closes it; all within {@code timeout}. Later calls return the first report.
     */
    public ShutdownReport stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        closeQuietly(listener);
        try {
            acceptor.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ShutdownReport report = manager.shutdown(left(deadline));
        if (ownsStats) {
            stats.close(left(deadline)); // after the manager: its last close events get a chance to go out
        }
        return report;
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** {@link #stop(Duration)} with 5 seconds. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close failed", e);
        }
    }

    static final String USAGE = "usage: PushServer [port] [--port=N] [--virtual] [--diagnostics-port=N]";

    /** Runs the server until Ctrl-C: {@code [port] [--port=N] [--virtual] [--diagnostics-port=N]}. */
    public static void main(String[] args) throws IOException {
        PushServerOptions o = new PushServerOptions().port(7070);
        for (String a : args) {
            if (a.equals("--virtual")) {
                o.virtualThreads(true);
            } else if (a.startsWith("--port=") || a.matches("\\d+")) {
                o.port(Integer.parseInt(a.substring(a.indexOf('=') + 1)));
            } else if (a.startsWith("--diagnostics-port=")) {
                o.diagnosticsPort(Integer.parseInt(a.substring(a.indexOf('=') + 1)));
            } else if (a.equals("--help")) {
                System.out.println(USAGE);
                return;
            } else {
                System.err.println("unknown argument '" + a + "'\n" + USAGE);
                System.exit(2);
            }
        }
        PushServer server = start(o);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ShutdownReport report = server.stop(Duration.ofSeconds(5));
            System.out.println("push server stopped: " + report + ", " + server.manager.counts());
        }, "push-shutdown"));
        String threads = server.manager.usesVirtualThreads() ? "virtual"
                : o.virtualThreads ? "platform (virtual threads need JDK 21+; this is Java " + Runtime.version().feature() + ")"
                : "platform";
        System.out.println("push server listening on " + o.bindAddress.getHostAddress() + ":" + server.port()
                + ", threads: " + threads);
        System.out.println("diagnostics: " + server.diagnosticsUri().resolve("pairs"));
        System.out.println("protocol: SUB <topic> | UNSUB <topic> | PUB <topic> <text> | PING"
                + " (send something every " + o.idleTimeout.toSeconds() + " s); Ctrl-C stops");
    }
}
