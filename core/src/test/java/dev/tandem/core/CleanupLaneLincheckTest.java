package dev.tandem.core;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cleanup lane's hand-off under Lincheck: tasks added from several threads race drainers that
 * find the queue empty and leave. A drainer "starts" by being put on a list; an operation runs one
 * started drainer to its end on the model's thread, as a cleanup thread would.
 *
 * <p>At every quiescent moment: no task waits while no drainer is counted (a lost wake-up would
 * strand it until the timer's next tick, or forever once the timer has ended), the count is exactly
 * the drainers started and not yet run, and no task ran twice. {@code actorsBefore(0)}: tasks added
 * in the init part, with no drainer leaving, would hide the race. Seen failing with the drainer's
 * second look at the queue taken out ("a task waits and no drainer is counted").
 */
@Timeout(300)
public class CleanupLaneLincheckTest {
    private final ArrayDeque<Runnable> started = new ArrayDeque<>(); // guarded by itself
    private final AtomicInteger ran = new AtomicInteger();
    private final AtomicInteger added = new AtomicInteger();
    private final CleanupLane lane = new CleanupLane(d -> {
        synchronized (started) {
            started.add(d);
        }
    }, () -> 0L, 1);

    @Operation
    public void execute() {
        added.incrementAndGet();
        lane.execute(ran::incrementAndGet);
    }

    /** A cleanup thread runs one drainer that was started (if any) until it leaves. */
    @Operation
    public void runDrainer() {
        Runnable d;
        synchronized (started) {
            d = started.poll();
        }
        if (d != null) {
            d.run();
        }
    }

    @Validate
    public void noTaskIsStranded() {
        int pending;
        synchronized (started) {
            pending = started.size();
        }
        check(lane.queued() == 0 || lane.drainers() > 0, "a task waits and no drainer is counted");
        check(lane.drainers() == pending, "drainers counted " + lane.drainers() + " but started and not run " + pending);
        check(ran.get() + lane.queued() == added.get(), "ran " + ran + " + waiting " + lane.queued() + " != added " + added);
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    @Test
    void modelChecking() {
        ModelHost.modelCheck(getClass(), 10, 300);
    }

    @Test
    void aTaskAddedWhileTheOnlyDrainerLeaves() {
        ModelHost.modelCheckScenario(getClass(), 2000,
                new String[] {"execute", "runDrainer"}, new String[] {"execute", "runDrainer"});
    }

    @Test
    void stress() {
        ModelHost.stress(getClass(), 5, 1000);
    }
}
