package dev.tandem.bench.churn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One echo server under test: an {@link Acceptor} on an ephemeral loopback port hands each accepted
 * socket to {@link #serve}. Subclasses are the variants; each reports to the run's
 * {@link CloseClock} when its side of a connection has fully closed, and says what it left open.
 *
 * <h2>Implementation notes</h2>
 * The acceptor thread calls {@link #serve}; the counters are read by the harness thread after the
 * run, racily while one is going on (a snapshot for the report, nothing depends on it). Accepted
 * sockets are kept until {@link #close()} so that the sockets left open can be counted by asking
 * each one, not by trusting the server's own books.
 */
abstract class ChurnServer implements EchoTarget {
    private final Acceptor acceptor;
    private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
    protected final CloseClock clock;

    ChurnServer(CloseClock clock) throws IOException {
        this.clock = clock;
        this.acceptor = new Acceptor("churn-acceptor", this::take);
    }

    /** Starts accepting; separate from the constructor so that subclasses are fully built first. */
    final ChurnServer start() {
        acceptor.start();
        return this;
    }

    @Override
    public final InetSocketAddress address() {
        return acceptor.address();
    }

    private boolean take(Socket s) {
        sockets.add(s);
        try {
            serve(s, Loopback.peerKey(s));
        } catch (Exception | Error e) { // the variant could not take it (no thread to be had, shut down): close it
            Loopback.closeQuietly(s);
            if (e instanceof Error) {
                throw (Error) e;
            }
        }
        return true;
    }

    /** Serves one accepted connection; {@code key} names its client for the clock. Must not block the acceptor. */
    abstract void serve(Socket s, long key) throws Exception;

    @Override
    public final long accepted() {
        return acceptor.accepted();
    }

    @Override
    public long openSockets() {
        return sockets.stream().filter(s -> !s.isClosed()).count();
    }

    /** Stops accepting; the subclass then ends what it started. */
    @Override
    public void close() throws IOException {
        acceptor.close();
    }
}
