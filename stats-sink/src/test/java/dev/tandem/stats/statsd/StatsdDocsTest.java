package dev.tandem.stats.statsd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinksDoc;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.TestThreads;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/sinks.md's StatsD section shows this code, and its options table names exactly the builder's options and defaults. */
class StatsdDocsTest {
    private static final String SECTION = "## StatsD";

    @Test
    void theConfigurationShownIsCodeThatRuns() throws Exception {
        assertEquals(List.of("statsd-config"), SinksDoc.checkCodeBlocks(SinksDoc.section(SECTION)));
        StatsPipeline stats = configuration();
        stats.close(Duration.ofSeconds(5));
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private static StatsPipeline configuration() {
        // docs:begin statsd-config
        StatsdSink statsd = StatsdSink.builder()
                .host("127.0.0.1")
                .port(8125)
                .prefix("myapp")
                .tagStyle(StatsdSink.TagStyle.DOGSTATSD)
                .build();
        StatsPipeline stats = StatsPipeline.builder()
                .sink("statsd", statsd, SinkOptions.builder()
                        .linger(Duration.ofSeconds(1))
                        .maxEventsPerSecond(5_000) // one batch per burst: the server's socket buffer copes
                        .build())
                .build();
        // docs:end statsd-config
        return stats;
    }

    @Test
    void theOptionsTableNamesEveryBuilderOptionWithItsDefault() {
        StatsdSink d = StatsdSink.builder().build();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("host", d.host());
        expected.put("port", Integer.toString(d.port()));
        expected.put("prefix", d.prefix().isEmpty() ? "none" : d.prefix());
        expected.put("tagStyle", d.tagStyle().name());
        expected.put("counterMode", d.counterMode().name());
        expected.put("sampleType", d.sampleType().name());
        expected.put("maxPacketSize", Integer.toString(d.maxPacketSize()));
        assertEquals(expected, SinksDoc.optionTable(SinksDoc.section(SECTION), "### Options"));

        TreeSet<String> builderOptions = new TreeSet<>();
        for (Method m : StatsdSink.Builder.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("build")) {
                builderOptions.add(m.getName());
            }
        }
        assertEquals(builderOptions, new TreeSet<>(expected.keySet()), "every public builder method is documented");
    }
}
