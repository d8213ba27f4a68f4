package dev.tandem.stats.statsd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads values back from the Etsy StatsD daemon through its admin TCP interface: {@code counters},
 * {@code gauges} and {@code timers} print the daemon's in-memory objects (node's util.inspect),
 * ended by {@code END}. Keys are quoted when they are not identifiers; long arrays are cut after
 * 100 items with "... N more items".
 */
final class StatsdAdmin {
    private static final Pattern NUMBER_ENTRY = Pattern.compile(
            "(?:'((?:[^'\\\\]|\\\\.)*)'|([A-Za-z_$][\\w$]*))\\s*:\\s*(-?[0-9][0-9.eE+-]*|NaN|-?Infinity)");
    private static final Pattern ARRAY_ENTRY = Pattern.compile(
            "(?:'((?:[^'\\\\]|\\\\.)*)'|([A-Za-z_$][\\w$]*))\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern MORE = Pattern.compile("\\.\\.\\. (\\d+) more items?");
    private static final Pattern ITEM = Pattern.compile("-?[0-9][0-9.eE+-]*");

    private final String host;
    private final int port;

    StatsdAdmin(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** One admin command's full answer. */
    String command(String command) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (true) {
                String text = answer.toString(StandardCharsets.UTF_8);
                if (text.contains("END\n\n") || (command.equals("health") && text.endsWith("\n"))) {
                    return text;
                }
                int n = in.read(buf);
                if (n < 0) {
                    return text;
                }
                answer.write(buf, 0, n);
            }
        }
    }

    Map<String, Double> counters() throws IOException {
        return numbers(command("counters"));
    }

    Map<String, Double> gauges() throws IOException {
        return numbers(command("gauges"));
    }

    /** How many samples each timer holds. */
    Map<String, Integer> timerCounts() throws IOException {
        Map<String, Integer> out = new HashMap<>();
        Matcher m = ARRAY_ENTRY.matcher(command("timers"));
        while (m.find()) {
            String items = m.group(3);
            int count = 0;
            Matcher more = MORE.matcher(items);
            if (more.find()) {
                count += Integer.parseInt(more.group(1));
                items = items.substring(0, more.start());
            }
            Matcher item = ITEM.matcher(items);
            while (item.find()) {
                count++;
            }
            out.put(key(m), count);
        }
        return out;
    }

    boolean healthy() {
        try {
            return command("health").contains("health: up");
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Double> numbers(String text) {
        Map<String, Double> out = new HashMap<>();
        Matcher m = NUMBER_ENTRY.matcher(text);
        while (m.find()) {
            out.put(key(m), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private static String key(Matcher m) {
        return m.group(1) != null ? m.group(1).replace("\\'", "'") : m.group(2);
    }
}
