package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The common ways to open a pair infer the message type with plain lambdas (issue 15): these
 * calls would not compile if they did not (the writers use their message as a String or byte[]).
 */
@Timeout(60)
class OpenInferenceTest {
    private final ConnectionManager manager = ConnectionManager.builder().build();

    @AfterEach
    void noLeaks() throws InterruptedException {
        TestSupport.assertNoLeaks(manager);
    }

    /** Reads one line, replies through the pair, then waits for the client to leave (a reply is never cut off by EOF). */
    private static <M> ReadLoop<M> replyOnce(java.util.function.Function<String, M> reply) {
        return ctx -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(ctx.input(), StandardCharsets.UTF_8));
            ctx.pair().send(reply.apply(in.readLine()));
            while (in.readLine() != null) {
                // until the client leaves
            }
        };
    }

    private static String roundTrip(TestSupport.Loopback server, String line) throws Exception {
        try (Socket c = server.connect()) {
            c.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    void aTypedOpenLetsPlainLambdasUseTheMessageAsAString() throws Exception {
        try (TestSupport.Loopback server = new TestSupport.Loopback(s -> manager.open(String.class, s,
                ctx -> { // a plain lambda: only String.class says what M is
                    BufferedReader in = new BufferedReader(new InputStreamReader(ctx.input(), StandardCharsets.UTF_8));
                    in.readLine();
                    ctx.pair().send("typed");
                    while (in.readLine() != null) {
                        // until the client leaves
                    }
                },
                (line, ctx) -> ctx.output().write((line.toUpperCase(java.util.Locale.ROOT) + "\n")
                        .getBytes(StandardCharsets.UTF_8))))) {
            assertEquals("TYPED", roundTrip(server, "ignored"));
        }
    }

    @Test
    void theLinesWriterFixesTheTypeToString() throws Exception {
        try (TestSupport.Loopback server = new TestSupport.Loopback(s -> manager.open(s,
                replyOnce(line -> line.length() + ":" + line), MessageWriter.lines(StandardCharsets.UTF_8)))) {
            assertEquals("5:hello", roundTrip(server, "hello"));
        }
    }

    @Test
    void theBytesWriterWritesEachChunkAsItIs() throws Exception {
        try (TestSupport.Loopback server = new TestSupport.Loopback(s -> manager.open(s,
                replyOnce(line -> new byte[] {'o', 'k', '\n'}), MessageWriter.bytes()))) {
            try (Socket c = server.connect()) {
                c.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                assertArrayEquals("ok\n".getBytes(StandardCharsets.UTF_8), c.getInputStream().readNBytes(3));
            }
        }
    }
}
