package dev.tandem.bench.hotpath;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verdicts are computed from the figures: fed figures on either side of each target, they flip. */
class B1ReportTest {
    @Test
    void everyTargetIsMetWhenTheFiguresMeetIt(@TempDir Path dir) throws Exception {
        write(dir, new Figures());
        String md = B1Report.render(dir, "cmd", false);
        assertTrue(!md.contains("**missed**") && !md.contains("not measured"), md);
        assertTrue(md.contains("| 130.0 − 115.0 pacing = **15.0 ns/op**"), md);
        assertTrue(!md.contains("Smoke pass"), md);
    }

    @Test
    void eachTargetIsMissedWhenItsFigureIsOnTheWrongSide(@TempDir Path dir) throws Exception {
        Figures f = new Figures();
        f.tandemRoom1 = 160; // 45 ns net, 3.5x the pre-built offer's 13
        f.tandemRoom2 = 160; // 40 net vs ABQ's 120 net: 3x
        f.tandemFlood2 = 30; // ABQ flood 100: 3.3x
        f.tandemCounter1 = 13; // LongAdder 10: 1.3x
        f.tandemCounterBytes = 16;
        f.tandemProducerBytes = 96;
        f.tandemDeliveryBytes = 0.5;
        write(dir, f);
        String md = B1Report.render(dir, "cmd", true);
        assertTrue(md.contains("Smoke pass"), md);
        long missed = md.lines().filter(l -> l.endsWith("| **missed** |")).count();
        // counter bytes at 1 and 2 threads, counter ratio at 1 thread, record ns, record vs pre-built offer,
        // two ABQ ratios, producer allocation, delivery allocation
        assertTrue(missed == 9, missed + " missed in\n" + md);
    }

    @Test
    void aVerdictTheErrorCannotSupportIsInconclusive() {
        assertTrue(B1Report.judge(38, 1, 40, false).equals("met"));
        assertTrue(B1Report.judge(42, 1, 40, false).equals("**missed**"));
        assertTrue(B1Report.judge(38, 5, 40, false).startsWith("inconclusive"), "38 ± 5 spans 40");
        assertTrue(B1Report.judge(3.9, 0.2, 4, true).startsWith("inconclusive"));
        assertTrue(B1Report.judge(5, Double.NaN, 4, true).equals("met"), "one iteration: no error to weigh");
        assertTrue(B1Report.judgeRatio(100, 5, 20, 1, 4, true).equals("met"), "95/21 = 4.5 at worst");
        assertTrue(B1Report.judgeRatio(100, 5, 20, 5, 4, true).startsWith("inconclusive"), "95/25 = 3.8 .. 105/15 = 7");
        assertTrue(B1Report.judgeRatio(60, 5, 20, 1, 4, true).equals("**missed**"), "65/19 = 3.4 at best");
        // a floor that measures below zero once the pacing is subtracted (B1, 2026-12-03: -0.51 ns) has no ratio
        assertTrue(B1Report.judgeRatio(84, 47, -0.51, 0.2, 1.2, false).startsWith("inconclusive (the baseline is at or below zero"),
                B1Report.judgeRatio(84, 47, -0.51, 0.2, 1.2, false));
        assertTrue(B1Report.judgeRatio(160, 50, 600, 2800, 4, true).startsWith("inconclusive"),
                "a denominator whose interval reaches zero allows any ratio");
        assertTrue(B1Report.judgeRatio(11, 0.2, 10, 0.2, 1.2, false).equals("met"));
    }

    @Test
    void theTimeAProducerWasOffItsCpuIsTheWallTimeLessItsCpuTimePerRecord(@TempDir Path dir) throws Exception {
        Figures f = new Figures();
        f.offCpu = 25; // every room row: CPU per record = score - 25
        f.offCpuFlood = -0.5; // every flood row: a little more CPU than wall time per record (the windows differ)
        write(dir, f);
        String md = B1Report.render(dir, "cmd", false);
        // room, two producers: Tandem 135 ns measured, 15 net, 25 of the 135 off CPU
        assertTrue(md.lines().anyMatch(l -> l.startsWith("| **Tandem** `EventType.record` | 2 | 135.0 ± n/a | 120.0 | **15.0** | 25.0 |")), md);
        assertTrue(md.contains("producers off CPU 25.0 ns a record (Tandem) and 25.0 (`abq_offer`)"), md);
        // flooded, two producers: 20 ns measured, 20.5 on the CPU: shown as none off CPU, never negative
        assertTrue(md.lines().anyMatch(l -> l.startsWith("| **Tandem** `EventType.record` | 2 | 20.0 ± n/a | 0.00 |")), md);

        f.offCpu = Double.NaN; // a JVM that cannot read thread CPU time
        f.offCpuFlood = Double.NaN;
        write(dir, f);
        md = B1Report.render(dir, "cmd", false);
        assertTrue(md.lines().anyMatch(l -> l.startsWith("| **Tandem** `EventType.record` | 2 | 135.0 ± n/a | 120.0 | **15.0** | n/a |")), md);
        assertTrue(!md.contains("off CPU 25.0"), md);
    }

