package dev.tandem.core;

import java.util.Locale;

/** Why a pair closed. Only the first cause is kept (G4); later failures are attached as suppressed. */
public enum CloseReason {
    /** The reader returned normally: the peer closed its side (end of stream). */
    READER_EOF,
    /** The reader threw. */
    READER_ERROR,
    /** The writer threw while writing a message (or its thread was interrupted). */
    WRITER_ERROR,
    /** {@link ConnectionPair#close()} was called. */
    EXPLICIT,
    /** No input for the manager's idle timeout. */
    IDLE_TIMEOUT,
    /** A write made no progress for the manager's write timeout. */
    WRITE_TIMEOUT,
    /** The outbound queue was full and the overflow policy is {@link OverflowPolicy#CLOSE_PAIR}. */
    SLOW_CONSUMER,
    /** The manager is shutting down. */
    SHUTDOWN,
    /**
     * A thread for one of the pair's sides could not be had: the thread factory threw or returned
     * null, or the thread would not start (e.g. {@code OutOfMemoryError: unable to create native
     * thread}). The cause says which side and why.
     */
    THREAD_START_FAILED;

    private final String tagValue = name().toLowerCase(Locale.ROOT);

    /** The value of the {@code reason} tag of {@code tandem.connections.closed}. */
    public String tagValue() {
        return tagValue;
    }
}
