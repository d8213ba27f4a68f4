package dev.tandem.stats;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which stripe a producer thread writes to: each thread gets a ticket, in turn, the first time it
 * records into a pipeline, and keeps it for its life; a sink's stripe for the thread is
 * {@code ticket & (stripes - 1)}.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Why tickets, not thread ids.</b> A stripe chosen by thread id puts two threads on one
 *       stripe whenever their ids share the low bits, which is a matter of luck: any thread made
 *       between them shifts it (B1 measured two JMH workers sharing a stripe at 113 ns a record,
 *       as slow as one shared queue, and on their own stripes at 46 ns). Tickets in the order of
 *       first record put the first {@code stripes} producers of a pipeline on different stripes
 *       whatever the thread ids are.</li>
 *   <li><b>Order.</b> A thread's ticket never changes, so its events stay in one stripe, in order
 *       (growing or moving stripes on contention, as Caffeine does, would break that).</li>
 *   <li><b>Cost.</b> One {@link ThreadLocal} read per record, made once by the pipeline for all
 *       of its sinks. The first record of a thread sets the thread-local (on a thread that has
 *       none yet, the JDK allocates its map: a few hundred bytes, once per thread).</li>
 *   <li><b>Scope.</b> One set of tickets per pipeline, so that producers of one pipeline are
 *       spread whatever other pipelines in the JVM do. Entries of a pipeline that is gone are
 *       weakly held by the JDK and cleared with its thread-local map.</li>
 * </ul>
 */
final class ProducerTickets {
    private final AtomicInteger next = new AtomicInteger();
    private final ThreadLocal<Integer> mine = ThreadLocal.withInitial(next::getAndIncrement);

    /** The calling thread's ticket: the same on every call from one thread. */
    int mine() {
        return mine.get();
    }
}
