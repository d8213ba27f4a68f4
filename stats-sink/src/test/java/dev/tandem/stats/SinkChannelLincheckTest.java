package dev.tandem.stats;

import dev.tandem.stats.testing.TestEvents;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The record / drain / drop path of one sink over striped storage, checked with Lincheck:
 * producers record concurrently into their own stripes' rings (two stripes of two slots, so that
 * every few records a ring is full or wraps to its next lap: Lincheck's
 * worker threads are started one after another, so their ids, and with them their stripes,
 * alternate) while the (single) delivery side drains, delivers or fails events, the sink's state
 * moves through BACKOFF and back, and a closer runs. After every interleaving, each recorded event
 * is delivered, dropped, or still in flight, exactly once:
 * {@code recorded == record calls == delivered + dropped + inFlight}, with {@code delivered} and
 * {@code failed} equal to what the delivery side actually took; and the delivery side saw each
 * producer's events in the order that producer recorded them, each exactly once and whole (the
 * values a producer wrote into its slot, not a half-written or reused slot's).
 *
 * <p>The operations return nothing on purpose: the door (read the state, then offer) is not
 * linearizable with {@code beginClose} or a move to BACKOFF, by design. A producer that read
 * RUNNING just before the state changed still enqueues; Lincheck found exactly that interleaving
 * when the operations returned counts. The event is not lost: it is published later, or counted
 * as a shutdown drop once the sink is closed (see {@link SinkChannel}). What must hold under every
 * interleaving is the accounting, which {@link #everyRecordedEventIsAccountedForExactlyOnce}
 * checks.
 */
@Timeout(300)
public class SinkChannelLincheckTest {
    private static final EventType TYPE = TestEvents.type("lincheck", "seq", "check");
    private static final int MAX_SEQ = 64;
    private static final SinkOptions OPTIONS = SinkOptions.builder()
            .queueCapacity(4).batchSize(2).publishTimeout(Duration.ofSeconds(1)).build();

    private final SinkChannel ch = new SinkChannel("lincheck", batch -> { }, OPTIONS, Clock.system(), 2);
    private final AtomicInteger recordCalls = new AtomicInteger();
    /** Who recorded each seq: written before the offer, which publishes it to the delivery side. */
    private final long[] producerOfSeq = new long[MAX_SEQ];
    private final boolean[] seqTaken = new boolean[MAX_SEQ];
    private long deliveredByConsumer;
    private long failedByConsumer;
    // Delivery side only (its operations never run in parallel): the last seq taken per producer.
    private final long[] producers = new long[8];
    private final long[] lastSeqTaken = new long[8];
    private int producerCount;
    private String outOfOrder;

    @Operation
    @SuppressWarnings("deprecation") // Thread.getId: the id the channel's stripes use
    public void record() {
        // A global sequence: each producer's own calls get increasing numbers.
        int seq = recordCalls.incrementAndGet();
        producerOfSeq[seq] = Thread.currentThread().getId();
        // The real hot path (the timestamp given, so no clock is read), three parts that must arrive together.
        ch.record(null, TYPE, 1000 + seq, Tags.empty(), seq, -seq, 0, 0, 0, 0);
    }

    /** Takes up to two events, checking each producer's order. */
    private int take() {
        Event[] taken = new Event[2];
        int n = ch.deliveryDrain(taken, 0, 2, false);
        for (int i = 0; i < n; i++) {
            Event e = taken[i];
            int seq = (int) e.field(0);
            if (outOfOrder == null && (seq <= 0 || seq >= MAX_SEQ || seqTaken[seq]
                    || e.field(1) != -seq || e.timestampMillis() != 1000 + seq)) {
                outOfOrder = "taken twice, or torn: " + e;
            }
            seqTaken[Math.floorMod(seq, MAX_SEQ)] = true;
            long producer = producerOfSeq[seq];
            int p = 0;
            while (p < producerCount && producers[p] != producer) {
                p++;
            }
            if (p == producerCount) {
                producers[producerCount++] = producer;
            } else if (lastSeqTaken[p] >= seq && outOfOrder == null) {
                outOfOrder = "producer " + producer + ": seq " + seq + " taken after " + lastSeqTaken[p];
            }
            lastSeqTaken[p] = seq;
        }
        return n;
    }

    @Operation
    public void recordFromDeliveryThread() {
        recordCalls.incrementAndGet();
        ch.dropReEntrant();
    }

    @Operation(nonParallelGroup = "delivery")
    public void deliverUpToTwo() {
        int n = take();
        ch.deliveryDelivered(n);
        deliveredByConsumer += n;
    }

    @Operation(nonParallelGroup = "delivery")
    public void failUpToTwo() {
        int n = take();
        ch.deliveryDropped(n, DropReason.FAILED);
        failedByConsumer += n;
    }

    @Operation(nonParallelGroup = "delivery")
    public void enterBackoff() {
        ch.moveUnlessClosing(SinkState.BACKOFF);
    }

    @Operation(nonParallelGroup = "delivery")
    public void recover() {
        ch.moveUnlessClosing(SinkState.RUNNING);
    }

    @Operation
    public void beginClose() {
        ch.beginClose(0);
    }

    @Validate
    public void everyRecordedEventIsAccountedForExactlyOnce() {
        SinkStats s = ch.stats();
        check(s.recorded() == recordCalls.get(), "recorded " + s.recorded() + " != calls " + recordCalls.get(), s);
        check(s.recorded() == s.delivered() + s.droppedTotal() + s.inFlight(), "books do not balance", s);
        check(s.delivered() == deliveredByConsumer, "delivered != taken for delivery " + deliveredByConsumer, s);
        check(s.dropped(DropReason.FAILED) == failedByConsumer, "failed != taken for failure " + failedByConsumer, s);
        check(s.inFlight() == s.queued(), "nothing is in hand between operations", s);
        check(outOfOrder == null, "order per producer, each whole and once: " + outOfOrder, s);
    }

    private static void check(boolean ok, String what, SinkStats s) {
        if (!ok) {
            throw new IllegalStateException(what + ": " + s);
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(30)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(30)
                .invocationsPerIteration(2_000)
                .threads(3)
                .actorsPerThread(4)
                .check(getClass());
    }
}
