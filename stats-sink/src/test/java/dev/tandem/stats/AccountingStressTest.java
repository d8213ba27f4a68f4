package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * S2/S3 under load: concurrent producers, a flaky sink (throws, crawls, succeeds), a small queue,
 * storage striped four ways (six producers: some stripes shared, some not). After close, for
 * every sink, each recorded event was delivered or dropped exactly once; the sink saw each
 * delivered event once (no duplicates, retries included) and each producer's events in the order
 * it recorded them; counters are exact.
 */
@Timeout(120)
class AccountingStressTest {
    private static final int PRODUCERS = 6;
    private static final int PER_PRODUCER = 20_000;

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    /** Counts the events it is given and whether each producer's arrive in the order recorded. */
    static class OrderedSink implements StatsSink {
        private final long[] lastSeq = new long[PRODUCERS];
        volatile long events;
        volatile String outOfOrder;

        OrderedSink() {
            java.util.Arrays.fill(lastSeq, -1);
        }

        @Override
        public void publish(Batch batch) throws Exception {
            for (Event e : batch.events()) {
                int producer = (int) e.field(0);
                long seq = e.field(1);
                if (seq <= lastSeq[producer] && outOfOrder == null) {
                    outOfOrder = "producer " + producer + ": seq " + seq + " after " + lastSeq[producer];
                }
                lastSeq[producer] = seq;
            }
            events += batch.events().size();
        }
    }

    /** Fails about one publish in four, crawls in some others; remembers every event it accepted. */
    static final class FlakySink implements StatsSink {
        final BitSet seen = new BitSet(PRODUCERS * PER_PRODUCER);
        final AtomicLong accepted = new AtomicLong();
        final OrderedSink order = new OrderedSink();
        long duplicates;

        @Override
        public void publish(Batch batch) throws Exception {
            int roll = ThreadLocalRandom.current().nextInt(8);
            if (roll < 2) {
                throw new java.io.IOException("flaky backend");
            }
            if (roll == 2) {
                Thread.sleep(1);
            }
            for (Event e : batch.events()) {
                int id = (int) (e.field(0) * PER_PRODUCER + e.field(1));
                if (seen.get(id)) {
                    duplicates++;
                }
                seen.set(id);
            }
            accepted.addAndGet(batch.events().size());
            order.publish(batch);
        }
    }

    @RepeatedTest(3)
    void everyRecordedEventIsDeliveredOrDroppedExactlyOnce() throws Exception {
        FlakySink flaky = new FlakySink();
        OrderedSink steady = new OrderedSink();
        StatsPipeline p = StatsPipeline.builder().producerStripes(4)
                .sink("flaky", flaky, SinkOptions.builder().queueCapacity(256).batchSize(32)
                        .linger(Duration.ofMillis(1)).backoff(Duration.ofMillis(1), Duration.ofMillis(4))
                        .maxRetries(1).build())
                .sink("steady", steady, SinkOptions.builder().queueCapacity(512).batchSize(128)
                        .linger(Duration.ofMillis(1)).build())
                .build();
        EventType event = p.eventType("stress.event", "producer", "seq");
        Counter counter = p.counter("stress.records");
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(PRODUCERS);
        for (int i = 0; i < PRODUCERS; i++) {
            int producer = i;
            new Thread(() -> {
                try {
                    go.await();
                    for (int seq = 0; seq < PER_PRODUCER; seq++) {
                        event.record(Tags.empty(), producer, seq);
                        counter.increment();
                        if ((seq & 1023) == 0) {
                            Thread.yield();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "stress-producer-" + i).start();
        }
        go.countDown();
        assertTrue(done.await(60, TimeUnit.SECONDS), "producers finished");
        p.close(Duration.ofSeconds(20)); // false if the flaky sink failed its final flush: the books still balance

        long total = (long) PRODUCERS * PER_PRODUCER;
        assertEquals(total, counter.count(), "counter exact");
        for (SinkStats s : p.sinkStats()) {
            assertEquals(SinkState.CLOSED, s.state(), "delivery finished within the deadline: " + s);
            assertEquals(total, s.recorded(), "every record reached the door: " + s);
            assertEquals(0, s.inFlight(), s.toString());
            assertEquals(s.recorded(), s.delivered() + s.droppedTotal(), "books balance: " + s);
            assertTrue(s.enqueued() >= s.delivered() + s.dropped(DropReason.FAILED),
                    "only enqueued events can be delivered or fail: " + s);
        }
        SinkStats f = p.sinkStats("flaky");
        assertEquals(0, flaky.duplicates, "no event delivered twice");
        assertEquals(flaky.accepted.get(), f.delivered(), "delivered == what the sink accepted");
        assertEquals(flaky.seen.cardinality(), f.delivered(), "distinct events delivered");
        assertTrue(f.failures() > 0, "the sink did fail: " + f);
        SinkStats s = p.sinkStats("steady");
        assertEquals(steady.events, s.delivered(), "steady sink got what the books say");
        assertEquals(null, steady.outOfOrder, "each producer's events in the order it recorded them (steady)");
        assertEquals(null, flaky.order.outOfOrder, "each producer's events in the order it recorded them (flaky)");
        assertTrue(s.delivered() > 0 && f.delivered() > 0, "both sinks delivered: " + s + " " + f);
    }
}
