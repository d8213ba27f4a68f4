package dev.tandem.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dev.tandem.PairOpened")
@Label("Pair Opened")
@Category({"Tandem", "Connections"})
@Description("A connection pair was registered and its reader started")
@StackTrace(false)
final class PairOpenedEvent extends Event {
    @Label("Manager")
    String manager;

    @Label("Pair Id")
    long pairId;

    @Label("Virtual Threads")
    @Description("True if the pair's sides run on virtual threads")
    boolean virtualThreads;

    @Label("Resource Class")
    @Description("The class of the resource the pair owns (a socket, a channel)")
    Class<?> resource;
}
