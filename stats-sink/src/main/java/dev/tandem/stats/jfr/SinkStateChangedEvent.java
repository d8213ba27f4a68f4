package dev.tandem.stats.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dev.tandem.SinkStateChanged")
@Label("Stats Sink State Changed")
@Category({"Tandem", "Stats"})
@Description("A stats sink moved between RUNNING, STALLED, BACKOFF, CLOSING and CLOSED")
@StackTrace(false)
final class SinkStateChangedEvent extends Event {
    @Label("Sink")
    String sink;

    @Label("From")
    String from;

    @Label("To")
    String to;

    @Label("Cause")
    @Description("Why: a publish failed (with its error), overran its timeout, succeeded again, or the pipeline closed")
    String cause;
}
