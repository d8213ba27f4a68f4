package dev.tandem.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * What the pair knows of its resource's kind: the streams of a {@link Socket} or a blocking
 * {@link SocketChannel}, its description for diagnostics, and whether its {@code close()} can
 * block. Stateless; called from any thread.
 */
final class SocketAdapters {
    private SocketAdapters() {}

    static InputStream rawInput(AutoCloseable resource) {
        try {
            if (resource instanceof Socket s) {
                return s.getInputStream();
            }
            if (resource instanceof SocketChannel c) {
                // The socket adaptor's stream, not Channels.newInputStream: on JDK 17 that one holds the
                // channel's blocking lock during a read, which would block the writer behind the reader.
                return c.socket().getInputStream();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new UnsupportedOperationException("input() needs a Socket or SocketChannel resource, not "
                + resource.getClass().getName() + "; report reads with markRead(bytes)");
    }

    static OutputStream rawOutput(AutoCloseable resource) {
        try {
            if (resource instanceof Socket s) {
                return s.getOutputStream();
            }
            if (resource instanceof SocketChannel c) {
                return c.socket().getOutputStream(); // see rawInput
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new UnsupportedOperationException("output() needs a Socket or SocketChannel resource, not "
                + resource.getClass().getName() + "; report writes with markWritten(bytes)");
    }

    /**
     * JDK sockets close without waiting for the peer or for a thread blocked in I/O on them, unless
     * SO_LINGER is set (then close waits up to the linger time) or TLS wants to say goodbye.
     */
    static boolean closesWithoutBlocking(AutoCloseable r) {
        try {
            if (r instanceof SocketChannel c) {
                Integer linger = c.getOption(StandardSocketOptions.SO_LINGER);
                return linger == null || linger <= 0;
            }
            return r instanceof Socket s && !(r instanceof SSLSocket) && s.getSoLinger() <= 0;
        } catch (IOException | RuntimeException closedOrUnsupported) {
            return false; // when in doubt, off the caller's thread
        }
    }

    static String describe(AutoCloseable r) {
        if (r instanceof Socket s) {
            return "socket local=" + s.getLocalSocketAddress() + " remote=" + s.getRemoteSocketAddress();
        }
        if (r instanceof SocketChannel c) {
            try {
                return "channel local=" + c.getLocalAddress() + " remote=" + c.getRemoteAddress();
            } catch (IOException | RuntimeException closed) {
                return "channel (closed)";
            }
        }
        return r.getClass().getName();
    }
}
