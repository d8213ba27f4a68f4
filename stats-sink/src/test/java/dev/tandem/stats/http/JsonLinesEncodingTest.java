package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact JSON Lines the generic encoding writes. */
class JsonLinesEncodingTest {
    private static String encode(Batch b) throws IOException {
        return Bodies.encode(BodyEncoding.jsonLines(), b);
    }

    @Test
    void oneObjectPerEventAndPerMetric() throws IOException {
        Batch b = Batch.of("s", 1764340000012L,
                List.of(Event.of(TestEvents.type("app.closed", "id", "duration_ms"), 1764340000000L, Tags.of("reason", "eof"), 42, 1200),
                        Event.of(TestEvents.type("app.tick"), 1764340000001L, Tags.empty())),
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

    /** Every control character, DEL and U+2028, and each way a surrogate can be paired or not. */
    static String awkwardCharacters() {
        StringBuilder s = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            s.append(c);
        }
        return s.append("\u007f\u2028 \uD83D\uDE00 \uDC00\uD800 \uD800\uD800\uDC00 \uD800\uDC00\uDC00 \uD800").toString();
    }

    @Test
    void controlCharactersOtherThanTabAndLineBreaksAreSixCharacterEscapes() throws IOException {
        Event e = Event.of(TestEvents.type(awkwardCharacters(), "f"), 9, Tags.of("k", "v"), Long.MIN_VALUE);
        Batch b = Batch.of("s", 5, List.of(e), List.of());
        assertEquals("{\"type\":\"event\",\"batch\":1,\"time\":9,\"name\":\""
                + "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0008\\t\\n\\u000b\\u000c\\r\\u000e\\u000f"
                + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
                + "\u007f\u2028 \uD83D\uDE00 \\udc00\\ud800 \\ud800\uD800\uDC00 \uD800\uDC00\\udc00 \\ud800\","
                + "\"tags\":{\"k\":\"v\"},\"fields\":{\"f\":-9223372036854775808}}\n", encode(b));
    }

    @Test
    void gaugesAreJavaDoublesAndCountersExactLongs() throws IOException {
        Batch b = Batch.of("s", 5, List.of(), List.of(
                Measurement.gauge("a", Tags.empty(), -0.0),
                Measurement.gauge("b", Tags.empty(), 1e21),
                Measurement.gauge("c", Tags.empty(), 1e-7),
                Measurement.gauge("d", Tags.empty(), Double.MIN_VALUE),
                Measurement.gauge("e", Tags.empty(), Double.MAX_VALUE),
                Measurement.gauge("f", Tags.empty(), Double.POSITIVE_INFINITY),
                Measurement.counter("g", Tags.empty(), 0)));
        assertEquals(""
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":5,\"name\":\"a\",\"tags\":{},\"value\":-0.0}\n"
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":5,\"name\":\"b\",\"tags\":{},\"value\":1.0E21}\n"
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":5,\"name\":\"c\",\"tags\":{},\"value\":1.0E-7}\n"
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":5,\"name\":\"d\",\"tags\":{},\"value\":4.9E-324}\n"
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":5,\"name\":\"e\",\"tags\":{},\"value\":1.7976931348623157E308}\n"
                + "{\"type\":\"gauge\",\"batch\":1,\"time\":5,\"name\":\"f\",\"tags\":{},\"value\":null}\n"
                + "{\"type\":\"counter\",\"batch\":1,\"time\":5,\"name\":\"g\",\"tags\":{},\"value\":0}\n",
                encode(b));
    }

    @Test
    void anEmptyBatchIsAnEmptyBody() throws IOException {
        assertEquals("", encode(Batch.of("s", 5, List.of(), List.of())));
    }
}
