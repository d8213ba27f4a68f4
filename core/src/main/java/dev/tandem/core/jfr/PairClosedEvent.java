package dev.tandem.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

@Name("dev.tandem.PairClosed")
@Label("Pair Closed")
@Category({"Tandem", "Connections"})
@Description("A connection pair reached CLOSED: both sides exited, the resource was closed and every hook ran")
@StackTrace(false)
final class PairClosedEvent extends Event {
    @Label("Manager")
    String manager;

    @Label("Pair Id")
    long pairId;

    @Label("Close Reason")
    @Description("The first cause of the close (EXPLICIT, READER_EOF, SLOW_CONSUMER, ...)")
    String reason;

    @Label("Cause")
    @Description("The exception class of the first cause, if it was a failure")
    String cause;

    @Label("Lifetime")
    @Timespan(Timespan.NANOSECONDS)
    long lifetime;

    @Label("Bytes In")
    @DataAmount
    long bytesIn;

    @Label("Bytes Out")
    @DataAmount
    long bytesOut;

    @Label("Messages In")
    long messagesIn;

    @Label("Messages Out")
    long messagesOut;

    @Label("Messages Unsent")
    @Description("Messages still queued when the pair closed")
    long messagesUnsent;

    @Label("Messages Dropped")
    @Description("Messages refused by a full outbound queue")
    long messagesDropped;

    @Label("Was Stuck")
    @Description("True if the pair was reported STUCK before it closed")
    boolean stuck;
}
