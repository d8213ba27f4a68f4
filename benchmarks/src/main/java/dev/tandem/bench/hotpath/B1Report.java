package dev.tandem.bench.hotpath;

import dev.tandem.bench.Results;
import dev.tandem.bench.Verdict;
import dev.tandem.stats.testing.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns B1's JMH result files ({@code b1-t1.json}, {@code b1-t1-other.json},
 * {@code b1-t1-forked.json}, the same for {@code t2}) into the {@code b1.md} fragment: one table
 * per question, ratios to every baseline, and a verdict line per target computed from the figures
 * (never typed in).
 *
 * <p>Re-render from existing JSON without running anything:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.B1Report --out DIR}.
 */
public final class B1Report {
    static final String[] QUEUES = {"tandem", "tandem_b4096", "mpsc_bare", "mpsc_prebuilt", "abq_offer", "lbq_offer",
            "clq_capped", "abq_put"};
    static final int[] PRODUCERS = {1, 2};

    /** The targets of issue 5, B1, as tightened by issue 11. */
    static final double RECORD_NS_TARGET = 20;
    /** Issue 11: one producer's record within this of a bare offer of a pre-built event. */
    static final double PREBUILT_RATIO_TARGET = 1.2;
    static final double ABQ_THROUGHPUT_TARGET = 4;
    static final double LONG_ADDER_RATIO_TARGET = 1.2;
    /** A measured B/op within this of the event's own size is the event's size (JMH's figures are not exact). */
    static final double ALLOC_SLACK_BYTES = 0.5;
    /** Below this, JMH's B/op is zero: what remains is the harness's own allocation spread over millions of ops. */
    static final double ZERO_BYTES = 0.01;

    private final List<Row> rows;
    private final StringBuilder md = new StringBuilder();

    private B1Report(List<Row> rows) {
        this.rows = rows;
    }

    public static void main(String[] args) throws IOException {
        Path out = Results.outDir(args);
        boolean quick = List.of(args).contains("--quick");
        String command = "java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.HotPath --out " + out
                + (quick ? " --quick" : "");
        System.out.println("B1: wrote " + Results.write(out, "b1", render(out, command, quick)));
    }

