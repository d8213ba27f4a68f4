package dev.tandem.bench.churn;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ThreadFactory;

/**
 * The baseline: the echo server a user writes without Tandem. One thread per connection reads a
 * line and writes it back until the end of the stream, then closes the socket; no registry, no
 * deadlines, no stats. Its side of a connection has fully closed once that thread has closed the
 * socket, the last thing it does.
 */
final class BareEchoServer extends BareServer {
    BareEchoServer(CloseClock clock, ThreadFactory threads) throws IOException {
        super(clock, threads);
    }

    @Override
    void serve(Socket s, long key) {
        threadsStarting(1);
        Thread t = threads.newThread(() -> echo(s, key));
        t.start();
    }

    private void echo(Socket s, long key) {
        try {
            LineReader in = new LineReader(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.flush();
            }
        } catch (IOException e) {
            // the peer went away: a disconnect like any other
        } finally {
            Loopback.closeQuietly(s);
            lastThreadDone(key);
        }
    }
}
