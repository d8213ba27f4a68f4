package dev.tandem.core;

/**
 * A cleanup hook ran past its deadline and was abandoned. Its stack trace is the hook thread's stack
 * at the deadline: where the hook was stuck.
 */
public final class HookTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    HookTimeoutException(String message) {
        super(message, null, false, true);
    }
}
