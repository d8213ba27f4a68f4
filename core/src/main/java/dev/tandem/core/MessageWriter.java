package dev.tandem.core;

import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * How to write one outbound message. Tandem drains the pair's bounded queue itself, in order, on a
 * drain thread of the manager ({@code tandem-<id>-writer} while it drains) that runs only while
 * there is something to write, and calls this once per message, timing each call against the
 * write timeout (G6). Two calls for one pair never overlap.
 *
 * <p>Throwing closes the pair with {@link CloseReason#WRITER_ERROR}. Write through
 * {@link PairContext#output()} to have each chunk count as progress, or call
 * {@link PairContext#markWritten(long)}; otherwise a whole {@code write} call is one unit of
 * progress.
 *
 * <p>For the common messages there are ready writers, which also fix the message type, so that
 * {@code manager.open(socket, ctx -> ..., MessageWriter.lines(UTF_8))} needs no type argument:
 * {@link #lines(Charset)} for text lines and {@link #bytes()} for raw chunks.
 */
@FunctionalInterface
public interface MessageWriter<M> {
    void write(M message, PairContext<M> ctx) throws Exception;

    /**
     * Writes each message as one line: its characters in {@code charset}, then {@code '\n'}, through
     * {@link PairContext#output()} (so the bytes are counted), flushed after each message.
     */
    static MessageWriter<String> lines(Charset charset) {
        Objects.requireNonNull(charset, "charset");
        return (line, ctx) -> {
            OutputStream out = ctx.output();
            out.write(line.concat("\n").getBytes(charset));
            out.flush();
        };
    }

    /** Writes each message's bytes as they are through {@link PairContext#output()}, flushed after each. */
    static MessageWriter<byte[]> bytes() {
        return (chunk, ctx) -> {
            OutputStream out = ctx.output();
            out.write(chunk);
            out.flush();
        };
    }
}
