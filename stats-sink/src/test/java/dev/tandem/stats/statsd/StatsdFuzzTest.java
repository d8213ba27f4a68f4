package dev.tandem.stats.statsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.FuzzInputs;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the StatsD sink's format and packing ({@link StatsdFormat},
 * {@link PacketWriter}; docs/fuzzing.md): every datagram fits the packet size; every line is one
 * strict {@code name:value|type[|#k:v,...]} line; the lines are exactly the ones the documented
 * rules give for the batch, in order (a line too big for a datagram is skipped and counted, never
 * cut), so no name or tag can add a line, a metric or a tag.
 */
class StatsdFuzzTest {
    private static final Pattern LINE = Pattern.compile(
            "[A-Za-z0-9_.-]+:-?[0-9]+(\\.[0-9]+)?(E-?[0-9]+)?\\|(c|g|ms|h|d)(\\|#[^,|\\s]+(,[^,|\\s]+)*)?");
    private static final int SELF_METRICS = 6;

    @FuzzTest(maxDuration = "2s")
    void everyDatagramHoldsExactlyTheLinesOfTheBatch(FuzzedDataProvider data) throws IOException {
        String prefix = data.pickValue(new String[] {"", "app", "app.", "a-b_c.d"});
        StatsdSink.TagStyle style = data.pickValue(StatsdSink.TagStyle.values());
        StatsdSink.SampleType sampleType = data.pickValue(StatsdSink.SampleType.values());
        int maxPacket = data.consumeInt(StatsdSink.MIN_PACKET_SIZE, 2048);
        Batch batch = FuzzInputs.batch(data, 6);

        ScriptedTransport transport = new ScriptedTransport();
        try (StatsdSink sink = StatsdSink.builder().prefix(prefix).tagStyle(style).sampleType(sampleType)
                .maxPacketSize(maxPacket).transports(transport).build()) {
            sink.publish(batch);

            List<String> received = new ArrayList<>();
            for (String datagram : transport.sent()) {
                assertTrue(datagram.getBytes(StandardCharsets.UTF_8).length <= maxPacket, "datagram over " + maxPacket);
                for (String line : datagram.split("\n", -1)) {
                    assertTrue(LINE.matcher(line).matches(), "not one strict StatsD line: " + line);
                    received.add(line);
                }
            }
            Expected expected = new Expected(prefix, style, sampleType, maxPacket);
            for (Event e : batch.events()) {
                expected.event(e);
            }
            for (Measurement m : batch.metrics()) {
                expected.metric(m);
            }
            assertEquals(expected.lines.size() + SELF_METRICS, received.size(), "lines: " + received);
            assertEquals(expected.lines, received.subList(0, expected.lines.size()));
            assertEquals(expected.skipped, sink.linesSkipped(), "lines skipped and counted");
        }
    }

    /** The lines the sink's Javadoc promises, built independently of {@link StatsdFormat}. */
    private static final class Expected {
        final List<String> lines = new ArrayList<>();
        long skipped;
        private final String prefix;
        private final StatsdSink.TagStyle style;
        private final StatsdSink.SampleType sampleType;
        private final int maxPacket;

        Expected(String prefix, StatsdSink.TagStyle style, StatsdSink.SampleType sampleType, int maxPacket) {
            this.prefix = prefix.isEmpty() || prefix.endsWith(".") ? prefix : prefix + ".";
            this.style = style;
            this.sampleType = sampleType;
            this.maxPacket = maxPacket;
        }

        void event(Event e) {
            add(name(e.name(), e.tags()) + ":1|c" + suffix(e.tags()));
            for (int i = 0; i < e.fieldCount(); i++) {
                if (e.field(i) < 0 && sampleType == StatsdSink.SampleType.TIMER) {
                    skipped++;
                    continue;
                }
                add(name(e.name() + "." + e.fieldName(i), e.tags()) + ":" + e.field(i) + "|"
                        + sampleType.wire() + suffix(e.tags()));
            }
        }

        void metric(Measurement m) {
            String name = name(m.name(), m.tags());
            if (m.kind() == Measurement.Kind.COUNTER) {
                add(name + ":" + m.longValue() + "|g" + suffix(m.tags()));
            } else if (!Double.isFinite(m.value())) {
                skipped++;
            } else {
                if (m.value() < 0) {
                    add(name + ":0|g" + suffix(m.tags()));
                }
                add(name + ":" + StatsdFormat.number(m.value()) + "|g" + suffix(m.tags()));
            }
        }

        /** A lone surrogate has no UTF-8 form: it arrives as {@code ?} (lossy, cannot add a line or tag). */
        private void add(String line) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > maxPacket) {
                skipped++;
            } else {
                lines.add(new String(bytes, StandardCharsets.UTF_8));
            }
        }

        private String name(String name, Tags tags) {
            StringBuilder sb = new StringBuilder(prefix).append(sanitized(name, true));
            if (style == StatsdSink.TagStyle.PLAIN) {
                tags.forEach((k, v) -> sb.append('.').append(sanitized(k, false)).append('.').append(sanitized(v, false)));
            }
            return sb.toString();
        }

        private String suffix(Tags tags) {
            if (style == StatsdSink.TagStyle.PLAIN || tags.isEmpty()) {
                return "";
            }
            List<String> parts = new ArrayList<>();
            tags.forEach((k, v) -> parts.add(tagText(k, true) + ":" + tagText(v, false)));
            return "|#" + String.join(",", parts);
        }

        private static String sanitized(String s, boolean dots) {
            StringBuilder sb = new StringBuilder();
            s.chars().forEach(c -> sb.append(
                    Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || dots && c == '.' ? (char) c : '_'));
            return sb.toString();
        }

        private static String tagText(String s, boolean key) {
            StringBuilder sb = new StringBuilder();
            s.chars().forEach(c -> sb.append(c == ',' || c == '|' || Character.isWhitespace(c)
                    || Character.isISOControl(c) || key && c == ':' ? '_' : (char) c));
            return sb.toString();
        }
    }
}
