package dev.tandem.stats;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.internal.JcTools;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The record / drain / drop path of one sink, checked with Lincheck: producers record
 * concurrently while the (single) delivery side drains, delivers or fails events, the sink's
 * state moves through BACKOFF and back, and a closer runs. After every interleaving, each
 * recorded event is delivered, dropped, or still in flight, exactly once:
 * {@code recorded == record calls == delivered + dropped + inFlight}, with {@code delivered} and
 * {@code failed} equal to what the delivery side actually took.
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
    private static final Event EVENT = Event.of(TestEvents.type("lincheck", "n"), 0, Tags.empty(), 1);
    private static final SinkOptions OPTIONS = SinkOptions.builder()
            .queueCapacity(4).batchSize(2).publishTimeout(Duration.ofSeconds(1)).build();

    private final SinkChannel ch = new SinkChannel("lincheck", batch -> { }, OPTIONS);
    private final AtomicInteger recordCalls = new AtomicInteger();
    private long deliveredByConsumer;
    private long failedByConsumer;

    @Operation
    public void record() {
        recordCalls.incrementAndGet();
        ch.offer(EVENT);
    }

    @Operation
    public void recordFromDeliveryThread() {
        recordCalls.incrementAndGet();
        ch.dropReEntrant();
    }

    @Operation(nonParallelGroup = "delivery")
    public void deliverUpToTwo() {
        int n = JcTools.drain(ch.queue, 2, e -> { });
        ch.deliveryTook(n);
        ch.deliveryDelivered(n);
        deliveredByConsumer += n;
    }

    @Operation(nonParallelGroup = "delivery")
    public void failUpToTwo() {
        int n = JcTools.drain(ch.queue, 2, e -> { });
        ch.deliveryTook(n);
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
