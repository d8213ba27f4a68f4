package dev.tandem.stats;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An immutable, sorted set of {@code key=value} dimensions for a metric or an event, in the
 * style of Micrometer's tags. Build tags once and reuse them: recording with a prepared
 * {@code Tags} allocates nothing.
 *
 * <p>Keys and values are non-null, non-empty strings; keys are unique.
 */
public final class Tags {
    private static final Tags EMPTY = new Tags(new String[0]);

    /** Alternating key, value, sorted by key. */
    private final String[] kv;
    private final int hash;

    private Tags(String[] kv) {
        this.kv = kv;
        this.hash = Arrays.hashCode(kv);
    }

    /** No tags. */
    public static Tags empty() {
        return EMPTY;
    }

    /** One tag. */
    public static Tags of(String key, String value) {
        return new Tags(new String[] {checkKey(key), checkValue(key, value)});
    }

    /**
     * Tags from alternating keys and values: {@code Tags.of("sink", "log", "reason", "queue_full")}.
     *
     * @throws IllegalArgumentException on an odd count, an empty key or value, or a repeated key
     */
    public static Tags of(String... keysAndValues) {
        Objects.requireNonNull(keysAndValues, "keysAndValues");
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "keysAndValues: " + keysAndValues.length + " strings (expected: an even count)");
        }
        if (keysAndValues.length == 0) {
            return EMPTY;
        }
        String[] kv = new String[keysAndValues.length];
        for (int i = 0; i < kv.length; i += 2) {
            kv[i] = checkKey(keysAndValues[i]);
            kv[i + 1] = checkValue(kv[i], keysAndValues[i + 1]);
        }
        sortPairs(kv);
        for (int i = 2; i < kv.length; i += 2) {
            if (kv[i].equals(kv[i - 2])) {
                throw new IllegalArgumentException("keysAndValues: key '" + kv[i] + "' repeated (expected: unique keys)");
            }
        }
        return new Tags(kv);
    }

    /** These tags plus one more; a tag with the same key is replaced. */
    public Tags and(String key, String value) {
        checkKey(key);
        checkValue(key, value);
        int at = indexOf(key);
        if (at >= 0) {
            String[] copy = kv.clone();
            copy[at + 1] = value;
            return new Tags(copy);
        }
        String[] copy = Arrays.copyOf(kv, kv.length + 2);
        copy[kv.length] = key;
        copy[kv.length + 1] = value;
        sortPairs(copy);
        return new Tags(copy);
    }

    /** Number of tags. */
    public int size() {
        return kv.length / 2;
    }

    public boolean isEmpty() {
        return kv.length == 0;
    }

    /** The key of the {@code i}-th tag, in key order. */
    public String key(int i) {
        Objects.checkIndex(i, size());
        return kv[2 * i];
    }

    /** The value of the {@code i}-th tag, in key order. */
    public String value(int i) {
        Objects.checkIndex(i, size());
        return kv[2 * i + 1];
    }

    /** The value for {@code key}, or {@code null} if absent. */
    public String get(String key) {
        int at = indexOf(Objects.requireNonNull(key, "key"));
        return at < 0 ? null : kv[at + 1];
    }

    /** Calls {@code action} with each key and value, in key order. */
    public void forEach(BiConsumer<String, String> action) {
        Objects.requireNonNull(action, "action");
        for (int i = 0; i < kv.length; i += 2) {
            action.accept(kv[i], kv[i + 1]);
        }
    }

    private int indexOf(String key) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Tags && Arrays.equals(kv, ((Tags) o).kv));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** {@code {k1=v1,k2=v2}}, or {@code {}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(16 * kv.length).append('{');
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(kv[i]).append('=').append(kv[i + 1]);
        }
        return sb.append('}').toString();
    }

    private static String checkKey(String key) {
        Objects.requireNonNull(key, "tag key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("tag key: \"\" (expected: not empty)");
        }
        return key;
    }

    private static String checkValue(String key, String value) {
        Objects.requireNonNull(value, () -> "value of tag '" + key + "'");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("value of tag '" + key + "': \"\" (expected: not empty)");
        }
        return value;
    }

    /** Insertion sort of (key, value) pairs by key: tag sets are small. */
    private static void sortPairs(String[] kv) {
        for (int i = 2; i < kv.length; i += 2) {
            String k = kv[i];
            String v = kv[i + 1];
            int j = i - 2;
            while (j >= 0 && kv[j].compareTo(k) > 0) {
                kv[j + 2] = kv[j];
                kv[j + 3] = kv[j + 1];
                j -= 2;
            }
            kv[j + 2] = k;
            kv[j + 3] = v;
        }
    }
}
