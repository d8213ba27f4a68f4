package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.Tags;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact line protocol written, escaping and timestamps included. */
class InfluxLineProtocolEncodingTest {
    @Test
    void eventsArePointsAndMetricsHaveAValueField() throws IOException {
        Batch b = Batch.of("s", 1764340000012L,
                List.of(Event.of(TestEvents.type("app.closed", "id", "duration_ms"), 1764340000000L, Tags.of("reason", "eof"), 42, -1200),
                        Event.of(TestEvents.type("app.tick"), 1764340000000L, Tags.empty())),
                List.of(Measurement.counter("app.opened", Tags.of("k", "v"), Long.MAX_VALUE),
                        Measurement.gauge("app.live", Tags.empty(), 3),
                        Measurement.gauge("app.small", Tags.empty(), 0.25),
                        Measurement.gauge("app.big", Tags.empty(), -1e20),
                        Measurement.gauge("app.zero", Tags.empty(), -0.0),
                        Measurement.gauge("app.nan", Tags.empty(), Double.NaN),
                        Measurement.gauge("app.inf", Tags.empty(), Double.POSITIVE_INFINITY)));
        assertEquals(""
                + "app.closed,reason=eof id=42i,duration_ms=-1200i 1764340000000000000\n"
                + "app.tick count=1i 1764340000000000001\n"
                + "app.opened,k=v value=9223372036854775807i 1764340000012000000\n"
                + "app.live value=3 1764340000012000000\n"
                + "app.small value=0.25 1764340000012000000\n"
                + "app.big value=-100000000000000000000 1764340000012000000\n"
                + "app.zero value=0 1764340000012000000\n",
                Bodies.encode(BodyEncoding.influxLineProtocol(), b));
    }

    @Test
    void escapesPerTheLineProtocol() throws IOException {
        Tags awkward = Tags.of("space", "a b", "equals", "k=v", "comma", "x,y", "quote", "\"q'",
                "backslash", "c:\\dir", "nl", "a\nb", "k y", "v", "time", "t");
        Event e = Event.of(TestEvents.type("my meas,ure=ment", "f=1", "time"), 0, awkward, 1, 2);
        assertEquals("my\\ meas\\,ure=ment,backslash=c:\\dir,comma=x\\,y,equals=k\\=v,k\\ y=v,nl=a\\ b,"
                + "quote=\"q',space=a\\ b,time_=t f\\=1=1i,time_=2i 0\n",
                Bodies.encode(BodyEncoding.influxLineProtocol(), Batch.of("s", 0, List.of(e), List.of())));
    }

    @Test
    void backslashesThatCannotBeWrittenExactlyAreKeptVisible() {
        StringBuilder sb = new StringBuilder();
        InfluxLineProtocolEncoding.escape(sb, "a\\,b", true);
        assertEquals("a\\\\\\,b", sb.toString());
        sb.setLength(0);
        InfluxLineProtocolEncoding.escape(sb, "end\\", true);
        assertEquals("end\\_", sb.toString());
        sb.setLength(0);
        InfluxLineProtocolEncoding.escape(sb, "c:\\dir", true);
        assertEquals("c:\\dir", sb.toString());
        sb.setLength(0);
        InfluxLineProtocolEncoding.measurement(sb, "#comment");
        assertEquals("_comment", sb.toString());
    }

    @Test
    void eventsInTheSameMillisecondGetDistinctTimestampsAndARetryTheSameOnes() throws IOException {
        EventType t = TestEvents.type("e", "n");
        List<Event> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(Event.of(t, 7, Tags.empty(), i));
        }
        BodyEncoding enc = BodyEncoding.influxLineProtocol();
        Batch b1 = Batch.of("s", 0, first, List.of());
        String once = Bodies.encode(enc, b1);
        assertEquals("e n=0i 7000000\ne n=1i 7000001\ne n=2i 7000002\n", once);
        assertEquals(once, Bodies.encode(enc, b1), "a retry of the same batch (same sequence) is the same body");
        // A sink's next batch has the next sequence; Batch.of always says 1, so use another sink name.
        Batch next = Batch.of("t", 0, List.of(Event.of(t, 7, Tags.empty(), 9)), List.of());
        assertEquals("e n=9i 7000003\n", Bodies.encode(enc, next), "numbering goes on where the last batch ended");
    }
}
