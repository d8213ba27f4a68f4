package dev.tandem.stats.statsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.Await;
import dev.tandem.stats.Counter;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.EventType;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkState;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import dev.tandem.stats.TestThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a StatsD server that is not there looks like on loopback, with real sockets: the kernel
 * answers with ICMP port unreachable, the connected channel reports it on a later send, and the
 * sink backs off; once something listens again the exact totals arrive.
 */
@Timeout(60)
class StatsdSinkLoopbackTest {
    private static int freeUdpPort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    @Test
    void aPortWithNobodyBehindItMakesTheSinkBackOffAndTheTotalsArriveOnceSomeoneListens() throws Exception {
        int port = freeUdpPort();
        StatsdSink sink = StatsdSink.builder().port(port).maxPacketSize(512).build();
        StatsPipeline p = StatsPipeline.builder().sink("statsd", sink, SinkOptions.builder()
                .linger(Duration.ofMillis(5)).metricsInterval(Duration.ofMillis(5))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).maxRetries(1_000).build()).build();
        Counter c = p.counter("loop.count");
        EventType ev = p.eventType("loop.event", "n");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong recorded = new AtomicLong();
        CountDownLatch producerDone = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            while (!stop.get()) {
                c.increment();
                ev.record(Tags.empty(), recorded.incrementAndGet());
            }
            producerDone.countDown();
        }, "producer");
        producer.start();
        try {
            Await.until(Duration.ofSeconds(10), () -> p.sinkStats("statsd").dropped(DropReason.BACKOFF) > 0
                            && p.sinkStats("statsd").lastError() != null,
                    () -> p.sinkStats("statsd").toString());
            SinkStats down = p.sinkStats("statsd");
            assertTrue(down.lastError().getCause() instanceof PortUnreachableException, down.toString());
            assertTrue(sink.packetsDropped(StatsdSink.PacketDrop.SEND_ERROR) > 0, sink.toString());
            // The producer keeps going while nobody listens: a producer waiting on the sink would stop
            // advancing and the bounded wait would fail. (Compared to a count read before, not after
            // the first datagram arrives: that may come before the producer is scheduled again.)
            long whileDown = recorded.get();
            Await.until(Duration.ofSeconds(10), () -> recorded.get() > whileDown + 1_000,
                    () -> "the producer is stuck at " + recorded.get() + " while the sink is down");
            try (UdpReceiver server = new UdpReceiver(port)) {
                Await.until(Duration.ofSeconds(10), () -> !server.datagrams().isEmpty(), () -> "nothing arrived");
                long whenUp = recorded.get();
                Await.until(Duration.ofSeconds(10), () -> recorded.get() > whenUp,
                        () -> "the producer is stuck at " + recorded.get() + " once the server is back");
                stop.set(true);
                assertTrue(producerDone.await(10, TimeUnit.SECONDS), "producer stopped");
                long total = c.count();
                String expected = "loop.count:" + total + "|g";
                Await.until(Duration.ofSeconds(10), () -> UdpReceiver.lines(server.datagrams()).contains(expected),
                        () -> "no " + expected + " in " + last(server.datagrams()));
                assertTrue(p.close(Duration.ofSeconds(5)));
                assertEquals(SinkState.CLOSED, p.sinkStats("statsd").state());
            }
        } finally {
            stop.set(true);
            producer.join(10_000);
            p.close(Duration.ofSeconds(5));
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }

    private static String last(List<String> datagrams) {
        return datagrams.isEmpty() ? "nothing" : datagrams.get(datagrams.size() - 1);
    }
}
