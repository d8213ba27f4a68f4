package dev.tandem.bench.push;

import java.nio.ByteBuffer;

/**
 * B6's message on the wire: 1 KiB, of which the first 16 bytes say when it was made
 * ({@link System#nanoTime()}, so that the clients in the same JVM can measure send-to-receive),
 * which server connection it was pushed on, and its sequence number on that connection; the rest
 * is zeros. Big-endian, as {@link ByteBuffer} writes it.
 */
final class Frame {
    static final int SIZE = 1024;
    static final int HEADER = 16;

    private Frame() {}

    /** A new message for connection {@code conn}, stamped now. */
    static byte[] make(int conn, int seq) {
        byte[] b = new byte[SIZE];
        ByteBuffer.wrap(b).putLong(System.nanoTime()).putInt(conn).putInt(seq);
        return b;
    }

    static long sentNanos(byte[] header) {
        return ByteBuffer.wrap(header).getLong(0);
    }

    static int conn(byte[] header) {
        return ByteBuffer.wrap(header).getInt(8);
    }

    static int seq(byte[] header) {
        return ByteBuffer.wrap(header).getInt(12);
    }
}
