package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinksDoc;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.TestThreads;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/sinks.md's HTTP section shows this code, and its options table names exactly the builder's options and defaults. */
class HttpDocsTest {
    private static final String SECTION = "## HTTP: JSON Lines and InfluxDB";

    @Test
    void theConfigurationsShownAreCodeThatCompiles() throws Exception {
        assertEquals(List.of("influx-config", "json-config"), SinksDoc.checkCodeBlocks(SinksDoc.section(SECTION)));
        StatsPipeline stats = influx();
        stats.close(Duration.ZERO); // nothing recorded; nothing needs to reach 127.0.0.1:8086
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
        collector("t0ken").close();
    }

    private static StatsPipeline influx() {
        // docs:begin influx-config
        HttpSink influx = HttpSink.builder(URI.create("http://127.0.0.1:8086/write?db=myapp"))
                .encoding(BodyEncoding.influxLineProtocol())
                .requestTimeout(Duration.ofSeconds(5))
                .gzip(true)
                .build();
        StatsPipeline stats = StatsPipeline.builder()
                .sink("influx", influx, SinkOptions.builder()
                        .publishTimeout(Duration.ofSeconds(10)) // longer than requestTimeout: BACKOFF, not STALLED
                        .build())
                .build();
        // docs:end influx-config
        return stats;
    }

    private static HttpSink collector(String token) {
        // docs:begin json-config
        HttpSink collector = HttpSink.builder(URI.create("https://collector.example.com/ingest"))
                .encoding(BodyEncoding.jsonLines())
                .header("Authorization", "Bearer " + token)
                .build();
        // docs:end json-config
        return collector;
    }

    @Test
    void theOptionsTableNamesEveryBuilderOptionWithItsDefault() {
        HttpSink d = HttpSink.builder(URI.create("http://127.0.0.1/")).build();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("uri", "(required)");
        expected.put("encoding", d.encoding().toString());
        expected.put("connectTimeout", human(d.connectTimeout()));
        expected.put("requestTimeout", human(d.requestTimeout()));
        expected.put("gzip", Boolean.toString(d.gzip()));
        expected.put("header", d.headers().isEmpty() ? "none" : d.headers().toString());
        assertEquals(expected, SinksDoc.optionTable(SinksDoc.section(SECTION), "### Options"));

        TreeSet<String> builderOptions = new TreeSet<>(List.of("uri")); // the argument of builder(uri)
        for (Method m : HttpSink.Builder.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("build")) {
                builderOptions.add(m.getName());
            }
        }
        assertEquals(builderOptions, new TreeSet<>(expected.keySet()), "every public builder method is documented");
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
