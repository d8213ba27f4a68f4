package dev.tandem.core;

/**
 * How to write one outbound message. Tandem runs the writer loop itself on the pair's writer thread
 * ({@code tandem-<id>-writer}): it takes messages from the pair's bounded queue in order and calls
 * this once per message, timing each call against the write timeout (G6).
 *
 * <p>Throwing closes the pair with {@link CloseReason#WRITER_ERROR}. Write through
 * {@link PairContext#output()} to have each chunk count as progress, or call
 * {@link PairContext#markWritten(long)}; otherwise a whole {@code write} call is one unit of
 * progress.
 */
@FunctionalInterface
public interface MessageWriter<M> {
    void write(M message, PairContext<M> ctx) throws Exception;
}
