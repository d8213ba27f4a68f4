package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resource exhaustion (issue 13): the process's file-descriptor table is full. Run in a child JVM
 * whose limit is lowered with {@code ulimit -n} (the test JVM's own table must stay usable), on
 * real loopback sockets. With the table full, the server's own {@code accept} fails ("Too many open
 * files": the application's call, not Tandem's); {@code open} of a socket accepted before still
 * works and serves, because neither opening nor closing a pair needs a descriptor; closing that pair
 * frees its descriptor, so the application's next {@code accept} succeeds and that connection is
 * served too; counts are exact and the shutdown is clean.
 */
@Timeout(120)
class FdExhaustionTest {
    private static final int LIMIT = 256;

    @Test
    void withTheFdTableFullOpenStillServesAndAClosedPairGivesItsDescriptorBack() throws Exception {
        assumeTrue(new File("/proc/self/fd").isDirectory(), "needs Linux's /proc to count descriptors");
        assumeTrue(new File("/bin/bash").canExecute(), "needs bash for ulimit");
        Path out = Files.createTempFile("tandem-fd-exhaustion", ".log");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "ulimit -n " + LIMIT + " && exec \"$@\"", "bash",
                    java, "-cp", System.getProperty("java.class.path"), Child.class.getName());
            pb.redirectErrorStream(true).redirectOutput(out.toFile());
            Process p = pb.start();
            boolean ended = p.waitFor(90, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String log = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(ended, "the child did not end within 90 s:\n" + log);
            assertEquals(0, p.exitValue(), "the child failed:\n" + log);
            assertTrue(log.contains("table full: accept failed: "), log);
            assertTrue(log.contains("served with the table full"), log);
            assertTrue(log.contains("served on the descriptor the closed pair gave back"), log);
            assertTrue(log.contains("shutdown clean"), log);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The child JVM, with its descriptor limit lowered: every check throws on failure. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            InetAddress lo = InetAddress.getLoopbackAddress();
            ConnectionManager manager = ConnectionManager.builder().name("fd-exhaustion").build();
            try (ServerSocket server = new ServerSocket(0, 50, lo)) {
                // Every class of the path is loaded first: with the table full, a class not yet
                // loaded from a directory on the class path could not be read.
                try (Socket warm = new Socket(lo, server.getLocalPort())) {
                    ConnectionPair<String> w = manager.open(server.accept(), TestSupport.echoLines(), TestSupport.writeLines());
                    roundTrip(warm, "warm-up");
                    warm.shutdownOutput();
                    check(w.closeFuture().toCompletableFuture().get(20, TimeUnit.SECONDS).reason() == CloseReason.READER_EOF,
                            "warm-up pair closed at EOF");
                }
                Socket first = new Socket(lo, server.getLocalPort());
                Socket accepted = server.accept();
                Socket second = new Socket(lo, server.getLocalPort()); // waits in the backlog: no fd here yet

                List<FileInputStream> hogs = new ArrayList<>();
                try {
                    try {
                        while (hogs.size() < 100_000) {
                            hogs.add(new FileInputStream("/dev/null"));
                        }
                    } catch (IOException full) {
                        System.out.println("table filled after " + hogs.size() + " more descriptors: " + full.getMessage());
                    }
                    try {
                        server.accept().close();
                        throw new AssertionError("accept succeeded: the table is not full");
                    } catch (IOException full) {
                        System.out.println("table full: accept failed: " + full.getMessage());
                    }

                    ConnectionPair<String> pair = manager.open(accepted, TestSupport.echoLines(), TestSupport.writeLines());
                    roundTrip(first, "with the table full");
                    System.out.println("served with the table full");

                    first.shutdownOutput(); // the pair ends at EOF and closes its socket: one fd free
                    CloseInfo info = pair.closeFuture().toCompletableFuture().get(20, TimeUnit.SECONDS);
                    check(info.reason() == CloseReason.READER_EOF, "closed at EOF: " + info);
                    Socket next = acceptWithin(server, Duration.ofSeconds(20));
                    ConnectionPair<String> again = manager.open(next, TestSupport.echoLines(), TestSupport.writeLines());
                    roundTrip(second, "on the freed descriptor");
                    System.out.println("served on the descriptor the closed pair gave back");
                    second.shutdownOutput();
                    check(again.closeFuture().toCompletableFuture().get(20, TimeUnit.SECONDS).reason() == CloseReason.READER_EOF,
                            "second pair closed at EOF");
                } finally {
                    for (FileInputStream h : hogs) {
                        h.close();
                    }
                }
                first.close();
                second.close();
            }
            ConnectionCounts counts = manager.counts();
            check(counts.opened() == 3 && counts.closed(CloseReason.READER_EOF) == 3 && counts.live() == 0,
                    "counts exact: " + counts);
            ShutdownReport report = manager.shutdown(Duration.ofSeconds(5));
            check(report.clean(), "shutdown clean: " + report);
            System.out.println("shutdown clean");
        }

        /** The pair's close frees the descriptor a moment after its close future completes. */
        private static Socket acceptWithin(ServerSocket server, Duration within) throws Exception {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                try {
                    return server.accept();
                } catch (IOException stillFull) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no descriptor came back within " + within, stillFull);
                    }
                    Thread.sleep(10);
                }
            }
        }

        private static void roundTrip(Socket client, String line) throws IOException {
            client.setSoTimeout(20_000);
            OutputStream o = client.getOutputStream();
            o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            String echoed = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine();
            check(line.equals(echoed), "echo of '" + line + "': got '" + echoed + "'");
        }

        private static void check(boolean ok, String what) {
            if (!ok) {
                throw new AssertionError(what);
            }
        }
    }
}
