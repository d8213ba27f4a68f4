package dev.tandem.bench.soak;

import dev.tandem.bench.churn.LineReader;
import dev.tandem.bench.churn.Loopback;
import dev.tandem.core.CloseReason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The soak's clients: {@code concurrency} platform threads share the connections; connection
 * {@code i} behaves as {@link #kindOf(int)} says. Each client waits until the server side of its
 * connection has closed before it starts the next one, so at most {@code concurrency} connections
 * exist at any moment, whatever the faults do.
 */
final class SoakClients {
    /** The longest a client waits for the server to close its connection: far beyond every timeout. */
    static final long CLOSE_WAIT_SECONDS = 30;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final int connections;
    private final int concurrency;
    private final int[] perMille; // by PeerKind ordinal; NORMAL gets the rest
    private final Loopback sources;

    final AtomicLongArray started = new AtomicLongArray(PeerKind.values().length);
    final AtomicLongArray served = new AtomicLongArray(PeerKind.values().length);
    final AtomicLongArray failed = new AtomicLongArray(PeerKind.values().length);
    /** Connections whose server side did not close within {@link #CLOSE_WAIT_SECONDS}. */
    final AtomicLongArray neverClosed = new AtomicLongArray(PeerKind.values().length);
    final ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();

    SoakClients(int connections, int concurrency, int stopReadingPerMille, int vanishPerMille, int resetPerMille,
                Loopback sources) {
        this.connections = connections;
        this.concurrency = concurrency;
        this.perMille = new int[PeerKind.values().length];
        perMille[PeerKind.STOP_READING.ordinal()] = stopReadingPerMille;
        perMille[PeerKind.VANISH.ordinal()] = vanishPerMille;
        perMille[PeerKind.RESET.ordinal()] = resetPerMille;
        if (stopReadingPerMille + vanishPerMille + resetPerMille > 1000) {
            throw new IllegalArgumentException("fault shares add up to more than 1000 per mille");
        }
        this.sources = sources;
    }

    /**
     * The kind of connection {@code i}: spread evenly, every block of 1,000 consecutive connections
     * holds exactly the configured number of each fault (7919 is prime to 1000, so {@code i * 7919
     * mod 1000} visits every residue once per block).
     */
    PeerKind kindOf(int i) {
        int slot = (int) ((i * 7919L) % 1000);
        int edge = 0;
        for (PeerKind k : new PeerKind[] {PeerKind.STOP_READING, PeerKind.VANISH, PeerKind.RESET}) {
            edge += perMille[k.ordinal()];
            if (slot < edge) {
                return k;
            }
        }
        return PeerKind.NORMAL;
    }

    /** Starts the client threads; {@link Thread#join()} them to wait for the end. */
    Thread[] start(SoakServer server) {
        AtomicInteger next = new AtomicInteger();
        Thread[] threads = new Thread[concurrency];
        for (int t = 0; t < concurrency; t++) {
            threads[t] = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < connections) {
                    once(server, i, kindOf(i));
                }
            }, "soak-client-" + t);
            threads[t].setDaemon(true);
            threads[t].start();
        }
        return threads;
    }

    private void once(SoakServer server, int id, PeerKind kind) {
        started.incrementAndGet(kind.ordinal());
        Socket s = null;
        long key = 0;
        CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        boolean connected = false;
        try {
            s = sources.bindNext();
            if (kind == PeerKind.STOP_READING) {
                s.setReceiveBufferSize(4 * 1024); // before connect: the window stays small
            }
            key = Loopback.clientKey(s);
            server.expect(key, closed);
            s.connect(server.address(), CONNECT_TIMEOUT_MS);
            connected = true;
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
            byte[] hello = (kind.code + " " + id + "\n").getBytes(StandardCharsets.US_ASCII);
            OutputStream out = s.getOutputStream();
            out.write(hello);
            out.flush();
            if (kind != PeerKind.STOP_READING) {
                byte[] echo = new LineReader(s.getInputStream()).readLine();
                if (!Arrays.equals(echo, hello)) {
                    throw new IOException("bad echo for " + kind + " " + id);
                }
            }
            if (kind == PeerKind.RESET) {
                s.setSoLinger(true, 0);
            }
            if (kind == PeerKind.NORMAL || kind == PeerKind.RESET) {
                s.close();
            }
            // VANISH and STOP_READING: nothing more, the server's deadlines must end it
            awaitServerClose(closed, kind);
            served.incrementAndGet(kind.ordinal());
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet(kind.ordinal());
            if (failureSamples.size() < 5) {
                failureSamples.add(kind + " " + id + ": " + e);
            }
            if (connected) { // the server has (or will have) a pair: close ours, then wait for its side
                Loopback.closeQuietly(s);
                awaitQuietly(closed, kind);
            }
        } finally {
            if (key != 0) {
                server.forget(key, closed);
            }
            Loopback.closeQuietly(s);
        }
    }

    private void awaitServerClose(CompletableFuture<CloseReason> closed, PeerKind kind) throws IOException {
        try {
            closed.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            neverClosed.incrementAndGet(kind.ordinal());
            throw new IOException("the server did not close a " + kind + " connection within " + CLOSE_WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** After a client-side failure: still wait (bounded) for the server's side, so concurrency stays bounded. */
    private void awaitQuietly(CompletableFuture<CloseReason> closed, PeerKind kind) {
        try {
            closed.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            neverClosed.incrementAndGet(kind.ordinal());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
