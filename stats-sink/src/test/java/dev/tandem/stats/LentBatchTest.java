package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A batch is lent for its publish: reused, readable inside publish, loud after it, copyable. */
class LentBatchTest {
    @AfterEach
    void noThreadLeft() throws InterruptedException {
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    /** Keeps what a careless sink would keep, and what a careful one copies. */
    static final class KeepingSink implements StatsSink {
        final List<Batch> kept = new CopyOnWriteArrayList<>();
        final List<List<Event>> keptLists = new CopyOnWriteArrayList<>();
        final List<Batch> copies = new CopyOnWriteArrayList<>();
        final List<String> readInside = new CopyOnWriteArrayList<>();

        @Override
        public void publish(Batch batch) {
            if (batch.events().isEmpty()) {
                return;
            }
            readInside.add(batch.sequence() + ":" + batch.events().size() + ":" + batch.events().get(0).field(0));
            kept.add(batch);
            keptLists.add(batch.events());
            copies.add(batch.copy());
        }
    }

    @Test
    void aBatchIsReusedReadableDuringItsPublishAndFailsLoudlyAfterwards() throws Exception {
        KeepingSink sink = new KeepingSink();
        StatsPipeline p = StatsPipeline.builder().sink("keep", sink, SinkOptions.builder().batchSize(2)
                .queueCapacity(64).linger(Duration.ofMillis(1)).build()).build();
        try {
            EventType t = p.eventType("e", "n");
            t.record(Tags.empty(), 1);
            t.record(Tags.empty(), 2);
            Await.until(Duration.ofSeconds(10), () -> sink.kept.size() >= 1, sink.readInside::toString);
            t.record(Tags.empty(), 3);
            t.record(Tags.empty(), 4);
            Await.until(Duration.ofSeconds(10), () -> sink.kept.size() >= 2, sink.readInside::toString);
        } finally {
            p.close(Duration.ofSeconds(5));
        }
        assertSame(sink.kept.get(0), sink.kept.get(1), "one batch per sink, lent again for each publish");
        assertTrue(sink.readInside.get(0).startsWith("1:") && sink.readInside.get(0).endsWith(":1"),
                "read inside publish: the first batch, sequence 1, from event 1: " + sink.readInside);
        Batch kept = sink.kept.get(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, kept::events);
        assertTrue(e.getMessage().startsWith("batch of sink 'keep' read after its publish returned"), e.getMessage());
        assertThrows(IllegalStateException.class, kept::sequence);
        assertThrows(IllegalStateException.class, kept::metrics);
        assertThrows(IllegalStateException.class, kept::copy, "a copy is made during publish, not after");
        assertEquals("keep", kept.sinkName(), "the name never changes");
        assertThrows(IllegalStateException.class, () -> sink.keptLists.get(0).size(), "a kept list fails too");
        assertThrows(IllegalStateException.class, () -> sink.keptLists.get(0).get(0));

        List<Long> copied = new ArrayList<>();
        for (Batch c : sink.copies) {
            for (Event ev : c.events()) {
                copied.add(ev.field(0));
            }
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), copied, "copies stay readable, each with its own events");
        assertTrue(sink.copies.get(1).sequence() > sink.copies.get(0).sequence(), "each copy its own sequence");
        assertTrue(sink.copies.get(1).metrics().size() > 0, "with the metrics of their publish");
        assertThrows(UnsupportedOperationException.class, () -> sink.copies.get(0).events().add(null));
    }

    @Test
    void aBatchBuiltByHandNeverExpiresAndItsCopyIsItself() {
        Batch b = Batch.of("t", 5, List.of(), List.of());
        assertSame(b, b.copy());
        assertEquals(5, b.timestampMillis());
        assertEquals(1, b.sequence());
    }
}
