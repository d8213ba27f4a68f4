package dev.tandem.examples.demo;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stats platform of the story, on loopback: a tiny HTTP server that answers every POST with
 * 204, until {@link #hang()}; from then on it accepts connections, reads the request, and never
 * answers, as the platform did under load.
 *
 * <p>Public so that the benchmarks (B3, B5) hang the very same platform.
 */
public final class StatsEndpoint implements Closeable {
    private final ServerSocket server;
    private final AtomicBoolean hanging = new AtomicBoolean();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** Starts answering on an ephemeral loopback port. */
    public StatsEndpoint() throws IOException {
        server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "demo-stats-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** From now on, requests get no answer. */
    public void hang() {
        hanging.set(true);
    }

    public boolean isHanging() {
        return hanging.get();
    }

    public long answered() {
        return answered.get();
    }

    /** Requests accepted and left without an answer. */
    public long held() {
        return held.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "demo-stats-request");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            while (true) {
                int length = 0;
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                while (line != null && !line.isEmpty()) { // headers
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                    line = in.readLine();
                }
                in.skip(length);
                if (hanging.get()) {
                    held.incrementAndGet();
                    in.read(); // the request was read; no answer will ever come, until the demo ends
                    return;
                }
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            // the demo closed us, or the client went away
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
