package dev.tandem.stats.http;

import dev.tandem.stats.Batch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** What a {@link BodyEncoding} writes for a batch, as text (both built-in encodings write UTF-8). */
final class Bodies {
    private Bodies() {}

    static String encode(BodyEncoding encoding, Batch batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoding.encode(batch, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
