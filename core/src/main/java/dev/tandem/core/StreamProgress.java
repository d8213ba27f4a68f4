package dev.tandem.core;

/** What the counting streams report to: bytes moved and the end of input. Kept apart from the pair. */
interface StreamProgress {
    /** {@code bytes} were read (also resets the idle deadline). */
    void markRead(long bytes);

    /** The input reached its end. */
    void endOfInput();

    /** {@code bytes} were written (write progress). */
    void markWritten(long bytes);
}
