package dev.tandem.core;

import java.util.concurrent.CompletionStage;

/**
 * One connection's reader and writer, living and dying together (G1–G7). Obtain one from
 * {@link ConnectionManager#open} or {@link ConnectionManager#pair}.
 *
 * <p>All methods are thread-safe and none blocks, with one opt-in exception: under
 * {@link ConnectionManager.Builder#readerWritesInline(boolean)} a {@link #send} called by the
 * pair's own reader may write right there, up to the write timeout.
 *
 * @param <M> the type of outbound message
 */
public interface ConnectionPair<M> {
    /** Unique within its manager, increasing from 1. */
    long id();

    PairState state();

    /**
     * Queues a message for the writer. Never blocks (but for the pair's own reader under
     * {@code readerWritesInline}, whose send writes while no drain runs, up to the write timeout;
     * an error of the JVM, such as {@link OutOfMemoryError}, from that write is rethrown to the
     * reader after the pair is closed): returns {@link SendResult#ACCEPTED},
     * {@link SendResult#CLOSED} if the pair is closing or closed, or {@link SendResult#OVERFLOW}
     * when the bounded queue is full (see {@link OverflowPolicy}).
     *
     * @throws NullPointerException if {@code message} is null
     */
    SendResult send(M message);

    /**
     * Closes the pair with {@link CloseReason#EXPLICIT} unless it is already closing: closes the
     * resource, wakes both sides and returns at once; hooks run later on Tandem's threads.
     *
     * @return true if this call closed the pair, false if it was already closing or closed
     */
    boolean close();

    /** Completes once, when the pair reaches CLOSED or STUCK; never completes exceptionally. */
    CompletionStage<CloseInfo> closeFuture();

    /**
     * Adds a cleanup hook to this pair, run before the manager's hooks.
     *
     * @return false if the pair is already closing (the hook will not run)
     */
    boolean addCleanupHook(CleanupHook hook);

    /** Messages queued and not yet taken by the writer. */
    int queuedMessages();

    /** A consistent-enough view of this pair for diagnostics: counts, ages, threads and their stacks. */
    PairSnapshot snapshot();
}
