package dev.tandem.stats;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * A Flight Recorder recording of a few events, streamed as they are flushed (about once a second)
 * and queued for the test thread. In the test-jar: the core's and the stats pipeline's event tests
 * read their events back through it.
 */
public final class RecordedEvents implements AutoCloseable {
    private final RecordingStream stream = new RecordingStream();
    private final BlockingQueue<RecordedEvent> seen = new LinkedBlockingQueue<>();

    private RecordedEvents(Duration period, String... names) {
        stream.setReuse(false); // the events outlive the callback: queued for the test thread
        for (String name : names) {
            if (period != null) {
                stream.enable(name).withPeriod(period);
            } else {
                stream.enable(name);
            }
            stream.onEvent(name, seen::add);
        }
        stream.startAsync(); // the recording runs when this returns; events are delivered on its thread
    }

    /** Records the named events. */
    public static RecordedEvents of(String... names) {
        return new RecordedEvents(null, names);
    }

    /** Records one periodic event, emitted every {@code period}. */
    public static RecordedEvents every(Duration period, String name) {
        return new RecordedEvents(period, name);
    }

    /** The first event recorded that {@code match} accepts, waiting at most 30 s. */
    public RecordedEvent next(Predicate<RecordedEvent> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            long left = deadline - System.nanoTime();
            RecordedEvent e = left > 0 ? seen.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                throw new AssertionError("no matching event recorded within 30 s");
            }
            if (match.test(e)) {
                return e;
            }
        }
    }

    @Override
    public void close() {
        stream.close();
    }
}
