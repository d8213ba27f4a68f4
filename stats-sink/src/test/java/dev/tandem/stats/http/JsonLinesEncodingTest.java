package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.stats.Batch;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact JSON Lines the generic encoding writes. */
class JsonLinesEncodingTest {
    private static String encode(Batch b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyEncoding.jsonLines().encode(b, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneObjectPerEventAndPerMetric() throws IOException {
        Batch b = Batch.of("s", 1764340000012L,
                List.of(EventType.detached("app.closed", "id", "duration_ms")
                        .newEvent(1764340000000L, Tags.of("reason", "eof"), 42, 1200),
                        EventType.detached("app.tick").newEvent(1764340000001L, Tags.empty())),
                List.of(Measurement.counter("app.opened", Tags.empty(), Long.MAX_VALUE),
                        Measurement.gauge("app.live", Tags.of("a", "1", "b", "2"), 3),
                        Measurement.gauge("app.nan", Tags.empty(), Double.NaN),
                        Measurement.gauge("app.inf", Tags.empty(), Double.NEGATIVE_INFINITY)));
        assertEquals(""
                + "{\"type\":\"event\",\"batch\":1,\"time\":1764340000000,\"name\":\"app.closed\",\"tags\":{\"reason\":\"eof\"},\"fields\":{\"id\":42,\"duration_ms\":1200}}\n"
                + "{\"type\":\"event\",\"batch\":1,\"time\":1764340000001,\"name\":\"app.tick\",\"tags\":{},\"fields\":{}}\n"
                + "{\"type\":\"counter\",\"batch\":1,\"time\":1764340000012,\"name\":\"app.opened\",\"tags\":{},\"value\":9223372036854775807}\n"
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":1764340000012,\"name\":\"app.live\",\"tags\":{\"a\":\"1\",\"b\":\"2\"},\"value\":3.0}\n"
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":1764340000012,\"name\":\"app.nan\",\"tags\":{},\"value\":null}\n"
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":1764340000012,\"name\":\"app.inf\",\"tags\":{},\"value\":null}\n",
                encode(b));
    }

    @Test
    void stringsAreEscapedAsJsonRequires() throws IOException {
        Tags awkward = Tags.of("quote", "\"q'", "backslash", "c:\\dir", "ctl", "a\u0001b\tc\nd\re",
                "unicode", "é✓\uD83D\uDE00", "lone", "x\uD800y");
        Batch b = Batch.of("s", 5, List.of(), List.of(Measurement.counter("we\"ird\\", awkward, 1)));
        assertEquals("{\"type\":\"counter\",\"batch\":1,\"time\":5,\"name\":\"we\\\"ird\\\\\",\"tags\":{"
                + "\"backslash\":\"c:\\\\dir\",\"ctl\":\"a\\u0001b\\tc\\nd\\re\",\"lone\":\"x\\ud800y\","
                + "\"quote\":\"\\\"q'\",\"unicode\":\"é✓\uD83D\uDE00\"},\"value\":1}\n", encode(b));
    }

    @Test
    void anEmptyBatchIsAnEmptyBody() throws IOException {
        assertEquals("", encode(Batch.of("s", 5, List.of(), List.of())));
    }
}
