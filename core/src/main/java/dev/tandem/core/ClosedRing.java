package dev.tandem.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last closed pairs, for diagnostics (G8): a bounded ring, oldest dropped first. Any thread adds
 * (the thread that finished a pair) or reads; one short lock, never held while calling out.
 */
final class ClosedRing {
    private final ArrayDeque<CloseInfo> ring;
    private final int size;

    ClosedRing(int size) {
        this.size = size;
        this.ring = new ArrayDeque<>(Math.min(size, 1024));
    }

    void add(CloseInfo info) {
        synchronized (ring) {
            if (ring.size() == size) {
                ring.pollFirst();
            }
            ring.addLast(info);
        }
    }

    /** Oldest first. */
    List<CloseInfo> toList() {
        synchronized (ring) {
            return new ArrayList<>(ring);
        }
    }
}
