package dev.tandem.core.diagnostics;

import java.util.List;

/**
 * One thread as a dump shows it: name, state ({@code UNKNOWN} where the dump does not say, as on
 * JDK 21), whether it is virtual, and its frames top first, each as
 * {@link StackTraceElement#toString()} writes it.
 */
record DumpedThread(String name, String state, boolean virtual, List<String> stack) {
    static final String UNKNOWN_STATE = "UNKNOWN";
}
