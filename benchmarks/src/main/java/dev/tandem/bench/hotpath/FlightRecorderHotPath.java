package dev.tandem.bench.hotpath;

import dev.tandem.bench.Results;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * B1 with Flight Recorder (issue 12): {@code EventRecordBench.record} for Tandem's pipeline, in
 * forks alternating between no recording and a recording of Tandem's settings
 * ({@code -XX:StartFlightRecording} with {@code /dev/tandem/tandem.jfc}, extracted from the core
 * jar), {@code --rounds} times each, one fork per round; each fork's score is JMH's mean. The
 * recorded path emits nothing per event (a sink's state changes and the periodic drop summary are
 * the stats events): this checks that the hot path pays nothing for them being there. Writes
 * {@code b1-jfr.md}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.bench.hotpath.FlightRecorderHotPath [--quick] [--out DIR] [--rounds R]
 * </pre>
 */
public final class FlightRecorderHotPath {
    private FlightRecorderHotPath() {}

    public static void main(String[] args) throws IOException, RunnerException {
        boolean quick = List.of(args).contains("--quick");
        int rounds = quick ? 1 : 3;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            }
        }
        Path out = Results.outDir(args);
        Files.createDirectories(out);
        Path jfc = out.resolve("tandem.jfc");
        try (InputStream in = FlightRecorderHotPath.class.getResourceAsStream("/dev/tandem/tandem.jfc")) {
            Files.copy(in, jfc, StandardCopyOption.REPLACE_EXISTING);
        }
        String[] regimes = {"room", "flood"};
        double[][] off = new double[regimes.length][rounds];
        double[][] on = new double[regimes.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int g = 0; g < regimes.length; g++) {
                off[g][r] = score(regimes[g], quick, null);
                on[g][r] = score(regimes[g], quick, "-XX:StartFlightRecording:settings=" + jfc.toAbsolutePath()
                        + ",filename=" + out.resolve("b1-jfr-" + regimes[g] + "-" + r + ".jfr").toAbsolutePath());
            }
        }
        StringBuilder md = new StringBuilder("#### B1 with Flight Recorder on ").append(System.getProperty("java.version"))
                .append("\n\nMachine: ").append(Results.machine()).append(". `EventRecordBench.record`, queue=tandem, one ")
                .append("producer thread, ").append(rounds).append(" fork(s) each way, alternating.\n\n")
                .append("| regime | no recording, ns/op (per fork) | recording dev.tandem.*, ns/op (per fork) | median on/off |\n")
                .append("|---|---|---|---|\n");
        for (int g = 0; g < regimes.length; g++) {
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ratios.add(on[g][r] / off[g][r]);
            }
            ratios.sort(null);
            md.append("| ").append(regimes[g]).append(" | ").append(list(off[g])).append(" | ").append(list(on[g]))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", ratios.get(ratios.size() / 2))).append(" |\n");
        }
        Path file = Results.write(out, "b1-jfr", md.toString());
        System.out.println(md);
        System.out.println("wrote " + file);
    }

    private static String list(double[] xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", x));
        }
        return sb.toString();
    }

    private static double score(String regime, boolean quick, String jvmArg) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(HotPath.PKG + "EventRecordBench\\.record$")
                .param("queue", "tandem")
                .param("regime", regime)
                .threads(1)
                .forks(1)
                .shouldFailOnError(true);
        if (jvmArg != null) { // replaces the class's own jvmArgsAppend, so repeat its heap
            o.jvmArgsAppend("-Xms1g", "-Xmx1g", jvmArg);
        } else {
            o.jvmArgsAppend("-Xms1g", "-Xmx1g");
        }
        if (quick) {
            o.warmupIterations(1).warmupTime(TimeValue.milliseconds(200)).measurementIterations(2)
                    .measurementTime(TimeValue.milliseconds(200));
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        return results.iterator().next().getPrimaryResult().getScore();
    }
}
