package dev.tandem.stats.http;

import dev.tandem.stats.testing.StatsSinkContractTest;
import dev.tandem.stats.StatsSink;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The shared sink contract, JSON Lines over real HTTP to a server on loopback that counts event lines. */
class HttpSinkContractTest extends StatsSinkContractTest {
    private final Map<StatsSink, LoopbackHttpServer> servers = new IdentityHashMap<>();

    @Override
    protected StatsSink newSink() throws IOException {
        LoopbackHttpServer server = new LoopbackHttpServer();
        HttpSink sink = HttpSink.builder(server.uri("/ingest")).build();
        servers.put(sink, server);
        return sink;
    }

    @Override
    protected long receivedEvents(StatsSink sink) {
        return servers.get(sink).countLines("{\"type\":\"event\"");
    }

    @AfterEach
    void stopServers() {
        for (LoopbackHttpServer s : servers.values()) {
            s.close();
        }
    }
}
