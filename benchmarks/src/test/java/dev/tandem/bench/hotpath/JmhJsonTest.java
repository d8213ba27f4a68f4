package dev.tandem.bench.hotpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.StrictJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** B1Report reads JMH's result file with the strict reader of tandem-stats-testing. */
class JmhJsonTest {
    @Test
    @SuppressWarnings("unchecked")
    void readsWhatJmhWritesNumbersAndQuotedNaNIncluded() {
        Object v = StrictJson.parse(" [ {\"threads\": 2, \"primaryMetric\": {\"score\": 1.5e3, \"scoreError\": \"NaN\"},"
                + " \"mode\": \"avgt\", \"params\": {}, \"g\": -2} ] ");
        Map<String, Object> m = (Map<String, Object>) ((List<Object>) v).get(0);
        Map<String, Object> primary = (Map<String, Object>) m.get("primaryMetric");
        assertEquals(2.0, B1Report.number(m.get("threads")));
        assertEquals(1500.0, B1Report.number(primary.get("score")));
        assertTrue(Double.isNaN(B1Report.number(primary.get("scoreError"))));
        assertEquals(-2.0, B1Report.number(m.get("g")));
        assertTrue(Double.isNaN(B1Report.number(null)), "a field JMH left out");
    }
}
