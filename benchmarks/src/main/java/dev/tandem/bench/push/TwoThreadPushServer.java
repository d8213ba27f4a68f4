package dev.tandem.bench.push;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The baseline push server, written without Tandem the way push servers are: per connection a
 * reader thread (reads until the end of the stream) and a writer thread blocked on the
 * connection's bounded queue ({@link ArrayBlockingQueue}, the same capacity as Tandem's), writing
 * each message to the socket's stream. A push is a non-blocking {@code offer}; a full queue is
 * skipped this time. At the end of the stream the reader closes the socket, tells the writer to
 * quit and waits for it; the connection has then fully closed.
 *
 * <h2>Implementation notes</h2>
 * The acceptor thread starts the two threads; pushers call {@link #offer}. The quit message is
 * compared by identity. {@link #close()} closes every socket (which ends any reader still in
 * {@code read}) and waits at most 5 s for every thread.
 */
final class TwoThreadPushServer extends PushServer<BlockingQueue<byte[]>> {
    private static final byte[] QUIT = new byte[0];

    private final ThreadFactory threads;
    private final int capacity;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    TwoThreadPushServer(int n, int capacity, ThreadFactory threads) throws IOException {
        super(n);
        this.threads = threads;
        this.capacity = capacity;
    }

    @Override
    BlockingQueue<byte[]> serve(Socket s, int i) {
        BlockingQueue<byte[]> outbound = new ArrayBlockingQueue<>(capacity);
        sockets.add(s);
        Thread writer = threads.newThread(() -> write(s, outbound));
        Thread reader = threads.newThread(() -> read(s, outbound, writer));
        started.add(writer);
        started.add(reader);
        writer.start();
        reader.start();
        return outbound;
    }

    @Override
    boolean hasRoom(BlockingQueue<byte[]> outbound) {
        return outbound.remainingCapacity() > 0;
    }

    @Override
    boolean offer(BlockingQueue<byte[]> outbound, byte[] frame) {
        return outbound.offer(frame);
    }

    private void read(Socket s, BlockingQueue<byte[]> outbound, Thread writer) {
        try {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // the clients send nothing
            }
        } catch (IOException e) {
            // a disconnect like any other
        } finally {
            closeQuietly(s);
            while (!outbound.offer(QUIT)) {
                outbound.clear();
            }
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed();
        }
    }

    private static void write(Socket s, BlockingQueue<byte[]> outbound) {
        try {
            OutputStream out = s.getOutputStream();
            byte[] m;
            while ((m = outbound.take()) != QUIT) {
                out.write(m);
            }
        } catch (IOException | InterruptedException e) {
            // the socket went away
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Thread> alive = new ArrayList<>();
        for (Thread t : started) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                alive.add(t);
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException(alive.size() + " threads of the bare push server still alive 5 s after close");
        }
    }
}