    /** The fragment for the JSON files in {@code dir}. */
    static String render(Path dir, String command, boolean quick) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int t : PRODUCERS) {
            for (String suffix : new String[] {"", "-other", "-forked"}) {
                Path f = dir.resolve("b1-t" + t + suffix + ".json");
                if (Files.isRegularFile(f)) {
                    rows.addAll(Row.parse(Files.readString(f, StandardCharsets.UTF_8)));
                }
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no B1 results (b1-t1*.json, b1-t2*.json) in " + dir);
        }
        return new B1Report(rows).render(command, quick);
    }

    private String render(String command, boolean quick) {
        Row any = rows.get(0);
        line("### B1 — the hot path: recording an event, incrementing a counter");
        line("");
        line("Machine: " + Results.machine() + ". JVM of the runs: " + any.vm + ", JMH " + any.jmh + ", args `"
                + String.join(" ", any.jvmArgs) + "`.");
        line("Command: `bash benchmarks/run.sh` (part `benchmarks/run.d/10-b1.sh`), i.e. `" + command + "`. Raw JMH "
                + "results next to this fragment: `b1-t1.json`, `b1-t1-other.json`, `b1-t1-forked.json`, the same for "
                + "`t2` (and the text logs `b1-jmh-t*.log`).");
        line("Regime per case: " + describeRun() + ". Errors are JMH's 99.9% confidence half-widths (n/a with"
                + " fewer than two iterations). Method and baselines: see *B1* under *What is measured, and how*.");
        if (quick) {
            line("");
            line("**Smoke pass (`--quick`): in-process, no warm-up, one 100 ms iteration per case. These figures "
                    + "check the harness; they are not measurements, and neither are the verdicts below.**");
        }
        line("");
        targets();
        burstTargets();
        roomTable();
        burstTable();
        floodTable();
        counterTable();
        yardsticks();
        return md.toString();
    }

    private String describeRun() {
        Row target = find("EventRecordBench.record", 1, "tandem", "room");
        Row other = find("EventRecordBench.record", 1, "abq_offer", "room");
        Row c = find("CounterBench.tandem", 1, null, null);
        List<String> parts = new ArrayList<>();
        if (target != null) {
            boolean same = other == null || other.shape().equals(target.shape());
            parts.add((same ? "events " : "events into Tandem and the queue each target compares it with "
                    + "(`mpsc_prebuilt` with one producer, `abq_offer` with two): ") + target.shape()
                    + (target.forks > 1 ? " (their error includes the spread between forks)" : ""));
            if (!same) {
                parts.add("the other queues " + other.shape());
            }
        }
        if (c != null) {
            parts.add("counters and yardsticks " + c.shape());
        }
        return String.join("; ", parts);
    }

    // ------------------------------------------------------------------ targets

    private void targets() {
        line("#### Targets");
        line("");
        line("| target | measured | verdict |");
        line("|---|---|---|");
        Row event = find("ReferenceBench.allocateEvent", 1, null, null);
        double eventBytes = event == null ? Double.NaN : event.allocNorm;

        // Counter: 0 B/op and within 1.2x of a bare LongAdder, at each thread count.
        for (int t : PRODUCERS) {
            Row tc = find("CounterBench.tandem", t, null, null);
            Row la = find("CounterBench.longAdder", t, null, null);
            if (tc == null || la == null) {
                target("counter increment, " + t + " thread(s)", "not measured", "not measured");
                continue;
            }
            target("counter increment allocates 0 B/op (" + threads(t) + ")", bytes(tc.allocNorm) + " B/op",
                    verdict(tc.allocNorm < ZERO_BYTES));
            double ratio = tc.score / la.score;
            target("counter increment within " + LONG_ADDER_RATIO_TARGET + "x of a bare `LongAdder` (" + threads(t) + ")",
                    ns(tc.score) + " vs " + ns(la.score) + " ns/op: " + x(ratio),
                    judgeRatio(tc.score, tc.error, la.score, la.error, LONG_ADDER_RATIO_TARGET, false));
        }

        // Event record <= 20 ns/op with one producer, timestamp included: the room regime, pacing subtracted.
        Row room1 = find("EventRecordBench.record", 1, "tandem", "room");
        Row pace1 = pace(1);
        if (room1 == null || pace1 == null) {
            target("event record <= 20 ns/op, 1 producer", "not measured", "not measured");
        } else {
            double net = room1.score - pace1.score;
            target("event record <= " + fmt0(RECORD_NS_TARGET) + " ns/op with 1 producer, timestamp included "
                            + "(queue with room, pacing subtracted)",
                    ns(room1.score) + " − " + ns(pace1.score) + " pacing = **" + ns(net) + " ns/op**"
                            + " (± " + ns(combinedError(room1, pace1)) + ")",
                    judge(net, combinedError(room1, pace1), RECORD_NS_TARGET, false));
        }
        Row pre1 = find("EventRecordBench.record", 1, "mpsc_prebuilt", "room");
        if (room1 == null || pace1 == null || pre1 == null) {
            target("event record within 1.2x of a bare offer of a pre-built event, 1 producer", "not measured",
                    "not measured");
        } else {
            double tn = room1.score - pace1.score;
            double pn = pre1.score - pace1.score;
            target("1 producer: event record <= " + PREBUILT_RATIO_TARGET + "x a bare `MpscArrayQueue.offer` of a "
                            + "pre-built event (queue with room, pacing subtracted)",
                    ns(tn) + " vs " + ns(pn) + " ns/op: " + x(tn / pn),
                    judgeRatio(tn, combinedError(room1, pace1), pn, combinedError(pre1, pace1),
                            PREBUILT_RATIO_TARGET, false));
        }

        // Two producers: at least 4x the throughput of ArrayBlockingQueue.offer, in both regimes.
        Row roomT2 = find("EventRecordBench.record", 2, "tandem", "room");
        Row roomA2 = find("EventRecordBench.record", 2, "abq_offer", "room");
        Row pace2 = pace(2);
        if (roomT2 != null && roomA2 != null && pace2 != null) {
            double tn = roomT2.score - pace2.score;
            double an = roomA2.score - pace2.score;
            target("2 producers: >= " + fmt0(ABQ_THROUGHPUT_TARGET) + "x the throughput of `ArrayBlockingQueue.offer`, "
                            + "queue with room (cost per record, pacing subtracted)",
                    ns(an) + " vs " + ns(tn) + " ns/op: " + x(an / tn) + offCpu(roomT2, roomA2),
                    judgeRatio(an, combinedError(roomA2, pace2), tn, combinedError(roomT2, pace2),
                            ABQ_THROUGHPUT_TARGET, true));
        } else {
            target("2 producers, >= 4x `ArrayBlockingQueue.offer`, queue with room", "not measured", "not measured");
        }
        Row floodT2 = find("EventRecordBench.record", 2, "tandem", "flood");
        Row floodA2 = find("EventRecordBench.record", 2, "abq_offer", "flood");
        if (floodT2 != null && floodA2 != null) {
            double ratio = floodA2.score / floodT2.score;
            target("2 producers: >= " + fmt0(ABQ_THROUGHPUT_TARGET) + "x the throughput of `ArrayBlockingQueue.offer`, "
                            + "flooded queue",
                    mops(floodT2.opsPerSecond()) + " vs " + mops(floodA2.opsPerSecond()) + " records/s: " + x(ratio),
                    judgeRatio(floodA2.score, floodA2.error, floodT2.score, floodT2.error,
                            ABQ_THROUGHPUT_TARGET, true));
        } else {
            target("2 producers, >= 4x `ArrayBlockingQueue.offer`, flooded queue", "not measured", "not measured");
        }

        // Event record allocates at most the event itself: the producer threads' own allocation.
        double worst = Double.NaN;
        String where = "";
        for (Row r : rows) {
            if (r.is("EventRecordBench.record") && "tandem".equals(r.queue) && !Double.isNaN(r.producerBytesPerOp())) {
                if (Double.isNaN(worst) || r.producerBytesPerOp() > worst) {
                    worst = r.producerBytesPerOp();
                    where = r.regime + ", " + threads(r.threads);
                }
            }
        }
        if (Double.isNaN(worst) || Double.isNaN(eventBytes)) {
            target("event record allocates at most the event itself", "not measured", "not measured");
        } else {
            target("event record allocates at most the event itself (bytes allocated by the producer threads per record)",
                    "at most " + bytes(worst) + " B/op (" + where + "); one event is " + bytes(eventBytes) + " B",
                    verdict(worst <= eventBytes + ALLOC_SLACK_BYTES));
        }

        // Issue 11: the delivery thread allocates nothing per event (its own counter, read at each publish).
        double worstDelivery = Double.NaN;
        String whereDelivery = "";
        for (Row r : rows) {
            if (r.is("EventRecordBench.record") && r.queue.startsWith("tandem") && !Double.isNaN(r.deliveryBytesPerEvent())) {
                if (Double.isNaN(worstDelivery) || r.deliveryBytesPerEvent() > worstDelivery) {
                    worstDelivery = r.deliveryBytesPerEvent();
                    whereDelivery = label(r.queue).replace("**", "") + ", " + r.regime + ", " + threads(r.threads);
                }
            }
        }
        if (Double.isNaN(worstDelivery)) {
            target("delivery thread allocates 0 B per event", "not measured", "not measured");
        } else {
            target("the delivery thread allocates 0 B per event (its own allocation counter over the events its sink "
                            + "was handed)", "at most " + bytes(worstDelivery) + " B/event (" + whereDelivery + ")",
                    verdict(worstDelivery < ZERO_BYTES));
        }
        line("");
    }

    // ------------------------------------------------------------------ bursts (RoomBurstBench)

    static final String BURST = "RoomBurstBench.record";

    /** The record-cost targets again, from bursts into a queue with room (no pacing to subtract). */
    private void burstTargets() {
        Row t1 = find(BURST, 1, "tandem", null);
        if (t1 == null) {
            return;
        }
        line("#### Targets, from bursts into a queue with room (no pacing)");
        line("");
        line("Each measured operation is a burst of " + RoomBurstBench.BURST + " records per producer into a queue with"
                + " room for all of them, the consumer draining meanwhile (`RoomBurstBench`, "
                + t1.shape() + "). Figures are medians of the bursts with their quartiles; a verdict is met only"
                + " when the quartile on the wrong side still meets the target, missed when the one on the right"
                + " side misses it, else inconclusive. A ratio is judged from the quartiles of both rows the same way.");
        line("");
        line("| target | measured | verdict |");
        line("|---|---|---|");
        double[] q = perRecordQuartiles(t1);
        target("event record <= " + fmt0(RECORD_NS_TARGET) + " ns/op with 1 producer, timestamp included",
                "median **" + ns(median(t1)) + " ns/op** (quartiles " + ns(q[0]) + "–" + ns(q[1]) + ")",
                Verdict.atMost(perRecord(t1), RECORD_NS_TARGET).toString().replace("missed", "**missed**"));
        Row pre = find(BURST, 1, "mpsc_prebuilt", null);
        if (pre != null) {
            double[] p = perRecordQuartiles(pre);
            target("1 producer: event record <= " + PREBUILT_RATIO_TARGET + "x a bare `MpscArrayQueue.offer` of a pre-built event",
                    ns(median(t1)) + " vs " + ns(median(pre)) + " ns/op: " + x(median(t1) / median(pre))
                            + " (quartiles allow " + x(q[0] / p[1]) + " to " + x(q[1] / p[0]) + ")",
                    ratioVerdict(q[0] / p[1], q[1] / p[0], PREBUILT_RATIO_TARGET, false));
        }
        Row t2 = find(BURST, 2, "tandem", null);
        Row a2 = find(BURST, 2, "abq_offer", null);
        if (t2 != null && a2 != null) {
            double[] tq = perRecordQuartiles(t2);
            double[] aq = perRecordQuartiles(a2);
            target("2 producers: >= " + fmt0(ABQ_THROUGHPUT_TARGET) + "x the throughput of `ArrayBlockingQueue.offer`",
                    ns(median(a2)) + " vs " + ns(median(t2)) + " ns/op per record: " + x(median(a2) / median(t2))
                            + " (quartiles allow " + x(aq[0] / tq[1]) + " to " + x(aq[1] / tq[0]) + ")",
                    ratioVerdict(aq[0] / tq[1], aq[1] / tq[0], ABQ_THROUGHPUT_TARGET, true));
        }
        line("");
    }

    /** Met, missed or inconclusive for a ratio known to lie between {@code low} and {@code high}. */
    static String ratioVerdict(double low, double high, double target, boolean higherIsBetter) {
        boolean met = higherIsBetter ? low >= target : high <= target;
        boolean missed = higherIsBetter ? high < target : low > target;
        return met ? "met" : missed ? "**missed**" : "inconclusive";
    }

    private void burstTable() {
        if (find(BURST, 1, "tandem", null) == null) {
            return;
        }
        line("#### Recording an event in bursts, queue with room");
        line("");
        line("Bursts of " + RoomBurstBench.BURST + " records per producer, no pacing; the consumer drains while they"
                + " come, and before each burst the queue is empty. Cost per record: the burst's time over its records.");
        line("");
        line("| queue | producers | median ns/record | quartiles | fastest burst | records/s, all producers (median) |");
        line("|---|---|---|---|---|---|");
        for (int t : PRODUCERS) {
            for (Row r : rows) {
                if (r.is(BURST) && r.threads == t) {
                    double[] q = perRecordQuartiles(r);
                    double min = java.util.Arrays.stream(perRecord(r)).min().orElse(Double.NaN);
                    line("| " + label(r.queue) + " | " + t + " | **" + ns(median(r)) + "** | " + ns(q[0]) + "–" + ns(q[1])
                            + " | " + ns(min) + " | " + mops(t * 1e9 / median(r)) + " |");
                }
            }
        }
        line("");
    }

    /** A burst row's iterations as ns per record. */
    static double[] perRecord(Row r) {
        double[] out = r.raw.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] /= RoomBurstBench.BURST;
        }
        return out;
    }

    static double median(Row r) {
        double[] xs = perRecord(r);
        java.util.Arrays.sort(xs);
        return xs.length == 0 ? Double.NaN
                : xs.length % 2 == 1 ? xs[xs.length / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
    }

    static double[] perRecordQuartiles(Row r) {
        double[] q = Verdict.quartiles(perRecord(r));
        return q == null ? new double[] {Double.NaN, Double.NaN} : q;
    }

    private void target(String what, String measured, String verdict) {
        line("| " + what + " | " + measured + " | " + verdict + " |");
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }

    /**
     * Met or missed, unless the figure's error (JMH's 99.9% half-width, propagated) reaches across
     * the target: then the run cannot tell, and the verdict says so rather than guess.
     */
    static String judge(double value, double error, double target, boolean higherIsBetter) {
        if (Double.isNaN(value)) {
            return "not measured";
        }
        if (!Double.isNaN(error) && Math.abs(value - target) <= error) {
            return "inconclusive (± " + ns(error) + " spans the target)";
        }
        return verdict(higherIsBetter ? value >= target : value <= target);
    }

    /**
     * The same for a ratio a / b of two figures with their half-widths: inconclusive if the target
     * lies between the smallest and the largest ratio their intervals allow (unbounded above when
     * b's interval reaches zero).
     */
    static String judgeRatio(double a, double ea, double b, double eb, double target, boolean higherIsBetter) {
        double ratio = a / b;
        if (Double.isNaN(ratio)) {
            return "not measured";
        }
        if (a <= 0 || b <= 0) { // a pacing-subtracted cost at or below zero has no meaningful ratio
            return "inconclusive (" + (b <= 0 ? "the baseline" : "the measured cost") + " is at or below zero once the"
                    + " pacing is subtracted: below what this method resolves)";
        }
        if (!Double.isNaN(ea) && !Double.isNaN(eb)) {
            double lo = (a - ea) / (b + eb);
            double hi = b - eb > 0 ? (a + ea) / (b - eb) : Double.POSITIVE_INFINITY;
            if (lo <= target && target <= hi) {
                return "inconclusive (the errors allow " + x(lo) + " to "
                        + (Double.isInfinite(hi) ? "any" : x(hi)) + ")";
            }
        }
        return verdict(higherIsBetter ? ratio >= target : ratio <= target);
    }

    // ------------------------------------------------------------------ tables

    private void roomTable() {
        line("#### Recording an event, queue with room");
        line("");
        line("Each record is preceded by `Blackhole.consumeCPU(" + EventRecordBench.PACE_TOKENS + ")` (the pacing, "
                + "measured alone in the same run and subtracted); the sink does almost nothing. \"vs Tandem\" is the "
                + "row's cost per record (pacing subtracted) divided by Tandem's at the same producer count: how many "
                + "times Tandem's throughput the row would allow. \"off CPU ns/op\" is the part of the measured "
                + "wall time the producer thread was not running (measured less its own CPU time per record): "
                + "blocked (on a lock, or in a full queue's put) or descheduled (on two cores, while a consumer had its "
                + "core).");
        line("");
        line("| queue | producers | measured ns/op | pacing ns/op | **record ns/op** | off CPU ns/op | "
                + "records/s, all producers | producer B/op | all-thread B/op | delivery B/event | dropped | vs Tandem |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int t : PRODUCERS) {
            Row pace = pace(t);
            Row tandem = find("EventRecordBench.record", t, "tandem", "room");
            for (String q : QUEUES) {
                Row r = find("EventRecordBench.record", t, q, "room");
                if (r == null) {
                    continue;
                }
                double net = pace == null ? Double.NaN : r.score - pace.score;
                double tandemNet = tandem == null || pace == null ? Double.NaN : tandem.score - pace.score;
                line("| " + label(q) + " | " + t + " | " + ns(r.score) + " ± " + ns(r.error) + " | "
                        + (pace == null ? "n/a" : ns(pace.score)) + " | **" + ns(net) + "** | "
                        + ns(r.offCpuPerOp()) + " | " + mops(r.opsPerSecond()) + " | " + bytes(r.producerBytesPerOp())
                        + " | " + bytes(r.allocNorm) + " | " + bytes(r.deliveryBytesPerEvent()) + " | "
                        + percent(r.dropFraction()) + " | " + x(net / tandemNet) + " |");
            }
        }
        line("");
    }

    private void floodTable() {
        line("#### Recording an event, flooded queue");
        line("");
        line("Producers run flat out; the sink spends `consumeCPU(" + EventRecordBench.SINK_TOKENS + ")` per event"
                + sinkRate() + ", so the queue stays full. \"vs Tandem\" is the row's ns/op over Tandem's: Tandem's "
                + "throughput as a multiple of the row's. `abq_put` never drops: it blocks, and its producers run at "
                + "the sink's pace (the story's failure).");
        line("");
        line("| queue | producers | ns/op | off CPU ns/op | records/s, all producers | producer B/op | "
                + "all-thread B/op | delivery B/event | dropped | vs Tandem |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (int t : PRODUCERS) {
            Row tandem = find("EventRecordBench.record", t, "tandem", "flood");
            for (String q : QUEUES) {
                Row r = find("EventRecordBench.record", t, q, "flood");
                if (r == null) {
                    continue;
                }
                line("| " + label(q) + " | " + t + " | " + ns(r.score) + " ± " + ns(r.error) + " | "
                        + ns(r.offCpuPerOp()) + " | " + mops(r.opsPerSecond()) + " | " + bytes(r.producerBytesPerOp())
                        + " | " + bytes(r.allocNorm) + " | " + bytes(r.deliveryBytesPerEvent()) + " | "
                        + percent(r.dropFraction()) + " | " + x(tandem == null ? Double.NaN : r.score / tandem.score)
                        + " |");
            }
        }
        line("");
    }

    /** How long the two rows' producers were off CPU per record, for a target's "measured" cell; "" if unknown. */
    private static String offCpu(Row tandem, Row other) {
        if (Double.isNaN(tandem.offCpuPerOp()) || Double.isNaN(other.offCpuPerOp())) {
            return "";
        }
        return "; of the wall time, producers off CPU " + ns(tandem.offCpuPerOp()) + " ns a record (Tandem) and "
                + ns(other.offCpuPerOp()) + " (`" + other.queue + "`)";
    }

    private String sinkRate() {
        Row s = find("ReferenceBench.sinkEvent", 1, null, null);
        if (s == null) {
            return "";
        }
        return " (" + ns(s.score) + " ns measured alone: the sink drains at most " + mops(1e9 / s.score) + " events/s)";
    }

    private void counterTable() {
        line("#### Incrementing a counter");
        line("");
        line("One counter shared by all threads. \"vs LongAdder\" is the row's ns/op over a bare `LongAdder`'s.");
        line("");
        line("| counter | threads | ns/op | increments/s, all threads | B/op | vs LongAdder |");
        line("|---|---|---|---|---|---|");
        String[][] counters = {{"tandem", "Tandem `Counter.increment()`"}, {"longAdder", "`LongAdder.increment()`"},
                {"atomicLong", "`AtomicLong.getAndIncrement()`"}};
        for (int t : PRODUCERS) {
            Row la = find("CounterBench.longAdder", t, null, null);
            for (String[] c : counters) {
                Row r = find("CounterBench." + c[0], t, null, null);
                if (r == null) {
                    continue;
                }
                line("| " + c[1] + " | " + t + " | " + ns(r.score) + " ± " + ns(r.error) + " | " + mops(r.opsPerSecond())
                        + " | " + bytes(r.allocNorm) + " | " + x(la == null ? Double.NaN : r.score / la.score) + " |");
            }
        }
        line("");
    }

    private void yardsticks() {
        line("#### Yardsticks (same run)");
        line("");
        line("| what | threads | ns/op | B/op |");
        line("|---|---|---|---|");
        String[][] refs = {{"nanoTime", "`System.nanoTime()`"}, {"currentTimeMillis", "`System.currentTimeMillis()` (the event timestamp)"},
                {"allocateEvent", "allocating one event (the fields of Tandem's `Event`)"},
                {"pace", "the pacing alone, `consumeCPU(" + EventRecordBench.PACE_TOKENS + ")`"},
                {"sinkEvent", "the flood sink's work per event, `consumeCPU(" + EventRecordBench.SINK_TOKENS + ")`"}};
        for (String[] ref : refs) {
            for (int t : PRODUCERS) {
                Row r = find("ReferenceBench." + ref[0], t, null, null);
                if (r != null) {
                    line("| " + ref[1] + " | " + t + " | " + ns(r.score) + " ± " + ns(r.error) + " | "
                            + bytes(r.allocNorm) + " |");
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private Row pace(int threads) {
        return find("ReferenceBench.pace", threads, null, null);
    }

    private Row find(String bench, int threads, String queue, String regime) {
        for (Row r : rows) {
            if (r.is(bench) && r.threads == threads && (queue == null || queue.equals(r.queue))
                    && (regime == null || regime.equals(r.regime))) {
                return r;
            }
        }
        return null;
    }

    private static double combinedError(Row a, Row b) {
        return Math.sqrt(a.error * a.error + b.error * b.error);
    }

    static String label(String queue) {
        switch (queue) {
            case "tandem": return "**Tandem** `EventType.record`";
            case "tandem_b4096": return "Tandem, batch 4096, queue 8192 (8x fewer wake-ups: what they cost)";
            case "mpsc_bare": return "bare JCTools `MpscArrayQueue.offer` (floor, not a choice)";
            case "mpsc_prebuilt": return "bare `MpscArrayQueue.offer` of one pre-built event (no timestamp, no allocation)";
            case "abq_offer": return "`ArrayBlockingQueue.offer` (Logback, Log4j2 async)";
            case "lbq_offer": return "bounded `LinkedBlockingQueue.offer`";
            case "clq_capped": return "`ConcurrentLinkedQueue` + `AtomicInteger` cap (DogStatsD)";
            case "abq_put": return "`ArrayBlockingQueue.put` (the story's send)";
            default: return queue;
        }
    }

    private static String threads(int t) {
        return t == 1 ? "1 thread" : t + " threads";
    }

    static String ns(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }

    static String mops(double perSecond) {
        if (Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
    }

    static String bytes(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) < 0.001) {
            return "0";
        }
        return String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.3f" : "%.1f", v);
    }

    static String percent(double fraction) {
        if (Double.isNaN(fraction)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    static String x(double ratio) {
        if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    /** One JMH result: a benchmark at a thread count and parameters. */
    static final class Row {
        String benchmark; // e.g. EventRecordBench.record
        int threads;
        String queue;
        String regime;
        double score;
        double error;
        double[] raw = new double[0]; // every measured iteration's score, all forks
        double allocNorm = Double.NaN;
        double records = Double.NaN;
        double drops = Double.NaN;
        double producerBytes = Double.NaN;
        double delivered = Double.NaN;
        double deliveryBytes = Double.NaN;
        double producerCpuNanos = Double.NaN;
        String vm;
        String jmh;
        List<String> jvmArgs = List.of();
        int forks;
        int warmupIterations;
        String warmupTime;
        int measurementIterations;
        String measurementTime;

        boolean is(String bench) {
            return benchmark.equals(bench);
        }

        /** Records per second summed over the producer threads (JMH's score is per thread). */
        double opsPerSecond() {
            return threads * 1e9 / score;
        }

        double dropFraction() {
            return records > 0 ? drops / records : Double.NaN;
        }

        /** Tandem only: bytes its delivery thread allocated per event its sink was handed. */
        double deliveryBytesPerEvent() {
            return delivered > 0 && deliveryBytes >= 0 ? deliveryBytes / delivered : Double.NaN;
        }

        double producerBytesPerOp() {
            return records > 0 && producerBytes >= 0 ? producerBytes / records : Double.NaN;
        }

        /** The producer threads' CPU time per record (NaN where not measured). */
        double producerCpuPerOp() {
            return records > 0 && producerCpuNanos >= 0 ? producerCpuNanos / records : Double.NaN;
        }

        /**
         * Of a call's wall time (the score), how much its thread was not on a CPU: the score less
         * the CPU per record, never below 0 (the two are measured over slightly different windows).
         */
        double offCpuPerOp() {
            double cpu = producerCpuPerOp();
            return Double.isNaN(cpu) ? Double.NaN : Math.max(0, score - cpu);
        }

        String shape() {
            return (forks == 0 ? "in-process (no fork)" : forks + " fork" + (forks == 1 ? "" : "s")) + ", "
                    + warmupIterations + " x " + warmupTime + " warm-up, " + measurementIterations + " x "
                    + measurementTime + " measured";
        }

        @SuppressWarnings("unchecked")
        static List<Row> parse(String json) {
            List<Row> out = new ArrayList<>();
            for (Object o : (List<Object>) StrictJson.parse(json)) {
                Map<String, Object> m = (Map<String, Object>) o;
                Row r = new Row();
                String full = (String) m.get("benchmark");
                int cut = full.lastIndexOf('.', full.lastIndexOf('.') - 1);
                r.benchmark = full.substring(cut + 1);
                r.threads = (int) number(m.get("threads"));
                r.forks = (int) number(m.get("forks"));
                r.warmupIterations = (int) number(m.get("warmupIterations"));
                r.warmupTime = String.valueOf(m.get("warmupTime"));
                r.measurementIterations = (int) number(m.get("measurementIterations"));
                r.measurementTime = String.valueOf(m.get("measurementTime"));
                r.vm = m.get("vmName") + " " + m.get("vmVersion");
                r.jmh = String.valueOf(m.get("jmhVersion"));
                Object args = m.get("jvmArgs");
                if (args instanceof List) {
                    List<String> a = new ArrayList<>();
                    for (Object arg : (List<Object>) args) {
                        a.add(String.valueOf(arg));
                    }
                    r.jvmArgs = a;
                }
                Map<String, Object> params = (Map<String, Object>) m.get("params");
                if (params != null) {
                    r.queue = (String) params.get("queue");
                    r.regime = (String) params.get("regime");
                }
                Map<String, Object> primary = (Map<String, Object>) m.get("primaryMetric");
                if (!"ns/op".equals(primary.get("scoreUnit"))) {
                    throw new IllegalArgumentException(full + ": score in " + primary.get("scoreUnit")
                            + " (expected: ns/op, mode avgt)");
                }
                r.score = number(primary.get("score"));
                r.error = number(primary.get("scoreError"));
                Object rawData = primary.get("rawData");
                if (rawData instanceof List) {
                    List<Double> all = new ArrayList<>();
                    for (Object fork : (List<Object>) rawData) {
                        for (Object it : (List<Object>) fork) {
                            all.add(number(it));
                        }
                    }
                    r.raw = all.stream().mapToDouble(Double::doubleValue).toArray();
                }
                Map<String, Object> secondary = (Map<String, Object>) m.get("secondaryMetrics");
                if (secondary != null) {
                    r.allocNorm = secondaryScore(secondary, "gc.alloc.rate.norm");
                    r.records = secondaryScore(secondary, "records");
                    r.drops = secondaryScore(secondary, "drops");
                    r.producerBytes = secondaryScore(secondary, "producerBytes");
                    r.delivered = secondaryScore(secondary, "delivered");
                    r.deliveryBytes = secondaryScore(secondary, "deliveryBytes");
                    r.producerCpuNanos = secondaryScore(secondary, "producerCpuNanos");
                }
                out.add(r);
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private static double secondaryScore(Map<String, Object> secondary, String name) {
            Object metric = secondary.get(name);
            return metric == null ? Double.NaN : number(((Map<String, Object>) metric).get("score"));
        }
    }

    /** A number of JMH's result file: a JSON number, or a string such as "NaN" (JMH writes those quoted). */
    static double number(Object v) {
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof String) {
            return Double.parseDouble((String) v);
        }
        return Double.NaN;
    }
}
