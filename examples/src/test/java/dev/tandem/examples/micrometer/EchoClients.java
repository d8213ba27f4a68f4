package dev.tandem.examples.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.core.ConnectionManager;
import dev.tandem.examples.wrap.WrappedEchoServer;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The example's echo server on an ephemeral loopback port, and real clients that talk to it and leave. */
final class EchoClients implements Closeable {
    private final ConnectionManager manager;
    private final ServerSocket server;
    private final Thread acceptor;

    EchoClients(ConnectionManager manager) throws IOException {
        this.manager = manager;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    WrappedEchoServer.adopt(manager, server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "test-echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code n} clients, one after another: each sends a line, reads its echo and closes; then waits for their pairs to close. */
    void talkAndLeave(int n) throws Exception {
        long closedBefore = manager.counts().closedTotal();
        for (int i = 0; i < n; i++) {
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                client.getOutputStream().write(("hello " + i + "\n").getBytes(StandardCharsets.UTF_8));
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("echo: hello " + i, in.readLine());
            }
        }
        dev.tandem.stats.Await.until(java.time.Duration.ofSeconds(20),
                () -> manager.counts().closedTotal() >= closedBefore + n, () -> "pairs did not close: " + manager.counts());
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
