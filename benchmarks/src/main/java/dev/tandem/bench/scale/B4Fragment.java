package dev.tandem.bench.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes B4's Markdown fragment from the facts its child JVMs measured. Formats; computes nothing new. */
final class B4Fragment {
    private static final long KIB = 1024;
    private static final long TARGET_OVERHEAD = KIB;
    /** Issue 10: a pair between bursts holds no writer thread, so its own overhead drops under 400 B. */
    private static final long TARGET_OVERHEAD_IDLE = 400;
    private static final long TARGET_SHUTDOWN_NANOS = 10_000_000_000L;
    private static final int TARGET_PAIRS = 1_000_000;

    private B4Fragment() {}

    static String render(ScaleBench.Plan plan, List<Facts> mem, List<Facts[]> sockets, List<String> notes,
                         String machine, String loadBefore, String loadAfter, long tookNanos) {
        StringBuilder sb = new StringBuilder();
        sb.append("### B4: scale, idle pairs in one JVM and real sockets up to `ulimit -n`\n\n");
        sb.append("Machine: ").append(machine).append(". Children on ").append(jvm(first(mem, sockets))).append(".\n");
        sb.append("Command: `bash benchmarks/run.sh").append(plan.quick ? " --quick" : "")
                .append("` (part `40-b4.sh`: `java -cp benchmarks.jar dev.tandem.bench.scale.ScaleBench --jdk $JDK25_HOME")
                .append(plan.quick ? " --quick" : "").append("`), ").append(secs(tookNanos))
                .append(" in all; load average ").append(loadBefore).append(" before, ").append(loadAfter)
                .append(" after (other work on the machine shows in every time below).\n");
        if (plan.quick) {
            sb.append("\n**Smoke sizes (`--quick`): these figures say the harness works, not what Tandem costs.**\n");
        }
        for (String n : notes) {
            sb.append('\n').append(n).append('\n');
        }

        sb.append("\n#### In memory: heap per idle pair\n\n");
        sb.append("| pairs | threads | bare pair (two threads) | bare pair (one thread) | Tandem pair | Tandem's own overhead"
                + " (vs one thread) | ratio (vs one thread) | of which thread stacks | bare run's residue |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Facts m : mem) {
            long n = m.getLong("pairs");
            double bare = per(m, "heap.bare", "heap.empty", n);
            double one = baseline(m);
            double tandem = per(m, "heap.tandem", "heap.empty", n);
            String stacks = m.has("bare1.stackChunkBytes")
                    ? bytes((m.getLong("tandem.stackChunkBytes") - m.getLong("bare1.stackChunkBytes")) / (double) n)
                            + " (" + bytes(m.getLong("bare1.stackChunkBytes") / (double) n) + " → "
                            + bytes(m.getLong("tandem.stackChunkBytes") / (double) n) + " a pair)"
                    : "not measured (no histogram)";
            sb.append(row(count(n), m.get("threads"), bytes(bare), m.has("heap.bare1") ? bytes(one) : "not measured",
                    bytes(tandem), "**" + bytes(tandem - one) + "**", ratio(tandem, one), stacks,
                    bytes(per(m, "heap.afterBare", "heap.empty", n))));
        }
        sb.append("\nA Tandem pair holds one thread while idle (its reader; the writer side has none between bursts), so "
                + "its own overhead is measured against the one-thread bare pair: the same pipe and a reader parked in it. "
                + "The two-thread bare pair is what a hand-written reader/writer pair costs.\n");

        sb.append("\n#### In memory: opening and closing them all\n\n");
        sb.append("| pairs | open: bare | open: Tandem | close: bare | `shutdown`: Tandem | ratio | GC pauses in open: bare / Tandem"
                + " | GC pauses in `shutdown` | peak STUCK in `shutdown` | idle CPU: bare / Tandem | platform threads: bare / Tandem |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Facts m : mem) {
            long n = m.getLong("pairs");
            sb.append(row(count(n), secs(m.getLong("bare.openNanos")),
                    secs(m.getLong("tandem.openNanos")) + " (" + ratio(m.getLong("tandem.openNanos"), m.getLong("bare.openNanos")) + ")",
                    secs(m.getLong("bare.closeNanos")), "**" + secs(m.getLong("tandem.shutdownNanos")) + "**",
                    ratio(m.getLong("tandem.shutdownNanos"), m.getLong("bare.closeNanos")),
                    millis(m.getLong("bare.openGcMillis")) + " / " + millis(m.getLong("tandem.openGcMillis")),
                    millis(m.getLong("tandem.shutdownGcMillis")), count(m.getLong("tandem.peakStuckInShutdown")),
                    cpu(m, "bare.idleCpuNanos") + " / " + cpu(m, "tandem.idleCpuNanos"),
                    m.get("platformThreads.bare") + " / " + m.get("platformThreads.tandem") + " (Tandem's: `"
                            + m.get("tandem.platformThreadNames") + "`)"));
        }
        sb.append("\nFacts checked in every run: ");
        List<String> facts = new ArrayList<>();
        for (Facts m : mem) {
            facts.add(count(m.getLong("pairs")) + " pairs: opened " + count(m.getLong("tandem.opened")) + ", live while held "
                    + count(m.getLong("tandem.live")) + ", closed by shutdown " + count(m.getLong("tandem.closedShutdown"))
                    + ", live after " + m.get("tandem.liveAfter") + ", stuck after " + m.get("tandem.stuck")
                    + ", shutdown report clean " + m.get("tandem.shutdownClean") + ", every pipe closed exactly once "
                    + m.get("tandem.closedOnce") + (m.has("tandem.stackChunks")
                    ? ", parked thread stacks " + count(m.getLong("tandem.stackChunks")) + " (bare "
                    + count(m.getLong("bare.stackChunks")) + ")" : "") + ", STUCK warnings logged "
                    + m.get("stuckWarnings"));
        }
        sb.append(String.join("; ", facts)).append(".\n");

        Facts hist = null;
        for (Facts m : mem) {
            if (m.has("hist.rows")) {
                hist = m;
                break;
            }
        }
        if (hist != null) {
            long n = hist.getLong("pairs");
            sb.append("\nWhere Tandem's own bytes are (").append(count(n))
                    .append(" pairs: live-object histogram with Tandem pairs minus the one with bare pairs, per pair;"
                            + " `GC.class_histogram` through the DiagnosticCommand MBean):\n\n");
            sb.append("| class | instances / pair | bytes / pair |\n|---|---:|---:|\n");
            int rows = (int) hist.getLong("hist.rows");
            java.util.Map<String, long[]> merged = new java.util.LinkedHashMap<>(); // lambda classes differ by address only
            for (int i = 0; i < rows; i++) {
                String cls = hist.get("hist." + i + ".class").replaceAll("/0x[0-9a-f]+", "");
                long[] v = merged.computeIfAbsent(cls, k -> new long[2]);
                v[0] += hist.getLong("hist." + i + ".instances");
                v[1] += hist.getLong("hist." + i + ".bytes");
            }
            for (java.util.Map.Entry<String, long[]> e : merged.entrySet()) {
                double b = e.getValue()[1] / (double) n;
                if (Math.abs(b) < 1) {
                    continue;
                }
                sb.append(row("`" + e.getKey() + "`" + note(e.getKey()),
                        String.format(Locale.ROOT, "%.2f", e.getValue()[0] / (double) n),
                        String.format(Locale.ROOT, "%.1f", b)));
            }
            sb.append(row("all classes", "", String.format(Locale.ROOT, "**%.1f**", hist.getLong("hist.diffBytes") / (double) n)));
        }

        sb.append("\n#### Real sockets: idle pairs up to the server's descriptor limit\n\n");
        sb.append("| threads | pairs (fd limit) | client processes | heap / pair: bare → Tandem | Tandem's own heap / pair |"
                + " RSS / pair: bare → Tandem | open (accept + start): bare / Tandem | close: bare / Tandem `shutdown` |"
                + " fds left after close |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Facts[] s : sockets) {
            Facts b = s[0];
            Facts t = s[1];
            long nb = b.getLong("pairs");
            long nt = t.getLong("pairs");
            double hb = per(b, "heap.held", "heap.empty", nb);
            double ht = per(t, "heap.held", "heap.empty", nt);
            double rb = per(b, "rss.held", "rss.empty", nb);
            double rt = per(t, "rss.held", "rss.empty", nt);
            sb.append(row(t.get("threads"), count(nt) + (nb != nt ? " (bare " + count(nb) + ")" : "") + " ("
                            + count(t.getLong("fdLimit")) + ")", t.get("clients"),
                    bytes(hb) + " → " + bytes(ht), "**" + bytes(ht - hb) + "**", bytes(rb) + " → " + bytes(rt),
                    secs(b.getLong("openNanos")) + " / " + secs(t.getLong("openNanos")),
                    secs(b.getLong("closeNanos")) + " / " + secs(t.getLong("closeNanos")),
                    "bare " + fdsLeft(b) + ", Tandem " + fdsLeft(t)));
        }
        sb.append("\nFacts checked: ");
        List<String> sf = new ArrayList<>();
        for (Facts[] s : sockets) {
            Facts t = s[1];
            sf.add(t.get("threads") + ": server sockets closed " + count(s[0].getLong("serverSocketsClosed")) + " / "
                    + count(t.getLong("serverSocketsClosed")) + " (bare / Tandem), client ends closed after the server's "
                    + count(s[0].getLong("clientsClosed")) + " / " + count(t.getLong("clientsClosed"))
                    + ", fds while held " + count(s[0].getLong("fds.held")) + " / " + count(t.getLong("fds.held"))
                    + ", platform threads while held " + count(s[0].getLong("platformThreads.held")) + " / "
                    + count(t.getLong("platformThreads.held")) + ", Tandem's shutdown clean " + t.get("tandem.shutdownClean")
                    + ", live after " + t.get("tandem.liveAfter") + ", peak STUCK " + t.get("tandem.peakStuckInShutdown"));
        }
        sb.append(String.join("; ", sf)).append(".\n");
        sb.append(B4Threads.table(sockets));

        sb.append("\n#### Targets\n\n");
        Facts big = null;
        for (Facts m : mem) {
            if (m.getLong("pairs") == TARGET_PAIRS) {
                big = m;
            }
        }
        if (big == null) {
            sb.append("- 1,000,000 pairs held; Tandem's own overhead ≤ 1 KiB per pair; `shutdown` of 1,000,000 pairs"
                    + " under 10 s: **not judged in this pass** (no 1,000,000-pair run).\n");
        } else {
            boolean held = big.getLong("tandem.live") == TARGET_PAIRS && big.getLong("tandem.closedShutdown") == TARGET_PAIRS
                    && big.getLong("tandem.liveAfter") == 0 && big.getBoolean("tandem.shutdownClean");
            sb.append("- 1,000,000 pairs held in one JVM (`").append(plan.memLargeHeap).append("`, virtual threads): **")
                    .append(held ? "met" : "missed").append("** (live ").append(count(big.getLong("tandem.live")))
                    .append(", closed by shutdown ").append(count(big.getLong("tandem.closedShutdown"))).append(").\n");
            double over = per(big, "heap.tandem", "heap.empty", TARGET_PAIRS) - baseline(big);
            sb.append("- Tandem's own overhead ≤ 1 KiB per pair: **").append(over <= TARGET_OVERHEAD ? "met" : "missed")
                    .append("** (").append(bytes(over)).append(" at 1,000,000 pairs).\n");
            sb.append("- Tandem's own overhead ≤ 400 B per idle pair on virtual threads (issue 10): **")
                    .append(over <= TARGET_OVERHEAD_IDLE ? "met" : "missed").append("** (").append(bytes(over))
                    .append(" at 1,000,000 pairs).\n");
            long sd = big.getLong("tandem.shutdownNanos");
            sb.append("- `shutdown` of 1,000,000 pairs under 10 s: **").append(sd < TARGET_SHUTDOWN_NANOS ? "met" : "missed")
                    .append("** (").append(secs(sd)).append(", of which GC pauses ")
                    .append(millis(big.getLong("tandem.shutdownGcMillis"))).append("; the bare close takes ")
                    .append(secs(big.getLong("bare.closeNanos"))).append(").\n");
        }
        sb.append(B4Threads.targets(sockets));
        for (Facts m : mem) {
            sb.append("- Tandem's own platform threads stay a handful (").append(count(m.getLong("pairs")))
                    .append(" pairs): `").append(m.get("tandem.platformThreadNames")).append("` while held; at most ")
                    .append(m.get("platformThreads.peakInShutdown")).append(" platform threads in all during `shutdown`.\n");
        }
        return sb.toString();
    }

