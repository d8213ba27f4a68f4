package dev.tandem.stats.statsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import dev.tandem.stats.statsd.StatsdSink.SampleType;
import dev.tandem.stats.statsd.StatsdSink.TagStyle;
import org.junit.jupiter.api.Test;

/** The exact StatsD lines for each kind of data, in both tag styles. */
class StatsdFormatTest {
    private static final Tags TAGS = Tags.of("sink", "x", "reason", "eof");

    private static StatsdFormat dog() {
        return new StatsdFormat("app", TagStyle.DOGSTATSD, SampleType.TIMER);
    }

    private static StatsdFormat plain() {
        return new StatsdFormat("app.", TagStyle.PLAIN, SampleType.TIMER);
    }

    @Test
    void countersAreTheirTotalAsAGaugeOrADelta() {
        StringBuilder sb = new StringBuilder();
        dog().counterAsGauge(sb, Measurement.counter("tandem.connections.opened", TAGS, 12));
        assertEquals("app.tandem.connections.opened:12|g|#reason:eof,sink:x", sb.toString());
        sb.setLength(0);
        plain().counterAsGauge(sb, Measurement.counter("tandem.connections.opened", TAGS, Long.MAX_VALUE));
        assertEquals("app.tandem.connections.opened.reason.eof.sink.x:9223372036854775807|g", sb.toString());
        sb.setLength(0);
        dog().counterDelta(sb, Measurement.counter("c", Tags.empty(), 12), 5);
        assertEquals("app.c:5|c", sb.toString());
    }

    @Test
    void aNegativeGaugeIsPrecededByZeroSoItIsNotReadAsADecrement() {
        StringBuilder sb = new StringBuilder();
        assertTrue(dog().gauge(sb, Measurement.gauge("g", Tags.of("k", "v"), -1.5)));
        assertEquals("app.g:0|g|#k:v\napp.g:-1.5|g|#k:v", sb.toString());
        sb.setLength(0);
        assertTrue(dog().gauge(sb, Measurement.gauge("g", Tags.empty(), -0.0)));
        assertEquals("app.g:0|g", sb.toString(), "-0 would be a decrement by zero");
        sb.setLength(0);
        assertTrue(dog().gauge(sb, Measurement.gauge("g", Tags.empty(), 3.0)));
        assertEquals("app.g:3|g", sb.toString());
        sb.setLength(0);
        assertTrue(dog().gauge(sb, Measurement.gauge("g", Tags.empty(), 0.25)));
        assertEquals("app.g:0.25|g", sb.toString());
        sb.setLength(0);
        assertTrue(dog().gauge(sb, Measurement.gauge("g", Tags.empty(), 1e20)));
        assertEquals("app.g:1.0E20|g", sb.toString());
    }

    @Test
    void nonFiniteGaugesAreSkipped() {
        StringBuilder sb = new StringBuilder();
        assertFalse(dog().gauge(sb, Measurement.gauge("g", Tags.empty(), Double.NaN)));
        assertFalse(dog().gauge(sb, Measurement.gauge("g", Tags.empty(), Double.NEGATIVE_INFINITY)));
        assertEquals("", sb.toString());
    }

    @Test
    void anEventIsACountAndOneSamplePerField() {
        Event e = Event.of(TestEvents.type("conn.closed", "id", "duration_ms"), 1, Tags.of("reason", "eof"), 7, 1200);
        StringBuilder sb = new StringBuilder();
        assertEquals(0, dog().event(sb, e));
        assertEquals("app.conn.closed:1|c|#reason:eof\napp.conn.closed.id:7|ms|#reason:eof\n"
                + "app.conn.closed.duration_ms:1200|ms|#reason:eof", sb.toString());
        sb.setLength(0);
        assertEquals(0, plain().event(sb, e));
        assertEquals("app.conn.closed.reason.eof:1|c\napp.conn.closed.id.reason.eof:7|ms\n"
                + "app.conn.closed.duration_ms.reason.eof:1200|ms", sb.toString());
        sb.setLength(0);
        assertEquals(0, dog().event(sb, Event.of(TestEvents.type("tick"), 1, Tags.empty())));
        assertEquals("app.tick:1|c", sb.toString());
    }

    @Test
    void negativeSamplesAreSkippedForTimersOnly() {
        Event e = Event.of(TestEvents.type("e", "a", "b"), 1, Tags.empty(), -3, 4);
        StringBuilder sb = new StringBuilder();
        assertEquals(1, dog().event(sb, e));
        assertEquals("app.e:1|c\napp.e.b:4|ms", sb.toString());
        sb.setLength(0);
        assertEquals(0, new StatsdFormat("", TagStyle.DOGSTATSD, SampleType.HISTOGRAM).event(sb, e));
        assertEquals("e:1|c\ne.a:-3|h\ne.b:4|h", sb.toString());
        sb.setLength(0);
        assertEquals(0, new StatsdFormat("", TagStyle.DOGSTATSD, SampleType.DISTRIBUTION).event(sb, e));
        assertEquals("e:1|c\ne.a:-3|d\ne.b:4|d", sb.toString());
    }

    @Test
    void charactersThatWouldBreakALineAreReplaced() {
        Tags awkward = Tags.of("colon|pipe", "a:b|c", "comma", "x,y", "space", "a b", "unicode", "é✓",
                "backslash", "c:\\dir", "nl", "a\nb");
        StringBuilder sb = new StringBuilder();
        dog().counterAsGauge(sb, Measurement.counter("we ird:na|me@x#y", awkward, 1));
        assertEquals("app.we_ird_na_me_x_y:1|g|#backslash:c:\\dir,colon_pipe:a:b_c,comma:x_y,nl:a_b,"
                + "space:a_b,unicode:é✓", sb.toString());
        sb.setLength(0);
        plain().counterAsGauge(sb, Measurement.counter("n", awkward, 1));
        assertEquals("app.n.backslash.c__dir.colon_pipe.a_b_c.comma.x_y.nl.a_b.space.a_b.unicode.__:1|g",
                sb.toString());
    }

    @Test
    void theNameCacheIsBounded() {
        StatsdFormat f = dog();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3 * StatsdFormat.MAX_CACHED; i++) {
            sb.setLength(0);
            f.counterAsGauge(sb, Measurement.counter("c", Tags.of("id", Integer.toString(i)), i));
            assertEquals("app.c:" + i + "|g|#id:" + i, sb.toString());
        }
    }
}
