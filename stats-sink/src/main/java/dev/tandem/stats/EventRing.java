package dev.tandem.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One stripe's storage: a bounded, lossy, multi-producer single-consumer ring of event slots
 * allocated once, into which a producer writes an event's parts instead of building an event
 * (the LMAX Disruptor's pre-allocated ring, as Log4j2's garbage-free async loggers use it). A
 * record allocates nothing; the delivery thread copies each slot into an {@link Event} of its own
 * and frees the slot at once.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Layout.</b> One array per part (type, tags, timestamp, each numeric field) rather than
 *       one object per slot, so that consecutive records write consecutive words of each array:
 *       a cache line carries 8 timestamps (or 16 references) from the producer's core to the
 *       consumer's, where an event object costs a line or more of its own. An event with two
 *       fields touches 36 bytes of the ring; field arrays its type does not use are not
 *       touched.</li>
 *   <li><b>Claiming.</b> A producer claims index {@code i} by a CAS of {@code producerIndex} from
 *       {@code i} to {@code i + 1}, only while {@code i < consumerIndex + capacity} (else the ring
 *       is full and the record is refused: never a wait). It compares against a cached limit
 *       first and reads the consumer's index only when the cache says full (JCTools'
 *       {@code producerLimit}), so that producers rarely read the line the consumer writes.</li>
 *   <li><b>Publishing.</b> After writing its parts, the producer stores the slot's lap
 *       ({@code i >>> log2(capacity)}) into {@code laps[i & mask]} with release semantics; the
 *       consumer takes slot {@code i} only once it reads that lap with acquire semantics, so it
 *       sees every part written (the release/acquire pairing of {@link VarHandle}'s access
 *       modes: writes before a release store are visible after an acquire load that reads it). A slot's previous
 *       lap is one less (a slot is reused only after it was taken), so a stale slot never reads
 *       as published; laps start at -1.</li>
 *   <li><b>Taking.</b> The consumer (one thread at a time) copies parts from
 *       {@code consumerIndex} on until the first slot not yet published (claimed by a producer
 *       still writing: taken by a later drain, as JCTools' {@code relaxedPoll} leaves it), then
 *       stores the new {@code consumerIndex} with release semantics: only then may producers
 *       claim those slots again, so a slot is never written while it is being read.</li>
 *   <li><b>Counts.</b> {@link #offered()} is the producer index (claims, including any still
 *       being written), {@link #taken()} the consumer index: exact, monotonic.</li>
 *   <li><b>Retention.</b> A taken slot keeps its type and tags references until it is written
 *       again: at most {@code capacity} of each, bounded, and both are values a producer would
 *       keep anyway (a declared type, usually constant tags).</li>
 * </ul>
 */
final class EventRing extends EventRingConsumer {
    private static final VarHandle LAP = MethodHandles.arrayElementVarHandle(int[].class);

    final int capacity;
    private final int mask;
    private final int lapShift;
    private final EventType[] types;
    private final Tags[] tags;
    private final long[] millis;
    private final long[][] fields;
    private final int[] laps;

    /** @param capacity a power of two, at least 2 */
    EventRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: a power of two, at least 2)");
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.lapShift = Integer.numberOfTrailingZeros(capacity);
        this.types = new EventType[capacity];
        this.tags = new Tags[capacity];
        this.millis = new long[capacity];
        this.fields = new long[EventType.MAX_FIELDS][capacity];
        this.laps = new int[capacity];
        java.util.Arrays.fill(laps, -1);
        this.producerLimit = capacity;
    }

    // ------------------------------------------------------------------ producers

    /**
     * Writes one event into the next free slot; returns false, having written nothing, if the ring
     * is full. Any thread; never blocks, never allocates. Values beyond the type's field count are
     * ignored.
     */
    boolean offer(EventType type, long timestampMillis, Tags eventTags,
                  long v0, long v1, long v2, long v3, long v4, long v5) {
        long i = claim();
        if (i < 0) {
            return false;
        }
        publish(i, type, timestampMillis, eventTags, v0, v1, v2, v3, v4, v5);
        return true;
    }

    /**
     * Any thread: the index of a free slot, now reserved for the caller, who must
     * {@link #publish} it (promptly: the consumer takes nothing behind it until then); or -1 if
     * the ring is full. Never blocks.
     */
    long claim() {
        long limit = (long) PRODUCER_LIMIT.getVolatile(this);
        long i;
        do {
            i = (long) PRODUCER_INDEX.getVolatile(this);
            if (i >= limit) {
                limit = (long) CONSUMER_INDEX.getVolatile(this) + capacity;
                if (i >= limit) {
                    return -1;
                }
                PRODUCER_LIMIT.setRelease(this, limit);
            }
        } while (!PRODUCER_INDEX.compareAndSet(this, i, i + 1));
        return i;
    }

    /** The claimer of index {@code i}: writes the event's parts into its slot, then publishes it. */
    void publish(long i, EventType type, long timestampMillis, Tags eventTags,
                 long v0, long v1, long v2, long v3, long v4, long v5) {
        int slot = (int) i & mask;
        types[slot] = type;
        tags[slot] = eventTags;
        millis[slot] = timestampMillis;
        long[][] f = fields;
        int k = type.fieldCount(); // only the arrays this type uses are touched
        if (k > 0) {
            f[0][slot] = v0;
        }
        if (k > 1) {
            f[1][slot] = v1;
        }
        if (k > 2) {
            f[2][slot] = v2;
        }
        if (k > 3) {
            f[3][slot] = v3;
        }
        if (k > 4) {
            f[4][slot] = v4;
        }
        if (k > 5) {
            f[5][slot] = v5;
        }
        LAP.setRelease(laps, slot, (int) (i >>> lapShift));
    }

    /** Writes a built event (for {@link SinkChannel#offer(Event)}). */
    boolean offer(Event e) {
        EventType t = e.type();
        int n = t.fieldCount();
        return offer(t, e.timestampMillis(), e.tags(),
                n > 0 ? e.field(0) : 0, n > 1 ? e.field(1) : 0, n > 2 ? e.field(2) : 0,
                n > 3 ? e.field(3) : 0, n > 4 ? e.field(4) : 0, n > 5 ? e.field(5) : 0);
    }

    // ------------------------------------------------------------------ the consumer

    /**
     * Consumer only: copies up to {@code max} published events into {@code into[from ..]} and frees
     * their slots; returns how many. With {@code reuse}, an event already in {@code into} is
     * overwritten in place (allocating nothing once every position holds one); without it every
     * event is new, and immutable once handed over.
     */
    int drainTo(Event[] into, int from, int max, boolean reuse) {
        long ci = (long) CONSUMER_INDEX.get(this); // written only by this thread
        int n = 0;
        long[][] f = fields;
        while (n < max) {
            int slot = (int) ci & mask;
            if ((int) LAP.getAcquire(laps, slot) != (int) (ci >>> lapShift)) {
                break; // not yet published
            }
            EventType t = types[slot];
            int k = t.fieldCount();
            long v0 = k > 0 ? f[0][slot] : 0;
            long v1 = k > 1 ? f[1][slot] : 0;
            long v2 = k > 2 ? f[2][slot] : 0;
            long v3 = k > 3 ? f[3][slot] : 0;
            long v4 = k > 4 ? f[4][slot] : 0;
            long v5 = k > 5 ? f[5][slot] : 0;
            if (reuse) {
                Event e = into[from + n];
                if (e == null || !e.isReusable()) { // never refill an event someone was told is immutable
                    into[from + n] = e = Event.reusable();
                }
                e.refill(t, millis[slot], tags[slot], v0, v1, v2, v3, v4, v5);
            } else {
                into[from + n] = new Event(t, millis[slot], tags[slot], v0, v1, v2, v3, v4, v5);
            }
            ci++;
            n++;
        }
        if (n != 0) {
            CONSUMER_INDEX.setRelease(this, ci);
        }
        return n;
    }

    /** Consumer only: frees up to {@code max} published slots without reading them; returns how many. */
    int discard(int max) {
        long ci = (long) CONSUMER_INDEX.get(this);
        int n = 0;
        while (n < max && (int) LAP.getAcquire(laps, (int) ci & mask) == (int) (ci >>> lapShift)) {
            ci++;
            n++;
        }
        if (n != 0) {
            CONSUMER_INDEX.setRelease(this, ci);
        }
        return n;
    }

    // ------------------------------------------------------------------ counts

    /** Events ever claimed: written, or being written. */
    long offered() {
        return (long) PRODUCER_INDEX.getVolatile(this);
    }

    /** Events ever taken by the consumer. */
    long taken() {
        return (long) CONSUMER_INDEX.getVolatile(this);
    }

    /** Claimed and not yet taken, between 0 and the capacity (read consumer first, so it never reads negative). */
    int size() {
        long c = taken();
        long p = offered();
        return (int) Math.max(0, Math.min(capacity, p - c));
    }

    boolean isEmpty() {
        return taken() >= offered();
    }
}

// Padding by inheritance (as JCTools does): the producers' index, which they CAS, and the
// consumer's index, which it writes after every drain, each on cache lines of their own, apart
// from the final fields every thread reads.

abstract class EventRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class EventRingProducer extends EventRingPad0 {
    static final VarHandle PRODUCER_INDEX;
    static final VarHandle PRODUCER_LIMIT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PRODUCER_INDEX = l.findVarHandle(EventRingProducer.class, "producerIndex", long.class);
            PRODUCER_LIMIT = l.findVarHandle(EventRingProducer.class, "producerLimit", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile long producerIndex;
    volatile long producerLimit;
}

abstract class EventRingPad1 extends EventRingProducer {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

abstract class EventRingConsumer extends EventRingPad1 {
    static final VarHandle CONSUMER_INDEX;

    static {
        try {
            CONSUMER_INDEX = MethodHandles.lookup().findVarHandle(EventRingConsumer.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile long consumerIndex;
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}
