package dev.tandem.examples.demo;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The story's server, ported to Java as it was designed: per connection a reader thread and a
 * writer thread; on disconnect the reader puts "-1" into a bounded stats queue (drained by one
 * thread that POSTs each stat to the platform), then tells the writer to quit, then closes the
 * socket. When the platform hangs, the drainer hangs, the queue fills, {@code put} blocks, and
 * every later disconnect leaves its socket open and both threads alive.
 *
 * <p>Public so that the benchmarks (B3) measure against this very server instead of a copy.
 */
public final class NaiveServer implements Closeable {
    private static final String QUIT = new String("quit"); // identity matters, not contents

    private final ServerSocket server;
    private final InetSocketAddress endpoint;
    private final BlockingQueue<Integer> stats;
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong cleanedUp = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Consumer<Socket> onCleanedUp;

    private static final class Conn {
        final Socket socket;
        final BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread reader;
        Thread writer;

        Conn(Socket socket) {
            this.socket = socket;
        }
    }

    /** Starts the server on an ephemeral loopback port, posting its stats to {@code endpoint}. */
    public NaiveServer(InetSocketAddress endpoint, int statsQueueSize) throws IOException {
        this(endpoint, statsQueueSize, socket -> { });
    }

    /**
     * As above; {@code onCleanedUp} is called on the connection's reader thread once its cleanup
     * finished (the socket closed and the writer told to quit). Not part of the story: a probe for
     * the benchmarks, never called for a connection that leaked.
     */
    public NaiveServer(InetSocketAddress endpoint, int statsQueueSize, Consumer<Socket> onCleanedUp) throws IOException {
        this.onCleanedUp = onCleanedUp;
        this.endpoint = endpoint;
        this.stats = new ArrayBlockingQueue<>(statsQueueSize);
        this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        start(daemon(this::acceptLoop, "naive-acceptor"));
        start(daemon(this::drainStats, "naive-stats-drainer"));
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        long n = 0;
        while (!server.isClosed()) {
            try {
                Conn c = new Conn(server.accept());
                accepted.incrementAndGet();
                conns.add(c);
                n++;
                c.writer = daemon(() -> writeLoop(c), "naive-writer-" + n);
                c.reader = daemon(() -> readLoop(c), "naive-reader-" + n);
                start(c.writer);
                start(c.reader);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void readLoop(Conn c) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                c.out.put(line); // echo through the writer
            }
        } catch (IOException | InterruptedException e) {
            // treated as a disconnect, as the story's server did
        }
        try {
            stats.put(-1);        // the story's `statsChan <- -1`: blocks once the queue is full
            c.out.put(QUIT);      // tell the writer to quit
            c.socket.close();     // and close the socket: never reached while put blocks
            cleanedUp.incrementAndGet();
            onCleanedUp.accept(c.socket);
        } catch (InterruptedException | IOException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop(Conn c) {
        try {
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(c.socket.getOutputStream(), StandardCharsets.UTF_8));
            while (true) {
                String m = c.out.take();
                if (m == QUIT) {
                    return;
                }
                out.write(m);
                out.write('\n');
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the socket went away
        }
    }

    private void drainStats() {
        try {
            while (true) {
                int delta = stats.take();
                StatsPost.post(endpoint, "connections " + delta); // no timeout: hangs with the platform
                delivered.incrementAndGet();
            }
        } catch (InterruptedException | IOException e) {
            // the demo is over
        }
    }

    private Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void start(Thread t) {
        threads.add(t);
        t.start();
    }

    public long accepted() {
        return accepted.get();
    }

    /** Connections whose cleanup finished: what the server believes is gone. */
    public long cleanedUp() {
        return cleanedUp.get();
    }

    public long openSockets() {
        return conns.stream().filter(c -> !c.socket.isClosed()).count();
    }

    public long liveConnectionThreads() {
        return conns.stream().mapToLong(c -> (c.reader.isAlive() ? 1 : 0) + (c.writer.isAlive() ? 1 : 0)).sum();
    }

    public long statsDelivered() {
        return delivered.get();
    }

    public long statsQueued() {
        return stats.size();
    }

    /**
     * Not part of the story: ends every thread and socket so a test (or the demo's JVM) can finish.
     * The story's server had no such button.
     */
    @Override
    public void close() throws IOException {
        server.close();
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Conn c : conns) {
            c.reader.interrupt();
            c.writer.interrupt();
            c.socket.close();
        }
    }
}
