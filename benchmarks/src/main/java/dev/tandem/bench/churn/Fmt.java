package dev.tandem.bench.churn;

import java.util.Locale;

/** Number formats of the fragments: one place, so every table reads alike. */
public final class Fmt {
    private Fmt() {}

    /** A rate or count, with thousands separators: {@code 12,345}. */
    public static String whole(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%,.0f", x);
    }

    /** Microseconds: one decimal below 100, none above. */
    public static String micros(double us) {
        if (Double.isNaN(us)) {
            return "n/a";
        }
        return us < 100 ? String.format(Locale.ROOT, "%.1f µs", us) : String.format(Locale.ROOT, "%,.0f µs", us);
    }

    /** A ratio: {@code 0.97×}. */
    public static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) {
            return "n/a";
        }
        return r < 0.01 ? "<0.01×" : String.format(Locale.ROOT, "%.2f×", r);
    }

    /** A count that may be "not countable" (-1). */
    public static String count(long n) {
        return n < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 1 round}, {@code 5 rounds}. */
    public static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
