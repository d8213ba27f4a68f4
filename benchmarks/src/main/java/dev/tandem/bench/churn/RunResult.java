package dev.tandem.bench.churn;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** What one run of one variant measured. Plain data; the clients fill it in, the report reads it. */
final class RunResult {
    final String variant;
    final int connections;
    final int concurrency;
    /** Clients that connected, got their echo back and closed. */
    long served;
    /** Clients that failed (connect, echo or timeout). */
    long failures;
    /** Connections whose server side was seen fully closed and matched to their client. */
    long closed;
    /** From the first client's connect to the last close or the last client's end, whichever is later. */
    long wallNanos;
    /** CPU time of the whole process (clients, server, GC) during the run, or negative if unknown. */
    long cpuNanos = -1;
    /** Platform threads the server started during the run (the JVM's count, less the clients'); virtual threads are not counted. */
    long threadsStarted = -1;
    Histogram connectToClosed;
    Histogram closeToClosed;
    long accepted;
    long leftOpenSockets;
    long leftThreads;
    long leftBelievedLive;
    long unmatched;
    String notes = "";
    /** The stats sink's books at the end of the run, or null for a server without a pipeline. */
    dev.tandem.stats.SinkStats sink;

    RunResult(String variant, int connections, int concurrency) {
        this.variant = variant;
        this.connections = connections;
        this.concurrency = concurrency;
    }

    /** Closed connections per second of wall time. */
    double closesPerSecond() {
        return wallNanos <= 0 ? 0 : closed * 1e9 / wallNanos;
    }

    /** Process CPU time per served connection, in microseconds (clients included: the same for every variant). */
    double cpuMicrosPerConnection() {
        return cpuNanos < 0 || served == 0 ? Double.NaN : cpuNanos / 1e3 / served;
    }

    /** Platform threads the server started per served connection. */
    double threadsStartedPerConnection() {
        return threadsStarted < 0 || served == 0 ? Double.NaN : (double) threadsStarted / served;
    }

    static double micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%s: %d/%d served, %d failed, %d closed in %d ms (%.0f/s, cpu %.0f us each, %d threads started); connect-to-closed p50 %.0f us p99 %.0f us; "
                        + "close p50 %.0f us p99 %.0f us; left open: sockets %d, threads %d, live %d; accepted %d unmatched %d %s",
                variant, served, connections, failures, closed, TimeUnit.NANOSECONDS.toMillis(wallNanos),
                closesPerSecond(), cpuMicrosPerConnection(), threadsStarted, micros(connectToClosed, 50), micros(connectToClosed, 99), micros(closeToClosed, 50),
                micros(closeToClosed, 99), leftOpenSockets, leftThreads, leftBelievedLive, accepted, unmatched, notes);
    }
}
