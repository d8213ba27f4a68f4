package dev.tandem.bench.scale;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code GC.class_histogram}: instances and shallow bytes per class. Two of them, taken
 * with N pairs of two kinds, give the per-class difference per pair ({@link #minus}).
 */
final class ClassHistogram {
    // "   1:        123456       12345678  [B (java.base@25)"
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

    /** One class's row: instances and bytes (or their differences). */
    static final class Row {
        final String className;
        final long instances;
        final long bytes;

        Row(String className, long instances, long bytes) {
            this.className = className;
            this.instances = instances;
            this.bytes = bytes;
        }

        @Override
        public String toString() {
            return className + " " + instances + " " + bytes;
        }
    }

    private final Map<String, Row> rows;

    private ClassHistogram(Map<String, Row> rows) {
        this.rows = rows;
    }

    static ClassHistogram parse(String text) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                String cls = m.group(3);
                Row prev = rows.get(cls); // a class loaded twice (two loaders) shows twice: add them
                long n = Long.parseLong(m.group(1));
                long b = Long.parseLong(m.group(2));
                rows.put(cls, prev == null ? new Row(cls, n, b) : new Row(cls, prev.instances + n, prev.bytes + b));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("not a class histogram: "
                    + text.substring(0, Math.min(200, text.length())));
        }
        return new ClassHistogram(rows);
    }

    /** The row of {@code className}, or a zero row. */
    Row row(String className) {
        Row r = rows.get(className);
        return r == null ? new Row(className, 0, 0) : r;
    }

    long totalBytes() {
        long sum = 0;
        for (Row r : rows.values()) {
            sum += r.bytes;
        }
        return sum;
    }

    /** Every class's (this - other), largest byte difference first, classes with no difference left out. */
    List<Row> minus(ClassHistogram other) {
        Set<String> names = new HashSet<>(rows.keySet());
        names.addAll(other.rows.keySet());
        List<Row> out = new ArrayList<>();
        for (String n : names) {
            Row a = row(n);
            Row b = other.row(n);
            if (a.instances != b.instances || a.bytes != b.bytes) {
                out.add(new Row(n, a.instances - b.instances, a.bytes - b.bytes));
            }
        }
        out.sort((x, y) -> Long.compare(Math.abs(y.bytes), Math.abs(x.bytes)));
        return Collections.unmodifiableList(out);
    }
}
