package dev.tandem.examples.wrap;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A blocking socket handler written the usual way, before Tandem: its own read loop and its own
 * write method. {@link WrappedEchoServer} adopts it without changing a line of it.
 */
public final class LegacyEchoHandler {
    private final BufferedReader in;
    private final BufferedWriter out;

    public LegacyEchoHandler(Socket socket) throws IOException {
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
    }

    /** Reads lines until the peer closes (returns) or the connection fails (throws). */
    public void readLoop(Consumer<String> onLine) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            onLine.accept(line);
        }
    }

    /** Writes one line. */
    public void write(String line) throws IOException {
        out.write(line);
        out.write('\n');
        out.flush();
    }
}
