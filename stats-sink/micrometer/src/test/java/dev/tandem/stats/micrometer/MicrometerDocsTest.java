package dev.tandem.stats.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The binder's options table in docs/sinks.md names exactly the builder's options.
 */
class MicrometerDocsTest {
    @Test
    void theOptionsTableNamesEveryBuilderOptionAndTheDefaultAge() throws IOException {
        Set<String> documented = new TreeSet<>();
        String defaultAge = null;
        for (String line : dev.tandem.stats.SinksDoc.subsection("### Micrometer binder options").split("\n")) {
            if (line.startsWith("| `")) {
                String[] cells = line.substring(1).split("\\|");
                String option = cells[0].trim().replace("`", "");
                documented.add(option);
                if (option.equals("maxSnapshotAge")) {
                    defaultAge = cells[1].trim();
                }
            }
        }
        Set<String> options = new TreeSet<>();
        for (Method m : StatsPipelineMetrics.Builder.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("build")) {
                options.add(m.getName());
            }
        }
        assertEquals(options, documented);
        dev.tandem.stats.StatsPipeline p = dev.tandem.stats.StatsPipeline.builder().build();
        java.time.Duration actual = StatsPipelineMetrics.of(p).maxSnapshotAge();
        p.close();
        assertEquals(actual.toMillis() % 1000 == 0 ? actual.toSeconds() + " s" : actual.toMillis() + " ms", defaultAge);
    }
}
