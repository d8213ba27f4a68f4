package dev.tandem.stats.statsd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real UDP server on loopback for unit tests: a blocking channel on 127.0.0.1 with a large
 * receive buffer, drained by its own thread into a list of datagrams.
 */
final class UdpReceiver implements java.io.Closeable {
    private final DatagramChannel channel;
    private final Thread thread;
    private final List<String> datagrams = new ArrayList<>();

    UdpReceiver() throws IOException {
        this(0);
    }

    /** A receiver on {@code port} of 127.0.0.1 (0: any free port). */
    UdpReceiver(int port) throws IOException {
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.bind(new InetSocketAddress("127.0.0.1", port));
        thread = new Thread(this::receive, "udp-receiver-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
            while (true) {
                buf.clear();
                channel.receive(buf);
                buf.flip();
                String text = StandardCharsets.UTF_8.decode(buf).toString();
                synchronized (this) {
                    datagrams.add(text);
                    notifyAll();
                }
            }
        } catch (ClosedChannelException closed) {
            // close() ends the loop
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until at least {@code n} datagrams arrived; returns all received so far, or fails. */
    synchronized List<String> awaitDatagrams(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (datagrams.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("received " + datagrams.size() + " datagrams, expected " + n
                        + " within " + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return new ArrayList<>(datagrams);
    }

    synchronized List<String> datagrams() {
        return new ArrayList<>(datagrams);
    }

    /** Every line of every datagram, in arrival order. */
    static List<String> lines(List<String> datagrams) {
        List<String> out = new ArrayList<>();
        for (String d : datagrams) {
            out.addAll(List.of(d.split("\n", -1)));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
