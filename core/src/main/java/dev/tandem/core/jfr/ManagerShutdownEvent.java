package dev.tandem.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

@Name("dev.tandem.ManagerShutdown")
@Label("Manager Shutdown")
@Category({"Tandem", "Connections"})
@Description("A connection manager's shutdown(deadline), from its start to its report; the threshold records only slow ones")
@StackTrace(false)
@Threshold("0 ms")
final class ManagerShutdownEvent extends Event {
    @Label("Manager")
    String manager;

    @Label("Closed By Shutdown")
    @Description("Pairs open when shutdown began and closed by it")
    int closedByShutdown;

    @Label("Stragglers")
    @Description("Pairs that had not reached CLOSED by the deadline")
    int stragglers;

    @Label("Straggler Ids")
    String stragglerIds;

    @Label("Clean")
    boolean clean;
}
