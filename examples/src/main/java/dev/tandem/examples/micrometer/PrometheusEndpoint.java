package dev.tandem.examples.micrometer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.micrometer.StatsPipelineMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A pipeline's metrics at {@code http://<address>/metrics} in Prometheus' text format: Tandem's
 * {@link StatsPipelineMetrics} bound to Micrometer's {@link PrometheusMeterRegistry}, served by
 * the JDK's own HTTP server. Every scrape reads the pipeline's exact totals.
 */
public final class PrometheusEndpoint implements Closeable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StatsPipelineMetrics metrics;
    private final HttpServer http;

    private PrometheusEndpoint(StatsPipeline pipeline, InetSocketAddress address) throws IOException {
        metrics = StatsPipelineMetrics.of(pipeline);
        metrics.bindTo(registry);
        http = HttpServer.create(address, 16);
        http.createContext("/metrics", this::scrape);
        http.start(); // one daemon dispatcher thread answers the scrapes
    }

    /** Serves {@code pipeline}'s metrics on {@code address}; bind it to loopback unless Prometheus is elsewhere. */
    public static PrometheusEndpoint serve(StatsPipeline pipeline, InetSocketAddress address) throws IOException {
        return new PrometheusEndpoint(pipeline, address);
    }

    private void scrape(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Where it listens (the real port when it was given port 0). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** Stops serving and removes the meters; the pipeline stays open. */
    @Override
    public void close() {
        http.stop(0);
        metrics.close();
        registry.close();
    }
}
