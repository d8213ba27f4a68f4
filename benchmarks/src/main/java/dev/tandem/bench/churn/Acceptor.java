package dev.tandem.bench.churn;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The accepting half of the benchmark servers: a server socket on an ephemeral port of
 * {@link Loopback#serverAddress()} (backlog 4,096, so churn bursts are not refused) and one daemon
 * thread that accepts connections and hands each to a {@link Handler}, until {@link #close()}.
 *
 * <h2>Implementation notes</h2>
 * The acceptor thread alone calls the handler, one socket at a time, in accept order; the handler
 * must not block, or it holds up every later connection. {@link #accepted()} is an atomic count,
 * read by the harness after a run (racily during one: a snapshot, nothing depends on it).
 * {@link #close()} closes the server socket, which ends a blocked {@code accept()} with an
 * exception and so the thread; then it waits up to 5 s for the thread to return.
 */
public final class Acceptor implements Closeable {
    /** Takes each accepted connection, on the acceptor thread. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Serves or hands off {@code s}; must not block. Returns {@code false} to stop accepting
         * (what serves the connections has gone away).
         */
        boolean take(Socket s);
    }

    private final ServerSocket server;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();

    /** Binds the server socket; {@link #start()} starts accepting. */
    public Acceptor(String threadName, Handler handler) throws IOException {
        this.server = new ServerSocket(0, 4096, Loopback.serverAddress());
        this.thread = new Thread(() -> acceptLoop(handler), threadName);
        thread.setDaemon(true);
    }

    /** Starts the acceptor thread; separate from the constructor so that the handler's owner is fully built first. */
    public Acceptor start() {
        thread.start();
        return this;
    }

    private void acceptLoop(Handler handler) {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            if (!handler.take(s)) {
                return;
            }
        }
    }

    /** Where clients connect. */
    public InetSocketAddress address() {
        return new InetSocketAddress(Loopback.serverAddress(), server.getLocalPort());
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Stops accepting: closes the server socket and waits (at most 5 s) for the acceptor thread to end. */
    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
