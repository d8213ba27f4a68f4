package dev.tandem.examples.push;

import dev.tandem.core.TimeSource;
import dev.tandem.stats.LoggingStatsSink;
import dev.tandem.stats.StatsPipeline;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/** Settings of a {@link PushServer}; the defaults suit a demo on loopback. */
public final class PushServerOptions {
    int port;
    InetAddress bindAddress = InetAddress.getLoopbackAddress();
    boolean virtualThreads;
    int outboundQueueCapacity = 256;
    Duration idleTimeout = Duration.ofSeconds(60);
    Duration writeTimeout = Duration.ofSeconds(10);
    int diagnosticsPort;
    StatsPipeline stats;
    TimeSource clock = TimeSource.system();
    Duration timerTick;

    /** Where clients connect (default 0: any free port; {@code main} uses 7070). */
    public PushServerOptions port(int port) {
        this.port = port;
        return this;
    }

    /** The listening address (default loopback). */
    public PushServerOptions bindAddress(InetAddress address) {
        this.bindAddress = Objects.requireNonNull(address, "address");
        return this;
    }

    /** Run clients on virtual threads if this JDK has them (21+); else platform threads. */
    public PushServerOptions virtualThreads(boolean virtualThreads) {
        this.virtualThreads = virtualThreads;
        return this;
    }

    /** Messages queued per client before it is closed as a slow consumer (default 256). */
    public PushServerOptions outboundQueueCapacity(int capacity) {
        this.outboundQueueCapacity = capacity;
        return this;
    }

    /** A client that sends nothing for this long is closed (default 60 s); PING keeps it open. */
    public PushServerOptions idleTimeout(Duration idleTimeout) {
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        return this;
    }

    /** A write to a client that makes no progress for this long closes it (default 10 s). */
    public PushServerOptions writeTimeout(Duration writeTimeout) {
        this.writeTimeout = Objects.requireNonNull(writeTimeout, "writeTimeout");
        return this;
    }

    /** The diagnostics endpoint's port on loopback (default 0: any free port). */
    public PushServerOptions diagnosticsPort(int port) {
        this.diagnosticsPort = port;
        return this;
    }

    /** Your own pipeline (you close it, after {@link PushServer#stop}); default: one with a {@link LoggingStatsSink}. */
    public PushServerOptions stats(StatsPipeline stats) {
        this.stats = Objects.requireNonNull(stats, "stats");
        return this;
    }

    /** The clock for the deadlines (tests pass their own). */
    public PushServerOptions clock(TimeSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** How often deadlines are checked (default: Tandem's, from the timeouts). */
    public PushServerOptions timerTick(Duration tick) {
        this.timerTick = tick;
        return this;
    }
}
