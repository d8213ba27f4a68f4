package dev.tandem.stats.statsd;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Where a {@link StatsdSink} writes its datagrams. The real one is a non-blocking, connected
 * {@link DatagramChannel}; unit tests substitute one that refuses or fails on demand (a full
 * socket buffer cannot be provoked reliably on loopback).
 */
interface DatagramTransport extends Closeable {
    /**
     * Sends one datagram without blocking.
     *
     * @return the bytes sent, or 0 if the socket's send buffer is full (the datagram is not sent)
     * @throws IOException if the send failed, e.g. {@link java.net.PortUnreachableException} once the
     *     kernel has heard that nothing listens on the server's port
     */
    int send(ByteBuffer datagram) throws IOException;

    /** Opens a transport to a host and port; may resolve the host name, so it may block briefly. */
    interface Factory {
        DatagramTransport open(String host, int port) throws IOException;
    }

    /** A non-blocking {@link DatagramChannel} connected to the server, so ICMP errors are reported. */
    static DatagramTransport channel(String host, int port) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException("statsd host " + host + " cannot be resolved");
        }
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.configureBlocking(false);
            ch.connect(address);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new DatagramTransport() {
            @Override
            public int send(ByteBuffer datagram) throws IOException {
                return ch.write(datagram);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }

            @Override
            public String toString() {
                return "udp://" + host + ':' + port;
            }
        };
    }
}
