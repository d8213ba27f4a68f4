package dev.tandem.bench.churn;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: the echo server a user writes without Tandem. One thread per connection reads a
 * line and writes it back until the end of the stream, then closes the socket; no registry, no
 * deadlines, no stats. Its side of a connection has fully closed once that thread has closed the
 * socket, the last thing it does. The thread is a new one per connection, or, in the
 * {@link #pooled} server (what a careful user writes), one from
 * {@link Executors#newCachedThreadPool(ThreadFactory)}, which reuses a thread that finished its
 * last connection less than a minute ago.
 *
 * <h2>Implementation notes</h2>
 * The acceptor thread calls {@link #serve}; the connection's thread does the rest. {@link #close()}
 * (harness thread, after the run) stops accepting, then shuts the pool down and waits at most 5 s
 * for its idle threads to end, so that no run leaves threads to the next.
 */
final class BareEchoServer extends BareServer {
    private final ExecutorService pool;

    /** A new thread per connection, from {@code threads}. */
    BareEchoServer(CloseClock clock, ThreadFactory threads) throws IOException {
        this(clock, threads, null);
    }

    private BareEchoServer(CloseClock clock, ThreadFactory threads, ExecutorService pool) throws IOException {
        super(clock, threads);
        this.pool = pool;
    }

    /** A thread per connection taken from a cached pool of {@code threads}. */
    static BareEchoServer pooled(CloseClock clock, ThreadFactory threads) throws IOException {
        return new BareEchoServer(clock, threads, Executors.newCachedThreadPool(threads));
    }

    @Override
    void serve(Socket s, long key) {
        threadsStarting(1);
        if (pool != null) {
            pool.execute(() -> echo(s, key));
        } else {
            threads.newThread(() -> echo(s, key)).start();
        }
    }

    private void echo(Socket s, long key) {
        try {
            LineReader in = new LineReader(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.flush();
            }
        } catch (IOException e) {
            // the peer went away: a disconnect like any other
        } finally {
            Loopback.closeQuietly(s);
            lastThreadDone(key);
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the pooled server's threads did not end within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
