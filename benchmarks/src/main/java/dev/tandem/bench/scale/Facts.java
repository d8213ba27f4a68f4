package dev.tandem.bench.scale;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What one B4 run measured, as key/value pairs: a child JVM writes them to a properties file and
 * the driver ({@link ScaleBench}) reads them back to write the fragment. Values are measured
 * numbers or plain words, never formatted figures.
 */
final class Facts {
    private final Map<String, String> values = new TreeMap<>();

    Facts put(String key, Object value) {
        values.put(key, String.valueOf(value));
        return this;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no fact '" + key + "' (have " + values.keySet() + ")");
        }
        return v;
    }

    String get(String key, String orElse) {
        return values.getOrDefault(key, orElse);
    }

    long getLong(String key) {
        return Long.parseLong(get(key));
    }

    double getDouble(String key) {
        return Double.parseDouble(get(key));
    }

    boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    void save(Path file) throws IOException {
        Properties p = new Properties();
        p.putAll(values);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "B4 facts");
        }
    }

    static Facts load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Facts f = new Facts();
        for (String k : p.stringPropertyNames()) {
            f.values.put(k, p.getProperty(k));
        }
        return f;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
