package dev.tandem.core;

/**
 * A connection's read side: typically the application's existing read loop. Tandem runs it on the
 * pair's reader thread ({@code tandem-<id>-reader}).
 *
 * <p>Return when the peer is done (end of stream): the pair then closes with
 * {@link CloseReason#READER_EOF} and the writer is ended too (G1). Throw on failure: the pair
 * closes with {@link CloseReason#READER_ERROR}. When the pair is closed from elsewhere, Tandem
 * closes the resource and interrupts this thread, which ends a blocking read on a socket or a
 * wait on a queue; the exception that follows is recorded as a later failure of the pair (and
 * added to the first cause as suppressed, when there is one). The end of the stream seen through
 * {@link PairContext#input()} closes the pair at once and interrupts this thread, so that a read
 * loop whose cleanup blocks cannot keep the socket open.
 *
 * <p>To let the idle timeout see input, read through {@link PairContext#input()} or call
 * {@link PairContext#markRead(long)}.
 */
@FunctionalInterface
public interface ReadLoop<M> {
    void read(PairContext<M> ctx) throws Exception;
}
