package dev.tandem.bench.scale;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The far ends of B4's real-socket pairs, in a process of their own (it has its own file
 * descriptor limit): opens {@code --count} connections to {@code --connect host:port} from the
 * loopback source address {@code --source} (one address per client process, so the ephemeral ports
 * of the processes do not add up), prints {@code CONNECTED n}, then sends nothing and waits, on one
 * selector thread, for the server to close every connection first (the server's side then holds
 * the TIME_WAIT, not ours); it closes its end of each as it sees the end of stream, prints
 * {@code CLOSED n} and exits 0. It exits at once (3) when its standard input ends, so it never
 * outlives the server that started it, and by itself (4) after {@code --max-seconds}.
 */
public final class SocketClients {
    private SocketClients() {}

    public static void main(String[] args) throws Exception {
        String connect = null;
        String source = "127.0.0.1";
        int count = 0;
        long maxSeconds = 600;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connect":
                    connect = args[++i];
                    break;
                case "--count":
                    count = Integer.parseInt(args[++i]);
                    break;
                case "--source":
                    source = args[++i];
                    break;
                case "--max-seconds":
                    maxSeconds = Long.parseLong(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + " (expected: --connect HOST:PORT --count N [--source ADDR] [--max-seconds S])");
            }
        }
        if (connect == null || count <= 0) {
            throw new IllegalArgumentException("--connect HOST:PORT and --count N (> 0) are required");
        }
        watchStdin();
        watchClock(maxSeconds);
        int colon = connect.lastIndexOf(':');
        InetSocketAddress server = new InetSocketAddress(connect.substring(0, colon),
                Integer.parseInt(connect.substring(colon + 1)));
        InetSocketAddress from = new InetSocketAddress(source, 0);

        Selector selector = Selector.open();
        for (int i = 0; i < count; i++) {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.bind(from);
                ch.connect(server);
            } catch (IOException e) {
                System.out.println("ERROR after " + i + " connections from " + source + ": " + e);
                System.out.flush();
                System.exit(2);
            }
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
        }
        System.out.println("CONNECTED " + count);
        System.out.flush();

        ByteBuffer buf = ByteBuffer.allocate(256);
        int closed = 0;
        while (closed < count) {
            selector.select(1000);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                SocketChannel ch = (SocketChannel) k.channel();
                int n;
                try {
                    buf.clear();
                    n = ch.read(buf);
                } catch (IOException reset) {
                    n = -1;
                }
                if (n < 0) {
                    k.cancel();
                    ch.close();
                    closed++;
                }
            }
        }
        System.out.println("CLOSED " + closed);
        System.out.flush();
        System.exit(0);
    }

    private static void watchStdin() {
        Thread t = new Thread(() -> {
            InputStream in = System.in;
            try {
                while (in.read() >= 0) {
                    // the server writes nothing: only the end matters
                }
            } catch (IOException e) {
                // treat as the end
            }
            System.exit(3);
        }, "b4-client-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static void watchClock(long seconds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("ERROR gave up after " + seconds + " s");
            System.out.flush();
            System.exit(4);
        }, "b4-client-clock");
        t.setDaemon(true);
        t.start();
    }
}
