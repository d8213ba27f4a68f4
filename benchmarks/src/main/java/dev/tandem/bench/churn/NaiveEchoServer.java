package dev.tandem.bench.churn;

import dev.tandem.examples.demo.NaiveServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * The leak demo's naive server ({@link NaiveServer}, the story's design: a reader and a writer
 * thread per connection, a blocking {@code put} of the "closed" stat into a bounded queue before
 * the socket is closed), fed by the same clients. Its side of a connection has fully closed when
 * its reader has closed the socket and told the writer to quit (the demo's "cleaned up").
 */
final class NaiveEchoServer implements EchoTarget {
    private final NaiveServer naive;

    NaiveEchoServer(CloseClock clock, InetSocketAddress statsEndpoint, int statsQueue) throws IOException {
        this.naive = new NaiveServer(statsEndpoint, statsQueue,
                (Socket s) -> clock.server(Loopback.peerKey(s), System.nanoTime()));
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(Loopback.serverAddress(), naive.port());
    }

    @Override
    public long accepted() {
        return naive.accepted();
    }

    @Override
    public long openSockets() {
        return naive.openSockets();
    }

    /**
     * Its connection threads alive. A connection that was cleaned up has told its writer to quit,
     * which then takes a moment to return; a leaked one keeps both threads for good. So this waits
     * (at most 2 s) until no more than two threads per leaked connection are left, then counts.
     */
    @Override
    public long liveThreads() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long alive = naive.liveConnectionThreads();
        while (alive > 2 * believedLive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // a bounded poll: the naive server offers nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            alive = naive.liveConnectionThreads();
        }
        return alive;
    }

    @Override
    public long believedLive() {
        return naive.accepted() - naive.cleanedUp();
    }

    @Override
    public String notes() {
        return "stats delivered " + naive.statsDelivered() + ", queued " + naive.statsQueued();
    }

    @Override
    public void close() throws IOException {
        naive.close();
    }
}
