package dev.tandem.stats;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The read-only list view a reused {@link Batch} hands its sink: the first {@code size} slots of
 * an array the delivery loop refills for each publish. It can be read only while its publish runs
 * (between {@link #open} and {@link #close}); afterwards every read throws, so a sink that keeps
 * the list past its publish fails loudly instead of reading the next batch's events.
 *
 * <p>Implementation notes: written only by the sink's delivery thread ({@link #reset},
 * {@link #open}, {@link #close}); read by the sink during publish, on that same thread, or on a
 * thread the sink hands it to (the volatile {@code open} flag makes a read after close fail there
 * too once the close is visible; a sink that reads it on another thread during publish must
 * wait for that read before returning, as for anything it was lent). Unmodifiable: the mutators
 * of {@link AbstractList} throw {@link UnsupportedOperationException}.
 */
final class BatchList<T> extends AbstractList<T> implements RandomAccess {
    private final String what;
    private T[] items;
    private int size;
    private volatile boolean open;

    BatchList(String what, T[] items) {
        this.what = what;
        this.items = items;
    }

    void reset(T[] items, int size) {
        this.items = items;
        this.size = size;
    }

    void size(int size) {
        this.size = size;
    }

    void open() {
        open = true;
    }

    void close() {
        open = false;
    }

    private void check() {
        if (!open) {
            throw new IllegalStateException(what + " read after its publish returned (expected: read a batch only "
                    + "inside publish; keep Batch.copy() of what you need later)");
        }
    }

    @Override
    public T get(int index) {
        check();
        return items[Objects.checkIndex(index, size)];
    }

    @Override
    public int size() {
        check();
        return size;
    }
}
