package dev.tandem.stats;

/**
 * One sink's bounded storage, striped: a fixed set of bounded MPSC rings of event slots
 * ({@link EventRing}, "stripes") whose capacities add up to the sink's capacity. Each producer thread always writes to the same
 * stripe, chosen by its thread id, so producers on different stripes touch different producer
 * indices and cache lines (Caffeine's striped buffers, without the lossy slots); the sink's one
 * delivery thread drains them all.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Who calls what.</b> {@link #home()} and {@code offer} on a stripe's ring run on any producer
 *       thread and never block. Everything that takes events ({@link #drainTo}, {@link #discard})
 *       runs only on the delivery thread, the single consumer of every stripe. Counts and sizes
 *       may be read from any thread.</li>
 *   <li><b>Order.</b> A thread's stripe is {@code threadId & mask}, fixed for the thread's life,
 *       and a stripe is FIFO: the events of one producer are delivered in the order it recorded
 *       them. Events of different producers have no order between them (they had none to keep:
 *       which of two concurrent offers is "first" was never observable).</li>
 *   <li><b>Choice of stripe.</b> Thread ids are handed out in sequence, so threads started one
 *       after another land on different stripes; two threads that share a stripe are correct,
 *       only no faster than one queue. The count is fixed at build (one per core, a power of
 *       two, each stripe at least {@value #MIN_STRIPE_CAPACITY} events), not grown on contention
 *       as Caffeine does: moving a producer to another stripe would break its order.</li>
 *   <li><b>Capacity.</b> The sink's capacity (rounded up to a power of two) is split evenly; a
 *       producer finds its own stripe full when that stripe holds {@code capacity / stripes}
 *       events, and the drop is counted as {@code queue_full}. Memory per sink stays
 *       {@code capacity} slots whatever the number of producers, allocated once: about 68 bytes
 *       a slot (a timestamp and {@value EventType#MAX_FIELDS} fields of 8 bytes, type, tags and
 *       lap of 4), 136 KiB for the default 2,048.</li>
 *   <li><b>Counts.</b> {@link #offered()} and {@link #taken()} add the stripes' own producer and
 *       consumer indices: exact per stripe, read one stripe after another (so a total read while
 *       producers run is off by what moved meanwhile; at quiescence it is exact).</li>
 * </ul>
 */
final class EventStripes {
    /** The fewest events a stripe holds when there are several (a smaller sink gets fewer stripes). */
    static final int MIN_STRIPE_CAPACITY = 64;
    private static final int MAX_STRIPES = 64;

    /** One stripe: its ring. */
    static final class Stripe {
        final EventRing ring;
        final int capacity;

        Stripe(int capacity) {
            this.ring = new EventRing(capacity);
            this.capacity = capacity;
        }
    }

    private final Stripe[] stripes;
    private final int mask;
    private final int capacity;
    private int nextDrain; // delivery thread only: the stripe the next drain starts at

    /**
     * @param capacity the sink's total, rounded up to a power of two
     * @param count the number of stripes: a power of two, at most the rounded capacity / 2
     */
    EventStripes(int capacity, int count) {
        int total = roundUp(Math.max(2, capacity));
        if (count <= 0 || Integer.bitCount(count) != 1 || count > total / 2) {
            throw new IllegalArgumentException("stripes: " + count + " (expected: a power of two, at most "
                    + total / 2 + " for a capacity of " + total + ")");
        }
        this.stripes = new Stripe[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new Stripe(total / count);
        }
        this.mask = count - 1;
        this.capacity = total;
    }

    /** One stripe per core (rounded up to a power of two), as many as leave each at least {@value #MIN_STRIPE_CAPACITY}. */
    static int perCore(int capacity) {
        int byCores = roundUp(Math.min(MAX_STRIPES, Runtime.getRuntime().availableProcessors()));
        int bySize = Math.max(1, roundUp(Math.max(2, capacity)) / MIN_STRIPE_CAPACITY);
        return Math.min(byCores, bySize);
    }

    private static int roundUp(int n) {
        int p = Integer.highestOneBit(n);
        return p == n ? n : p << 1;
    }

    /** The calling thread's stripe. */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+, and this is Java 17 bytecode
    Stripe home() {
        return stripes[(int) Thread.currentThread().getId() & mask];
    }

    /** The {@code i}-th stripe (for tests). */
    Stripe stripeAt(int i) {
        return stripes[i];
    }

    int capacity() {
        return capacity;
    }

    int count() {
        return stripes.length;
    }

    /** A stripe's capacity (all are equal). */
    int stripeCapacity() {
        return stripes[0].capacity;
    }

    /** Events ever offered successfully, over all stripes. */
    long offered() {
        long sum = 0;
        for (Stripe s : stripes) {
            sum += s.ring.offered();
        }
        return sum;
    }

    /** Events ever taken by the delivery thread, over all stripes. */
    long taken() {
        long sum = 0;
        for (Stripe s : stripes) {
            sum += s.ring.taken();
        }
        return sum;
    }

    /** Events waiting, over all stripes (from the indices; may lag a concurrent offer or drain). */
    int size() {
        int sum = 0;
        for (Stripe s : stripes) {
            sum += s.ring.size();
        }
        return sum;
    }

    boolean isEmpty() {
        for (Stripe s : stripes) {
            if (!s.ring.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** True if some stripe holds at least {@code n} events. */
    boolean anyHolds(int n) {
        for (Stripe s : stripes) {
            if (s.ring.size() >= n) {
                return true;
            }
        }
        return false;
    }

    /**
     * Delivery thread: copies up to {@code max} events into {@code into} from index {@code from}
     * (refilling the events there if {@code reuse}, see {@link EventRing#drainTo}),
     * taking from each stripe in turn (starting one stripe further each call, so that a batch
     * smaller than what is queued does not always favour the same producers). Returns how many.
     */
    int drainTo(Event[] into, int from, int max, boolean reuse) {
        int n = 0;
        int start = nextDrain;
        for (int i = 0; i < stripes.length && n < max; i++) {
            n += stripes[(start + i) & mask].ring.drainTo(into, from + n, max - n, reuse);
        }
        nextDrain = (start + 1) & mask;
        return n;
    }

    /** Delivery thread: takes and forgets up to {@code max} events; returns how many. */
    int discard(int max) {
        int n = 0;
        for (int i = 0; i < stripes.length && n < max; i++) {
            n += stripes[i].ring.discard(max - n);
        }
        return n;
    }
}
