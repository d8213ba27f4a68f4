package dev.tandem.examples.wrap;

import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import dev.tandem.core.ShutdownReport;
import dev.tandem.stats.LoggingStatsSink;
import dev.tandem.stats.StatsPipeline;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** An existing handler adopted by Tandem: its read loop and write method, unchanged. */
public final class WrappedEchoServer {
    public static ConnectionPair<String> adopt(ConnectionManager manager, Socket socket) throws IOException {
        LegacyEchoHandler handler = new LegacyEchoHandler(socket);
        return manager.open(socket,
                ctx -> handler.readLoop(line -> ctx.pair().send("echo: " + line)), // its read loop, as the reader
                (line, ctx) -> handler.write(line));                                 // its write, once per message
    }

    public static void main(String[] args) throws IOException {
        StatsPipeline stats = StatsPipeline.builder() // each closed connection logged as an event
                .sink("log", LoggingStatsSink.builder().metrics(false).build()).build();
        ConnectionManager manager = ConnectionManager.builder().stats(stats).build(); // every other option at its default
        ServerSocket server = new ServerSocket(args.length > 0 ? Integer.parseInt(args[0]) : 7000, 128,
                InetAddress.getLoopbackAddress());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // Ctrl-C or SIGTERM: a clean stop
            try {
                server.close();                                 // accept no one new
            } catch (IOException ignored) {
                // closing the listener is best effort: the pairs are what must close
            }
            ShutdownReport report = manager.shutdown(Duration.ofSeconds(5)); // closes every pair, waits at most 5 s
            System.err.println(report);                         // what shutdown did, and any pair that did not close
            stats.close(Duration.ofSeconds(2));                 // then the pipeline: flushes what it can, 2 s at most
        }, "echo-shutdown"));
        try (server) {
            while (true) {
                adopt(manager, server.accept()); // returns at once: Tandem runs the pair's two threads
            }
        } catch (IOException | IllegalStateException stopped) {
            // the hook closed the listener (accept throws) or shut the manager down (open throws)
        }
    }
}
