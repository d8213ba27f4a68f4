package dev.tandem.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Leak check for the examples' tests: no {@code tandem-} thread may outlive a test. */
final class Threads {
    private Threads() {}

    static void assertNoTandemThreadsWithin(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> alive = tandemThreads();
        while (!alive.isEmpty() && System.nanoTime() - deadline < 0) {
            alive.get(0).join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            alive = tandemThreads();
        }
        if (!alive.isEmpty()) {
            fail("tandem threads still alive after " + timeout + ": " + alive);
        }
    }

    private static List<Thread> tandemThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("tandem-") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }
}
