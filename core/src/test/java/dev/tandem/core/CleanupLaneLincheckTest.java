package dev.tandem.core;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cleanup lane's hand-off under Lincheck: tasks added from several threads race drainers that
 * find the queue empty and leave, and the timer's {@code compensate}, which counts drainers in one
 * task for longer than a tick as hung and starts more when the oldest task has waited that long. A
 * drainer "starts" by being put on a list; an operation runs one started drainer to its end on the
 * model's thread, as a cleanup thread would; a tick moves the lane's clock on by twice the stall
 * and compensates, as the manager's timer does once a tick; a long task runs a tick itself, as the
 * timer's look while a task outlasts a tick (the model's threads cannot block).
 *
 * <p>At every quiescent moment: no task waits while no drainer is counted (a lost wake-up would
 * strand it until the timer's next tick, or forever once the timer has ended), the count is exactly
 * the drainers started and not yet run (the timer's extra drainers included), no task ran twice,
 * and no drainer is still counted as hung (every drainer that ran has left, and a hung mark that
 * outlived its drainer would let {@code execute} start drainers past its bound for good).
 * {@code actorsBefore(0)}: tasks added in the init part, with no drainer leaving, would hide the
 * race. Seen failing with the drainer's second look at the queue taken out ("a task waits and no
 * drainer is counted"), with the timer's extra drainers started but not counted ("drainers
 * counted"), and with a drainer that never takes back a hung mark the timer set while its task ran
 * ("still counted as hung"). Not reached by the model: a mark that lands after a drainer's last
 * task has ended and been uncounted, which the timer's second look at the task takes back (with
 * that look taken out this model still passes: it never switches threads inside a drainer here).
 * {@code CleanupLaneTest.noHungMarkOutlivesItsDrainerWhileTheTimerLooksAllTheTime} reproduces that
 * race on real threads, within 40 rounds without the second look.
 */
@Timeout(300)
public class CleanupLaneLincheckTest {
    private final ArrayDeque<Runnable> started = new ArrayDeque<>(); // guarded by itself
    private final AtomicInteger ran = new AtomicInteger();
    private final AtomicInteger added = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong();
    private final CleanupLane lane = new CleanupLane(d -> {
        synchronized (started) {
            started.add(d);
        }
    }, clock::get, 1);

    @Operation
    public void execute() {
        added.incrementAndGet();
        lane.execute(ran::incrementAndGet);
    }

    /**
     * A task that outlasts a tick: the timer's look comes while the task runs, and counts its
     * drainer as hung (the model's threads cannot block, so the task runs the tick itself).
     */
    @Operation
    public void executeLongTask() {
        added.incrementAndGet();
        lane.execute(() -> {
            ran.incrementAndGet();
            tick();
        });
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

    /** The manager's timer: a tick of {@value #STALL} passes twice over, then it compensates. */
    @Operation
    public void tick() {
        clock.addAndGet(2 * STALL);
        lane.compensate(STALL);
    }

    private static final long STALL = 5;

    @Validate
    public void noTaskIsStranded() {
        int pending;
        synchronized (started) {
            pending = started.size();
        }
        check(lane.queued() == 0 || lane.drainers() > 0, "a task waits and no drainer is counted");
        check(lane.drainers() == pending, "drainers counted " + lane.drainers() + " but started and not run " + pending);
        check(ran.get() + lane.queued() == added.get(), "ran " + ran + " + waiting " + lane.queued() + " != added " + added);
        check(lane.hung() == 0, lane.hung() + " drainers still counted as hung, with none running");
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
    void aTaskThatOutlastsATickWhileAnotherIsAdded() {
        ModelHost.modelCheckScenario(getClass(), 2000,
                new String[] {"executeLongTask", "runDrainer"}, new String[] {"execute", "runDrainer"});
    }

    @Test
    void stress() {
        ModelHost.stress(getClass(), 5, 1000);
    }
}
