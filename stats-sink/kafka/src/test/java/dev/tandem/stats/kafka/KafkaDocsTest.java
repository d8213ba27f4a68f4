package dev.tandem.stats.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Kafka sink's options table in the docs names exactly the builder's options, with the
 * defaults the producer really gets (docs/sinks.md).
 */
class KafkaDocsTest {
    static final String HEADING = "### Kafka sink options";

    static String section(String heading) {
        return dev.tandem.stats.SinksDoc.subsection(heading);
    }

    /** Option name (backticks removed) to default cell, for each table row starting with "| `". */
    static Map<String, String> table(String section) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : section.split("\n")) {
            if (line.startsWith("| `")) {
                String[] cells = line.substring(1).split("\\|");
                out.put(cells[0].trim().replace("`", ""), cells[1].trim().replace("`", ""));
            }
        }
        return out;
    }

    static Set<String> builderOptions(Class<?> builder) {
        Set<String> out = new TreeSet<>();
        for (Method m : builder.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.getName().equals("build")) {
                out.add(m.getName());
            }
        }
        return out;
    }

    @Test
    void theOptionsTableNamesEveryBuilderOptionWithTheProducersDefaults() throws IOException {
        Map<String, String> documented = table(section(HEADING));
        Set<String> names = new TreeSet<>();
        for (String option : documented.keySet()) {
            for (String part : option.split("/")) {
                names.add(part.trim());
            }
        }
        Set<String> expected = builderOptions(KafkaStatsSink.Builder.class);
        expected.add("builder(bootstrapServers, topic)");
        assertEquals(expected, names);

        KafkaStatsSink defaults = KafkaStatsSink.builder("127.0.0.1:9", "t")
                .producerFactory(config -> KafkaStatsSinkTest.mock(true)).build();
        Map<String, Object> c = defaults.producerConfig();
        assertEquals(c.get("delivery.timeout.ms"), millis(documented.get("ackTimeout")));
        assertEquals(c.get("request.timeout.ms"), millis(documented.get("requestTimeout")));
        assertEquals(((Number) c.get("max.block.ms")).intValue(), millis(documented.get("maxBlock")));
        assertEquals(c.get("linger.ms"), millis(documented.get("linger")));
        assertEquals(c.get("buffer.memory"), 1024L * 1024 * Long.parseLong(documented.get("bufferMemory").replace(" MiB", "")));
        assertEquals(c.get("acks"), documented.get("acks"));
        assertEquals("t", defaults.metricsTopic(), "metricsTopic: " + documented.get("metricsTopic"));
        defaults.close();

        List<String> owned = new ArrayList<>(KafkaStatsSink.Builder.ownedProducerSettings());
        String text = section("### Kafka sink options");
        for (String key : owned) {
            assertTrue(text.contains("`" + key + "`"), "the docs list the owned setting " + key);
        }
    }

    private static int millis(String cell) {
        if (cell.endsWith(" ms")) {
            return Integer.parseInt(cell.replace(" ms", ""));
        }
        return 1000 * Integer.parseInt(cell.replace(" s", ""));
    }
}
