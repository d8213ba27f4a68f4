package dev.tandem.bench.hotpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The profile's arithmetic: the share outside the pacing, as a part of the CPU time per record. */
class ProducerProfileTest {
    @Test
    void theSamplesOutsideThePacingAreThatShareOfTheCpuTimePerRecord() {
        String text = ProducerProfile.render("tandem", "room", 2, 300, 250, Map.of(
                "org.openjdk.jmh.infra.Blackhole.consumeCPU", 90,
                "dev.tandem.stats.EventRing.publish", 6,
                "java.lang.invoke.VarHandleLongs$FieldInstanceReadWrite.compareAndSet", 4));
        List<String> lines = text.lines().toList();
        assertEquals("# EventRecordBench.record, queue tandem, room, 2 producer(s): 300.0 ns a call (wall), 250.0 ns on"
                + " the CPU, 50.0 ns off it", lines.get(0));
        assertEquals("# outside the pacing, about 25.0 ns of the CPU time per record (samples of the whole fork, warm-up"
                + " included; CPU time of the measured iterations)", lines.get(1));
        assertEquals("# 100 producer samples, 10.0% of them outside the pacing", lines.get(2));
        assertEquals("  90.0%  org.openjdk.jmh.infra.Blackhole.consumeCPU", lines.get(3), text);
        assertEquals("   6.0%  dev.tandem.stats.EventRing.publish", lines.get(4), text);
        assertTrue(lines.get(5).endsWith("compareAndSet"), text);
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingRuns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProducerProfile.main(new String[] {"--regim", "flood"}));
        assertTrue(e.getMessage().contains("unknown option '--regim'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProducerProfile.main(new String[] {"--threads", "x"}));
        assertTrue(e.getMessage().startsWith("--threads: 'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProducerProfile.main(new String[] {"--queue", "abq"}));
        assertTrue(e.getMessage().startsWith("--queue: 'abq'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProducerProfile.main(new String[] {"--queue"}));
        assertTrue(e.getMessage().equals("--queue needs a value"), e.getMessage());
    }

    @Test
    void aRecordingWithoutProducerSamplesIsAnError() {
        assertThrows(IllegalStateException.class, () -> ProducerProfile.render("tandem", "flood", 1, 250, 240, Map.of()));
    }
}
