package dev.tandem.examples.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The leak demo: a placeholder until ConnectionPair lands. It prints what the demo will show and
 * exits 0, whatever its arguments.
 *
 * <p>Run it with the README's command: {@code mvn -B -q -Pdemo -pl examples -am -DskipTests package}
 * (arguments through {@code -Ddemo.args="..."}).
 */
public final class LeakDemo {
    static final String USAGE = String.join("\n",
            "usage: LeakDemo [--help | --help-short]",
            "",
            "  --help        this text and what the demo will show",
            "  --help-short  what the demo will show (the same as no arguments)",
            "",
            "The real demo arrives with ConnectionPair (issue 3); it will add its own options",
            "(client count, run time, stats endpoint delay).");

    static final String PLAN = String.join("\n",
            "Tandem leak demo (placeholder: the real demo arrives with ConnectionPair, issue 3)",
            "",
            "It will run two push servers side by side on loopback, each reporting a",
            "\"connection closed\" stat to the same stats endpoint:",
            "  naive   a reader thread and a writer thread per connection; on disconnect the",
            "          reader puts the stat into a bounded blocking queue, then closes the socket",
            "  tandem  the same server on ConnectionPair and the Tandem stats pipeline",
            "",
            "Clients connect and disconnect in waves. Midway the stats endpoint hangs: it accepts",
            "the connection and never answers, as the stats platform did in the story behind",
            "Tandem. The naive server's queue fills, its readers block in put() before closing",
            "their sockets, and every later disconnect leaks a socket and two threads. The Tandem",
            "server drops the stats events, counts the drops, and closes every connection.",
            "",
            "Each second it prints one row per server:",
            "  time  server  clients  open sockets  live threads  stats queued  stats dropped",
            "",
            "At the end it prints the naive server's stuck threads grouped by identical stack",
            "(count per stack, as a goroutine profile shows them) and Tandem's dump of live pairs.");

    private LeakDemo() {}

    public static void main(String[] args) {
        run(args, System.out, System.err);
    }

    /** Prints the help or the plan for {@code args}; never throws, never exits the JVM. */
    static void run(String[] args, PrintStream out, PrintStream err) {
        boolean help = false;
        List<String> unknown = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
            } else if (!a.equals("--help-short") && !a.isBlank()) {
                unknown.add(a);
            }
        }
        if (!unknown.isEmpty()) {
            err.println("LeakDemo: ignoring unknown arguments " + unknown + " (this placeholder takes none)");
        }
        if (help) {
            out.println(USAGE);
            out.println();
        }
        out.println(PLAN);
    }
}
