package dev.tandem.core;

/** A cleanup hook threw; the original exception is the cause. Listed in {@link CloseInfo#laterFailures()}. */
public final class HookFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    HookFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
