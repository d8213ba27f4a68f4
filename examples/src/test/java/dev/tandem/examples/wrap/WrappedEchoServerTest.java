package dev.tandem.examples.wrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.core.CloseInfo;
import dev.tandem.core.CloseReason;
import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's wrap-a-handler snippet, run against a real client. */
@Timeout(60)
class WrappedEchoServerTest {
    @Test
    void theAdoptedHandlerEchoesAndItsPairClosesWhenTheClientLeaves() throws Exception {
        ConnectionManager manager = ConnectionManager.builder().build();
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            ConnectionPair<String> pair = WrappedEchoServer.adopt(manager, server.accept());
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("echo: hello", in.readLine());
            client.shutdownOutput();
            CloseInfo info = pair.closeFuture().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(CloseReason.READER_EOF, info.reason());
            assertEquals(1, info.messagesOut());
            assertEquals(null, in.readLine(), "the server closed its side");
        } finally {
            assertTrue(manager.shutdown(Duration.ofSeconds(5)).clean());
        }
        assertEquals(0, manager.counts().live());
    }
}
