package dev.tandem.core;

/**
 * Runs once when a pair has closed (G2): after the resource is closed and both sides exited (or the
 * grace period ran out). Hooks of a pair run in registration order, then the manager's hooks.
 *
 * <p>Each call has a deadline (the manager's hook timeout). A hook that throws is reported and the
 * next hook runs; a hook still running at its deadline is interrupted, reported, and abandoned, and
 * the next hook runs on another thread (G3). Keep hooks short and never make them wait on
 * something without a timeout of its own.
 */
@FunctionalInterface
public interface CleanupHook {
    void run(CloseInfo info) throws Exception;
}
