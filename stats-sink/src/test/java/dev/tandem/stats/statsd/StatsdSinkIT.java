package dev.tandem.stats.statsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.Await;
import dev.tandem.stats.Counter;
import dev.tandem.stats.DropReason;
import dev.tandem.stats.EventType;
import dev.tandem.stats.ItEnvironment;
import dev.tandem.stats.ItResources;
import dev.tandem.stats.Producers;
import dev.tandem.stats.SettableGauge;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.SinkState;
import dev.tandem.stats.SinkStats;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StatsD sink against the real Etsy StatsD daemon (from npm, see
 * {@code .ci/services.d/10-statsd.sh}): what Tandem's pipeline counted is what the daemon shows,
 * read back through its admin interface. Counters go to the shared daemon, which flushes every
 * second (so its own counters reset, and gauges, our totals, must survive); event counts and the
 * kill/restart run on daemons of the test's own, which do not flush during the test.
 */
@Timeout(120)
class StatsdSinkIT {
    private static final String RUN = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    @RegisterExtension
    final ItResources resources = new ItResources();

    @TempDir
    Path dir;

    private StatsPipeline pipeline(SinkOptions options, Object... namesAndSinks) {
        StatsPipeline.Builder b = StatsPipeline.builder();
        for (int i = 0; i < namesAndSinks.length; i += 2) {
            b.sink((String) namesAndSinks[i], (StatsdSink) namesAndSinks[i + 1], options);
        }
        return resources.pipeline(b.build());
    }

    private StatsdDaemon ownDaemon() throws IOException {
        return resources.server(StatsdDaemon.start(dir, Duration.ofHours(1)));
    }

    private static SinkOptions fast() {
        return SinkOptions.builder().queueCapacity(16_384).batchSize(256)
                .linger(Duration.ofMillis(20)).metricsInterval(Duration.ofMillis(50)).build();
    }

    private static Map<String, Double> gauges(StatsdAdmin admin) {
        return Await.unchecked(admin::gauges);
    }

    private static Map<String, Double> counters(StatsdAdmin admin) {
        return Await.unchecked(admin::counters);
    }

    @Test
    void countersFromSeveralThreadsAreExactTotalsInTheSharedDaemonInBothTagStyles() throws Exception {
        String host = ItEnvironment.require("TANDEM_IT_STATSD_HOST");
        int port = Integer.parseInt(ItEnvironment.require("TANDEM_IT_STATSD_PORT"));
        StatsdAdmin admin = new StatsdAdmin(host, Integer.parseInt(ItEnvironment.require("TANDEM_IT_STATSD_ADMIN_PORT")));
        String dogPrefix = "dog" + RUN;
        String plainPrefix = "plain" + RUN;
        StatsdSink dog = StatsdSink.builder().host(host).port(port).prefix(dogPrefix).build();
        StatsdSink plain = StatsdSink.builder().host(host).port(port).prefix(plainPrefix)
                .tagStyle(StatsdSink.TagStyle.PLAIN).build();
        StatsPipeline p = pipeline(fast(), "dog", dog, "plain", plain);
        Counter requests = p.counter("it.requests", Tags.of("route", "home"));
        SettableGauge temperature = p.settableGauge("it.temperature", Tags.empty());
        temperature.set(-3.5);
        int threads = 4;
        int each = 25_000;
        Producers.together(threads, t -> {
            for (int i = 0; i < each; i++) {
                requests.increment();
            }
        });
        // Several publishes, so the daemon sees the negative gauge more than once (a second bare
        // "-3.5|g" would be read as a decrement).
        Await.books(p, "dog", Duration.ofSeconds(10), st -> st.publishes() >= 3);
        assertTrue(p.close(Duration.ofSeconds(10)), "closed cleanly");
        long total = (long) threads * each;
        assertEquals(total, requests.count());

        String dogKey = dogPrefix + ".it.requests;route=home";
        String plainKey = plainPrefix + ".it.requests.route.home";
        Await.until(Duration.ofSeconds(10), () -> {
            Map<String, Double> g = gauges(admin);
            return Double.valueOf(total).equals(g.get(dogKey)) && Double.valueOf(total).equals(g.get(plainKey));
        }, () -> "gauges " + dogKey + ", " + plainKey + " in " + gauges(admin));
        Map<String, Double> g = gauges(admin);
        assertEquals(-3.5, g.get(dogPrefix + ".it.temperature"), "a negative gauge is set, not decremented");
        double selfReported = g.get(dogPrefix + ".tandem.statsd.packets.sent");
        assertTrue(selfReported > 0 && selfReported <= dog.packetsSent(),
                "the sink's own books as of its last publish (which did not count itself): " + selfReported);
    }

