package dev.tandem.stats;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where a pipeline delivers stats: the SPI a user implements to reach a backend.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li>{@link #publish} and {@link #close} are called only on this sink's own delivery thread
 *       ({@code tandem-stats-<name>}), one call at a time, never on a thread that records.</li>
 *   <li>They may block, crawl or throw. A publish that overruns the sink's publish timeout marks
 *       the sink {@link SinkState#STALLED} and the pipeline drops (and counts) new events for it
 *       until the call returns; a publish that throws puts the sink in {@link SinkState#BACKOFF}.
 *       Neither ever delays a producer or another sink.</li>
 *   <li>The delivery thread may be interrupted when {@code close(deadline)} runs out of time;
 *       a well-behaved sink lets blocking I/O end on interrupt.</li>
 *   <li>Recording into the pipeline from {@code publish} is allowed but such events are dropped
 *       with reason {@link DropReason#RE_ENTRANT}; counters and gauges may be updated freely.</li>
 * </ul>
 */
public interface StatsSink extends Closeable {
    /**
     * Delivers one batch: the events gathered since the last publish (possibly none) and the
     * current cumulative value of every metric. Throwing marks the batch failed; the pipeline
     * retries it after a backoff (see {@link SinkOptions.Builder#maxRetries(int)}).
     *
     * <p>The batch is lent for the duration of this call: it and its lists throw
     * {@link IllegalStateException} once the call returns (the pipeline reuses them for the next
     * publish). Keep {@link Batch#copy()} of what you need later; events and measurements never
     * change and may be kept, unless this sink {@link #acceptsReusedEvents() accepts reused
     * events} or {@link #acceptsReusedMeasurements() reused measurements}.
     */
    void publish(Batch batch) throws Exception;

    /**
     * Whether the pipeline may reuse the {@link Measurement}s it hands this sink (default false),
     * as OpenTelemetry's {@code MemoryMode.REUSABLE_DATA} lets an exporter choose. With
     * {@code true} the delivery loop keeps one measurement per metric and updates its value in
     * place before each publish, so that a publish allocates nothing at all; the sink must then not
     * keep a measurement past the {@code publish} that handed it over (keep {@link Batch#copy()},
     * whose measurements are immutable, or the values). With {@code false} every measurement is
     * immutable and may be kept. Asked once, by the pipeline's {@code build()} on its caller's
     * thread: return a constant.
     */
    default boolean acceptsReusedMeasurements() {
        return false;
    }

    /**
     * Whether the pipeline may reuse the {@link Event}s it hands this sink (default false), the
     * same choice for events. Recording writes an event's parts into the sink's pre-allocated
     * ring and builds no object; the delivery thread builds the events it lends the sink. With
     * {@code true} it keeps one event per position of its batch and refills them before each
     * publish, so that delivering allocates nothing per event; the sink must then not keep an
     * event past the {@code publish} that handed it over (keep {@link Event#copy()},
     * {@link Batch#copy()}, or the values). With {@code false} every event is a new immutable
     * object the sink may keep. Asked once, by the pipeline's {@code build()} on its caller's
     * thread: return a constant.
     */
    default boolean acceptsReusedEvents() {
        return false;
    }

    /**
     * Releases the sink's resources after the last publish. Called once, on the delivery thread,
     * within the pipeline's close deadline if it can be; a close that hangs is abandoned (but
     * never interrupted). A second call must be harmless. A sink is {@link Closeable} (not just
     * {@code AutoCloseable}) so that implementing it never triggers javac's warning about
     * {@code close()} throwing {@link InterruptedException}; wrap other checked exceptions.
     */
    @Override
    default void close() throws IOException {}
}
