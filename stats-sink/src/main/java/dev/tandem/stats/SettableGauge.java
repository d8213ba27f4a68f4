package dev.tandem.stats;

/** A gauge whose value is set by the application. Setting is lock-free and allocates nothing. */
public interface SettableGauge extends Gauge {
    void set(double value);
}