    /** What a histogram row is, where the class name does not say. */
    private static String note(String cls) {
        switch (cls) {
            case "jdk.internal.vm.StackChunk":
                return " (parked virtual threads' frames; their size moves with what the JIT compiled)";
            case "[B":
            case "java.lang.String":
                return " (mostly the two thread names, `tandem-<id>-reader`/`-writer`)";
            case "dev.tandem.bench.scale.IdlePairs$$Lambda":
                return " (the bare threads' two `Runnable`s)";
            case "dev.tandem.core.PairImpl$$Lambda":
                return " (the sides' two `Runnable`s)";
            case "java.util.concurrent.ConcurrentHashMap$Node":
            case "java.lang.Long":
            case "[Ljava.util.concurrent.ConcurrentHashMap$Node;":
                return " (the manager's registry)";
            case "dev.tandem.bench.scale.ClassHistogram$Row":
            case "java.util.LinkedHashMap$Entry":
                return " (the harness's copy of the bare histogram)";
            default:
                return "";
        }
    }

    /** Descriptors open after the close minus before the pairs: "none" if not more. */
    private static String fdsLeft(Facts f) {
        long d = f.getLong("fds.end") - f.getLong("fds.empty");
        return d <= 0 ? "none" : d + " left";
    }

    private static Facts first(List<Facts> mem, List<Facts[]> sockets) {
        return mem.isEmpty() ? sockets.get(0)[0] : mem.get(0);
    }

