package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StatsSink#acceptsReusedEvents()}: a sink that accepts them is handed the same event
 * objects, refilled, publish after publish, each with that publish's values; {@link Event#copy()}
 * and {@link Batch#copy()} of them do not change afterwards; every other sink gets new events it
 * may keep.
 */
class ReusedEventsTest {
    @AfterEach
    void noThreadLeft() throws InterruptedException {
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    /** Notes, per publish, the first event object, the value read inside, and copies. */
    static class NotingSink implements StatsSink {
        final boolean reuse;
        final List<Event> objects = new CopyOnWriteArrayList<>();
        final List<Long> valuesInside = new CopyOnWriteArrayList<>();
        final List<Event> eventCopies = new CopyOnWriteArrayList<>();
        final List<Batch> batchCopies = new CopyOnWriteArrayList<>();

        NotingSink(boolean reuse) {
            this.reuse = reuse;
        }

        @Override
        public boolean acceptsReusedEvents() {
            return reuse;
        }

        @Override
        public void publish(Batch batch) {
            if (batch.events().isEmpty()) {
                return;
            }
            Event e = batch.events().get(0);
            objects.add(e);
            valuesInside.add(e.field("n"));
            eventCopies.add(e.copy());
            batchCopies.add(batch.copy());
        }
    }

    /** Three publishes of one event each, n = 1, 2, 3; each awaited before the next record. */
    private static void publishThreeEvents(NotingSink sink) throws Exception {
        StatsPipeline p = StatsPipeline.builder().sink("noting", sink, SinkOptions.builder()
                .linger(Duration.ofMillis(1)).build()).build();
        try {
            EventType t = p.eventType("reuse.e", "n", "twice");
            for (int i = 1; i <= 3; i++) {
                t.record(Tags.of("i", Integer.toString(i)), i, 2L * i);
                int want = i;
                Await.until(Duration.ofSeconds(10), () -> sink.valuesInside.size() == want, sink.valuesInside::toString);
            }
        } finally {
            p.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aSinkThatAcceptsThemGetsTheSameEventsRefilledAndItsCopiesDoNotChange() throws Exception {
        NotingSink sink = new NotingSink(true);
        publishThreeEvents(sink);
        assertEquals(List.of(1L, 2L, 3L), sink.valuesInside, "each publish read its own event");
        for (Event e : sink.objects) {
            assertSame(sink.objects.get(0), e, "one event object at the batch's first position, publish after publish");
        }
        assertEquals(3L, sink.objects.get(0).field("n"), "refilled in place: it holds the last event now");
        for (int i = 0; i < 3; i++) {
            long n = i + 1;
            Event copy = sink.eventCopies.get(i);
            assertEquals(n, copy.field("n"), "Event.copy() keeps its own publish's values");
            assertEquals(2 * n, copy.field("twice"));
            assertEquals(Tags.of("i", Long.toString(n)), copy.tags());
            assertNotSame(sink.objects.get(0), copy);
            Event inBatchCopy = sink.batchCopies.get(i).events().get(0);
            assertEquals(n, inBatchCopy.field("n"), "Batch.copy() keeps its own publish's events");
            assertSame(inBatchCopy, inBatchCopy.copy(), "a copy is immutable: copying it again is itself");
        }
    }

    @Test
    void everyOtherSinkGetsNewEventsItMayKeep() throws Exception {
        NotingSink sink = new NotingSink(false);
        publishThreeEvents(sink);
        List<Long> kept = new ArrayList<>();
        for (Event e : sink.objects) {
            kept.add(e.field("n"));
            assertSame(e, e.copy(), "an immutable event is its own copy");
        }
        assertEquals(List.of(1L, 2L, 3L), kept, "a kept event never changes");
        assertNotSame(sink.objects.get(0), sink.objects.get(1));
    }

    @Test
    void aRetriedBatchOfReusedEventsStillHoldsItsOwnEventsWhileMoreAreRecorded() throws Exception {
        List<List<Long>> attempts = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch recordedMore = new java.util.concurrent.CountDownLatch(1);
        StatsSink failingOnce = new StatsSink() {
            @Override
            public boolean acceptsReusedEvents() {
                return true;
            }

            @Override
            public void publish(Batch batch) throws Exception {
                if (batch.events().isEmpty()) {
                    return;
                }
                List<Long> seen = new ArrayList<>();
                for (Event e : batch.events()) {
                    seen.add(e.field("n"));
                }
                attempts.add(seen);
                if (batch.attempt() == 1 && failed.getCount() == 1) {
                    failed.countDown();
                    recordedMore.await(); // the test records more events while this batch waits for its retry
                    throw new java.io.IOException("the backend refused the batch");
                }
            }
        };
        StatsPipeline p = StatsPipeline.builder().sink("retry", failingOnce, SinkOptions.builder()
                .batchSize(4).linger(Duration.ofMillis(1)).backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .build()).build();
        try {
            EventType t = p.eventType("reuse.retry", "n");
            t.record(Tags.empty(), 1);
            assertTrue(failed.await(10, java.util.concurrent.TimeUnit.SECONDS), "the first publish began");
            t.record(Tags.empty(), 2);
            t.record(Tags.empty(), 3);
            recordedMore.countDown();
            Await.until(Duration.ofSeconds(10), () -> attempts.stream().mapToInt(List::size).sum() >= 4,
                    attempts::toString);
        } finally {
            p.close(Duration.ofSeconds(5));
        }
        assertEquals(List.of(1L), attempts.get(0), "the failed attempt");
        assertEquals(1L, attempts.get(1).get(0), "the retry still holds the event it failed with, not a refilled one: "
                + attempts);
        List<Long> all = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            all.addAll(attempts.get(i));
        }
        assertEquals(List.of(1L, 2L, 3L), all, "after the retry every event once, in order: " + attempts);
    }

    @Test
    void aSinkThatThrowsWhenAskedGetsNewEventsAndStillPublishes() throws Exception {
        NotingSink sink = new NotingSink(true) {
            @Override
            public boolean acceptsReusedEvents() {
                throw new IllegalStateException("a sink's bug");
            }
        };
        publishThreeEvents(sink);
        assertEquals(1L, sink.objects.get(0).field("n"), "new events: the first one still says 1");
        assertTrue(sink.objects.get(0) != sink.objects.get(2));
    }
}
