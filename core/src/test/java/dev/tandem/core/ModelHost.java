package dev.tandem.core;


import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.StressOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The manager as the Lincheck models of a pair see it: no threads (teardown work handed off runs
 * inline, so the model checker sees every step; sides handed to {@link #runSide} wait in
 * {@link #sides} until an operation of the model runs them), a clock that stands still, one
 * manager hook, and the books a real manager keeps (CLOSED reports, the stuck gauge).
 */
final class ModelHost implements PairHost {
    static final TimeSource STILL = new TimeSource() {
        @Override
        public long nanoTime() {
            return 1_000_000L;
        }

        @Override
        public long currentTimeMillis() {
            return 1L;
        }
    };

    final AtomicInteger managerHookRuns = new AtomicInteger();
    final AtomicInteger closedReports = new AtomicInteger();
    /** Hooks reported cut off at their deadline, and which (by index in the chain). */
    final AtomicInteger hookTimeouts = new AtomicInteger();
    final java.util.Set<Integer> cutHooks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The manager's stuck gauge, kept as the manager keeps it: up on STUCK, down at CLOSED if it was. */
    final AtomicInteger stuckCount = new AtomicInteger();
    private final CleanupHook[] managerHooks = {info -> managerHookRuns.incrementAndGet()};

    @Override
    public TimeSource clock() {
        return STILL;
    }

    /** Sides (drains) scheduled and not yet run, oldest first. */
    final ConcurrentLinkedQueue<Runnable> sides = new ConcurrentLinkedQueue<>();

    @Override
    public void runSide(String name, Runnable side) {
        sides.add(side);
    }

    /** Runs the oldest side scheduled, if any, on the calling thread; true if there was one. */
    boolean runOneSide() {
        Runnable r = sides.poll();
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }

    @Override
    public int queueCapacity() {
        return 4;
    }

    @Override
    public OverflowPolicy overflowPolicy() {
        return OverflowPolicy.CLOSE_PAIR;
    }

    /** How many messages the model's reader writes inline before it hands off (0: none; set by the model). */
    volatile int readerInlineBudget;

    @Override
    public int readerInlineBudget() {
        return readerInlineBudget;
    }

    @Override
    public CleanupHook[] hooks() {
        return managerHooks;
    }

    @Override
    public void runOffThread(Runnable task) {
        task.run(); // inline: Lincheck sees every step
    }

    @Override
    public void messageDropped() {}

    @Override
    public void hookFailed(CleanupHookException failure) {
        if (failure.timedOut()) {
            hookTimeouts.incrementAndGet();
            cutHooks.add(failure.hookIndex());
        }
    }

    @Override
    public void onStuck(long pairId, String whatIsStuck, PairSnapshot snapshot, long closingNanos) {
        stuckCount.incrementAndGet();
    }

    @Override
    public void onClosed(long pairId, CloseInfo info, boolean wasStuck) {
        closedReports.incrementAndGet();
        if (wasStuck) {
            stuckCount.decrementAndGet();
        }
    }

    /**
     * Model-checks {@code model} with three threads of three operations and no operation before or
     * after the parallel part ({@code actorsBefore(0)}: an init part would hide the races these
     * models are about).
     */
    static void modelCheck(Class<?> model, int iterations, int invocations) {
        shape(new ModelCheckingOptions(), iterations, invocations).check(model);
    }

    /** Three threads of three operations, nothing before or after the parallel part. */
    private static <O extends Options<O, ?>> O shape(O options, int iterations, int invocations) {
        return options.iterations(iterations)
                .invocationsPerIteration(invocations)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(0)
                .actorsAfter(0);
    }

    /**
     * The pair reaches CLOSED exactly when both sides have exited: then the hooks ran once and
     * CLOSED was reported; before, neither. {@code check} is the model's own, which adds its state
     * to the message.
     */
    static void closedExactlyWhenBothSidesExited(PairImpl<?> pair, ModelHost host, boolean readerDone, int hookRuns,
                                                 java.util.function.BiConsumer<Boolean, String> check) {
        PairState state = pair.state();
        if (readerDone && pair.writerState() == WriteSide.Drain.ENDED) {
            check.accept(state == PairState.CLOSED, "both sides exited but state is " + state);
            check.accept(hookRuns == 1, "both sides exited but the hooks ran " + hookRuns + " times");
        } else {
            check.accept(state != PairState.CLOSED && host.closedReports.get() == 0, "CLOSED before both sides exited");
        }
    }

    /**
     * Model-checks one hand-written scenario of {@code model}: each array is one thread's operations
     * (public no-argument methods, by name), all in the parallel part. For an interleaving the random
     * scenarios of {@link #modelCheck} reach too rarely; every interleaving of this one is explored
     * (up to {@code invocations}).
     */
    static void modelCheckScenario(Class<?> model, int invocations, String[]... threads) {
        List<List<Actor>> parallel = new ArrayList<>();
        for (String[] ops : threads) {
            List<Actor> thread = new ArrayList<>();
            for (String op : ops) {
                try {
                    thread.add(new Actor(model.getMethod(op), List.of(), false, false, false, false, false));
                } catch (NoSuchMethodException e) {
                    throw new IllegalArgumentException("no operation " + op + " in " + model.getName(), e);
                }
            }
            parallel.add(thread);
        }
        new ModelCheckingOptions()
                .iterations(0)
                .invocationsPerIteration(invocations)
                .addCustomScenario(new ExecutionScenario(List.of(), parallel, List.of(), null))
                .check(model);
    }

    /** As {@link #modelCheck}, on real threads. */
    static void stress(Class<?> model, int iterations, int invocations) {
        shape(new StressOptions(), iterations, invocations).check(model);
    }
}
