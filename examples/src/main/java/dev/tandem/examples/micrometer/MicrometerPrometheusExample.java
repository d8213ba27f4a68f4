package dev.tandem.examples.micrometer;

import dev.tandem.core.ConnectionManager;
import dev.tandem.examples.wrap.WrappedEchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * An echo server on Tandem whose connection and pipeline metrics Prometheus can scrape:
 * {@code tandem_connections_opened_total}, {@code tandem_connections_closed_total{reason}},
 * {@code tandem_connections_live}, {@code tandem_stats_*{sink}}. Arguments: the echo port
 * (default 7000) and the metrics port (default 9404), both on loopback. Try
 * {@code printf 'hi\n' | nc -q1 127.0.0.1 7000} and {@code curl -s 127.0.0.1:9404/metrics}.
 */
public final class MicrometerPrometheusExample {
    public static void main(String[] args) throws IOException {
        int echoPort = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
        int metricsPort = args.length > 1 ? Integer.parseInt(args[1]) : 9404;
        ConnectionManager manager = ConnectionManager.builder().name("echo").build();
        PrometheusEndpoint metrics = PrometheusEndpoint.serve(manager.stats(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), metricsPort));
        try (ServerSocket server = new ServerSocket(echoPort, 128, InetAddress.getLoopbackAddress())) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                metrics.close();
                manager.shutdown(java.time.Duration.ofSeconds(5));
            }, "example-shutdown"));
            System.out.println("echo on " + server.getLocalSocketAddress() + ", metrics on http://"
                    + metrics.address().getHostString() + ":" + metrics.address().getPort() + "/metrics");
            while (true) {
                WrappedEchoServer.adopt(manager, server.accept());
            }
        }
    }
}
