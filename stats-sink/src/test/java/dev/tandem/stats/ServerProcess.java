package dev.tandem.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A backend server that an integration test starts itself (so that it may kill, freeze and restart
 * it without disturbing the shared one other tests use): one process, its output in a log file.
 * Every method waits a bounded time and fails loudly; {@link #close()} always leaves no process.
 */
public final class ServerProcess implements AutoCloseable {
    private final List<String> command;
    private final Path log;
    private Process process;

    private ServerProcess(List<String> command, Path log) {
        this.command = List.copyOf(command);
        this.log = log;
    }

    /** Starts {@code command}, appending its output to {@code log}. */
    public static ServerProcess start(List<String> command, Path log) throws IOException {
        ServerProcess p = new ServerProcess(command, log);
        p.launch();
        return p;
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The log so far, for failure messages and for servers that print their address. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGKILL, as a crash: nothing is flushed. Waits (bounded) until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("process " + pid() + " still alive 10 s after SIGKILL");
        }
    }

    /** Starts the same command again (same ports, same data), after {@link #kill()}. */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("still running: " + command);
        }
        launch();
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing, like a hung server. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT, after {@link #freeze()}. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + pid() + " failed");
        }
    }

    /** Thaws (a frozen process ignores SIGTERM until then), then stops the process, SIGKILL after 5 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            signal("CONT");
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (AssertionError | IOException e) {
            process.destroyForcibly(); // it may have exited meanwhile
        }
    }

    /** Waits until {@code condition} holds, failing with the server's log if it does not within {@code timeout}. */
    public Duration awaitReady(Duration timeout, java.util.function.BooleanSupplier condition) {
        return Await.until(timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + "; its log:\n" + log());
            }
            return condition.getAsBoolean();
        }, () -> "server not ready; its log:\n" + log());
    }
}
