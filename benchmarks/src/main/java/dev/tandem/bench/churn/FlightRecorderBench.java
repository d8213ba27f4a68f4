package dev.tandem.bench.churn;

import dev.tandem.bench.Results;
import dev.tandem.core.ConnectionManager;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * B2 with Flight Recorder (issue 12): the churn of {@link LifecycleBench}, Tandem with no recording
 * against Tandem while a recording of Tandem's own settings ({@code /dev/tandem/tandem.jfc}: every
 * {@code dev.tandem.*} event, so a PairOpened and a PairClosed per connection) runs in the same JVM,
 * rounds interleaved, ratios paired per round. The bare server is the yardstick of "today": Tandem's
 * ratio to it with no recording is the figure docs/benchmarks.md already reports. Writes
 * {@code b2-jfr.md}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.churn.FlightRecorderBench [--quick] [--out DIR]
 *     [--connections N] [--rounds R] [--concurrency C]
 * </pre>
 */
public final class FlightRecorderBench {
    static final String USAGE = "usage: FlightRecorderBench " + ChurnRun.COMMON_OPTIONS;

    private FlightRecorderBench() {}

    public static void main(String[] argv) throws Exception {
        ChurnRun run = new ChurnRun(argv, USAGE, 5_000, new String[0], new String[0]);
        List<ChurnLoad.Variant> variants = new ArrayList<>();
        List<String[]> pairs = new ArrayList<>();
        variants.add(LifecycleBench.bare(LifecycleBench.BARE, false));
        for (boolean virtual : ConnectionManager.virtualThreadsSupported() ? new boolean[] {false, true} : new boolean[] {false}) {
            String off = virtual ? LifecycleBench.TANDEM_VIRTUAL : LifecycleBench.TANDEM;
            String on = off + ", recording dev.tandem.*";
            variants.add(LifecycleBench.tandem(off, virtual, false));
            variants.add(recorded(on, LifecycleBench.tandem(off, virtual, false)));
            pairs.add(new String[] {on, off});
        }
        Map<String, List<RunResult>> results = run.run("B2+JFR", "", variants, new Loopback(62, 64),
                TimeUnit.SECONDS.toNanos(5), System.out);
        StringBuilder md = new StringBuilder("#### B2 with Flight Recorder on ").append(System.getProperty("java.vm.name"))
                .append(' ').append(System.getProperty("java.version")).append("\n\nMachine: ").append(Results.machine())
                .append(". This JVM: ").append(run.size("FlightRecorderBench", "")).append("\n\n")
                .append("| variant | connections/s | p50 | p99 | CPU per connection | vs bare (connections/s) |\n")
                .append("|---|---|---|---|---|---|\n");
        List<RunResult> bare = results.get(LifecycleBench.BARE);
        for (Map.Entry<String, List<RunResult>> e : results.entrySet()) {
            List<RunResult> rs = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(Fmt.whole(Rounds.median(rs, RunResult::closesPerSecond)))
                    .append(" | ").append(Fmt.micros(Rounds.median(rs, r -> RunResult.micros(r.connectToClosed, 50))))
                    .append(" | ").append(Fmt.micros(Rounds.median(rs, r -> RunResult.micros(r.connectToClosed, 99))))
                    .append(" | ").append(Fmt.micros(Rounds.median(rs, RunResult::cpuMicrosPerConnection)))
                    .append(" | ").append(Fmt.ratio(Rounds.pairedRatio(rs, bare, RunResult::closesPerSecond))).append(" |\n");
        }
        md.append('\n');
        for (String[] p : pairs) {
            List<RunResult> on = results.get(p[0]);
            List<RunResult> off = results.get(p[1]);
            double rate = Rounds.pairedRatio(on, off, RunResult::closesPerSecond);
            double p50 = Rounds.pairedRatio(on, off, r -> RunResult.micros(r.connectToClosed, 50));
            double cpu = Rounds.pairedRatio(on, off, RunResult::cpuMicrosPerConnection);
            md.append("- Recording on against off (").append(p[1]).append("), target within 5%: **")
                    .append(rate >= 0.95 && p50 <= 1.05 ? "met" : "missed").append("**: connections/s ")
                    .append(Fmt.ratio(rate)).append(", p50 ").append(Fmt.ratio(p50)).append(", CPU per connection ")
                    .append(Fmt.ratio(cpu)).append(".\n");
        }
        Path file = Results.write(run.out, "b2-jfr", md.toString());
        System.out.println(md);
        System.out.println("wrote " + file);
    }

    /** The variant's server, with a recording of tandem.jfc running from its start to its close. */
    static ChurnLoad.Variant recorded(String name, ChurnLoad.Variant inner) {
        return new ChurnLoad.Variant(name, clock -> {
            Configuration jfc;
            try (Reader r = new InputStreamReader(ConnectionManager.class.getResourceAsStream("/dev/tandem/tandem.jfc"),
                    StandardCharsets.UTF_8)) {
                jfc = Configuration.create(r);
            }
            Recording recording = new Recording(jfc);
            Path file = Files.createTempFile("b2-jfr", ".jfr");
            recording.setDestination(file);
            recording.start();
            return new ForwardingTarget(inner.start(clock)) {
                @Override
                public void close() throws java.io.IOException {
                    try {
                        server.close();
                    } finally {
                        recording.stop();
                        recording.close();
                        Files.deleteIfExists(file);
                    }
                }
            };
        });
    }
}
