package dev.tandem.bench.churn;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client sockets for churn on loopback without running out of ports. A connection the client
 * closes first sits in TIME_WAIT for about 60 s on the client's (address, port), and one source
 * address has about 28k ephemeral ports; so clients bind, in turn, to one of {@code count} source
 * addresses {@code 127.<second>.x.y} (Linux answers on the whole of 127/8), port chosen by the
 * kernel. Each (address, port) is then unique among connections alive at the same time, which is
 * what {@link #key} relies on. Thread-safe.
 */
public final class Loopback {
    private final InetAddress[] sources;
    private final AtomicInteger next = new AtomicInteger();

    /** {@code count} source addresses 127.{@code second}.0.1, 127.{@code second}.0.2, ... */
    public Loopback(int second, int count) {
        if (second < 1 || second > 254) {
            throw new IllegalArgumentException("second: " + second + " (expected: 1..254)");
        }
        if (count < 1 || count > 250 * 250) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1..62500)");
        }
        sources = new InetAddress[count];
        for (int i = 0; i < count; i++) {
            try {
                sources[i] = InetAddress.getByAddress(new byte[] {127, (byte) second, (byte) (i / 250), (byte) (1 + i % 250)});
            } catch (UnknownHostException impossible) { // four bytes are always an address
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** The server address every harness listens on. */
    public static InetAddress serverAddress() {
        return InetAddress.getLoopbackAddress();
    }

    public int sourceCount() {
        return sources.length;
    }

    /** A fresh socket bound to the next source address; options that must precede connect go in between. */
    public Socket bindNext() throws IOException {
        Socket s = new Socket();
        try {
            s.bind(nextSource());
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The next source address, port 0 (the kernel's choice), for a client that binds its own socket or channel. */
    public InetSocketAddress nextSource() {
        return new InetSocketAddress(sources[Math.floorMod(next.getAndIncrement(), sources.length)], 0);
    }

    /** Closes {@code s} (which may be null), ignoring an {@code IOException}: the socket is closed either way. */
    public static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }

    /** The (address, port) of one end of a connection as one number: IPv4 address bits, then the port. */
    public static long key(InetAddress address, int port) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("address: " + address + " (expected: IPv4 loopback)");
        }
        byte[] b = address.getAddress();
        long ip = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        return (ip << 16) | port;
    }

    /** The client end of {@code s}, seen from the client. */
    public static long clientKey(Socket s) {
        return key(s.getLocalAddress(), s.getLocalPort());
    }

    /** The client end of {@code s}, seen from the server that accepted it (valid after close too). */
    public static long peerKey(Socket s) {
        return key(s.getInetAddress(), s.getPort());
    }
}
