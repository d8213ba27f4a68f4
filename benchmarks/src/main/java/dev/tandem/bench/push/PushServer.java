package dev.tandem.bench.push;

import dev.tandem.bench.churn.Acceptor;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One push server under test, holding {@code n} connections: an {@link Acceptor} hands the i-th
 * accepted socket to {@link #serve} (index {@code i}); the pushers then {@link #offer} messages
 * to connection i's outbound queue, which its writer writes to the socket. The clients send
 * nothing; a connection ends when its client closes (the server's reader sees the end of stream),
 * and the variant reports each fully closed connection with {@link #closed()}.
 *
 * <h2>Implementation notes</h2>
 * The acceptor thread calls {@link #serve} and stores what it returns in {@code conns[i]} before it
 * counts the connection down on {@code connected}; the pushers read {@code conns} only after
 * {@link #awaitConnected} returned, so the latch publishes the array's contents. {@link #closed()}
 * is called by whichever thread finishes a connection. Connections past the {@code n}-th are closed
 * at once (there are none in a run).
 *
 * @param <C> what the variant keeps per connection
 */
abstract class PushServer<C> implements Closeable {
    private final Acceptor acceptor;
    private final Object[] conns;
    private final CountDownLatch connected;
    private final CountDownLatch closedLatch;
    private final AtomicLong closedCount = new AtomicLong();
    private int next; // acceptor thread only

    PushServer(int n) throws IOException {
        this.conns = new Object[n];
        this.connected = new CountDownLatch(n);
        this.closedLatch = new CountDownLatch(n);
        this.acceptor = new Acceptor("push-acceptor", this::take);
    }

    /** Starts accepting; separate from the constructor so that subclasses are fully built first. */
    final PushServer<C> start() {
        acceptor.start();
        return this;
    }

    final InetSocketAddress address() {
        return acceptor.address();
    }

    private boolean take(Socket s) {
        if (next >= conns.length) {
            closeQuietly(s);
            return true;
        }
        int i = next++;
        try {
            conns[i] = serve(s, i);
        } catch (RuntimeException | Error e) {
            closeQuietly(s);
            throw e;
        }
        connected.countDown();
        return true;
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException closedAnyway) {
            // nothing to do
        }
    }

    /** Serves the {@code i}-th connection (on the acceptor thread; must not block). */
    abstract C serve(Socket s, int i);

    /** Whether {@code conn}'s outbound queue has room for a message. */
    abstract boolean hasRoom(C conn);

    /** Queues {@code frame} on {@code conn}'s outbound queue; false if the queue is full (never blocks). */
    abstract boolean offer(C conn, byte[] frame);

    /**
     * Pushes message {@code seq} to connection {@code i} if its queue has room: stamps it
     * ({@link Frame#make}) and queues it. False if the queue was full: nothing was sent.
     */
    @SuppressWarnings("unchecked")
    final boolean push(int i, int seq) {
        C c = (C) conns[i];
        return hasRoom(c) && offer(c, Frame.make(i, seq));
    }

    /** A connection has fully closed on the server's side. */
    final void closed() {
        closedCount.incrementAndGet();
        closedLatch.countDown();
    }

    final void awaitConnected(Duration timeout) throws InterruptedException {
        if (!connected.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("accepted " + (conns.length - connected.getCount()) + " of " + conns.length
                    + " connections within " + timeout);
        }
    }

    /** Waits (bounded) until every connection has closed on the server's side; returns how many did. */
    final long awaitClosed(Duration timeout) throws InterruptedException {
        closedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return closedCount.get();
    }

    /** One line about the server's books after the run, or "". */
    String notes() {
        return "";
    }

    /** Stops accepting; the subclass then ends what it started and throws if something would not end. */
    @Override
    public void close() throws IOException {
        acceptor.close();
    }
}
