package dev.tandem.stats.kafka;

import dev.tandem.stats.ItEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft broker of a test's own, run as a separate JVM from the classpath that
 * {@code .ci/services.d/30-kafka.sh} resolved, so a test can kill and restart it without touching
 * the shared one. It keeps its ports and its data across restarts (a restarted broker is the same
 * broker to a client). Everything it writes is under the directory given.
 */
final class KafkaBroker {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String java;
    private final String classpath;
    private final Path dir;
    private final int port;
    private Process process;
    private int starts;

    private KafkaBroker(String java, String classpath, Path dir, int port) {
        this.java = java;
        this.classpath = classpath;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Formats a new broker's storage under {@code dir}; does not start it. Skips the calling test
     * when the Kafka script did not run (see {@link ItEnvironment}).
     */
    static KafkaBroker format(Path dir) throws Exception {
        String java = ItEnvironment.require("TANDEM_IT_KAFKA_JAVA");
        String classpath = ItEnvironment.require("TANDEM_IT_KAFKA_CLASSPATH");
        Files.createDirectories(dir);
        int brokerPort = freePort();
        int controllerPort = freePort();
        Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                // A killed broker's registration lives until its session times out (9 s by default),
                // and its restart waits for that: keep the session short.
                "broker.heartbeat.interval.ms=500",
                "broker.session.timeout.ms=3000",
                ""), StandardCharsets.UTF_8);
        KafkaBroker b = new KafkaBroker(java, classpath, dir, brokerPort);
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Process fmt = b.launch("kafka.tools.StorageTool", dir.resolve("format.log"),
                // one id in 64 starts with '-', an option to the tool after a separate -t
                "format", "--cluster-id=" + clusterId, "-c", dir.resolve("server.properties").toString());
        if (!fmt.waitFor(60, TimeUnit.SECONDS)) {
            fmt.destroyForcibly();
            throw new AssertionError("formatting the broker's storage took over 60 s: " + b.tail("format.log"));
        }
        if (fmt.exitValue() != 0) {
            throw new AssertionError("formatting the broker's storage failed (exit " + fmt.exitValue() + "): "
                    + b.tail("format.log"));
        }
        return b;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process launch(String mainClass, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-cp", classpath, mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker and waits (bounded) for its "Kafka Server started" line. */
    void start() throws Exception {
        if (isRunning()) {
            throw new IllegalStateException("broker already running");
        }
        starts++;
        Path log = dir.resolve("broker-" + starts + ".log");
        process = launch("kafka.Kafka", log, dir.resolve("server.properties").toString());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("Kafka Server started")) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("broker exited with " + process.exitValue() + ": " + tail(log.getFileName().toString()));
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new AssertionError("broker did not start within " + START_TIMEOUT + ": "
                        + tail(log.getFileName().toString()));
            }
            Thread.sleep(50); // polling the log with a bounded deadline, not synchronising
        }
    }

    /** SIGKILL: no shutdown, no goodbye to clients, as a crash or an OOM kill. */
    void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("broker did not die within 30 s of SIGKILL");
        }
    }

    /** The last lines of one of the broker's logs, for failure messages. */
    String tail(String file) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8);
            return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e + ")";
        }
    }

    /** Kills the broker if it runs. */
    void stop() throws InterruptedException {
        kill();
    }
}
