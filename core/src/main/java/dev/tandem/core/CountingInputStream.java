package dev.tandem.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The reader's view of the resource: every byte read marks read activity and is counted, and the
 * end of the stream closes the pair at once, even if the reader does not return (its cleanup may
 * block: that was the story behind Tandem).
 */
final class CountingInputStream extends FilterInputStream {
    private final StreamProgress pair;

    CountingInputStream(InputStream in, StreamProgress pair) {
        super(in);
        this.pair = pair;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            pair.markRead(1);
        } else {
            pair.endOfInput();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            pair.markRead(n);
        } else if (n < 0) {
            pair.endOfInput();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            pair.markRead(skipped);
        }
        return skipped;
    }
}
