package dev.tandem.examples.push;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;

/** A real client of the push server over a loopback socket; every read is a bounded wait that fails loudly. */
final class LineClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    static LineClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** With {@code receiveBufferBytes > 0}, a small receive window set before connecting, as a slow reader has. */
    static LineClient connect(int port, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) WAIT.toMillis());
            s.setSoTimeout((int) WAIT.toMillis());
            return new LineClient(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line from the server, or null once the server has closed the connection. */
    String readLine() throws IOException {
        try {
            return in.readLine();
        } catch (SocketTimeoutException e) {
            return Assertions.fail("no line from the server within " + WAIT, e);
        }
    }

    /** Sends one line and returns the next line the server sends. */
    String request(String line) throws IOException {
        send(line);
        return readLine();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
