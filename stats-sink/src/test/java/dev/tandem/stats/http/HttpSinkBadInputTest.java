package dev.tandem.stats.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The builder names the first bad option, in the project's usual words. */
class HttpSinkBadInputTest {
    private static final URI OK = URI.create("http://127.0.0.1:8086/write?db=x");

    private static void iae(String message, URI uri, Consumer<HttpSink.Builder> change) {
        HttpSink.Builder b = HttpSink.builder(uri);
        change.accept(b);
        assertEquals(message, assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }

    private static void npe(String message, Consumer<HttpSink.Builder> change) {
        HttpSink.Builder b = HttpSink.builder(OK);
        change.accept(b);
        assertEquals(message, assertThrows(NullPointerException.class, b::build).getMessage());
    }

    @Test
    void aMissingUriOrOptionIsNamed() {
        assertEquals("uri", assertThrows(NullPointerException.class, () -> HttpSink.builder(null)).getMessage());
        npe("encoding", b -> b.encoding(null));
        npe("connectTimeout", b -> b.connectTimeout(null));
        npe("requestTimeout", b -> b.requestTimeout(null));
        npe("header name", b -> b.header(null, "v"));
        npe("value of header 'X-Token'", b -> b.header("X-Token", null));
    }

    @Test
    void onlyHttpAndHttpsUrisWithAHostAreAccepted() {
        iae("uri: ftp://127.0.0.1/x (expected: an http or https URI)", URI.create("ftp://127.0.0.1/x"), b -> { });
        iae("uri: /write (expected: an http or https URI)", URI.create("/write"), b -> { });
        iae("uri: file:///tmp/x (expected: an http or https URI)", URI.create("file:///tmp/x"), b -> { });
        iae("uri: http:/write (expected: a host)", URI.create("http:/write"), b -> { });
        HttpSink.builder(URI.create("HTTPS://example.com/x")).build();
    }

    @Test
    void timeoutsMustBePositive() {
        iae("connectTimeout: PT0S (expected: > 0)", OK, b -> b.connectTimeout(Duration.ZERO));
        iae("requestTimeout: PT0S (expected: > 0)", OK, b -> b.requestTimeout(Duration.ZERO));
        iae("requestTimeout: PT-1S (expected: > 0)", OK, b -> b.requestTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void headersTheSinkOrTheJdkControlAreRejected() {
        iae("header: 'content-type' (expected: not one the sink sets itself, [content-type, content-encoding, "
                + "x-tandem-batch, x-tandem-attempt])", OK, b -> b.header("content-type", "text/plain"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpSink.builder(OK).header("Host", "other").build());
        assertEquals("header: 'Host' (expected: a header the JDK's HttpClient may send: restricted header name: \"Host\")",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HttpSink.builder(OK).header("X-Token", "secret\nvalue").build());
        assertEquals("value of header 'X-Token' (expected: no line breaks or control characters)", e.getMessage());
        assertEquals(null, e.getCause(), "the JDK's message quotes the value, which may be a secret");
        e = assertThrows(IllegalArgumentException.class, () -> HttpSink.builder(OK).header("Bad Name", "v").build());
        assertTrue(e.getMessage().startsWith("header: 'Bad Name' (expected: a header the JDK's HttpClient may send: "),
                e.getMessage());
    }
}
