package dev.tandem.bench.hotpath;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.MpscArrayQueue;

/**
 * What a user would put between producers and a stats backend instead of Tandem: a bounded queue
 * with a non-blocking (or, for the story, blocking) producer side and a batch drain for the one
 * consumer ({@link BatchConsumer}).
 *
 * <p>Implementation notes: {@link #offer} runs on any number of producer threads, {@link #drain}
 * on the single consumer thread only. Each variant is the library's own code path, used as its
 * users use it; only the drop counting around it (a plain per-thread field in the benchmark) is
 * ours, and it is the cheapest possible.
 */
abstract class BaselineQueue {
    /** Producer side: true if the event was accepted, false if it was dropped. May block only for {@code abq_put}. */
    abstract boolean offer(BenchEvent e);

    /** Consumer side: moves up to {@code max} events into {@code into}; returns how many. */
    abstract int drain(List<BenchEvent> into, int max);

    /** Events queued now (approximate while producers run); for a harness waiting for the consumer. */
    abstract int size();

    /**
     * The queue named by the benchmark parameter.
     *
     * @throws IllegalArgumentException for a name that is not a baseline
     */
    static BaselineQueue create(String kind, int capacity) {
        switch (kind) {
            case "abq_offer": return new Blocking(new ArrayBlockingQueue<>(capacity), false);
            case "lbq_offer": return new Blocking(new LinkedBlockingQueue<>(capacity), false);
            case "abq_put": return new Blocking(new ArrayBlockingQueue<>(capacity), true);
            case "clq_capped": return new CappedConcurrentLinkedQueue(capacity);
            case "mpsc_bare":
            case "mpsc_prebuilt": return new BareMpsc(capacity);
            default: throw new IllegalArgumentException("queue: '" + kind + "' (expected a baseline: abq_offer, "
                    + "lbq_offer, abq_put, clq_capped, mpsc_bare, mpsc_prebuilt)");
        }
    }

    /**
     * {@code offer} on a bounded {@link BlockingQueue}: what Logback's and Log4j2's async appenders
     * do when told never to block. With {@code put}, the story's blocking send: it waits for room.
     */
    static final class Blocking extends BaselineQueue {
        private final BlockingQueue<BenchEvent> queue;
        private final boolean put;

        Blocking(BlockingQueue<BenchEvent> queue, boolean put) {
            this.queue = queue;
            this.put = put;
        }

        @Override
        boolean offer(BenchEvent e) {
            if (!put) {
                return queue.offer(e);
            }
            try {
                queue.put(e);
                return true;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        int drain(List<BenchEvent> into, int max) {
            return queue.drainTo(into, max);
        }

        @Override
        int size() {
            return queue.size();
        }
    }

    /**
     * An unbounded {@link ConcurrentLinkedQueue} with an {@link AtomicInteger} size cap checked
     * before the offer: the DogStatsD Java client's non-blocking mode (check, offer, increment;
     * the consumer decrements per event). The cap is approximate under contention, as there.
     */
    static final class CappedConcurrentLinkedQueue extends BaselineQueue {
        private final Queue<BenchEvent> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final int capacity;

        CappedConcurrentLinkedQueue(int capacity) {
            this.capacity = capacity;
        }

        @Override
        boolean offer(BenchEvent e) {
            if (size.get() >= capacity) {
                return false;
            }
            queue.offer(e);
            size.incrementAndGet();
            return true;
        }

        @Override
        int drain(List<BenchEvent> into, int max) {
            int n = 0;
            BenchEvent e;
            while (n < max && (e = queue.poll()) != null) {
                size.decrementAndGet();
                into.add(e);
                n++;
            }
            return n;
        }

        @Override
        int size() {
            return size.get();
        }
    }

    /**
     * Not a user's choice but the floor of a queue of events built per record: the JCTools queue
     * Tandem used before its ring of slots, offered to directly, with no sink state, no books and
     * no wake-up.
     */
    static final class BareMpsc extends BaselineQueue {
        private final MpscArrayQueue<BenchEvent> queue;

        BareMpsc(int capacity) {
            this.queue = new MpscArrayQueue<>(capacity);
        }

        @Override
        boolean offer(BenchEvent e) {
            return queue.offer(e);
        }

        @Override
        int drain(List<BenchEvent> into, int max) {
            return max <= 0 ? 0 : queue.drain(into::add, max);
        }

        @Override
        int size() {
            return queue.size();
        }
    }
}
