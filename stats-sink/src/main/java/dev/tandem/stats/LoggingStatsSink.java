package dev.tandem.stats;

import dev.tandem.stats.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink that writes to slf4j: one line per event, and one line per publish with every metric's
 * current value. Useful in development and as a last-resort audit trail; for production volume,
 * prefer a real backend.
 *
 * <pre>
 * event tandem.connection.closed{reason=eof} @1764340000000 id=42 duration_ms=1200
 * metrics tandem.connections.live{}=3 tandem.connections.opened{}=10 ...
 * </pre>
 */
public final class LoggingStatsSink implements StatsSink {
    private final Logger logger;
    private final boolean events;
    private final boolean metrics;

    private LoggingStatsSink(Builder b) {
        this.logger = LoggerFactory.getLogger(b.loggerName);
        this.events = b.events;
        this.metrics = b.metrics;
    }

    /** Events and metrics at INFO on the logger {@code tandem.stats}. */
    public static LoggingStatsSink create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void publish(Batch batch) {
        if (!logger.isInfoEnabled()) {
            return;
        }
        if (events) {
            for (Event e : batch.events()) {
                logger.info("event {}", e);
            }
        }
        if (metrics && !batch.metrics().isEmpty()) {
            StringBuilder sb = new StringBuilder(32 * batch.metrics().size()).append("metrics");
            for (Measurement m : batch.metrics()) {
                sb.append(' ').append(m);
            }
            logger.info(sb.toString());
        }
    }

    /** Nothing to release. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "LoggingStatsSink[" + logger.getName() + "]";
    }

    /** Options of the logging sink. */
    public static final class Builder {
        private String loggerName = "tandem.stats";
        private boolean events = true;
        private boolean metrics = true;

        private Builder() {}

        /** The slf4j logger name (default {@code tandem.stats}). */
        public Builder loggerName(String loggerName) {
            this.loggerName = loggerName; // checked by build()
            return this;
        }

        /** Whether to log each event (default true). */
        public Builder events(boolean events) {
            this.events = events;
            return this;
        }

        /** Whether to log the metrics line on each publish (default true). */
        public Builder metrics(boolean metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * Validates the options.
         *
         * @throws NullPointerException if {@code loggerName} is null
         * @throws IllegalArgumentException if it is empty
         */
        public LoggingStatsSink build() {
            Checks.notEmpty("loggerName", loggerName);
            return new LoggingStatsSink(this);
        }
    }
}
