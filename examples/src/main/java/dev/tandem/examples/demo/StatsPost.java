package dev.tandem.examples.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One stats POST, written the way the story's platform client was: no connect or read timeout,
 * so when the platform stops answering, the call blocks forever. Both servers use it; only one of
 * them survives it. Public so that the benchmarks' sinks make the very same call.
 */
public final class StatsPost {
    private StatsPost() {}

    /** POSTs {@code body} to {@code endpoint}; blocks for as long as the endpoint does not answer. */
    public static void post(InetSocketAddress endpoint, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + endpoint.getPort() + "/stats")
                .toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(bytes);
        }
        int status = c.getResponseCode(); // blocks for as long as the platform does not answer
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
        if (status / 100 != 2) {
            throw new IOException("stats platform answered " + status);
        }
    }
}
