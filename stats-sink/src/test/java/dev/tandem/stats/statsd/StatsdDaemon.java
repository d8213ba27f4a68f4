package dev.tandem.stats.statsd;

import dev.tandem.stats.ItEnvironment;
import dev.tandem.stats.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An Etsy StatsD daemon of a test's own, started with the node binary and stats.js that
 * {@code .ci/services.d/10-statsd.sh} exports, on free ports of 127.0.0.1, so the test may kill and
 * restart it (on the same ports) without touching the shared one.
 */
final class StatsdDaemon implements AutoCloseable {
    final int udpPort;
    final int adminPort;
    final StatsdAdmin admin;
    private final ServerProcess process;

    private StatsdDaemon(int udpPort, int adminPort, ServerProcess process) {
        this.udpPort = udpPort;
        this.adminPort = adminPort;
        this.admin = new StatsdAdmin("127.0.0.1", adminPort);
        this.process = process;
    }

    /**
     * Starts a daemon flushing every {@code flushInterval} (a long one keeps counters and timers
     * from being reset during the test), and waits until its admin interface answers.
     */
    static StatsdDaemon start(Path dir, Duration flushInterval) throws IOException {
        String node = ItEnvironment.require("TANDEM_IT_STATSD_NODE");
        String main = ItEnvironment.require("TANDEM_IT_STATSD_MAIN");
        int udp;
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            udp = ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
        int tcp;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            tcp = s.getLocalPort();
        }
        Path config = dir.resolve("statsd-" + udp + ".js");
        Files.writeString(config, "{\n  address: \"127.0.0.1\", port: " + udp + ",\n"
                + "  mgmt_address: \"127.0.0.1\", mgmt_port: " + tcp + ",\n"
                + "  flushInterval: " + flushInterval.toMillis() + ",\n"
                + "  backends: [], title: false, automaticConfigReload: false\n}\n", StandardCharsets.UTF_8);
        ServerProcess p = ServerProcess.start(List.of(node, main, config.toString()), dir.resolve("statsd-" + udp + ".log"));
        StatsdDaemon d = new StatsdDaemon(udp, tcp, p);
        d.awaitReady();
        return d;
    }

    Duration awaitReady() {
        return process.awaitReady(Duration.ofSeconds(20), admin::healthy);
    }

    void kill() throws InterruptedException {
        process.kill();
    }

    /** Starts it again on the same ports, with empty state (as a restarted daemon has), and waits until ready. */
    Duration restart() throws IOException {
        process.restart();
        return awaitReady();
    }

    String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }
}
