package dev.tandem.stats.statsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The builder names the first bad option, in the project's usual words. */
class StatsdSinkBadInputTest {
    private static void iae(String message, Consumer<StatsdSink.Builder> change) {
        StatsdSink.Builder b = StatsdSink.builder();
        change.accept(b);
        assertEquals(message, assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }

    private static void npe(String message, Consumer<StatsdSink.Builder> change) {
        StatsdSink.Builder b = StatsdSink.builder();
        change.accept(b);
        assertEquals(message, assertThrows(NullPointerException.class, b::build).getMessage());
    }

    @Test
    void missingOptionsAreNamed() {
        npe("host", b -> b.host(null));
        npe("prefix", b -> b.prefix(null));
        npe("tagStyle", b -> b.tagStyle(null));
        npe("counterMode", b -> b.counterMode(null));
        npe("sampleType", b -> b.sampleType(null));
    }

    @Test
    void portsOutOfRangeAreRejected() {
        iae("port: 0 (expected: 1..65535)", b -> b.port(0));
        iae("port: -1 (expected: 1..65535)", b -> b.port(-1));
        iae("port: 65536 (expected: 1..65535)", b -> b.port(65_536));
    }

    @Test
    void packetSizesOutsideWhatUdpCarriesAreRejected() {
        iae("maxPacketSize: 511 (expected: 512..65507)", b -> b.maxPacketSize(511));
        iae("maxPacketSize: 0 (expected: 512..65507)", b -> b.maxPacketSize(0));
        iae("maxPacketSize: 65508 (expected: 512..65507)", b -> b.maxPacketSize(65_508));
        StatsdSink.builder().maxPacketSize(512).build();
        StatsdSink.builder().maxPacketSize(65_507).build();
    }

    @Test
    void hostsAndPrefixesThatCannotBeSentAreRejected() {
        iae("host: \"\" (expected: not empty)", b -> b.host(""));
        iae("host: 'a b' (expected: a host name or address, without spaces)", b -> b.host("a b"));
        iae("prefix: 'my:app' (expected: letters, digits, '_', '.', '-')", b -> b.prefix("my:app"));
        iae("prefix: 'a b' (expected: letters, digits, '_', '.', '-')", b -> b.prefix("a b"));
    }

    @Test
    void anUnresolvableHostFailsThePublishNotTheBuild() {
        StatsdSink sink = StatsdSink.builder().host("no-such-host.invalid").build();
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> sink.publish(
                dev.tandem.stats.Batch.of("s", 1, java.util.List.of(), java.util.List.of())));
        assertEquals("statsd host no-such-host.invalid cannot be resolved", e.getMessage());
    }
}
