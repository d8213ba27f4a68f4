package dev.tandem.bench.churn;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;

/**
 * A second baseline, to tell Tandem's thread model from its bookkeeping: the bare server with
 * Tandem's shape, a reader and a writer thread per connection joined by a bounded queue, and
 * nothing else (no registry, deadlines, stats or hooks). At the end of the stream the reader
 * closes the socket, tells the writer to quit and waits for it; its side of the connection has
 * fully closed when both threads are done, as for a Tandem pair.
 */
final class TwoThreadEchoServer extends BareServer {
    private static final byte[] QUIT = new byte[0]; // identity, not contents

    TwoThreadEchoServer(CloseClock clock, ThreadFactory threads) throws IOException {
        super(clock, threads);
    }

    @Override
    void serve(Socket s, long key) {
        BlockingQueue<byte[]> outbound = new ArrayBlockingQueue<>(16);
        threadsStarting(2);
        Thread writer = threads.newThread(() -> write(s, outbound));
        Thread reader = threads.newThread(() -> read(s, key, outbound, writer));
        writer.start();
        reader.start();
    }

    private void read(Socket s, long key, BlockingQueue<byte[]> outbound, Thread writer) {
        try {
            LineReader in = new LineReader(s.getInputStream());
            byte[] line;
            while ((line = in.readLine()) != null) {
                outbound.put(line);
            }
        } catch (IOException | InterruptedException e) {
            // a disconnect like any other
        } finally {
            Loopback.closeQuietly(s);
            outbound.clear();
            outbound.offer(QUIT);
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lastThreadDone(key);
        }
    }

    private void write(Socket s, BlockingQueue<byte[]> outbound) {
        try {
            OutputStream out = s.getOutputStream();
            byte[] m;
            while ((m = outbound.take()) != QUIT) {
                out.write(m);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the socket went away
        } finally {
            threadDone();
        }
    }
}
