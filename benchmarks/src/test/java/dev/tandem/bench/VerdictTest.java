package dev.tandem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VerdictTest {
    @Test
    void theLowerQuartileMustMeetTheTargetAndTheUpperOneMustMissIt() {
        assertEquals(Verdict.MET, Verdict.atLeast(new double[] {0.90, 1.00, 1.01, 1.02, 1.10}, 1.0),
                "one slow round of five does not spoil a verdict");
        assertEquals(Verdict.MISSED, Verdict.atLeast(new double[] {0.90, 0.91, 0.93, 0.99, 1.10}, 1.0),
                "one fast round of five does not save one");
        assertEquals(Verdict.INCONCLUSIVE, Verdict.atLeast(new double[] {0.90, 0.95, 1.00, 1.05, 1.10}, 1.0),
                "the middle rounds straddle the target");
        assertEquals(Verdict.MET, Verdict.atLeast(new double[] {1.0}, 1.0), "one round: its ratio");
        assertEquals(Verdict.MISSED, Verdict.atLeast(new double[] {0.99}, 1.0));
        assertEquals(Verdict.INCONCLUSIVE, Verdict.atLeast(new double[0], 1.0), "nothing measured");
        assertEquals(Verdict.INCONCLUSIVE, Verdict.atLeast(new double[] {1.2, Double.NaN}, 1.0));
        assertEquals("met", Verdict.of(true).toString());
        assertEquals("missed", Verdict.of(false).toString());
    }

    @Test
    void atMostMirrorsAtLeastAndTheWorseVerdictWins() {
        assertEquals(Verdict.MET, Verdict.atMost(new double[] {0.90, 0.95, 1.00, 1.04, 1.30}, 1.05),
                "one slow round of five does not spoil a latency verdict");
        assertEquals(Verdict.MISSED, Verdict.atMost(new double[] {0.90, 1.10, 1.12, 1.15, 1.20}, 1.05));
        assertEquals(Verdict.INCONCLUSIVE, Verdict.atMost(new double[] {0.90, 1.00, 1.05, 1.10, 1.20}, 1.05));
        assertEquals(Verdict.INCONCLUSIVE, Verdict.atMost(new double[] {Double.NaN}, 1.05));
        assertEquals(Verdict.MET, Verdict.MET.and(Verdict.MET));
        assertEquals(Verdict.INCONCLUSIVE, Verdict.MET.and(Verdict.INCONCLUSIVE));
        assertEquals(Verdict.INCONCLUSIVE, Verdict.INCONCLUSIVE.and(Verdict.MET));
        assertEquals(Verdict.MISSED, Verdict.INCONCLUSIVE.and(Verdict.MISSED));
        assertEquals(Verdict.MISSED, Verdict.MISSED.and(Verdict.INCONCLUSIVE));
        assertEquals(Verdict.MISSED, Verdict.MET.and(Verdict.MISSED));
    }
}