    @Test
    void eventsBecomeACountAndSamplesAndTheDaemonHasExactlyWhatTheSinkSent() throws Exception {
        StatsdDaemon daemon = ownDaemon();
        StatsdSink sink = StatsdSink.builder().port(daemon.udpPort).prefix("ev").build();
        // Paced: 2,000 events in one burst are ~250 KB of datagrams, more than the daemon's socket
        // receive buffer (208 KB by default on Linux) holds while node drains it, and the kernel
        // drops the rest (docs/sinks.md gives the numbers). The rate limit is the pipeline's answer.
        StatsPipeline p = pipeline(fast().toBuilder().maxEventsPerSecond(4_000).build(), "statsd", sink);
        EventType request = p.eventType("it.request", "duration_ms", "bytes");
        Tags home = Tags.of("route", "home");
        int threads = 4;
        int each = 500;
        Producers.together(threads, t -> {
            for (int i = 0; i < each; i++) {
                request.record(home, i, 100L * t);
            }
        });
        // The flush at close ignores the rate limit: let the paced publishes finish first.
        Await.books(p, "statsd", Duration.ofSeconds(20), st -> st.delivered() == threads * each);
        assertTrue(p.close(Duration.ofSeconds(10)), "closed cleanly");
        SinkStats st = p.sinkStats("statsd");
        assertEquals(threads * each, st.recorded(), st.toString());
        assertEquals(threads * each, st.delivered(), "nothing dropped: " + st);
        assertEquals(st.delivered(), sink.eventsSent() + sink.eventsUnsent(), sink.toString());

        long sent = sink.eventsSent();
        String count = "ev.it.request;route=home";
        Await.until(Duration.ofSeconds(10), () -> Double.valueOf(sent).equals(counters(daemon.admin).get(count)),
                () -> count + " in " + counters(daemon.admin) + ", sink sent " + sent + " events in "
                        + sink.packetsSent() + " datagrams");
        assertEquals(sink.packetsSent(), counters(daemon.admin).get("statsd.packets_received"),
                "every datagram handed to the kernel reached the daemon");
        Map<String, Integer> timers = daemon.admin.timerCounts();
        assertEquals((int) sent, timers.get("ev.it.request.duration_ms;route=home"), timers.toString());
        assertEquals((int) sent, timers.get("ev.it.request.bytes;route=home"), timers.toString());
    }

    @Test
    void deltaCountersAddUpToTheExactTotalInADaemonThatDoesNotFlush() throws Exception {
        StatsdDaemon daemon = ownDaemon();
        StatsdSink sink = StatsdSink.builder().port(daemon.udpPort).prefix("delta")
                .counterMode(StatsdSink.CounterMode.DELTA_COUNTER).build();
        StatsPipeline p = pipeline(SinkOptions.builder().linger(Duration.ofMillis(2))
                .metricsInterval(Duration.ofMillis(2)).build(), "statsd", sink);
        Counter c = p.counter("it.count");
        Producers.together(4, t -> {
            for (int i = 0; i < 25_000; i++) {
                c.increment();
                if (i % 100 == 0) {
                    LockSupport.parkNanos(200_000); // spread the increments over many publishes
                }
            }
        });
        assertTrue(p.close(Duration.ofSeconds(10)), "closed cleanly");
        Await.until(Duration.ofSeconds(10), () -> Double.valueOf(100_000).equals(counters(daemon.admin).get("delta.it.count")),
                () -> "delta.it.count in " + counters(daemon.admin));
        assertTrue(sink.packetsSent() > 10, "many publishes, each a delta: " + sink.packetsSent());
    }