    private static String jvm(Facts f) {
        return "Java " + f.get("jvm.version") + " (" + f.get("jvm.vendor") + "), GC " + f.get("jvm.gc")
                + ", compressed oops " + f.get("jvm.compressedOops") + ", compact object headers "
                + f.get("jvm.compactHeaders");
    }

    private static double per(Facts f, String a, String b, long n) {
        return (f.getLong(a) - f.getLong(b)) / (double) n;
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    static String bytes(double b) {
        double abs = Math.abs(b);
        if (abs >= 10 * KIB * KIB * KIB) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (KIB * KIB * KIB));
        }
        if (abs >= 10 * KIB * KIB) {
            return String.format(Locale.ROOT, "%.0f MiB", b / (KIB * KIB));
        }
        if (abs >= 10 * KIB) {
            return String.format(Locale.ROOT, "%.1f KiB", b / KIB);
        }
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String millis(long ms) {
        return String.format(Locale.ROOT, "%.2f s", ms / 1e3);
    }

    static String ratio(double a, double b) {
        return b <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String cpu(Facts f, String key) {
        long window = f.getLong("idleCpuWindowNanos");
        if (window <= 0) {
            return "not measured";
        }
        return String.format(Locale.ROOT, "%.0f ms/s", f.getLong(key) / (window / 1e9) / 1e6);
    }

    /** Heap per one-thread bare pair (older runs without it: the two-thread bare pair). */
    private static double baseline(Facts m) {
        long n = m.getLong("pairs");
        return m.has("heap.bare1") ? per(m, "heap.bare1", "heap.empty", n) : per(m, "heap.bare", "heap.empty", n);
    }
}
