package dev.tandem.bench.scale;

import dev.tandem.bench.Verdict;
import java.util.List;
import java.util.Locale;

/**
 * B4's thread census over real sockets (issue 10): how many threads the server JVM holds for N
 * idle pairs, counted with virtual threads ({@link ThreadCensus}), bare and Tandem, and the
 * target "live threads == pairs + a constant", judged per kind of thread. The constant is
 * {@value #CONSTANT} threads over what the JVM held before the pairs opened (its own threads, the
 * acceptor, the JDK's pollers, a pool's idle threads left from the warm-up).
 */
final class B4Threads {
    static final long CONSTANT = 16;

    private B4Threads() {}

    /** The census table, one row per kind of thread: {@code sockets} as {@link ScaleBench} ran them (bare, Tandem). */
    static String table(List<Facts[]> sockets) {
        StringBuilder sb = new StringBuilder("\n#### Real sockets: live threads per idle pair\n\n"
                + "All live threads of the server JVM (platform and virtual, from the JDK's JSON thread dump), before the"
                + " pairs opened and while they are held.\n\n"
                + "| threads | pairs | bare: before → held (per pair) | Tandem: before → held (per pair) | Tandem held − pairs |\n"
                + "|---|---:|---:|---:|---:|\n");
        for (Facts[] s : sockets) {
            Facts b = s[0];
            Facts t = s[1];
            sb.append("| ").append(t.get("threads")).append(" | ").append(B4Fragment.count(t.getLong("pairs")))
                    .append(capped(t)).append(" | ").append(census(b)).append(" | ").append(census(t))
                    .append(" | ").append(B4Fragment.count(t.getLong("threads.held") - t.getLong("pairs"))).append(" |\n");
        }
        return sb.toString();
    }

    /** The target lines, one per kind of thread. */
    static String targets(List<Facts[]> sockets) {
        StringBuilder sb = new StringBuilder();
        for (Facts[] s : sockets) {
            Facts t = s[1];
            long pairs = t.getLong("pairs");
            long added = t.getLong("threads.held") - t.getLong("threads.empty");
            sb.append("- Live threads == pairs + a constant for idle pairs (").append(t.get("threads")).append(" threads, ")
                    .append(B4Fragment.count(pairs)).append(" socket pairs): **").append(Verdict.of(added <= pairs + CONSTANT))
                    .append("**: ").append(B4Fragment.count(added)).append(" threads more than before the pairs, ")
                    .append(String.format(Locale.ROOT, "%.2f", added / (double) pairs)).append(" per pair (")
                    .append(B4Fragment.count(t.getLong("threads.held"))).append(" in all; the bare server's two-thread pairs: ")
                    .append(String.format(Locale.ROOT, "%.2f", perPair(s[0]))).append(" per pair).\n");
        }
        return sb.toString();
    }

    private static String census(Facts f) {
        return B4Fragment.count(f.getLong("threads.empty")) + " → " + B4Fragment.count(f.getLong("threads.held"))
                + String.format(Locale.ROOT, " (%.2f)", perPair(f));
    }

    private static double perPair(Facts f) {
        return (f.getLong("threads.held") - f.getLong("threads.empty")) / (double) f.getLong("pairs");
    }

    private static String capped(Facts f) {
        return f.has("pairs.cappedBy") ? " (of " + B4Fragment.count(f.getLong("pairs.requested")) + " asked: "
                + f.get("pairs.cappedBy") + ")" : "";
    }
}
