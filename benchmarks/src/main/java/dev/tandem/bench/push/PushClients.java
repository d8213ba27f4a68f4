package dev.tandem.bench.push;

import dev.tandem.bench.churn.Loopback;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * B6's clients: {@code n} non-blocking loopback connections spread over {@code threads} reader
 * threads, each with a selector of its own, reading as fast as the kernel delivers. Each
 * connection checks its own books: every message carries the same server connection index, and
 * sequence numbers 0, 1, 2, ... with none missing or repeated. Each message's send-to-receive time
 * (now minus the stamp the server put in it: both {@link System#nanoTime()} in this JVM) goes into
 * the reading thread's histogram. A thread ends once its connections have received
 * {@code perConnection} messages each, or when told to stop.
 *
 * <h2>Implementation notes</h2>
 * The constructor (harness thread) connects and registers every channel before any reader
 * thread starts, so no registration races a {@code select}. Each {@link Conn}, histogram and
 * counter belongs to one reader thread; the harness reads them after {@link #join} (the join
 * publishes them). {@link #stop} is a volatile flag the readers check after every select (at
 * most 50 ms).
 */
final class PushClients implements Closeable {
    private final List<Reader> readers = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private volatile boolean stop;

    PushClients(InetSocketAddress server, int n, int perConnection, int threads, Loopback sources) throws IOException {
        for (int t = 0; t < threads; t++) {
            readers.add(new Reader(Selector.open(), perConnection, t));
        }
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                channels.add(ch);
                ch.bind(sources.nextSource());
                ch.connect(server);
                ch.configureBlocking(false);
                Reader r = readers.get(i % threads);
                ch.register(r.selector, SelectionKey.OP_READ, new Conn());
                r.expected += perConnection;
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    void start() {
        for (Reader r : readers) {
            r.thread.start();
        }
    }

    /** Waits until every reader has received all its messages, or {@code timeoutNanos} passed (then stops them); true if all did. */
    boolean join(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Reader r : readers) {
            r.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        boolean all = readers.stream().noneMatch(r -> r.thread.isAlive());
        stop = true;
        for (Reader r : readers) {
            r.thread.join(TimeUnit.SECONDS.toMillis(5));
            if (r.thread.isAlive()) {
                throw new IllegalStateException(r.thread.getName() + " did not stop within 5 s");
            }
        }
        return all;
    }

    /** Messages received, all connections. */
    long received() {
        return readers.stream().mapToLong(r -> r.received).sum();
    }

    /** Messages that broke a connection's books: from the wrong server connection, or out of sequence. */
    long outOfOrder() {
        return readers.stream().mapToLong(r -> r.outOfOrder).sum();
    }

    /** Connections that received exactly {@code perConnection} messages. */
    long complete(int perConnection) {
        long n = 0;
        for (Reader r : readers) {
            for (SelectionKey k : r.selector.keys()) {
                if (((Conn) k.attachment()).next == perConnection) {
                    n++;
                }
            }
        }
        return n;
    }

    /** When the last message arrived ({@link System#nanoTime()}). */
    long lastReceivedNanos() {
        return readers.stream().mapToLong(r -> r.lastNanos).max().orElse(Long.MIN_VALUE);
    }

    /** Send-to-receive of every message, in nanoseconds. */
    Histogram latency() {
        Histogram all = new Histogram(3);
        for (Reader r : readers) {
            all.add(r.latency);
        }
        return all;
    }

    /** Closes every client channel (the server's readers see the end of stream) and the selectors. */
    @Override
    public void close() throws IOException {
        stop = true;
        for (SocketChannel ch : channels) {
            ch.close();
        }
        for (Reader r : readers) {
            r.selector.close();
        }
    }

    /** One connection's books and the part of a message read so far. */
    private static final class Conn {
        final byte[] header = new byte[Frame.HEADER];
        int pos;
        int serverConn = -1;
        int next;
    }

    private final class Reader implements Runnable {
        final Selector selector;
        final int perConnection;
        final Thread thread;
        final Histogram latency = new Histogram(3);
        final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        long expected;
        long received;
        long outOfOrder;
        long lastNanos = Long.MIN_VALUE;

        Reader(Selector selector, int perConnection, int index) {
            this.selector = selector;
            this.perConnection = perConnection;
            this.thread = new Thread(this, "b6-client-" + index);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!stop && received < expected) {
                    selector.select(50);
                    for (SelectionKey k : selector.selectedKeys()) {
                        drain((SocketChannel) k.channel(), (Conn) k.attachment());
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new IllegalStateException("a B6 client failed", e);
            }
        }

        private void drain(SocketChannel ch, Conn c) throws IOException {
            int n;
            while ((n = ch.read(buf)) > 0) {
                buf.flip();
                consume(c);
                buf.clear();
            }
            if (n < 0) {
                ch.keyFor(selector).cancel();
            }
        }

        private void consume(Conn c) {
            while (buf.hasRemaining()) {
                int k;
                if (c.pos < Frame.HEADER) {
                    k = Math.min(Frame.HEADER - c.pos, buf.remaining());
                    buf.get(c.header, c.pos, k);
                } else {
                    k = Math.min(Frame.SIZE - c.pos, buf.remaining());
                    buf.position(buf.position() + k);
                }
                c.pos += k;
                if (c.pos == Frame.SIZE) {
                    c.pos = 0;
                    arrived(c);
                }
            }
        }

        private void arrived(Conn c) {
            long now = System.nanoTime();
            int conn = Frame.conn(c.header);
            if (c.serverConn < 0) {
                c.serverConn = conn;
            }
            if (conn != c.serverConn || Frame.seq(c.header) != c.next) {
                outOfOrder++;
            } else {
                c.next++;
            }
            received++;
            lastNanos = now;
            latency.recordValue(Math.max(0, now - Frame.sentNanos(c.header)));
        }
    }
}
