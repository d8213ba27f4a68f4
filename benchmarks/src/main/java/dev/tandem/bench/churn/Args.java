package dev.tandem.bench.churn;

import java.util.HashMap;
import java.util.Map;

/**
 * The command line of a harness: {@code --name value} pairs and bare flags ({@code --quick}).
 * Unknown names are an error, so a typo never silently runs the default size.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final String usage;

    /**
     * @param flags names that take no value
     * @param options names that take a value
     */
    public Args(String[] args, String usage, String[] flags, String[] options) {
        this.usage = usage;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.isBlank()) {
                continue;
            }
            if (contains(flags, a)) {
                values.put(a, "true");
            } else if (contains(options, a)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value\n" + usage);
                }
                values.put(a, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + a + "\n" + usage);
            }
        }
    }

    private static boolean contains(String[] names, String a) {
        for (String n : names) {
            if (n.equals(a)) {
                return true;
            }
        }
        return false;
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    /** A positive whole number, or {@code otherwise} when absent. */
    public int positive(String name, int otherwise) {
        String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n <= 0) {
                throw new IllegalArgumentException(name + ": " + n + " (expected: > 0)\n" + usage);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' (expected: a number)\n" + usage);
        }
    }

    /** A whole number >= 0, or {@code otherwise} when absent. */
    public int nonNegative(String name, int otherwise) {
        String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        if (v.equals("0")) {
            return 0;
        }
        return positive(name, otherwise);
    }
}
