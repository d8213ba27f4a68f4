package dev.tandem.stats.http;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body to its end but keeps only its first {@code limit} bytes, as text: enough to
 * quote an error, never a large buffer. (The body must be read to the end for the connection to be
 * reused.)
 *
 * <p>Implementation notes: the HTTP client calls it on its own threads, one signal at a time
 * (reactive-streams rule 1.3), so the fields need no lock; the result is published through the
 * {@link CompletableFuture}.
 */
final class LimitedBodySubscriber implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final byte[] kept;
    private int length;

    LimitedBodySubscriber(int limit) {
        this.kept = new byte[limit];
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
            int n = Math.min(b.remaining(), kept.length - length);
            b.get(kept, length, n);
            length += n;
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(new String(kept, 0, length, StandardCharsets.UTF_8));
    }
}
