package dev.tandem.stats.http;

import dev.tandem.stats.ItEnvironment;
import dev.tandem.stats.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An InfluxDB of a test's own, started with the influxd that {@code .ci/services.d/20-influxdb.sh}
 * exports, data under the test's folder, HTTP on a free port of 127.0.0.1 (it first binds port 0 and
 * logs the port it got; restarts reuse that port and the same data), so the test may kill, freeze
 * and restart it without touching the shared one.
 */
final class InfluxServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Listening on HTTP.*addr=127\\.0\\.0\\.1:(\\d+)");

    final InfluxClient client;
    final URI uri;
    private final ServerProcess process;

    private InfluxServer(URI uri, ServerProcess process) {
        this.uri = uri;
        this.client = new InfluxClient(uri);
        this.process = process;
    }

    static InfluxServer start(Path dir) throws IOException {
        String influxd = ItEnvironment.require("TANDEM_IT_INFLUXD");
        Path config = dir.resolve("influxdb.conf");
        Files.writeString(config, config(dir, 0), StandardCharsets.UTF_8);
        ServerProcess p = ServerProcess.start(List.of(influxd, "run", "-config", config.toString()),
                dir.resolve("influxd.log"));
        int[] port = new int[1];
        p.awaitReady(Duration.ofSeconds(20), () -> {
            Matcher m = LISTENING.matcher(p.log());
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        // A restart must come back on the same port: pin it in the config from now on.
        Files.writeString(config, config(dir, port[0]), StandardCharsets.UTF_8);
        InfluxServer s = new InfluxServer(URI.create("http://127.0.0.1:" + port[0]), p);
        s.awaitReady();
        return s;
    }

    private static String config(Path dir, int httpPort) {
        return "reporting-enabled = false\n"
                + "bind-address = \"127.0.0.1:0\"\n"
                + "[meta]\n  dir = \"" + dir.resolve("meta") + "\"\n  logging-enabled = false\n"
                + "[data]\n  dir = \"" + dir.resolve("data") + "\"\n  wal-dir = \"" + dir.resolve("wal") + "\"\n"
                + "  query-log-enabled = false\n"
                + "[monitor]\n  store-enabled = false\n"
                + "[http]\n  bind-address = \"127.0.0.1:" + httpPort + "\"\n  log-enabled = false\n"
                + "  pprof-enabled = false\n"
                + "[logging]\n  level = \"info\"\n  suppress-logo = true\n";
    }

    Duration awaitReady() {
        return process.awaitReady(Duration.ofSeconds(20), client::ping);
    }

    void kill() throws InterruptedException {
        process.kill();
    }

    Duration restart() throws IOException {
        process.restart();
        return awaitReady();
    }

    void freeze() throws IOException, InterruptedException {
        process.freeze();
    }

    void thaw() throws IOException, InterruptedException {
        process.thaw();
    }

    @Override
    public void close() {
        process.close();
    }
}
