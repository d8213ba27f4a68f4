package dev.tandem.bench.push;

import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import dev.tandem.core.MessageWriter;
import dev.tandem.core.OverflowPolicy;
import dev.tandem.core.ReadLoop;
import dev.tandem.core.SendResult;
import dev.tandem.core.ShutdownReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The push server on Tandem: each connection is a {@link ConnectionPair}; its reader reads until
 * the end of the stream (the clients send nothing), its {@link MessageWriter} writes each message
 * through {@code ctx.output()}. A push is {@link ConnectionPair#send}: when the pair's queue holds
 * {@code capacity} messages already the pusher skips it this time, as it skips a full queue of the
 * bare server; the manager's policy is {@link OverflowPolicy#DROP_MESSAGE}, and a send that
 * overflows anyway counts as not sent (the pusher sends that message again later) and is counted.
 *
 * <h2>Implementation notes</h2>
 * The acceptor thread opens pairs; pusher threads call {@link #offer}, each on its own
 * connections; the pair's close future, completed on one of Tandem's threads, reports the close.
 */
final class TandemPushServer extends PushServer<ConnectionPair<byte[]>> {
    static final ReadLoop<byte[]> READER = ctx -> {
        InputStream in = ctx.input();
        while (in.read() >= 0) {
            // the clients send nothing; the end of the stream ends the pair
        }
    };

    static final MessageWriter<byte[]> WRITER = (frame, ctx) -> ctx.output().write(frame);

    private final ConnectionManager manager;
    private final int capacity;
    private final LongAdder overflows = new LongAdder();

    TandemPushServer(int n, int capacity, boolean virtual) throws IOException {
        super(n);
        ConnectionManager.Builder b = ConnectionManager.builder().name("b6").outboundQueueCapacity(capacity)
                .overflowPolicy(OverflowPolicy.DROP_MESSAGE);
        if (virtual) {
            b.virtualThreads();
        }
        this.manager = b.build();
        this.capacity = capacity;
    }

    @Override
    ConnectionPair<byte[]> serve(Socket s, int i) {
        ConnectionPair<byte[]> pair = manager.open(s, READER, WRITER);
        pair.closeFuture().whenComplete((info, never) -> closed());
        return pair;
    }

    @Override
    boolean hasRoom(ConnectionPair<byte[]> pair) {
        return pair.queuedMessages() < capacity;
    }

    @Override
    boolean offer(ConnectionPair<byte[]> pair, byte[] frame) {
        SendResult r = pair.send(frame);
        switch (r) {
            case ACCEPTED:
                return true;
            case OVERFLOW:
                overflows.increment();
                return false;
            case CLOSED:
                throw new IllegalStateException("pair " + pair.id() + " closed while the pushers still had messages for it");
            default:
                throw new IllegalStateException("unknown send result " + r);
        }
    }

    @Override
    String notes() {
        return "overflowed sends (sent again later) " + overflows.sum() + "; " + manager.counts();
    }

    @Override
    public void close() throws IOException {
        super.close();
        ShutdownReport report = manager.shutdown(Duration.ofSeconds(5));
        if (!report.clean()) {
            throw new IllegalStateException("Tandem left pairs behind at shutdown: " + report);
        }
    }
}
