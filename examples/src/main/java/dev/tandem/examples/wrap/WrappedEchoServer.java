package dev.tandem.examples.wrap;

import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** An existing handler adopted by Tandem: its read loop and write method, unchanged. */
public final class WrappedEchoServer {
    public static ConnectionPair<String> adopt(ConnectionManager manager, Socket socket) throws IOException {
        LegacyEchoHandler handler = new LegacyEchoHandler(socket);
        ConnectionPair<String> pair = manager.open(socket,
                ctx -> handler.readLoop(line -> ctx.pair().send("echo: " + line)), // its read loop, as the reader
                (line, ctx) -> handler.write(line));                                 // its write, once per message
        return pair;
    }

    public static void main(String[] args) throws IOException {
        ConnectionManager manager = ConnectionManager.builder().build(); // defaults: see the README
        try (ServerSocket server = new ServerSocket(args.length > 0 ? Integer.parseInt(args[0]) : 7000, 128,
                InetAddress.getLoopbackAddress())) {
            while (true) {
                adopt(manager, server.accept()); // returns at once: Tandem runs the pair's two threads
            }
        }
    }
}
