package dev.tandem.stats.internal;

import java.util.Queue;
import org.jctools.queues.MpscChunkedArrayQueue;

/**
 * Not API. The one place Tandem touches JCTools: it makes the queues, so no JCTools type appears
 * anywhere else (the pattern of OpenTelemetry's internal JcTools).
 *
 * <p>Its one user is a pair's outbound queue in core, whose elements are the user's messages
 * (references, which is what JCTools' queues carry). The stats pipeline's event storage writes an
 * event's parts into pre-allocated slots instead ({@code EventRing}), so that recording builds no
 * object.
 */
public final class JcTools {
    private JcTools() {}

    /**
     * A bounded multi-producer, single-consumer queue that starts small and grows in chunks up to
     * {@code maxCapacity} (rounded up to a power of two): memory follows use, for queues of which
     * there are many. Any thread may offer, exactly one thread at a time may poll.
     */
    public static <E> Queue<E> newGrowableMpscQueue(int initialCapacity, int maxCapacity) {
        int max = Math.max(4, maxCapacity);
        int initial = Math.min(Math.max(2, initialCapacity), max / 2);
        return new MpscChunkedArrayQueue<>(initial, max);
    }
}
