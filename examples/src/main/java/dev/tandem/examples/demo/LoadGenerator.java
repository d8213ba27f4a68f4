package dev.tandem.examples.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Clients that connect, exchange one line, and disconnect, one wave at a time. */
final class LoadGenerator {
    private long connected;
    private long disconnected;
    private long echoed;

    /** Connects {@code n} clients to {@code port}, each says hello and reads the echo, then all leave. */
    void wave(int port, int n) throws IOException {
        List<Socket> clients = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.setSoTimeout(10_000); // the load generator must never hang, whatever the server does
                clients.add(s);
                connected++;
            }
            for (Socket s : clients) {
                s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            }
            for (Socket s : clients) {
                String echo = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                if ("hello".equals(echo)) {
                    echoed++;
                }
            }
        } finally {
            for (Socket s : clients) {
                s.close();
                disconnected++;
            }
        }
    }

    long connected() {
        return connected;
    }

    long disconnected() {
        return disconnected;
    }

    long echoed() {
        return echoed;
    }
}
