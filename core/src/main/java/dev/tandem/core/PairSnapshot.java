package dev.tandem.core;

import java.util.List;

/**
 * A view of one live pair for diagnostics: state, ages, counts and each side's thread with its
 * stack. Taken field by field while the pair runs, so it is a sketch, not an atomic snapshot.
 * Carries no message contents.
 */
public final class PairSnapshot {
    private final long id;
    private final PairState state;
    private final CloseReason reason;
    private final String resource;
    private final long ageMillis;
    private final long closingMillis;
    private final long idleMillis;
    private final long writeStalledMillis;
    private final long bytesIn;
    private final long bytesOut;
    private final long messagesIn;
    private final long messagesOut;
    private final int queued;
    private final Side reader;
    private final Side writer;

    PairSnapshot(long id, PairState state, CloseReason reason, String resource, long ageMillis, long closingMillis,
                 long idleMillis,
                 long writeStalledMillis, long bytesIn, long bytesOut, long messagesIn, long messagesOut, int queued,
                 Side reader, Side writer) {
        this.id = id;
        this.state = state;
        this.reason = reason;
        this.resource = resource;
        this.ageMillis = ageMillis;
        this.closingMillis = closingMillis;
        this.idleMillis = idleMillis;
        this.writeStalledMillis = writeStalledMillis;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        this.messagesIn = messagesIn;
        this.messagesOut = messagesOut;
        this.queued = queued;
        this.reader = reader;
        this.writer = writer;
    }

    /** One side of a pair: its thread's name, state and stack (empty once the side has exited). */
    public static final class Side {
        private final String threadName;
        private final boolean alive;
        private final Thread.State threadState;
        private final List<StackTraceElement> stack;

        Side(String threadName, boolean alive, Thread.State threadState, List<StackTraceElement> stack) {
            this.threadName = threadName;
            this.alive = alive;
            this.threadState = threadState;
            this.stack = stack;
        }

        public String threadName() {
            return threadName;
        }

        /** False once the side's loop has returned. */
        public boolean alive() {
            return alive;
        }

        public Thread.State threadState() {
            return threadState;
        }

        public List<StackTraceElement> stack() {
            return stack;
        }
    }

    public long id() {
        return id;
    }

    public PairState state() {
        return state;
    }

    /** The close reason, or {@code null} while OPEN. */
    public CloseReason reason() {
        return reason;
    }

    /** The resource's description, e.g. a socket's addresses. */
    public String resource() {
        return resource;
    }

    public long ageMillis() {
        return ageMillis;
    }

    /** How long ago the close began; 0 while OPEN. */
    public long closingMillis() {
        return closingMillis;
    }

    /** Time since input was last seen (through {@link PairContext#input()} or {@code markRead}). */
    public long idleMillis() {
        return idleMillis;
    }

    /** How long the write in progress has made no progress; 0 when not writing. */
    public long writeStalledMillis() {
        return writeStalledMillis;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public long messagesIn() {
        return messagesIn;
    }

    public long messagesOut() {
        return messagesOut;
    }

    public int queued() {
        return queued;
    }

    public Side reader() {
        return reader;
    }

    public Side writer() {
        return writer;
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
        sb.append("\n  ").append(label).append(": ").append(s.threadName);
        if (!s.alive) {
            sb.append(" (exited)");
            return;
        }
        sb.append(' ').append(s.threadState);
        for (StackTraceElement e : s.stack) {
            sb.append("\n\t").append(e);
        }
    }
}
