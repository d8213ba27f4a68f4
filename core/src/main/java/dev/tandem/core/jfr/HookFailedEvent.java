package dev.tandem.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dev.tandem.HookFailed")
@Label("Cleanup Hook Failed")
@Category({"Tandem", "Connections"})
@Description("A cleanup hook threw, or ran past its deadline and was interrupted and abandoned")
@StackTrace(false)
final class HookFailedEvent extends Event {
    @Label("Manager")
    String manager;

    @Label("Pair Id")
    long pairId;

    @Label("Hook Index")
    @Description("The hook's position in its pair's chain: the pair's own hooks first, then the manager's")
    int hookIndex;

    @Label("Timed Out")
    boolean timedOut;

    @Label("Message")
    String message;

    @Label("Thrown")
    @Description("What the hook threw (class: message); empty if it timed out")
    String thrown;

    @Label("Where")
    @Description("A timed-out hook's stack at its deadline, top frame first")
    String where;
}
