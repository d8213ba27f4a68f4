package dev.tandem.core;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * What a {@link ReadLoop} and {@link MessageWriter} see of their pair: the resource's streams wrapped so that
 * Tandem sees progress (for the idle and write timeouts and the byte counts), and ways to report
 * progress made some other way.
 */
public interface PairContext<M> {
    /** The pair, e.g. to {@link ConnectionPair#send send} a reply from the reader. */
    ConnectionPair<M> pair();

    /** The resource the pair was opened with. */
    AutoCloseable resource();

    /**
     * The resource's input, counting bytes and marking read activity for the idle timeout. Available
     * for a {@link java.net.Socket} or a blocking {@link java.nio.channels.SocketChannel}.
     *
     * @throws UnsupportedOperationException for other resources (use {@link #markRead(long)})
     */
    InputStream input();

    /**
     * The resource's output, counting bytes and marking each chunk as write progress. Available for
     * a {@link java.net.Socket} or a blocking {@link java.nio.channels.SocketChannel}.
     *
     * @throws UnsupportedOperationException for other resources (use {@link #markWritten(long)})
     */
    OutputStream output();

    /** Reports {@code bytes} of input read some other way (resets the idle timer). */
    void markRead(long bytes);

    /** Reports one inbound message handled (for the counts in the closed event). */
    void markMessageIn();

    /** Reports {@code bytes} written some other way (counts as write progress). */
    void markWritten(long bytes);

    /** True while the pair is OPEN. A loop that does not block on the resource should check it. */
    boolean isOpen();
}
