package dev.tandem.bench.churn;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A running echo server of one variant, as the churn clients and the report see it. */
interface EchoTarget extends AutoCloseable {
    /** Where clients connect. */
    InetSocketAddress address();

    /** Connections accepted so far. */
    long accepted();

    /** Accepted sockets not closed, asked of each socket. */
    long openSockets();

    /** Connection threads still alive, or -1 when they cannot be counted (virtual threads are not listed). */
    long liveThreads();

    /** Connections the server's own books say are live. */
    long believedLive();

    /** One line about the server's internals after the run (stats books, counts), or "". */
    default String notes() {
        return "";
    }

    /** The books of the server's stats sink, if it has one (read before the server closes). */
    default dev.tandem.stats.SinkStats sinkStats() {
        return null;
    }

    /** Ends the server and whatever it started. */
    @Override
    void close() throws IOException;
}
