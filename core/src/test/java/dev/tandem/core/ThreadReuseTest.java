package dev.tandem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On platform threads readers and drains run on the manager's pool: churning connections reuses
 * threads instead of making two per connection, a thread's name says which pair it serves only
 * while it serves it, and the pool's threads end at shutdown (the leak check).
 */
@Timeout(60)
class ThreadReuseTest {
    private static final int PAIRS = 50;
    private ConnectionManager manager;

    @AfterEach
    void noLeaks() throws InterruptedException {
        TestSupport.assertNoLeaks(manager);
    }

    @Test
    void churningPairsReusesPooledThreadsNamedAfterThePairTheyServe() throws Exception {
        manager = ConnectionManager.builder().build();
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        Set<String> wrongNames = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < PAIRS; i++) {
            CountDownLatch written = new CountDownLatch(1);
            ConnectionPair<String> p = manager.open(() -> { }, ctx -> {
                used.add(Thread.currentThread());
                expectName(ctx, "reader", wrongNames);
                written.await();
            }, (m, ctx) -> {
                used.add(Thread.currentThread());
                expectName(ctx, "writer", wrongNames);
                written.countDown();
            });
            assertEquals(SendResult.ACCEPTED, p.send("m"));
            assertEquals(CloseReason.READER_EOF, TestSupport.await(p.closeFuture()).reason());
        }
        assertTrue(wrongNames.isEmpty(), "while a thread serves a pair its name says so: " + wrongNames);
        // the old model made 2 threads per pair (100 here); a pool hands the same few back
        assertTrue(used.size() < PAIRS / 2, used.size() + " threads served " + PAIRS + " pairs");
        for (Thread t : used) {
            TestSupport.awaitTrue(() -> !t.isAlive() || t.getName().matches("tandem-pool-[0-9]+"),
                    "an idle pooled thread takes its pool name back, not " + t.getName());
        }
    }

    private static void expectName(PairContext<String> ctx, String side, Set<String> wrong) {
        String name = Thread.currentThread().getName();
        if (!name.equals("tandem-" + ctx.pair().id() + "-" + side)) {
            wrong.add(name);
        }
    }
}
