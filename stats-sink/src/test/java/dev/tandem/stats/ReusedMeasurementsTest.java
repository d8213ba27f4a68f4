package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StatsSink#acceptsReusedMeasurements()}: a sink that accepts them is handed the same
 * measurement object for a metric on every publish, with that publish's value; its copies are
 * immutable; every other sink gets immutable measurements it may keep.
 */
class ReusedMeasurementsTest {
    private static final String COUNTER = "reuse.c";

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    /** Notes, per publish, the counter's measurement object, the value read inside, and a copy of the batch. */
    static class NotingSink implements StatsSink {
        final boolean reuse;
        final List<Measurement> objects = new CopyOnWriteArrayList<>();
        final List<Long> valuesInside = new CopyOnWriteArrayList<>();
        final List<Batch> copies = new CopyOnWriteArrayList<>();

        NotingSink(boolean reuse) {
            this.reuse = reuse;
        }

        @Override
        public boolean acceptsReusedMeasurements() {
            return reuse;
        }

        @Override
        public void publish(Batch batch) {
            for (Measurement m : batch.metrics()) {
                if (m.name().equals(COUNTER)) {
                    objects.add(m);
                    valuesInside.add(m.longValue());
                    copies.add(batch.copy());
                }
            }
        }
    }

    /** Three publishes with the counter at 1, 2 and 3; each one awaited before the next increment. */
    private static void publishThreeValues(NotingSink sink) throws Exception {
        StatsPipeline p = StatsPipeline.builder().sink("noting", sink, SinkOptions.builder()
                .linger(Duration.ofMillis(1)).metricsInterval(Duration.ofMillis(1)).build()).build();
        try {
            Counter c = p.counter(COUNTER);
            for (int i = 1; i <= 3; i++) {
                c.increment();
                long want = i;
                Await.until(Duration.ofSeconds(10), () -> !sink.valuesInside.isEmpty()
                        && sink.valuesInside.get(sink.valuesInside.size() - 1) == want, sink.valuesInside::toString);
            }
        } finally {
            p.close(Duration.ofSeconds(5));
        }
    }

    private static long counterIn(Batch b) {
        for (Measurement m : b.metrics()) {
            if (m.name().equals(COUNTER)) {
                return m.longValue();
            }
        }
        throw new AssertionError("no " + COUNTER + " in " + b.metrics());
    }

    @Test
    void aSinkThatAcceptsThemGetsOneMeasurementPerMetricUpdatedInPlace() throws Exception {
        NotingSink sink = new NotingSink(true);
        publishThreeValues(sink);
        assertTrue(sink.valuesInside.containsAll(List.of(1L, 2L, 3L)), "each publish read its own value: " + sink.valuesInside);
        for (Measurement m : sink.objects) {
            assertSame(sink.objects.get(0), m, "one measurement object for the metric, publish after publish");
        }
        assertEquals(3L, sink.objects.get(0).longValue(), "updated in place: it holds the last value now");
        for (int i = 0; i < sink.copies.size(); i++) {
            assertEquals(sink.valuesInside.get(i), counterIn(sink.copies.get(i)),
                    "a copy keeps the value of its own publish, not the later ones");
        }
    }

    @Test
    void everyOtherSinkGetsImmutableMeasurementsItMayKeep() throws Exception {
        NotingSink sink = new NotingSink(false);
        publishThreeValues(sink);
        for (int i = 0; i < sink.objects.size(); i++) {
            assertEquals(sink.valuesInside.get(i), sink.objects.get(i).longValue(), "a kept measurement never changes");
        }
        Measurement first = sink.objects.get(0);
        Measurement last = sink.objects.get(sink.objects.size() - 1);
        assertNotSame(first, last, "a changed value is a new measurement");
        assertEquals(1L, first.longValue());
    }

    @Test
    void aSinkThatThrowsWhenAskedGetsImmutableMeasurementsAndStillPublishes() throws Exception {
        NotingSink sink = new NotingSink(true) {
            @Override
            public boolean acceptsReusedMeasurements() {
                throw new IllegalStateException("a sink's bug");
            }
        };
        publishThreeValues(sink);
        assertEquals(1L, sink.objects.get(0).longValue(), "immutable: the first measurement still says 1");
    }
}
