package dev.tandem.stats.statsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.testing.TestEvents;
import dev.tandem.stats.Await;
import dev.tandem.stats.Batch;
import dev.tandem.stats.Counter;
import dev.tandem.stats.Event;
import dev.tandem.stats.EventType;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkState;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import dev.tandem.stats.statsd.ScriptedTransport.Outcome;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the StatsD sink packs lines into datagrams and keeps its books when a datagram is refused or
 * a send fails. The datagrams go to a scripted transport, since loopback cannot be made to refuse a
 * send on demand; {@link StatsdSinkLoopbackTest} and the ITs use real sockets.
 */
@Timeout(30)
class StatsdSinkTest {
    private static final Pattern SEQ = Pattern.compile("^t\\.ev\\.seq:(\\d+)\\|ms$");
    private final List<StatsPipeline> pipelines = new ArrayList<>();

    @AfterEach
    void closePipelines() throws InterruptedException {
        for (StatsPipeline p : pipelines) {
            p.close(Duration.ofSeconds(5));
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private static StatsdSink sink(ScriptedTransport t, int maxPacketSize) {
        return StatsdSink.builder().prefix("t").maxPacketSize(maxPacketSize).transports(t).build();
    }

    private static List<Event> events(int n) {
        EventType type = TestEvents.type("ev", "seq", "bytes");
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Event.of(type, 1, Tags.of("kind", i % 2 == 0 ? "even" : "odd"), i, 1000L * i));
        }
        return out;
    }

    private static List<String> lines(List<String> datagrams) {
        return UdpReceiver.lines(datagrams);
    }

    @Test
    void packsWholeLinesIntoDatagramsNoLargerThanTheLimitAndKeepsAnEventTogether() throws IOException {
        List<Event> events = events(300);
        List<Measurement> metrics = List.of(Measurement.counter("c", Tags.empty(), 7),
                Measurement.gauge("g", Tags.of("k", "v"), -2));
        ScriptedTransport one = new ScriptedTransport();
        sink(one, StatsdSink.MAX_PACKET_SIZE).publish(Batch.of("s", 1, events, metrics));
        assertEquals(1, one.sent().size(), "everything fits one big datagram");

        ScriptedTransport small = new ScriptedTransport();
        StatsdSink sink = sink(small, 512);
        sink.publish(Batch.of("s", 1, events, metrics));
        List<String> datagrams = small.sent();
        assertTrue(datagrams.size() > 40, "many small datagrams: " + datagrams.size());
        for (String d : datagrams) {
            assertTrue(d.getBytes(StandardCharsets.UTF_8).length <= 512, "datagram of " + d.length() + " bytes");
            assertTrue(!d.startsWith("\n") && !d.endsWith("\n") && !d.contains("\n\n"), d);
            // an event's three lines (count, seq, bytes) travel together
            List<String> ls = List.of(d.split("\n"));
            for (int i = 0; i < ls.size(); i++) {
                if (ls.get(i).startsWith("t.ev:1|c")) {
                    assertTrue(i + 2 < ls.size() && ls.get(i + 1).startsWith("t.ev.seq:")
                            && ls.get(i + 2).startsWith("t.ev.bytes:"), "event split in " + d);
                }
            }
        }
        assertEquals(lines(one.sent()).subList(0, 900 + 3), lines(datagrams).subList(0, 900 + 3),
                "the same lines in the same order");
        assertEquals(datagrams.size(), sink.packetsSent());
        assertEquals(300, sink.eventsSent());
        assertEquals(0, sink.eventsUnsent());
    }

