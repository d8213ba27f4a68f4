package dev.tandem.bench.churn;

import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import dev.tandem.core.PairContext;
import dev.tandem.core.ReadLoop;
import dev.tandem.core.ShutdownReport;
import dev.tandem.core.MessageWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The same echo logic on Tandem: each connection is a {@link ConnectionPair}; its reader reads a
 * line and {@link ConnectionPair#send sends} it, its writer writes it. Its side of a connection
 * has fully closed when the pair's {@link ConnectionPair#closeFuture() closeFuture} completes:
 * socket closed, both threads out of user code, hooks run, counts updated.
 */
final class TandemEchoServer extends ChurnServer {
    static final ReadLoop<byte[]> READER = ctx -> {
        LineReader in = new LineReader(ctx.input());
        byte[] line;
        while ((line = in.readLine()) != null) {
            ctx.pair().send(line);
        }
    };

    static final MessageWriter<byte[]> WRITER = (byte[] line, PairContext<byte[]> ctx) -> {
        OutputStream out = ctx.output();
        out.write(line);
        out.flush();
    };

    private final ConnectionManager manager;

    TandemEchoServer(CloseClock clock, ConnectionManager manager) throws IOException {
        super(clock);
        this.manager = manager;
    }

    @Override
    void serve(Socket s, long key) {
        ConnectionPair<byte[]> pair = manager.open(s, READER, WRITER);
        pair.closeFuture().whenComplete((info, never) -> clock.server(key, System.nanoTime()));
    }

    ConnectionManager manager() {
        return manager;
    }

    /**
     * Threads serving a pair now (named {@code tandem-<id>-reader/writer}), listed by the JDK; -1 on
     * virtual threads, which it does not list. A pooled thread takes its pool name back once its
     * side has returned, and the side thread that completes a pair's close future still has to
     * return from its run method: so this looks again, for at most 2 s, until no thread bears a
     * pair's name. (It used to join each thread so named: a pooled thread never ends, so one caught
     * between completing the future and taking back its pool name counted as left open.)
     */
    @Override
    public long liveThreads() {
        if (manager.usesVirtualThreads()) {
            return -1;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (true) {
            long serving = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && t.getName().matches("tandem-[0-9]+-(reader|writer)")) {
                    serving++;
                }
            }
            if (serving == 0 || System.nanoTime() >= deadline) {
                return serving;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return serving;
            }
        }
    }

    @Override
    public long believedLive() {
        return manager.counts().live();
    }

    @Override
    public String notes() {
        return manager.counts().toString();
    }

    /** Stops accepting and shuts the manager down; the stats pipeline, if the caller gave one, is the caller's. */
    @Override
    public void close() throws IOException {
        super.close();
        ShutdownReport report = manager.shutdown(Duration.ofSeconds(5));
        if (!report.clean()) {
            throw new IllegalStateException("Tandem left pairs behind at shutdown: " + report);
        }
    }
}
