// docs/stats-pipeline.md shows this file verbatim ("How to write a custom sink"); DocsMatchCodeTest checks it.
package dev.tandem.examples.sink;

import dev.tandem.stats.Batch;
import dev.tandem.stats.Event;
import dev.tandem.stats.Measurement;
import dev.tandem.stats.StatsSink;
import java.io.PrintStream;

/** The smallest useful sink: one line per event and one per counter, to a PrintStream. */
public final class MinimalSink implements StatsSink {
    private final PrintStream out;

    public MinimalSink(PrintStream out) {
        this.out = out;
    }

    @Override // Runs on this sink's own delivery thread, never on the thread that recorded.
    public void publish(Batch batch) {
        for (Event e : batch.events()) {
            out.println("event " + e); // name{tags} @millis field=value ...
        }
        for (Measurement m : batch.metrics()) {
            if (m.kind() == Measurement.Kind.COUNTER) {
                out.println("counter " + m.name() + m.tags() + " " + m.longValue()); // a total, not a delta
            }
        }
        if (out.checkError()) { // PrintStream hides IOExceptions: ask, and throw so the pipeline backs off
            throw new IllegalStateException("writing to the stream failed");
        }
    }
}
