package dev.tandem.stats.statsd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A transport for unit tests that keeps the datagrams it accepts and, on demand, refuses one (as a
 * full send buffer does) or throws (as a send to a dead port does). Loopback cannot provoke a full
 * send buffer reliably, so this is the one stand-in; everything else uses real sockets.
 */
final class ScriptedTransport implements DatagramTransport, DatagramTransport.Factory {
    enum Outcome { SEND, WOULD_BLOCK, FAIL }

    private final Deque<Outcome> script = new ArrayDeque<>();
    final List<String> sent = new ArrayList<>();
    final List<String> refused = new ArrayList<>();
    int opens;
    int closes;

    /** The outcomes of the next sends, in order; after them every send succeeds. */
    synchronized ScriptedTransport then(Outcome... outcomes) {
        script.addAll(List.of(outcomes));
        return this;
    }

    @Override
    public synchronized DatagramTransport open(String host, int port) {
        opens++;
        return this;
    }

    @Override
    public synchronized int send(ByteBuffer datagram) throws IOException {
        Outcome o = script.isEmpty() ? Outcome.SEND : script.poll();
        String text = StandardCharsets.UTF_8.decode(datagram.duplicate()).toString();
        switch (o) {
            case SEND:
                sent.add(text);
                int n = datagram.remaining();
                datagram.position(datagram.limit());
                return n;
            case WOULD_BLOCK:
                refused.add(text);
                return 0;
            case FAIL:
                refused.add(text);
                throw new java.net.PortUnreachableException("scripted failure");
            default:
                throw new IllegalStateException(o.toString());
        }
    }

    synchronized List<String> sent() {
        return new ArrayList<>(sent);
    }

    @Override
    public synchronized void close() {
        closes++;
    }
}
