package dev.tandem.bench.churn;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Runs variants in alternation so that machine noise hits them alike: a warm-up round (not kept),
 * then {@code rounds} rounds in which every variant runs once, in an order rotated by one each
 * round (ABC, BCA, CAB, ...). Results are kept per variant; the report takes medians of rounds.
 */
final class Rounds {
    private Rounds() {}

    static Map<String, List<RunResult>> run(List<ChurnLoad.Variant> variants, ChurnLoad warmup, ChurnLoad load,
                                            int rounds, PrintStream log) throws Exception {
        Map<String, List<RunResult>> out = new LinkedHashMap<>();
        for (ChurnLoad.Variant v : variants) {
            out.put(v.name(), new ArrayList<>());
        }
        if (warmup != null) {
            for (ChurnLoad.Variant v : variants) {
                log.println("  warm-up " + warmup.run(v));
            }
        }
        int n = variants.size();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                ChurnLoad.Variant v = variants.get((i + r) % n);
                RunResult result = load.run(v);
                log.println("  round " + (r + 1) + " " + result);
                out.get(v.name()).add(result);
            }
        }
        return out;
    }

    static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        double[] xs = runs.stream().mapToDouble(f).toArray();
        Arrays.sort(xs);
        if (xs.length == 0) {
            return Double.NaN;
        }
        return xs.length % 2 == 1 ? xs[xs.length / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
    }

    /**
     * The median over rounds of {@code f(variant in round r) / f(baseline in round r)}: each ratio
     * compares two runs made one after the other, so slow drifts of the machine's load cancel out.
     */
    static double pairedRatio(List<RunResult> runs, List<RunResult> baseline, ToDoubleFunction<RunResult> f) {
        double[] xs = ratios(runs, baseline, f);
        Arrays.sort(xs);
        int n = xs.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }

    /** {@code f(variant in round r) / f(baseline in round r)} for every round, in round order. */
    static double[] ratios(List<RunResult> runs, List<RunResult> baseline, ToDoubleFunction<RunResult> f) {
        int n = Math.min(runs.size(), baseline.size());
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = f.applyAsDouble(runs.get(i)) / f.applyAsDouble(baseline.get(i));
        }
        return xs;
    }

    static double min(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        return runs.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    static double max(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        return runs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    static long sum(List<RunResult> runs, java.util.function.ToLongFunction<RunResult> f) {
        return runs.stream().mapToLong(f).sum();
    }
}
