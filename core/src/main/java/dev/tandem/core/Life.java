package dev.tandem.core;

/**
 * A pair's lifecycle at one moment: replaced, never mutated, and moved only forward by CAS
 * (OPEN → CLOSING → (STUCK →) CLOSED). The record that leaves OPEN carries the pair's
 * {@link Teardown}, so whoever sees a pair closing also sees its teardown state; an open pair
 * holds none.
 *
 * @param state where the pair is
 * @param reason the first close reason (G4), {@code null} while OPEN
 * @param cause the first close's failure, if any
 * @param closeStartNanos when the close began, 0 while OPEN
 * @param teardown the teardown state, {@code null} while OPEN
 */
record Life(PairState state, CloseReason reason, Throwable cause, long closeStartNanos, Teardown teardown) {
    static final Life OPEN = new Life(PairState.OPEN, null, null, 0, null);

    Life with(PairState next) {
        return new Life(next, reason, cause, closeStartNanos, teardown);
    }

    boolean isOpen() {
        return state == PairState.OPEN;
    }
}
