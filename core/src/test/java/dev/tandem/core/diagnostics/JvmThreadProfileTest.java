package dev.tandem.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tandem.stats.Await;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JVM-wide profile sees virtual threads (JDK 21+) and groups them by stack. */
@Timeout(120)
class JvmThreadProfileTest {
    private static final int MANY = 10_000;
    private static final int FEW = 10;

    /** Compiled for Java 17: {@code Thread.ofVirtual().factory()} is found at run time. */
    static ThreadFactory virtualThreads() throws Throwable {
        Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
        Object builder = MethodHandles.publicLookup()
                .findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
        return (ThreadFactory) MethodHandles.publicLookup().findVirtual(Class.forName("java.lang.Thread$Builder"),
                "factory", MethodType.methodType(ThreadFactory.class)).invoke(builder);
    }

    private static void parkedInOneMethod(CountDownLatch release) {
        awaitQuietly(release);
    }

    private static void parkedElsewhere(CountDownLatch release) {
        awaitQuietly(release);
    }

    private static void awaitQuietly(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theFirstGroupCountsTheTenThousandVirtualThreadsParkedInOneMethod() throws Throwable {
        assumeTrue(ThreadProfile.seesVirtualThreads(),
                "virtual threads and the JDK's dump of them need JDK 21+; this is Java " + Runtime.version().feature());
        ThreadFactory virtual = virtualThreads();
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>(MANY + FEW);
        try {
            for (int i = 0; i < MANY; i++) {
                all.add(virtual.newThread(() -> parkedInOneMethod(release)));
            }
            for (int i = 0; i < FEW; i++) {
                all.add(virtual.newThread(() -> parkedElsewhere(release)));
            }
            all.forEach(Thread::start);
            // identical stacks need every thread at rest in its park (one on its way has another stack)
            Await.until(Duration.ofSeconds(60), () -> all.stream().allMatch(t -> t.getState() == Thread.State.WAITING),
                    () -> all.stream().filter(t -> t.getState() != Thread.State.WAITING).count() + " not parked yet");

            List<StackGroup> groups = ThreadProfile.groups();
            StackGroup first = groups.get(0);
            assertEquals(MANY, first.count(), () -> ProfileText.format("test", 0, 0, groups.subList(0, 3)));
            assertEquals(MANY, first.virtualCount());
            assertEquals("WAITING", first.mainState());
            assertTrue(first.stack().stream().anyMatch(f -> f.contains("JvmThreadProfileTest.parkedInOneMethod(")),
                    first.stack().toString());
            StackGroup second = groups.get(1);
            assertEquals(FEW, second.count());
            assertTrue(second.stack().stream().anyMatch(f -> f.contains("JvmThreadProfileTest.parkedElsewhere(")),
                    second.stack().toString());

            String text = ThreadProfile.capture();
            assertTrue(text.startsWith("thread profile: total "), text.substring(0, 200));
            assertTrue(text.contains("\n\n" + MANY + " @ WAITING virtual e.g. "), text.substring(0, 1000));
            assertTrue(text.length() < 64 * 1024, "a few KB for a few groups, not 10,000 entries: " + text.length());
        } finally {
            release.countDown();
            for (Thread t : all) {
                t.join(10_000);
                assertTrue(!t.isAlive(), "virtual thread ended: " + t);
            }
        }
    }

    /**
     * The JDK's plain-text dump (the fast path) writes names raw: a name with a line break breaks
     * its shape. The profile is then taken in JSON, and is exact, the odd name included.
     */
    @Test
    void aThreadNameWithALineBreakStillGivesAnExactProfile() throws Throwable {
        assumeTrue(ThreadProfile.seesVirtualThreads(), "the JDK's thread dump needs JDK 21+");
        CountDownLatch release = new CountDownLatch(1);
        String odd = "odd\nname\" #7 \"x";
        Thread t = new Thread(() -> parkedElsewhere(release), odd);
        t.start();
        try {
            Await.until(Duration.ofSeconds(10), () -> t.getState() == Thread.State.WAITING, () -> t.getState().name());
            List<StackGroup> groups = ThreadProfile.groups();
            StackGroup mine = groups.stream()
                    .filter(g -> g.stack().stream().anyMatch(f -> f.contains("JvmThreadProfileTest.parkedElsewhere(")))
                    .findFirst().orElseThrow();
            assertEquals(1, mine.count(), mine::toString);
            assertEquals(List.of(odd), mine.names());
            assertTrue(groups.stream().noneMatch(g -> g.names().contains("x")), "no thread made up from the name");
        } finally {
            release.countDown();
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Test
    void onJdk17TheProfileSaysVirtualThreadsDoNotExistAndListsPlatformThreads() throws InterruptedException {
        assumeFalse(ThreadProfile.seesVirtualThreads(), "this JDK dumps its virtual threads: see the test above");
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> parkedInOneMethod(release), "profile-platform-17");
        t.start();
        try {
            Await.until(Duration.ofSeconds(10), () -> t.getState() == Thread.State.WAITING, () -> t.getState().name());
            String text = ThreadProfile.capture();
            assertTrue(text.startsWith("thread profile: total "), text);
            assertTrue(text.contains("has no virtual threads"), text.substring(0, 200));
            assertTrue(text.contains("\"profile-platform-17\""), text);
        } finally {
            release.countDown();
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
