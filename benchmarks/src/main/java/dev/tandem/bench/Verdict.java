package dev.tandem.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * A target's verdict from per-round ratios, as the harnesses that run rounds (B2, B3, B6) judge a
 * "ratio at least X" target: <b>met</b> when the lower quartile of the rounds' ratios reaches the
 * target (with 5 rounds: the second lowest), <b>missed</b> when the upper quartile falls short
 * (the second highest), <b>inconclusive</b> when the target lies between the two (the rounds
 * disagree more than the machine's noise allows a verdict). One round (a {@code --quick} pass)
 * judges by its one ratio.
 */
public enum Verdict {
    MET, MISSED, INCONCLUSIVE;

    /** Judges "ratio at least {@code target}" from one ratio per round. */
    public static Verdict atLeast(double[] perRound, double target) {
        double[] q = quartiles(perRound);
        if (q == null) {
            return INCONCLUSIVE;
        }
        if (q[0] >= target) {
            return MET;
        }
        return q[1] < target ? MISSED : INCONCLUSIVE;
    }

    /** The lower and upper quartiles of the rounds (see the class notes); null if nothing was measured. */
    public static double[] quartiles(double[] perRound) {
        if (perRound.length == 0 || Arrays.stream(perRound).anyMatch(Double::isNaN)) {
            return null;
        }
        double[] xs = perRound.clone();
        Arrays.sort(xs);
        return new double[] {xs[xs.length / 4], xs[xs.length - 1 - xs.length / 4]};
    }

    /**
     * Judges "ratio at most {@code target}" (a latency against a baseline's): <b>met</b> when the
     * upper quartile of the rounds' ratios stays within the target, <b>missed</b> when the lower
     * quartile exceeds it, <b>inconclusive</b> between.
     */
    public static Verdict atMost(double[] perRound, double target) {
        double[] q = quartiles(perRound);
        if (q == null) {
            return INCONCLUSIVE;
        }
        if (q[1] <= target) {
            return MET;
        }
        return q[0] > target ? MISSED : INCONCLUSIVE;
    }

    /** The worse of two verdicts: missed over inconclusive over met. */
    public Verdict and(Verdict other) {
        return ordinal() == MET.ordinal() ? other : other == MISSED ? MISSED : this;
    }

    /** Judges a fact that is counted, not timed: met or missed. */
    public static Verdict of(boolean met) {
        return met ? MET : MISSED;
    }

    /** How the fragments write it: {@code met}, {@code missed}, {@code inconclusive}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
