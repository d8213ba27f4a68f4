package dev.tandem.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

@Name("dev.tandem.PairStuck")
@Label("Pair Stuck")
@Category({"Tandem", "Connections"})
@Description("A side of a closed pair did not exit within the grace period; its hooks run now on a cleanup thread")
@StackTrace(false)
final class PairStuckEvent extends Event {
    @Label("Manager")
    String manager;

    @Label("Pair Id")
    long pairId;

    @Label("What Is Stuck")
    String whatIsStuck;

    @Label("Closing For")
    @Description("How long ago the pair began to close")
    @Timespan(Timespan.NANOSECONDS)
    long closing;

    @Label("Reader Stack")
    @Description("Where the reader is, top frame first; empty if it exited")
    String readerStack;

    @Label("Writer Stack")
    @Description("Where the writer is, top frame first; empty if it exited")
    String writerStack;
}