    @Test
    void aKilledDaemonMakesTheSinkBackOffAndTheRestartedOneGetsTheExactTotals() throws Exception {
        StatsdDaemon daemon = ownDaemon();
        StatsdSink sink = StatsdSink.builder().port(daemon.udpPort).prefix("kill").build();
        StatsPipeline p = pipeline(SinkOptions.builder().queueCapacity(4096).batchSize(256)
                .linger(Duration.ofMillis(10)).metricsInterval(Duration.ofMillis(10))
                .backoff(Duration.ofMillis(10), Duration.ofMillis(100)).maxRetries(1_000).build(), "statsd", sink);
        Counter c = p.counter("it.count");
        EventType ev = p.eventType("it.event", "n");
        AtomicLong recorded = new AtomicLong();
        try (Producers producers = Producers.steady(2, () -> {
            c.increment();
            ev.record(Tags.empty(), recorded.incrementAndGet());
        })) {
            String key = "kill.it.count";
            Await.until(Duration.ofSeconds(10), () -> gauges(daemon.admin).containsKey(key), () -> "no " + key);

            daemon.kill();
            long killedAt = System.nanoTime();
            Duration toFailure = Await.books(p, "statsd", Duration.ofSeconds(10), st -> st.failures() > 0);
            Await.books(p, "statsd", Duration.ofSeconds(10), st -> st.failures() >= 3); // a few backoffs, doubling
            Await.books(p, "statsd", Duration.ofSeconds(10), st -> st.dropped(DropReason.BACKOFF) > 0);
            SinkStats down = p.sinkStats("statsd");
            assertTrue(down.lastError().getCause() instanceof PortUnreachableException, down.toString());
            long duringOutage = recorded.get();

            Duration restart = daemon.restart();
            long restartedAt = System.nanoTime();
            Duration toGauge = Await.until(Duration.ofSeconds(10), () -> gauges(daemon.admin).containsKey(key),
                    () -> "no " + key + " after the restart");
            assertTrue(recorded.get() > duringOutage, "the producers kept recording throughout: they never wait");

            producers.stop();
            long total = c.count();
            Await.until(Duration.ofSeconds(10), () -> Double.valueOf(total).equals(gauges(daemon.admin).get(key)),
                    () -> key + " = " + gauges(daemon.admin).get(key) + ", expected " + total);
            assertTrue(p.close(Duration.ofSeconds(10)), "closed cleanly");
            SinkStats end = p.sinkStats("statsd");
            assertEquals(SinkState.CLOSED, end.state());
            assertEquals(end.recorded(), end.delivered() + end.droppedTotal(), end.toString());
            assertTrue(sink.packetsDropped(StatsdSink.PacketDrop.SEND_ERROR) > 0, sink.toString());
            System.out.printf("statsd kill/restart: first failed publish %d ms after SIGKILL; daemon ready %d ms "
                            + "after restart; first gauge %d ms after that; outage %d ms; books %s; sink %s sent=%d "
                            + "send_error=%d would_block=%d%n",
                    toFailure.toMillis(), restart.toMillis(), toGauge.toMillis(),
                    (restartedAt - killedAt) / 1_000_000, end, sink, sink.packetsSent(),
                    sink.packetsDropped(StatsdSink.PacketDrop.SEND_ERROR),
                    sink.packetsDropped(StatsdSink.PacketDrop.WOULD_BLOCK));
        }
    }
}
