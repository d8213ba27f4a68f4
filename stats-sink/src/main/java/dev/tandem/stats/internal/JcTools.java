package dev.tandem.stats.internal;

import java.util.Queue;
import java.util.function.Consumer;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscChunkedArrayQueue;
import org.jctools.queues.QueueProgressIndicators;

/**
 * Not API. The one place Tandem touches JCTools: it makes the queues and performs bounded drains,
 * so no JCTools type appears anywhere else (the pattern of OpenTelemetry's internal JcTools).
 *
 * <p>All queues made here are multi-producer, single-consumer: any thread may offer, exactly one
 * thread at a time may poll or drain.
 */
public final class JcTools {
    private JcTools() {}

    /**
     * A bounded MPSC queue backed by one preallocated array; the capacity is rounded up to a power
     * of two (at least 2). Offers are wait-free on the fast path and never block.
     */
    public static <E> Queue<E> newFixedMpscQueue(int capacity) {
        return new MpscArrayQueue<>(Math.max(2, capacity));
    }

    /**
     * A bounded MPSC queue that starts small and grows in chunks up to {@code maxCapacity}
     * (rounded up to a power of two): memory follows use, for queues of which there are many.
     */
    public static <E> Queue<E> newGrowableMpscQueue(int initialCapacity, int maxCapacity) {
        int max = Math.max(4, maxCapacity);
        int initial = Math.min(Math.max(2, initialCapacity), max / 2);
        return new MpscChunkedArrayQueue<>(initial, max);
    }

    /** Moves up to {@code limit} elements to {@code sink}; returns how many. Consumer thread only. */
    public static <E> int drain(Queue<E> queue, int limit, Consumer<? super E> sink) {
        if (limit <= 0) {
            return 0;
        }
        return mpq(queue).drain(sink::accept, limit);
    }

    /**
     * Moves up to {@code max} elements into {@code into[from ..]}; returns how many. Consumer
     * thread only; allocates nothing. An element whose producer has claimed its slot but not yet
     * written it ends the call (it is taken by a later one).
     */
    public static <E> int pollInto(Queue<E> queue, E[] into, int from, int max) {
        MessagePassingQueue<E> q = mpq(queue);
        int n = 0;
        E e;
        while (n < max && (e = q.relaxedPoll()) != null) {
            into[from + n++] = e;
        }
        return n;
    }

    /** Takes and forgets up to {@code max} elements; returns how many. Consumer thread only; allocates nothing. */
    public static int discard(Queue<?> queue, int max) {
        MessagePassingQueue<?> q = mpq(queue);
        int n = 0;
        while (n < max && q.relaxedPoll() != null) {
            n++;
        }
        return n;
    }

    /** The queue's actual capacity (after rounding). */
    public static int capacity(Queue<?> queue) {
        return mpq(queue).capacity();
    }

    /** How many elements were ever offered successfully: exact, read from the producer index. */
    public static long offeredCount(Queue<?> queue) {
        return progress(queue).currentProducerIndex();
    }

    /** How many elements were ever taken by the consumer: exact, read from the consumer index. */
    public static long takenCount(Queue<?> queue) {
        return progress(queue).currentConsumerIndex();
    }

    @SuppressWarnings("unchecked")
    private static <E> MessagePassingQueue<E> mpq(Queue<E> queue) {
        return (MessagePassingQueue<E>) queue;
    }

    private static QueueProgressIndicators progress(Queue<?> queue) {
        return (QueueProgressIndicators) queue;
    }
}
