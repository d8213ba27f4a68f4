package dev.tandem.bench.churn;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: the echo server a user writes without Tandem. One thread per connection reads a
 * line and writes it back until the end of the stream, then closes the socket; no registry, no
 * deadlines, no stats. Its side of a connection has fully closed once that thread has closed the
 * socket, the last thing it does.
 */
final class BareEchoServer extends ChurnServer {
    private final ThreadFactory threads;
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong liveThreads = new AtomicLong();

    BareEchoServer(CloseClock clock, ThreadFactory threads) throws IOException {
        super(clock);
        this.threads = threads;
    }

    @Override
    void serve(Socket s, long key) {
        liveThreads.incrementAndGet();
        Thread t = threads.newThread(() -> echo(s, key));
        t.start();
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
            try {
                s.close();
            } catch (IOException ignored) {
                // closed anyway
            }
            finished.incrementAndGet();
            liveThreads.decrementAndGet();
            clock.server(key, System.nanoTime());
        }
    }

    /** Counted by the threads themselves (so virtual threads are counted too). */
    @Override
    public long liveThreads() {
        return liveThreads.get();
    }

    @Override
    public long believedLive() {
        return accepted() - finished.get();
    }
}
