package dev.tandem.bench.soak;

import dev.tandem.bench.churn.Acceptor;
import dev.tandem.bench.churn.LineReader;
import dev.tandem.bench.churn.Loopback;
import dev.tandem.core.CloseInfo;
import dev.tandem.core.CloseReason;
import dev.tandem.core.ConnectionManager;
import dev.tandem.core.ConnectionPair;
import dev.tandem.core.PairContext;
import dev.tandem.core.MessageWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The soak's server: an echo server on Tandem whose first line from a client is {@code <kind> <id>};
 * a {@link PeerKind#STOP_READING} client gets a 1 MiB reply instead of its echo. Every pair's close
 * is tallied by (peer kind, close reason), or as unidentified when it closed before its first line
 * was read, and handed to the client waiting for it: the client registers a future under its
 * (address, port) ({@link Loopback#clientKey}) before it connects, and the acceptor takes it from
 * there ({@link Loopback#peerKey}), so that even a connection closed before it said a word is found.
 *
 * <h2>Implementation notes</h2>
 * The acceptor thread opens pairs; each pair's reader parses the first line into its
 * {@link Conn} (written by the reader, read by the close callback after the pair closed: the
 * close future's completion orders the two). Close callbacks run on whichever Tandem thread
 * completes the future; the tallies are atomic arrays. The futures go through a concurrent map:
 * a client puts its own before connecting (replacing a finished client's entry for a reused
 * port, if any) and removes it only if it is still its own; the acceptor takes the entry when it
 * accepts, and keeps it in the {@link Conn}. While a client's socket is bound no other socket
 * can have its (address, port), so the acceptor always finds the future of the client it accepted.
 */
final class SoakServer implements AutoCloseable {
    static final int FLOOD_CHUNK = 16 * 1024;
    static final int FLOOD_CHUNKS = 64;
    private static final byte[] CHUNK = new byte[FLOOD_CHUNK];

    private static final MessageWriter<byte[]> WRITER = (byte[] m, PairContext<byte[]> ctx) -> {
        OutputStream out = ctx.output();
        out.write(m);
        out.flush();
    };

    /** What the server learned of one connection. */
    private static final class Conn {
        final Socket socket;
        final CompletableFuture<CloseReason> closed;
        volatile PeerKind kind;

        Conn(Socket socket, CompletableFuture<CloseReason> closed) {
            this.socket = socket;
            this.closed = closed;
        }
    }

    private final ConnectionManager manager;
    private final Acceptor acceptor;
    private final AtomicLong strangers = new AtomicLong();
    private final AtomicLong openAtClose = new AtomicLong();
    private final AtomicLong stuckAtClose = new AtomicLong();
    /** [kind][reason] -> closes; the row after the last kind is for unidentified connections. */
    private final AtomicLongArray tally = new AtomicLongArray((PeerKind.values().length + 1) * CloseReason.values().length);
    private final ConcurrentLinkedQueue<String> unidentifiedSamples = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<Long, CompletableFuture<CloseReason>> closes = new ConcurrentHashMap<>();

    SoakServer(ConnectionManager manager) throws IOException {
        this.manager = manager;
        this.acceptor = new Acceptor("soak-acceptor", this::take).start();
    }

    InetSocketAddress address() {
        return acceptor.address();
    }

    /** On the acceptor thread: finds the client's future and opens the pair; stops accepting once the manager is shut down. */
    private boolean take(Socket s) {
        CompletableFuture<CloseReason> expected = closes.get(Loopback.peerKey(s));
        if (expected == null) { // no client announced it: a stranger on the port; still closed, still counted
            strangers.incrementAndGet();
            expected = new CompletableFuture<>();
        }
        Conn c = new Conn(s, expected);
        try {
            ConnectionPair<byte[]> pair = manager.open(s, ctx -> read(ctx, c), WRITER);
            pair.closeFuture().whenComplete((info, never) -> closed(c, info));
            return true;
        } catch (IllegalStateException shutDown) { // the manager closed the socket
            return false;
        }
    }

    private static void read(PairContext<byte[]> ctx, Conn c) throws IOException {
        LineReader in = new LineReader(ctx.input());
        byte[] first = in.readLine();
        if (first == null) {
            return;
        }
        c.kind = PeerKind.of((char) first[0]);
        if (c.kind == PeerKind.STOP_READING) {
            c.socket.setSendBufferSize(8 * 1024); // so that the writer blocks after kilobytes, not megabytes
            for (int i = 0; i < FLOOD_CHUNKS; i++) {
                ctx.pair().send(CHUNK);
            }
        } else {
            ctx.pair().send(first);
        }
        byte[] line;
        while ((line = in.readLine()) != null) {
            ctx.pair().send(line);
        }
    }

    private void closed(Conn c, CloseInfo info) {
        if (!c.socket.isClosed()) { // asked now: a socket dropped unclosed would later be closed by the GC, unseen
            openAtClose.incrementAndGet();
        }
        if (info.stuck()) {
            stuckAtClose.incrementAndGet();
        }
        PeerKind k = c.kind;
        int row = k == null ? PeerKind.values().length : k.ordinal();
        tally.incrementAndGet(row * CloseReason.values().length + info.reason().ordinal());
        if (k == null && unidentifiedSamples.size() < 5) {
            unidentifiedSamples.add(info.toString());
        }
        c.closed.complete(info.reason());
    }

    /**
     * A client bound to {@code clientKey} is about to connect: {@code closed} completes with the
     * close reason once the server side of that connection has closed.
     */
    void expect(long clientKey, CompletableFuture<CloseReason> closed) {
        closes.put(clientKey, closed);
    }

    /** The client is done with it. */
    void forget(long clientKey, CompletableFuture<CloseReason> closed) {
        closes.remove(clientKey, closed);
    }

    /** Pairs whose socket was still open when their close future completed. */
    long openAtClose() {
        return openAtClose.get();
    }

    /** Pairs whose close future completed with the pair STUCK (a side had not exited within the grace period). */
    long stuckAtClose() {
        return stuckAtClose.get();
    }

    /** Connections accepted that no client had announced (none, in a soak). */
    long strangers() {
        return strangers.get();
    }

    long accepted() {
        return acceptor.accepted();
    }

    /** Closes of pairs whose client said what it was. */
    long closes(PeerKind kind, CloseReason reason) {
        return tally.get(kind.ordinal() * CloseReason.values().length + reason.ordinal());
    }

    /** Closes of pairs that closed before their first line was read. */
    long unidentified(CloseReason reason) {
        return tally.get(PeerKind.values().length * CloseReason.values().length + reason.ordinal());
    }

    /** A few of those, as their CloseInfo. */
    java.util.List<String> unidentifiedSamples() {
        return new java.util.ArrayList<>(unidentifiedSamples);
    }

    ConnectionManager manager() {
        return manager;
    }

    /** Stops accepting; the manager, its pipeline and the backends are the harness's to end. */
    @Override
    public void close() throws IOException {
        acceptor.close();
    }
}
