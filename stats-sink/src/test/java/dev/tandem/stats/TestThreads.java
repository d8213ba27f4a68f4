package dev.tandem.stats;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Leak checks in the spirit of Go's goleak: no {@code tandem-} thread may outlive a test. Shipped in
 * the test-jar, so core's, the examples' and users' tests check the same way. Virtual threads are
 * not listed by the JDK: for them, check a manager's live count instead.
 */
public final class TestThreads {
    private TestThreads() {}

    /** Live {@code tandem-} platform threads. */
    public static List<Thread> tandemThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("tandem-") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Waits (bounded) for every {@code tandem-} thread to end, and fails naming the survivors. */
    public static void assertNoTandemThreadsWithin(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> alive = tandemThreads();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            alive.get(0).join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            alive = tandemThreads();
        }
        if (!alive.isEmpty()) {
            StringBuilder sb = new StringBuilder("tandem threads still alive after " + timeout + ":");
            for (Thread t : alive) {
                sb.append("\n  ").append(t.getName()).append(" ").append(t.getState());
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\n    at ").append(e);
                }
            }
            fail(sb.toString());
        }
    }
}
