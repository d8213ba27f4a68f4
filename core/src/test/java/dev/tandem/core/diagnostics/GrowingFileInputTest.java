package dev.tandem.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.stats.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A file read while its writer still writes: the end of the file is the end only once the writer ended. */
@Timeout(60)
class GrowingFileInputTest {
    @TempDir
    Path dir;

    /** Stands for the JDK's dump thread: alive until the test lets it end. */
    private static Thread writerThatEndsOn(CountDownLatch end) {
        Thread t = new Thread(() -> {
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-writer");
        t.start();
        return t;
    }

    @Test
    void aHalfWrittenLineIsWaitedForNotTakenForTheLastLine() throws Exception {
        Path file = dir.resolve("dump.txt");
        CountDownLatch end = new CountDownLatch(1);
        Thread writer = writerThatEndsOn(end);
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GrowingFileInput(file, writer),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "test-reader");
        reader.start();

        // the file does not exist yet: the reader waits for it
        Await.until(Duration.ofSeconds(10), () -> reader.getState() == Thread.State.TIMED_WAITING || done.isDone(),
                () -> "reader " + reader.getState());
        Files.writeString(file, "one\ntw", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        // "one" is out, so the reader has read "tw" too (one write, one read) and met the end of the file
        Await.until(Duration.ofSeconds(10), () -> lines.contains("one") || done.isDone(), () -> "lines " + lines);
        Await.until(Duration.ofSeconds(10), () -> reader.getState() == Thread.State.TIMED_WAITING || done.isDone(),
                () -> "reader " + reader.getState());
        Files.writeString(file, "o\nthree", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        end.countDown();

        done.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("one", "two", "three"), new ArrayList<>(lines));
    }

    @Test
    void aWriterThatEndsWithoutCreatingTheFileIsAClearError() throws Exception {
        CountDownLatch end = new CountDownLatch(1);
        Thread writer = writerThatEndsOn(end);
        end.countDown();
        writer.join();
        try (GrowingFileInput in = new GrowingFileInput(dir.resolve("never.txt"), writer)) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, in::read);
            assertTrue(e.getMessage().contains("never.txt") && e.getMessage().contains("ended without creating it"),
                    e.getMessage());
        }
    }

    @Test
    void anInterruptDoesNotCutTheReadShortAndIsKeptForTheCaller() throws Exception {
        Path file = dir.resolve("dump.txt");
        CountDownLatch end = new CountDownLatch(1);
        Thread writer = writerThatEndsOn(end);
        Files.writeString(file, "all of it\n", StandardCharsets.UTF_8);
        Thread me = Thread.currentThread();
        CompletableFuture<Void> ender = CompletableFuture.runAsync(() -> {
            // the reader has read all there is and waits for the writer (its interrupt already met)
            Await.until(Duration.ofSeconds(10), () -> me.getState() == Thread.State.TIMED_WAITING, () -> "reader " + me.getState());
            end.countDown();
        });
        me.interrupt();
        String text;
        try (GrowingFileInput in = new GrowingFileInput(file, writer)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        boolean interruptedAfter = Thread.interrupted(); // clears it for JUnit
        ender.get(10, TimeUnit.SECONDS);
        assertEquals("all of it\n", text);
        assertTrue(interruptedAfter, "the caller's interrupt was lost");
    }

    @Test
    void readsOfZeroBytesAndBadRangesBehaveAsInputStreamSays() throws IOException {
        Path file = dir.resolve("dump.txt");
        Files.writeString(file, "x", StandardCharsets.UTF_8);
        CountDownLatch end = new CountDownLatch(1);
        Thread writer = writerThatEndsOn(end);
        end.countDown();
        try (GrowingFileInput in = new GrowingFileInput(file, writer)) {
            assertEquals(0, in.read(new byte[4], 0, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[4], 3, 2));
            assertEquals('x', in.read());
            assertEquals(-1, in.read());
        }
    }
}
