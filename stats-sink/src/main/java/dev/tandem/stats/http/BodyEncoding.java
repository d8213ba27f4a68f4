package dev.tandem.stats.http;

import dev.tandem.stats.Batch;
import java.io.IOException;
import java.io.OutputStream;

/**
 * How an {@link HttpSink} turns a {@link Batch} into a request body. Two ship with Tandem:
 * {@link #jsonLines()} and {@link #influxLineProtocol()}; implement this interface for any other
 * format.
 *
 * <p>Contract: {@link #encode} is called on the sink's delivery thread, once per publish attempt
 * (a retried batch is encoded again), never concurrently for one sink. It must write the whole body
 * to {@code out} and must not close it. Writing nothing means "nothing to send": the sink then
 * makes no request. Throwing fails the publish like an HTTP error would. Give each sink its own
 * instance: an encoding may keep state between batches (the InfluxDB one does).
 */
public interface BodyEncoding {
    /** The value of the request's {@code Content-Type} header. */
    String contentType();

    /** Writes the request body for {@code batch} to {@code out}. */
    void encode(Batch batch, OutputStream out) throws IOException;

    /**
     * <a href="https://jsonlines.org/">JSON Lines</a> ({@code application/x-ndjson}): one object
     * per event and one per metric.
     *
     * <pre>
     * {"type":"event","batch":7,"time":1764340000000,"name":"app.closed","tags":{"reason":"eof"},"fields":{"id":42,"duration_ms":1200}}
     * {"type":"counter","batch":7,"time":1764340000012,"name":"app.opened","tags":{},"value":10}
     * {"type":"gauge","batch":7,"time":1764340000012,"name":"app.live","tags":{},"value":3.0}
     * </pre>
     *
     * {@code batch} is the pipeline's batch sequence (repeated when a batch is retried);
     * {@code time} is milliseconds since the epoch (the event's, or the batch's for metrics);
     * counters are exact totals; a NaN or infinite gauge is {@code null}.
     */
    static BodyEncoding jsonLines() {
        return new JsonLinesEncoding();
    }

    /**
     * InfluxDB line protocol ({@code text/plain}), with nanosecond timestamps: post to
     * {@code /write?db=NAME} without a {@code precision} parameter (or with {@code precision=ns}).
     *
     * <pre>
     * app.closed,reason=eof id=42i,duration_ms=1200i 1764340000000000007
     * app.opened value=10i 1764340000012000000
     * app.live value=3 1764340000012000000
     * </pre>
     *
     * <ul>
     *   <li>An event is a point: measurement = event name, tags = its tags, one integer field per
     *       numeric field ({@code count=1i} for an event without fields), timestamp = the event's
     *       millisecond plus a sub-millisecond sequence number, so that events of one series in
     *       the same millisecond stay distinct points (InfluxDB keeps one point per series and
     *       timestamp). The numbers are the same when a batch is retried, so a retry after a
     *       lost response overwrites instead of duplicating.</li>
     *   <li>A counter is {@code name,tags value=<total>i}, a gauge {@code name,tags value=<float>},
     *       at the batch's timestamp. NaN and infinite gauges are left out.</li>
     *   <li>Escaping per the line protocol: commas and spaces in measurements; commas, equals
     *       signs and spaces in tag keys, tag values and field keys; line breaks become escaped
     *       spaces. A key named {@code time} (which InfluxDB rejects) becomes {@code time_}, and a
     *       measurement starting with {@code #} (a comment) starts with {@code _} instead. A
     *       backslash before a character that must be escaped or before another backslash, or at the
     *       end of a name, cannot be written exactly: it is doubled, or followed by {@code _}.</li>
     * </ul>
     *
     * Returns a new instance: it keeps the sub-millisecond sequence between batches.
     */
    static BodyEncoding influxLineProtocol() {
        return new InfluxLineProtocolEncoding();
    }
}
