package dev.tandem.stats;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sink that misbehaves in one chosen way. Blocking faults wait on a latch the test releases
 * when it is done, so no thread outlives the test.
 */
final class FaultySink implements StatsSink {
    enum Fault {
        BLOCKS_FOREVER_IN_PUBLISH,
        BLOCKS_FOREVER_IN_CLOSE,
        THROWS_RUNTIME_EXCEPTION,
        THROWS_STACK_OVERFLOW_ERROR,
        TAKES_TEN_TIMES_ITS_LINGER,
        RECORDS_BACK_INTO_THE_PIPELINE
    }

    final Fault fault;
    final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final long slowMillis;
    final AtomicLong eventsReceived = new AtomicLong();
    final AtomicInteger publishCalls = new AtomicInteger();
    final AtomicInteger closeCalls = new AtomicInteger();
    volatile EventType recordBackInto;

    FaultySink(Fault fault, long slowMillis) {
        this.fault = fault;
        this.slowMillis = slowMillis;
    }

    /** Lets every blocked call return; call in the test's cleanup. */
    void release() {
        release.countDown();
    }

    @Override
    public void publish(Batch batch) throws Exception {
        publishCalls.incrementAndGet();
        entered.countDown();
        switch (fault) {
            case BLOCKS_FOREVER_IN_PUBLISH:
                release.await();
                break;
            case THROWS_RUNTIME_EXCEPTION:
                throw new IllegalStateException("backend refused the batch");
            case THROWS_STACK_OVERFLOW_ERROR:
                recurse(0);
                break;
            case TAKES_TEN_TIMES_ITS_LINGER:
                Thread.sleep(slowMillis);
                break;
            case RECORDS_BACK_INTO_THE_PIPELINE:
                EventType t = recordBackInto;
                for (int i = 0; i < batch.events().size() + 1; i++) {
                    t.record(Tags.of("from", "publish"), i, i);
                }
                break;
            case BLOCKS_FOREVER_IN_CLOSE:
                break;
            default:
                throw new AssertionError(fault);
        }
        eventsReceived.addAndGet(batch.events().size());
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1; // until a real StackOverflowError
    }

    @Override
    public void close() throws java.io.InterruptedIOException {
        closeCalls.incrementAndGet();
        if (fault == Fault.BLOCKS_FOREVER_IN_CLOSE) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted in close");
            }
        }
    }

    @Override
    public String toString() {
        return "FaultySink[" + fault + "]";
    }
}
