package dev.tandem.core;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The writer's view of the resource: large writes are cut into chunks so that each chunk that goes
 * out counts as progress for the write timeout (a progress timeout, as Tomcat's).
 */
final class CountingOutputStream extends FilterOutputStream {
    private static final int CHUNK = 64 * 1024;
    private final StreamProgress pair;

    CountingOutputStream(OutputStream out, StreamProgress pair) {
        super(out);
        this.pair = pair;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        pair.markWritten(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, CHUNK);
            out.write(b, off, n);
            pair.markWritten(n);
            off += n;
            len -= n;
        }
    }
}