    @Test
    void aRefusedDatagramIsDroppedAndCountedAndThePublishGoesOn() throws IOException {
        ScriptedTransport t = new ScriptedTransport().then(Outcome.SEND, Outcome.WOULD_BLOCK);
        StatsdSink sink = sink(t, 512);
        sink.publish(Batch.of("s", 1, events(100), List.of()));
        assertEquals(1, sink.packetsDropped(StatsdSink.PacketDrop.WOULD_BLOCK));
        assertEquals(0, sink.packetsDropped(StatsdSink.PacketDrop.SEND_ERROR));
        long lost = lines(t.refused).stream().filter(l -> l.startsWith("t.ev:1|c")).count();
        assertTrue(lost > 0, t.refused.toString());
        assertEquals(lost, sink.eventsUnsent());
        assertEquals(100 - lost, sink.eventsSent());
        assertEquals(100 - lost, lines(t.sent()).stream().filter(l -> l.startsWith("t.ev:1|c")).count());
        assertEquals(t.sent().size(), sink.packetsSent());
    }

    @Test
    void aFailedSendFailsThePublishAndTheRetryResumesAfterTheEventsSent() throws Exception {
        // The third datagram fails; the pipeline backs off and retries the batch.
        ScriptedTransport t = new ScriptedTransport().then(Outcome.SEND, Outcome.SEND, Outcome.FAIL);
        StatsdSink sink = sink(t, 512);
        // One stripe: one thread records all 200, and with one stripe per core it could fill only its share.
        StatsPipeline p = StatsPipeline.builder().producerStripes(1).sink("statsd", sink, SinkOptions.builder()
                .batchSize(200).queueCapacity(256).linger(Duration.ofSeconds(30))
                .backoff(Duration.ofMillis(10), Duration.ofMillis(10)).build()).build();
        pipelines.add(p);
        EventType ev = p.eventType("ev", "seq");
        for (int i = 0; i < 200; i++) {
            ev.record(Tags.empty(), i); // 200 fills the batch: published at once
        }
        // A publish that fails during close is not retried: wait for the retry before closing.
        Await.until(Duration.ofSeconds(10), () -> p.sinkStats("statsd").delivered() == 200,
                () -> p.sinkStats("statsd").toString());
        boolean clean = p.close(Duration.ofSeconds(10));
        SinkStats st = p.sinkStats("statsd");
        assertTrue(clean, "flushed cleanly after the retry: " + st + " sent " + t.sent() + " refused " + t.refused);
        assertEquals(1, st.failures(), st.toString());
        assertEquals(200, st.delivered(), st.toString());
        assertInstanceOf(PortUnreachableException.class, st.lastError().getCause(), st.toString());
        assertEquals(1, sink.packetsDropped(StatsdSink.PacketDrop.SEND_ERROR));

        Set<Long> seen = new HashSet<>();
        for (String line : lines(t.sent())) {
            Matcher m = SEQ.matcher(line);
            if (m.matches()) {
                assertTrue(seen.add(Long.parseLong(m.group(1))), "event " + m.group(1) + " sent twice");
            }
        }
        assertEquals(200, seen.size(), "every event sent once");
        assertEquals(200, sink.eventsSent());
        assertEquals(2, t.opens, "the channel is reopened after a failure");
    }

    @Test
    void deltasAreCountedFromTheLastTotalHandedToTheKernel() throws IOException {
        ScriptedTransport t = new ScriptedTransport();
        StatsdSink sink = StatsdSink.builder().counterMode(StatsdSink.CounterMode.DELTA_COUNTER)
                .transports(t).build();
        Tags tags = Tags.of("k", "v");
        sink.publish(Batch.of("s", 1, List.of(), List.of(Measurement.counter("c", tags, 10))));
        t.then(Outcome.WOULD_BLOCK);
        sink.publish(Batch.of("s", 1, List.of(), List.of(Measurement.counter("c", tags, 15))));
        sink.publish(Batch.of("s", 1, List.of(), List.of(Measurement.counter("c", tags, 18))));
        sink.publish(Batch.of("s", 1, List.of(), List.of(Measurement.counter("c", tags, 18))));
        sink.publish(Batch.of("s", 1, List.of(), List.of(Measurement.counter("c", tags, 4)))); // removed, registered again
        List<String> counts = new ArrayList<>();
        for (String line : lines(t.sent())) {
            if (line.startsWith("c:")) {
                counts.add(line);
            }
        }
        assertEquals(List.of("c:10|c|#k:v", "c:8|c|#k:v", "c:4|c|#k:v"), counts,
                "the refused 5 is sent again within the next delta; an unchanged total sends nothing");
    }

