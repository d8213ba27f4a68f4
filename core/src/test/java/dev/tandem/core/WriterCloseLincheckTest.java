package dev.tandem.core;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hand-over of a resource's close to the pair's idle writer, under Lincheck: closes from
 * several threads race the writer leaving its loop (as it does once it sees the close), the writer
 * and the reader failing, and the timer (zero grace period: STUCK and forced hooks at any moment).
 *
 * <p>The pair is modelled with side threads that exist but never run (so the closer sees a live,
 * idle writer and asks it); the sides' exits are operations. Whatever the order: the resource is
 * closed at most once, and exactly once as soon as the pair is closed and its writer has left (a
 * request the writer could no longer see is taken back by the closer); hooks run at most once; the
 * pair reaches CLOSED exactly when both sides have exited.
 */
@Timeout(300)
public class WriterCloseLincheckTest {
    private final AtomicInteger resourceCloses = new AtomicInteger();
    private boolean readerDone;
    private boolean writerDone;

    private final ModelHost host = new ModelHost();

    private final PairImpl<String> pair = new PairImpl<>(1, host, resourceCloses::incrementAndGet,
            ctx -> { }, (m, ctx) -> { }, new CleanupHook[0]);

    public WriterCloseLincheckTest() throws ReflectiveOperationException {
        // Sides that exist but never run: the closer sees an idle, live writer and asks it to close.
        setField("readerThread", new Thread(() -> { }, "model-reader"));
        setField("writerThread", new Thread(() -> { }, "model-writer"));
    }

    private void setField(String name, Object value) throws ReflectiveOperationException {
        Field f = PairImpl.class.getDeclaredField(name);
        f.setAccessible(true);
        f.set(pair, value);
    }

    @Operation
    public boolean close() {
        return pair.close();
    }

    /** The writer loop returning because it saw the pair closed, as the real one does once woken. */
    @Operation(nonParallelGroup = "writer")
    public void writerLeavesAfterClose() {
        if (!writerDone && pair.state() != PairState.OPEN) {
            writerDone = true;
            pair.writerExited(null);
        }
    }

    @Operation(nonParallelGroup = "writer")
    public void writerFails() {
        if (!writerDone) {
            writerDone = true;
            pair.writerExited(new IOException("writer failed"));
        }
    }

    @Operation(nonParallelGroup = "reader")
    public void readerFails() {
        if (!readerDone) {
            readerDone = true;
            pair.readerExited(new IOException("reader failed"));
        }
    }

    @Operation(nonParallelGroup = "timer")
    public void timerTick() {
        pair.checkDeadlines(ModelHost.STILL.nanoTime() + 1, 0, 0, 0, Long.MAX_VALUE);
    }

    @Validate
    public void theResourceIsClosedOnceAndNeverLost() {
        PairState state = pair.state();
        check(resourceCloses.get() <= 1, "resource closed " + resourceCloses + " times");
        if (state == PairState.OPEN) {
            check(resourceCloses.get() == 0, "resource closed while OPEN");
        } else if (writerDone) {
            check(resourceCloses.get() == 1, "pair closed and writer gone, but the resource was closed "
                    + resourceCloses + " times");
        }
        check(host.managerHookRuns.get() <= 1, "hooks ran " + host.managerHookRuns + " times");
        check(host.closedReports.get() <= 1, "CLOSED reported " + host.closedReports + " times");
        if (readerDone && writerDone) {
            check(state == PairState.CLOSED, "both sides exited but state is " + state);
            check(host.managerHookRuns.get() == 1, "both sides exited but the hooks ran " + host.managerHookRuns + " times");
            check(host.closedReports.get() == 1, "both sides exited but CLOSED reported " + host.closedReports + " times");
        } else {
            check(state != PairState.CLOSED && host.closedReports.get() == 0, "CLOSED before both sides exited");
        }
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " (state " + pair.state() + ", reason " + pair.reason()
                    + ", reader exited " + readerDone + ", writer exited " + writerDone + ")");
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(6)
                .invocationsPerIteration(300)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(0) // the race is in the parallel part: no close before it
                .actorsAfter(0)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(6)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(0) // the race is in the parallel part: no close before it
                .actorsAfter(0)
                .check(getClass());
    }
}
