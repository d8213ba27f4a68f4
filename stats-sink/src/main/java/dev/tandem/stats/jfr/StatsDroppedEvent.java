package dev.tandem.stats.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

@Name("dev.tandem.StatsDropped")
@Label("Stats Dropped")
@Category({"Tandem", "Stats"})
@Description("Events a stats sink dropped since the last period, per sink and reason; none when nothing was dropped")
@StackTrace(false)
@Period("10 s")
final class StatsDroppedEvent extends Event {
    @Label("Sink")
    String sink;

    @Label("Reason")
    @Description("queue_full, stalled, backoff, shutdown, re_entrant or failed")
    String reason;

    @Label("Dropped")
    @Description("Events dropped for this reason since the last period")
    long dropped;

    @Label("Dropped Total")
    @Description("Events dropped for this reason since the pipeline started")
    long total;
}