    @Test
    void refusesAnEmptyDirectory(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> B1Report.render(dir, "cmd", false));
    }

    /** A complete set of figures, every one meeting its target. */
    static final class Figures {
        double tandemRoom1 = 130; // pace 115: 15 ns net; the pre-built offer 128: 13 net, 1.15x
        double tandemRoom2 = 135; // pace 120: 15 net; ABQ 240: 120 net, 8x
        double tandemFlood2 = 20; // ABQ 100: 5x
        double tandemCounter1 = 11; // LongAdder 10
        double tandemCounterBytes = 0;
        double tandemProducerBytes = 80;
        double tandemDeliveryBytes = 0;
        double offCpu = Double.NaN; // room: ns per record a producer was off CPU; NaN: CPU time not measured
        double offCpuFlood = Double.NaN; // the same, flooded
    }

    private static void write(Path dir, Figures f) throws Exception {
        for (int t : new int[] {1, 2}) {
            List<String> rows = new ArrayList<>();
            for (String q : B1Report.QUEUES) {
                boolean tandem = q.equals("tandem");
                double room = tandem ? (t == 1 ? f.tandemRoom1 : f.tandemRoom2) : q.equals("mpsc_prebuilt") ? 128 : 240;
                double flood = tandem && t == 2 ? f.tandemFlood2 : 100;
                double bytes = tandem ? f.tandemProducerBytes : 80;
                double delivery = q.startsWith("tandem") ? f.tandemDeliveryBytes * 1e6 : -1;
                rows.add(withCpu(row("EventRecordBench.record", t, q, "room", room, 80, 1e6, 0, bytes * 1e6, delivery),
                        room, f.offCpu));
                rows.add(withCpu(row("EventRecordBench.record", t, q, "flood", flood, 80, 1e6, 9e5, bytes * 1e6,
                        delivery), flood, f.offCpuFlood));
            }
            rows.add(row("CounterBench.tandem", t, null, null, t == 1 ? f.tandemCounter1 : 11, f.tandemCounterBytes,
                    -1, -1, -1, -1));
            rows.add(row("CounterBench.longAdder", t, null, null, 10, 0, -1, -1, -1, -1));
            rows.add(row("CounterBench.atomicLong", t, null, null, 9, 0, -1, -1, -1, -1));
            rows.add(row("ReferenceBench.pace", t, null, null, t == 1 ? 115 : 120, 0, -1, -1, -1, -1));
            if (t == 1) {
                rows.add(row("ReferenceBench.allocateEvent", t, null, null, 6, 80, -1, -1, -1, -1));
                rows.add(row("ReferenceBench.sinkEvent", t, null, null, 200, 0, -1, -1, -1, -1));
            }
            Files.writeString(dir.resolve("b1-t" + t + ".json"), "[" + String.join(",", rows) + "]");
        }
    }

    private static String row(String bench, int threads, String queue, String regime, double score, double bytes,
                              double records, double drops, double producerBytes, double deliveryBytes) {
        String params = queue == null ? "" : String.format(Locale.ROOT,
                ",\"params\":{\"queue\":\"%s\",\"regime\":\"%s\"}", queue, regime);
        StringBuilder secondary = new StringBuilder(metric("gc.alloc.rate.norm", bytes));
        if (records >= 0) {
            secondary.append(',').append(metric("records", records)).append(',').append(metric("drops", drops))
                    .append(',').append(metric("producerBytes", producerBytes));
        }
        if (deliveryBytes >= 0) {
            secondary.append(',').append(metric("delivered", records)).append(',')
                    .append(metric("deliveryBytes", deliveryBytes));
        }
        return String.format(Locale.ROOT, "{\"jmhVersion\":\"1.37\",\"benchmark\":\"dev.tandem.bench.hotpath.%s\","
                        + "\"mode\":\"avgt\",\"threads\":%d,\"forks\":1,\"jvmArgs\":[\"-Xmx1g\"],\"vmName\":\"VM\","
                        + "\"vmVersion\":\"17\",\"warmupIterations\":3,\"warmupTime\":\"1 s\",\"measurementIterations\":3,"
                        + "\"measurementTime\":\"1 s\"%s,\"primaryMetric\":{\"score\":%s,\"scoreError\":\"NaN\","
                        + "\"scoreUnit\":\"ns/op\"},\"secondaryMetrics\":{%s}}",
                bench, threads, params, score, secondary);
    }

    /**
     * Adds the producers' CPU time to a row of 1e6 records whose wall time per record is
     * {@code score}, {@code offCpu} ns of it off CPU; NaN: as a JVM that cannot measure it (-1 per thread).
     */
    private static String withCpu(String row, double score, double offCpu) {
        double cpu = Double.isNaN(offCpu) ? -1 : 1e6 * (score - offCpu);
        return row.substring(0, row.length() - 2) + "," + metric("producerCpuNanos", cpu) + "}}";
    }

    private static String metric(String name, double score) {
        return String.format(Locale.ROOT, "\"%s\":{\"score\":%s,\"scoreUnit\":\"x\"}", name, score);
    }
}
