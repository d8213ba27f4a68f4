package dev.tandem.bench.hotpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.TestThreads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every B1 benchmark at smoke size (in-process, no warm-up, one 100 ms iteration) through
 * the same entry point as benchmarks/run.sh, and checks what it wrote. Asserts no speed.
 */
class HotPathSmokeTest {
    @Test
    void runsEveryCaseAndWritesTheFragmentFromTheJson(@TempDir Path dir) throws Exception {
        Path md = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> HotPath.run(dir, true));

        List<B1Report.Row> rows = new ArrayList<>();
        for (String f : List.of("b1-t1.json", "b1-t1-other.json", "b1-t1-forked.json", "b1-t2.json",
                "b1-t2-other.json", "b1-t2-forked.json")) {
            rows.addAll(B1Report.Row.parse(Files.readString(dir.resolve(f), StandardCharsets.UTF_8)));
        }
        // 8 queues x 2 regimes, 3 counters, at 1 and 2 threads; 5 yardsticks at 1 thread, the pacing at 2.
        assertEquals(32, count(rows, "EventRecordBench.record"), "event cases");
        assertEquals(6, count(rows, "CounterBench."), "counter cases");
        assertEquals(6, count(rows, "ReferenceBench."), "yardsticks");
        assertEquals(8, count(rows, "RoomBurstBench.record"), "burst cases: 4 queues at 1 and 2 producers");
        for (B1Report.Row r : rows) {
            String what = r.benchmark + " " + r.queue + " " + r.regime + " t" + r.threads;
            assertTrue(r.score > 0 && !Double.isNaN(r.score), what + ": score " + r.score);
            assertTrue(r.allocNorm >= 0, what + ": -prof gc ran (gc.alloc.rate.norm " + r.allocNorm + ")");
            if (r.is("EventRecordBench.record")) {
                // The books every fraction comes from: something recorded, drops within it, and the
                // producer's own allocation. The baselines build an event (80 B) for every record
                // (nothing is free), but mpsc_prebuilt, which offers one event built in advance;
                // Tandem builds none at all (a record writes a pre-allocated slot), so its producers
                // allocate less than half an event per record even in this unwarmed run.
                assertTrue(r.records > 0, what + ": records " + r.records);
                assertTrue(r.drops >= 0 && r.drops <= r.records, what + ": drops " + r.drops + " of " + r.records);
                if (r.queue.startsWith("tandem")) {
                    assertTrue(r.producerBytes < 40.0 * r.records, what + ": producer bytes " + r.producerBytes
                            + " for " + r.records + " records, which build no event");
                } else {
                    double builtAtLeast = r.queue.equals("mpsc_prebuilt") ? 0 : r.records;
                    assertTrue(r.producerBytes >= 70 * builtAtLeast, what + ": producer bytes " + r.producerBytes
                            + " for " + builtAtLeast + " events built");
                }
                if (r.queue.startsWith("tandem")) {
                    // Tandem's delivery thread reports what its sink was handed and what it allocated.
                    assertTrue(r.delivered > 0 && r.deliveryBytes >= 0, what + ": delivered " + r.delivered
                            + ", delivery bytes " + r.deliveryBytes);
                }
                // the producers' CPU time, which tells time off CPU from time spent in the calls
                assertTrue(r.producerCpuNanos > 0, what + ": producer CPU " + r.producerCpuNanos + " ns");
                if ("abq_put".equals(r.queue)) {
                    assertEquals(0, r.drops, what + ": a blocking put never drops");
                }
            }
        }

        String text = Files.readString(md, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("### B1"), text);
        assertTrue(text.contains("Smoke pass"), "a quick pass says its figures are not measurements");
        for (String heading : List.of("#### Targets", "#### Targets, from bursts into a queue with room (no pacing)",
                "#### Recording an event in bursts, queue with room", "#### Recording an event, queue with room",
                "#### Recording an event, flooded queue", "#### Incrementing a counter", "#### Yardsticks")) {
            assertTrue(text.contains(heading), "missing " + heading + " in\n" + text);
        }
        for (String q : B1Report.QUEUES) {
            // one row per producer count in each of the two event tables, and in the burst table for its four
            int bursts = List.of("tandem", "mpsc_prebuilt", "mpsc_bare", "abq_offer").contains(q) ? 2 : 0;
            assertEquals(4 + bursts, text.split(java.util.regex.Pattern.quote("| " + B1Report.label(q) + " |"), -1).length - 1,
                    q + " rows in\n" + text);
        }
        assertTrue(!text.contains("not measured"), "every target has its figures:\n" + text);

        // The harness stops what it starts: pipelines, delivery threads, baseline consumers.
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private static long count(List<B1Report.Row> rows, String prefix) {
        return rows.stream().filter(r -> r.benchmark.startsWith(prefix)).count();
    }
}
