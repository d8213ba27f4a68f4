package dev.tandem.bench.churn;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads {@code '\n'}-terminated lines from a stream as bytes, the terminator included, through a
 * small buffer of its own. Every server and client of the churn harnesses frames messages with
 * it, so the echo logic is byte for byte the same in each variant. One thread at a time.
 */
public final class LineReader {
    private final InputStream in;
    private final byte[] buf = new byte[256];
    private int pos;
    private int limit;

    public LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next line with its {@code '\n'}, or {@code null} at the end of the stream (a last line
     * without a terminator is returned as it is).
     */
    public byte[] readLine() throws IOException {
        byte[] line = null;
        int length = 0;
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return line == null || length == 0 ? null : Arrays.copyOf(line, length);
                }
                pos = 0;
                limit = n;
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            boolean complete = pos < limit;
            if (complete) {
                pos++; // keep the terminator
            }
            int chunk = pos - start;
            if (line == null) {
                line = new byte[Math.max(chunk, 16)];
            } else if (length + chunk > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
            }
            System.arraycopy(buf, start, line, length, chunk);
            length += chunk;
            if (complete) {
                return length == line.length ? line : Arrays.copyOf(line, length);
            }
        }
    }
}
