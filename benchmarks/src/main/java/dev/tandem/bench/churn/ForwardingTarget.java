package dev.tandem.bench.churn;

import java.io.IOException;
import java.net.InetSocketAddress;

/** An echo server that forwards everything to another one: the base of wrappers that add to a variant. */
abstract class ForwardingTarget implements EchoTarget {
    protected final EchoTarget server;

    ForwardingTarget(EchoTarget server) {
        this.server = server;
    }

    @Override
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public long accepted() {
        return server.accepted();
    }

    @Override
    public long openSockets() {
        return server.openSockets();
    }

    @Override
    public long liveThreads() {
        return server.liveThreads();
    }

    @Override
    public long believedLive() {
        return server.believedLive();
    }

    @Override
    public String notes() {
        return server.notes();
    }

    @Override
    public dev.tandem.stats.SinkStats sinkStats() {
        return server.sinkStats();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