    @Test
    void cumulativeCountersRepeatTheTotalSoALostDatagramIsRepaired() throws IOException {
        ScriptedTransport t = new ScriptedTransport().then(Outcome.WOULD_BLOCK);
        StatsdSink sink = StatsdSink.builder().transports(t).build();
        sink.publish(Batch.of("s", 1, List.of(), List.of(Measurement.counter("c", Tags.empty(), 10))));
        sink.publish(Batch.of("s", 1, List.of(), List.of(Measurement.counter("c", Tags.empty(), 15))));
        assertEquals(List.of("c:15|g"), lines(t.sent()).subList(0, 1));
    }

    @Test
    void sendsItsOwnBooksAsCounters() throws IOException {
        ScriptedTransport t = new ScriptedTransport().then(Outcome.WOULD_BLOCK);
        StatsdSink sink = StatsdSink.builder().prefix("p").transports(t).build();
        sink.publish(Batch.of("s", 1, events(1), List.of()));
        sink.publish(Batch.of("s", 1, events(2), List.of(Measurement.gauge("nan", Tags.empty(), Double.NaN))));
        List<String> self = new ArrayList<>();
        for (String line : lines(t.sent())) {
            if (line.startsWith("p.tandem.statsd.")) {
                self.add(line);
            }
        }
        assertEquals(List.of("p.tandem.statsd.packets.sent:0|g",
                "p.tandem.statsd.packets.dropped:1|g|#reason:would_block",
                "p.tandem.statsd.packets.dropped:0|g|#reason:send_error",
                "p.tandem.statsd.lines.skipped:1|g",
                "p.tandem.statsd.events.sent:0|g",
                "p.tandem.statsd.events.unsent:1|g"), self);
        assertEquals(1, sink.linesSkipped());
    }

    @Test
    void aLineLongerThanADatagramIsSkippedAndItsEventCountedUnsent() throws IOException {
        ScriptedTransport t = new ScriptedTransport();
        StatsdSink sink = sink(t, 512);
        String huge = "x".repeat(600);
        Event big = Event.of(TestEvents.type("ev", "seq"), 1, Tags.of("k", huge), 1);
        sink.publish(Batch.of("s", 1, List.of(big, events(1).get(0)), List.of()));
        assertEquals(2, sink.linesSkipped(), "its count line and its sample");
        assertEquals(1, sink.eventsUnsent());
        assertEquals(1, sink.eventsSent());
    }

    @Test
    void publishAfterCloseIsLifecycleMisuse() throws IOException {
        ScriptedTransport t = new ScriptedTransport();
        StatsdSink sink = StatsdSink.builder().transports(t).build();
        sink.publish(Batch.of("s", 1, List.of(), List.of()));
        sink.close();
        sink.close();
        assertEquals(1, t.closes);
        assertThrows(IllegalStateException.class, () -> sink.publish(Batch.of("s", 1, List.of(), List.of())));
    }

    @Test
    void aCounterThatGrowsWhilePublishingIsExactAtTheEnd() throws Exception {
        ScriptedTransport t = new ScriptedTransport();
        StatsdSink sink = StatsdSink.builder().transports(t).build();
        StatsPipeline p = StatsPipeline.builder().sink("statsd", sink, SinkOptions.builder()
                .linger(Duration.ofMillis(1)).metricsInterval(Duration.ofMillis(1)).build()).build();
        pipelines.add(p);
        Counter c = p.counter("c");
        for (int i = 0; i < 100_000; i++) {
            c.increment();
        }
        assertTrue(p.close(Duration.ofSeconds(5)));
        List<String> ls = lines(t.sent());
        String last = null;
        for (String l : ls) {
            if (l.startsWith("c:")) {
                last = l;
            }
        }
        assertEquals("c:100000|g", last);
    }
}
