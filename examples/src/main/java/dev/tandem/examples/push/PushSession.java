package dev.tandem.examples.push;

import dev.tandem.core.CloseInfo;
import dev.tandem.core.ConnectionPair;
import dev.tandem.core.PairContext;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * One client of the push server: the protocol, as the pair's {@link #read reader}, its
 * {@link #write writer} and its {@link #leaveAll cleanup hook}.
 *
 * <pre>
 * client → server             server → client
 * SUB &lt;topic&gt;                 OK
 * UNSUB &lt;topic&gt;               OK
 * PUB &lt;topic&gt; &lt;text&gt;          OK (after queueing MSG &lt;topic&gt; &lt;text&gt; to every subscriber)
 * PING                        PONG
 * anything else               ERR &lt;reason&gt;
 * </pre>
 *
 * <h2>Implementation notes</h2>
 * {@link #read} runs on the pair's reader thread and is the only code that changes
 * {@link #subscribed}. {@link #leaveAll} runs once, as the pair's cleanup hook, after the reader has
 * exited (G2: hooks run after both sides exit, unless a side is STUCK; this reader blocks only in a
 * socket read, which closing the socket ends, so it cannot be STUCK). It therefore sees every
 * subscription the reader made, and no SUB can follow it: no pair is left behind in a topic. The
 * hook is registered before the pair starts, so even a client that subscribes and vanishes at once
 * is cleaned up.
 */
final class PushSession {
    /** Longest line accepted, in bytes; a longer one closes the pair (READER_ERROR). */
    static final int MAX_LINE_BYTES = 64 * 1024;
    /** Most topics one client may subscribe to. */
    static final int MAX_TOPICS = 1_000;

    private final Topics topics;
    private final Set<String> subscribed = new HashSet<>();
    private ConnectionPair<String> pair; // set by the reader before its first SUB

    PushSession(Topics topics) {
        this.topics = topics;
    }

    /** The read loop: one reply per line, until the client hangs up (return) or the connection fails (throw). */
    void read(PairContext<String> ctx) throws IOException {
        pair = ctx.pair();
        InputStream in = new BufferedInputStream(ctx.input()); // ctx.input(): every read resets the idle timer
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (readLine(in, line)) {
            ctx.markMessageIn();
            pair.send(handle(line.toString(StandardCharsets.UTF_8)));
        }
    }

    /** Reads up to '\n' into {@code line} (without it or a trailing '\r'); false at end of stream. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return false; // a partial last line is dropped
            }
            if (line.size() == MAX_LINE_BYTES) {
                throw new ProtocolException("line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
        return true;
    }

    /** One command, one reply. */
    String handle(String line) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1); // telnet and nc -C end lines with CRLF
        }
        int sp = line.indexOf(' ');
        String command = sp < 0 ? line : line.substring(0, sp);
        String arg = sp < 0 ? "" : line.substring(sp + 1);
        switch (command) {
            case "PING":
                return arg.isEmpty() ? "PONG" : "ERR usage: PING";
            case "SUB":
                if (!isTopic(arg)) {
                    return "ERR usage: SUB <topic>";
                }
                if (!subscribed.contains(arg) && subscribed.size() == MAX_TOPICS) {
                    return "ERR too many topics (max " + MAX_TOPICS + ")";
                }
                if (subscribed.add(arg)) {
                    topics.subscribe(arg, pair);
                }
                return "OK";
            case "UNSUB":
                if (!isTopic(arg)) {
                    return "ERR usage: UNSUB <topic>";
                }
                if (subscribed.remove(arg)) {
                    topics.unsubscribe(arg, pair);
                }
                return "OK";
            case "PUB":
                int sp2 = arg.indexOf(' ');
                if (sp2 <= 0) {
                    return "ERR usage: PUB <topic> <text>";
                }
                String topic = arg.substring(0, sp2);
                topics.publish(topic, "MSG " + topic + " " + arg.substring(sp2 + 1));
                return "OK";
            case "":
                return "ERR empty line";
            default:
                return "ERR unknown command: " + (command.length() <= 32 ? command : command.substring(0, 32) + "...");
        }
    }

    private static boolean isTopic(String s) {
        return !s.isEmpty() && s.indexOf(' ') < 0;
    }

    /** The writer: one line per message. */
    static void write(String message, PairContext<String> ctx) throws IOException {
        OutputStream out = ctx.output(); // ctx.output(): each chunk written counts as write progress
        out.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The cleanup hook: leaves every topic this client joined. Runs once, when the pair has closed. */
    void leaveAll(CloseInfo info) {
        for (String topic : subscribed) {
            topics.unsubscribe(topic, pair);
        }
        subscribed.clear();
    }
}
