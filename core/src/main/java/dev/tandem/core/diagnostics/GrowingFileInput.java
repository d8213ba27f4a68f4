package dev.tandem.core.diagnostics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file read while another thread still writes it: the end of the file is the end of the input
 * only once that thread has ended, so a reader never takes a half-written line for the last one.
 * Lets the profile parse the JDK's thread dump while the JDK is still writing it, instead of after.
 *
 * <p>Implementation notes. One reading thread; {@code writer} is the thread that creates and
 * writes {@code file}, and its end is the only signal: everything it wrote happens-before
 * {@link Thread#isAlive()} returning false (JLS 17.4.4), so the writer's state is read
 * <em>before</em> each read, and an end of file seen after the writer was seen dead is the true
 * end. While the writer runs, an empty read waits up to a millisecond in {@link Thread#join(long)}
 * (which returns early when the writer ends) and tries again. An interrupt of the reading thread
 * does not cut the read short, since the writer goes on regardless; it is kept and set again on
 * {@link #close()}.
 */
final class GrowingFileInput extends InputStream {
    private final Path file;
    private final Thread writer;
    private InputStream in;
    private boolean interrupted;

    GrowingFileInput(Path file, Thread writer) {
        this.file = Objects.requireNonNull(file, "file");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (true) {
            boolean writerEnded = !writer.isAlive(); // before the read: see the class notes
            if (in == null && !open(writerEnded)) {
                pause();
                continue;
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                return n;
            }
            if (writerEnded) {
                return -1;
            }
            pause();
        }
    }

    /** Opens the file once it exists; false if the writer has not created it yet. */
    private boolean open(boolean writerEnded) throws IOException {
        if (Files.exists(file)) {
            in = Files.newInputStream(file);
            return true;
        }
        if (writerEnded) {
            throw new NoSuchFileException(file.toString(), null, "its writer ended without creating it");
        }
        return false;
    }

    private void pause() {
        try {
            writer.join(1);
        } catch (InterruptedException e) {
            interrupted = true;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (in != null) {
                in.close();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
