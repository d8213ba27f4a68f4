package dev.tandem.examples.demo;

import dev.tandem.core.ConnectionManager;
import dev.tandem.core.MessageWriter;
import dev.tandem.core.ShutdownReport;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same echo server on Tandem: each connection is a {@code ConnectionPair}, and the
 * "connection closed" stat goes through the stats pipeline to a sink that POSTs to the platform
 * with the very same timeout-less call as the naive server. The sink hangs just the same; no
 * connection notices.
 */
final class TandemServer implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress endpoint;
    private final StatsPipeline stats;
    private final ConnectionManager manager;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final AtomicLong postsAnswered = new AtomicLong();

    TandemServer(InetSocketAddress endpoint, int statsQueueSize) throws IOException {
        this.endpoint = endpoint;
        this.stats = StatsPipeline.builder()
                .sink("platform", this::post, SinkOptions.builder()
                        .queueCapacity(statsQueueSize)
                        .batchSize(batchSize(statsQueueSize))
                        .linger(Duration.ofMillis(100))
                        .publishTimeout(Duration.ofSeconds(1))
                        .build())
                .closeTimeout(Duration.ofSeconds(1))
                .build();
        this.manager = ConnectionManager.builder().name("demo").stats(stats).build();
        this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "demo-tandem-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The most stats in one POST: 64, or the whole queue if it is smaller. */
    static int batchSize(int statsQueueSize) {
        return Math.min(64, statsQueueSize);
    }

    /** The sink: one POST per batch, the same call the naive server makes, no timeout either. */
    private void post(Batch batch) throws IOException {
        StringBuilder body = new StringBuilder();
        for (Event e : batch.events()) {
            body.append("closed ").append(e.tags().get("reason")).append(' ').append(e.field("id")).append('\n');
        }
        StatsPost.post(endpoint, body.toString());
        postsAnswered.incrementAndGet();
    }

    /** POSTs (batches) the platform answered: fewer than the stats delivered, since a batch carries many. */
    long postsAnswered() {
        return postsAnswered.get();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                manager.open(s, ctx -> {
                    BufferedReader in = new BufferedReader(new InputStreamReader(ctx.input(), StandardCharsets.UTF_8));
                    String line;
                    while ((line = in.readLine()) != null) {
                        ctx.pair().send(line);
                    }
                }, MessageWriter.lines(StandardCharsets.UTF_8)); // fixes the message type: String
            } catch (IOException | IllegalStateException closed) {
                return;
            }
        }
    }

    ConnectionManager manager() {
        return manager;
    }

    long openSockets() {
        return sockets.stream().filter(s -> !s.isClosed()).count();
    }

    /** Reader and writer threads of pairs still alive (platform threads: the JDK lists them). */
    static long liveConnectionThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().matches("tandem-[0-9]+-(reader|writer)"))
                .count();
    }

    SinkStats statsBooks() {
        return stats.sinkStats("platform");
    }

    @Override
    public void close() throws IOException {
        server.close();
        ShutdownReport report = manager.shutdown(Duration.ofSeconds(5));
        if (!report.clean()) {
            System.err.println(report);
        }
        stats.close(Duration.ofSeconds(1)); // its sink is hung on the platform: close gives up after a second
    }
}
