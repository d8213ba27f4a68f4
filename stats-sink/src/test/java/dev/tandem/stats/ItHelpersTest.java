package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.stats.testing.RecordingStatsSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The integration tests' shared helpers do what their Javadoc says (they clean up and wait for the ITs). */
@Timeout(60)
class ItHelpersTest {
    @Test
    void closesThePipelinesFirstThenTheServersInOrder() throws Exception {
        ItResources resources = new ItResources();
        StatsPipeline p = StatsPipeline.builder().sink("recording", new RecordingStatsSink()).build();
        assertSame(p, resources.pipeline(p));
        List<String> closed = new ArrayList<>();
        resources.server(() -> closed.add("first, pipeline closed: " + p.isClosed()));
        resources.server(() -> closed.add("second"));
        resources.afterEach(null);
        assertEquals(List.of("first, pipeline closed: true", "second"), closed);
    }

    @Test
    void failsWhenATandemThreadOutlivesTheTest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread stray = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tandem-stray");
        stray.start();
        ItResources resources = new ItResources();
        resources.server(release::countDown); // closed, then the check: the stray is gone by then
        resources.afterEach(null);

        CountDownLatch never = new CountDownLatch(1);
        Thread kept = new Thread(() -> {
            try {
                never.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tandem-kept");
        kept.start();
        try {
            assertThrows(AssertionError.class, () -> new ItResources().afterEach(null));
        } finally {
            never.countDown();
            kept.join(10_000);
        }
    }

    @Test
    void togetherRunsEachIndexOnceOnItsOwnThread() throws Exception {
        List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        Producers.together(3, i -> ran.add(i + " on " + Thread.currentThread().getName()));
        ran.sort(null);
        assertEquals(List.of("0 on producer-0", "1 on producer-1", "2 on producer-2"), ran);
    }

    @Test
    void aSteadyStreamRunsUntilStopped() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (Producers producers = Producers.steady(2, runs::incrementAndGet)) {
            Await.until(java.time.Duration.ofSeconds(10), () -> runs.get() >= 10, () -> "runs " + runs);
            producers.stop(); // fails unless both threads left their loop within 10 s
        }
    }

    @Test
    void uncheckedRethrowsWhatACallThrows() {
        java.io.IOException io = new java.io.IOException("down");
        assertSame(io, assertThrows(java.io.UncheckedIOException.class, () -> Await.unchecked(() -> {
            throw io;
        })).getCause());
        assertEquals("v", Await.unchecked(() -> "v"));
    }
}
