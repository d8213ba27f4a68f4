package dev.tandem.stats.http;

import dev.tandem.stats.testing.StatsSinkContractTest;
import dev.tandem.stats.ItEnvironment;
import dev.tandem.stats.SinkOptions;
import dev.tandem.stats.StatsSink;
import java.net.URI;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The shared sink contract against a real InfluxDB (the shared one from
 * {@code .ci/services.d/20-influxdb.sh}), each sink writing to a fresh database; events are read back
 * by counting the points of the contract's event measurements.
 */
class InfluxDbContractIT extends StatsSinkContractTest {
    private static final String EVENT_MEASUREMENTS = "/^contract\\.(arity[0-6]|plain|large|event|readback)$/";
    private final Map<StatsSink, String> databases = new IdentityHashMap<>();
    private InfluxClient influx;

    @Override
    protected StatsSink newSink() throws Exception {
        if (influx == null) {
            influx = new InfluxClient(URI.create(ItEnvironment.require("TANDEM_IT_INFLUXDB_URL")));
        }
        String db = InfluxDbIT.newDatabase(influx);
        HttpSink sink = HttpSink.builder(influx.write(db)).encoding(BodyEncoding.influxLineProtocol()).build();
        databases.put(sink, db);
        return sink;
    }

    @Override
    protected long receivedEvents(StatsSink sink) throws Exception {
        return influx.rows(databases.get(sink), "SELECT * FROM " + EVENT_MEASUREMENTS).size();
    }

    @Override
    protected SinkOptions pipelineOptions() {
        return super.pipelineOptions().toBuilder().publishTimeout(Duration.ofSeconds(8)).build();
    }
}
