package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cleanup lane on real threads: a burst of tasks costs a few threads, not one each; a task
 * that blocks holds the others back only until the timer's next look; a task that throws does not
 * take its drainer down.
 */
@Timeout(60)
class CleanupLaneTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger threadsStarted = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    private CleanupLane lane(int eager) {
        return new CleanupLane(d -> {
            threadsStarted.incrementAndGet();
            Thread t = new Thread(d, "lane-test-" + threadsStarted.get());
            t.setDaemon(true);
            t.start();
        }, now::get, eager);
    }

    @AfterEach
    void unblock() {
        release.countDown();
    }

    private void blockUntilReleased() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(10, TimeUnit.SECONDS), what + " within 10 s");
    }

    private static void awaitNoDrainers(CleanupLane lane) throws InterruptedException {
        awaitDrainers(lane, 0);
    }

    private static void awaitDrainers(CleanupLane lane, int n) throws InterruptedException {
        awaitCount(lane::drainers, n, "drainers counted");
    }

    private static void awaitInside(AtomicInteger inside, int n) throws InterruptedException {
        awaitCount(inside::get, n, "tasks blocked");
    }

    /** Waits (at most 10 s, then fails) until {@code count} reads {@code n}. */
    private static void awaitCount(java.util.function.IntSupplier count, int n, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsInt() != n) {
            assertTrue(System.nanoTime() < deadline, what + " after 10 s: " + count.getAsInt() + " (expected " + n + ")");
            Thread.sleep(1);
        }
    }

    @Test
    void aBurstOfTasksRunsOnTheEagerDrainersOnly() throws Exception {
        CleanupLane lane = lane(2);
        CountDownLatch bothBusy = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            lane.execute(() -> {
                bothBusy.countDown();
                blockUntilReleased();
            });
        }
        await(bothBusy, "two drainers busy");
        int tasks = 10_000;
        CountDownLatch allRan = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            lane.execute(allRan::countDown);
        }
        assertEquals(2, threadsStarted.get(), "the burst started no thread while two drainers were counted");
        release.countDown();
        await(allRan, "all " + tasks + " tasks ran");
        assertEquals(2, threadsStarted.get(), "two threads ran all " + (tasks + 2) + " tasks");
        awaitNoDrainers(lane);
        assertEquals(0, lane.queued());
    }

    @Test
    void aBlockedTaskHoldsTheOthersBackOnlyUntilTheTimerLooks() throws Exception {
        CleanupLane lane = lane(1);
        CountDownLatch blocked = new CountDownLatch(1);
        lane.execute(() -> {
            blocked.countDown();
            blockUntilReleased();
        });
        await(blocked, "the first task blocked");
        CountDownLatch second = new CountDownLatch(1);
        lane.execute(second::countDown);

        now.addAndGet(100); // in its task for exactly one stall period: not yet hung
        lane.compensate(100);
        assertEquals(1, threadsStarted.get(), "no drainer added before the blocked one has stalled");
        assertFalse(second.await(50, TimeUnit.MILLISECONDS), "the second task waits behind the blocked one");

        now.addAndGet(1);
        lane.compensate(100);
        await(second, "the second task ran on a drainer the timer added");
        assertEquals(1, lane.hung(), "the blocked drainer is counted as hung");
        awaitDrainers(lane, 1); // the added drainer leaves; the blocked one is still counted
        assertEquals(0, lane.queued());

        CountDownLatch third = new CountDownLatch(1);
        lane.execute(third::countDown); // no timer this time: the hung drainer leaves room for one
        await(third, "a task added after the timer counted the blocked drainer out ran at once");
        release.countDown();
        awaitNoDrainers(lane);
        assertEquals(0, lane.hung(), "the hung drainer is uncounted once its task returns");
    }

    @Test
    void oneTickStartsADrainerForEveryTaskThatWaitsBehindBlockedOnes() throws Exception {
        CleanupLane lane = lane(1);
        int blockers = 4;
        AtomicInteger inside = new AtomicInteger();
        for (int i = 0; i < blockers; i++) {
            lane.execute(() -> {
                inside.incrementAndGet();
                blockUntilReleased();
            });
        }
        awaitInside(inside, 1);
        now.addAndGet(1_000);
        // the first drainer is hung (room for one more), and the oldest task has waited a tick
        // (as many more as are counted: two)
        lane.compensate(100);
        awaitInside(inside, blockers);
        assertEquals(blockers, threadsStarted.get(), "one thread a blocked task, no more");
        now.addAndGet(1_000);
        lane.compensate(100); // nothing waits: none more
        assertEquals(blockers, threadsStarted.get());
        release.countDown();
        awaitNoDrainers(lane);
        assertEquals(0, lane.hung());
    }

    @Test
    void aDrainerThatFailsInTheLanesOwnCodeIsReplacedAndLosesNoTask() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CleanupLane lane = new CleanupLane(d -> {
            threadsStarted.incrementAndGet();
            Thread t = new Thread(d, "lane-test-" + threadsStarted.get());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> { }); // the failure below is the point
            t.start();
        }, () -> {
            if (calls.incrementAndGet() == 2) { // 1: execute's entry; 2: the first drainer's first look
                throw new IllegalStateException("a failure inside the lane");
            }
            return 0;
        }, 1);
        CountDownLatch ran = new CountDownLatch(1);
        lane.execute(ran::countDown);
        await(ran, "the task ran on the replacement drainer");
        assertEquals(2, threadsStarted.get(), "the failed drainer was replaced");
        awaitNoDrainers(lane);
    }

    @Test
    void aTaskThatThrowsDoesNotStopItsDrainer() throws Exception {
        CleanupLane lane = lane(1);
        CountDownLatch blocked = new CountDownLatch(1);
        lane.execute(() -> {
            blocked.countDown();
            blockUntilReleased();
        });
        await(blocked, "the first task blocked");
        CountDownLatch after = new CountDownLatch(1);
        lane.execute(() -> {
            throw new IllegalStateException("a task's bug");
        });
        lane.execute(after::countDown);
        release.countDown();
        await(after, "the task after the one that threw ran");
        assertEquals(1, threadsStarted.get(), "on the same drainer");
        awaitNoDrainers(lane);
    }

    @Test
    void aTaskAddedFromManyThreadsRunsOnceAndNoneIsStranded() throws Exception {
        CleanupLane lane = lane(2);
        int threads = 4;
        int each = 20_000;
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] adders = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            adders[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int j = 0; j < each; j++) {
                    lane.execute(ran::incrementAndGet);
                    if ((j & 255) == 0) {
                        Thread.yield(); // let the drainers empty the queue and leave now and then
                    }
                }
            });
            adders[i].start();
        }
        go.countDown();
        for (Thread a : adders) {
            a.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(a.isAlive());
        }
        awaitNoDrainers(lane);
        assertEquals(threads * each, ran.get(), "every task ran exactly once");
        assertEquals(0, lane.queued());
    }

    @Test
    void anEagerCountBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> lane(0));
    }

    /**
     * The timer looking all the time (a stall of 0 counts every busy drainer as hung) while
     * drainers run short tasks and leave: a mark that lands as a task ends, after its drainer's
     * uncount, must be taken back too, so that once every drainer has left none is counted hung.
     * A race, so this repeats it: rounds of tasks, each waited out, the timer never stopping.
     */
    @Test
    void noHungMarkOutlivesItsDrainerWhileTheTimerLooksAllTheTime() throws Exception {
        CleanupLane lane = new CleanupLane(d -> {
            Thread t = new Thread(d, "lane-race");
            t.setDaemon(true);
            t.start();
        }, () -> now.incrementAndGet(), 1);
        AtomicBoolean stop = new AtomicBoolean();
        Thread timer = new Thread(() -> {
            while (!stop.get()) {
                lane.compensate(0);
            }
        }, "lane-race-timer");
        timer.setDaemon(true);
        timer.start();
        AtomicInteger ran = new AtomicInteger();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int rounds = 0;
            while (System.nanoTime() < deadline && rounds < 20_000) {
                int before = ran.get();
                lane.execute(ran::incrementAndGet);
                spinUntil(() -> ran.get() == before + 1 && lane.drainers() == 0, "task run and its drainer gone");
                rounds++;
                if (lane.hung() != 0) {
                    awaitCount(lane::hung, 0, "drainers counted hung after round " + rounds + ", none running");
                }
            }
            assertTrue(rounds > 100, "rounds run: " + rounds);
        } finally {
            stop.set(true);
            timer.join(10_000);
        }
    }

    private static void spinUntil(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within 10 s");
            Thread.onSpinWait();
        }
    }
}
