package dev.tandem.stats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an integration test started, ended after each test whether it passed or not: its pipelines
 * first (each given 5 s to close), then the servers of its own, in the order they were started;
 * then no {@code tandem-} thread may be left (within 10 s). Register it on a field,
 * {@code @RegisterExtension final ItResources resources = new ItResources();}, and pass what the
 * test starts through {@link #pipeline} and {@link #server}.
 *
 * <p>Not thread-safe: a test registers from its own thread.
 */
public final class ItResources implements AfterEachCallback {
    private final List<StatsPipeline> pipelines = new ArrayList<>();
    private final List<AutoCloseable> servers = new ArrayList<>();

    /** Closes {@code p} after the test; returns it. */
    public StatsPipeline pipeline(StatsPipeline p) {
        pipelines.add(p);
        return p;
    }

    /** Closes {@code server} after the test, once the pipelines are closed; returns it. */
    public <S extends AutoCloseable> S server(S server) {
        servers.add(server);
        return server;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (StatsPipeline p : pipelines) {
            p.close(Duration.ofSeconds(5));
        }
        for (AutoCloseable s : servers) {
            s.close();
        }
        TestThreads.assertNoTandemThreadsWithin(Duration.ofSeconds(10));
    }
}
