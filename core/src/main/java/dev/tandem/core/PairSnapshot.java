package dev.tandem.core;

import java.util.List;
import java.util.Objects;

/**
 * A view of one live pair for diagnostics: state, ages, counts and each side's thread with its
 * stack. Taken field by field while the pair runs, so it is a sketch, not an atomic snapshot.
 * Carries no message contents.
 *
 * @param id the pair's id
 * @param state its state when the snapshot was taken
 * @param reason the close reason, or {@code null} while OPEN
 * @param resource the resource's description, e.g. a socket's addresses
 * @param ageMillis time since the pair opened
 * @param closingMillis how long ago the close began; 0 while OPEN
 * @param idleMillis time since input was last seen (through {@link PairContext#input()} or
 *     {@code markRead})
 * @param writeStalledMillis how long the write in progress has made no progress; 0 when not writing
 * @param bytesIn bytes read so far
 * @param bytesOut bytes written so far
 * @param messagesIn inbound messages reported so far
 * @param messagesOut messages written so far
 * @param queued messages queued and not yet taken by the writer
 * @param reader the read side
 * @param writer the write side
 */
public record PairSnapshot(long id, PairState state, CloseReason reason, String resource, long ageMillis,
                           long closingMillis, long idleMillis, long writeStalledMillis, long bytesIn, long bytesOut,
                           long messagesIn, long messagesOut, int queued, Side reader, Side writer) {

    /** Rejects a missing state, resource or side. */
    public PairSnapshot {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(writer, "writer");
    }

    /**
     * One side of a pair: its thread's name, state and stack (empty once the side has exited). A
     * writer between bursts holds no thread: it is {@code idle}, alive, with no stack.
     *
     * @param threadName the name of the side's thread; for an idle side, what it is doing instead
     * @param alive false once the side's loop has returned (for a writer: once the pair closed and
     *     no drain runs)
     * @param threadState the thread's state when the snapshot was taken; {@code WAITING} for an idle
     *     side (it waits for a send, on no thread)
     * @param stack the thread's stack, innermost frame first; empty when not alive or idle
     * @param idle true if the side holds no thread now (a writer between bursts)
     */
    public record Side(String threadName, boolean alive, Thread.State threadState, List<StackTraceElement> stack,
                       boolean idle) {
        /** Copies {@code stack}. */
        public Side {
            Objects.requireNonNull(threadName, "threadName");
            Objects.requireNonNull(threadState, "threadState");
            stack = List.copyOf(stack);
        }

        /** A side on a thread (not idle). */
        public Side(String threadName, boolean alive, Thread.State threadState, List<StackTraceElement> stack) {
            this(threadName, alive, threadState, stack, false);
        }

        /** A live side that holds no thread now, described by {@code what}. */
        public static Side idle(String what) {
            return new Side(what, true, Thread.State.WAITING, List.of(), true);
        }
    }

    /** A multi-line description: the per-pair detail view of the dump. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(512);
        sb.append("pair ").append(id).append(' ').append(state);
        if (reason != null) {
            sb.append(" (").append(reason.tagValue()).append(", closing for ").append(closingMillis).append("ms)");
        }
        sb.append(" age=").append(ageMillis).append("ms idle=").append(idleMillis).append("ms")
                .append(" in=").append(bytesIn).append("B/").append(messagesIn).append("msg")
                .append(" out=").append(bytesOut).append("B/").append(messagesOut).append("msg")
                .append(" queued=").append(queued);
        if (writeStalledMillis > 0) {
            sb.append(" writeStalled=").append(writeStalledMillis).append("ms");
        }
        sb.append("\n  resource: ").append(resource);
        appendSide(sb, "reader", reader);
        appendSide(sb, "writer", writer);
        return sb.toString();
    }

    private static void appendSide(StringBuilder sb, String label, Side s) {
        sb.append("\n  ").append(label).append(": ").append(s.threadName());
        if (!s.alive()) {
            sb.append(" (exited)");
            return;
        }
        if (s.idle()) {
            sb.append(" (idle, no thread)");
            return;
        }
        sb.append(' ').append(s.threadState());
        for (StackTraceElement e : s.stack()) {
            sb.append("\n\t").append(e);
        }
    }
}
