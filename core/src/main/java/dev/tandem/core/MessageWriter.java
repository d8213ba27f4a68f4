package dev.tandem.core;

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
 */
@FunctionalInterface
public interface MessageWriter<M> {
    void write(M message, PairContext<M> ctx) throws Exception;
}
