package dev.tandem.stats.statsd;

import dev.tandem.stats.testing.StatsSinkContractTest;
import dev.tandem.stats.StatsSink;
import java.io.IOException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared sink contract, over real UDP to a receiver on loopback. Events are read back by
 * counting their {@code name:1|c} lines (metrics are gauges in the default mode), once every
 * datagram the sink handed to the kernel has arrived.
 */
class StatsdSinkContractTest extends StatsSinkContractTest {
    private final Map<StatsSink, UdpReceiver> receivers = new IdentityHashMap<>();

    @Override
    protected StatsSink newSink() throws IOException {
        UdpReceiver r = new UdpReceiver();
        StatsdSink sink = StatsdSink.builder().host("127.0.0.1").port(r.port()).build();
        receivers.put(sink, r);
        return sink;
    }

    @Override
    protected long receivedEvents(StatsSink sink) throws InterruptedException {
        StatsdSink s = (StatsdSink) sink;
        return UdpReceiver.lines(receivers.get(sink).awaitDatagrams(s.packetsSent(), Duration.ofSeconds(10)))
                .stream().filter(l -> l.matches("[^:]+:1\\|c(\\|#.*)?")).count();
    }

    @AfterEach
    void closeReceivers() throws IOException {
        for (UdpReceiver r : receivers.values()) {
            r.close();
        }
    }
}
