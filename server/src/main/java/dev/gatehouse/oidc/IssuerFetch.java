package dev.gatehouse.oidc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A GET of one of the issuer's JSON documents (the discovery document, the key set), bounded every way an issuer
 * could hold a node: the answer must be a 200 — a redirect is not followed, so a document is read only where it
 * was named —, arrive whole within {@link #TIMEOUT} (headers and body: an issuer that stalls in the middle of its
 * body holds nobody longer) and hold at most {@code maxBytes} (not read further). Thread-safe.
 */
final class IssuerFetch {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final int maxBytes;

    IssuerFetch(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The body of {@code uri}'s 200 answer; an {@link IOException} saying what went wrong otherwise. */
    byte[] get(URI uri, String what) throws IOException {
        return get(uri, what, TIMEOUT);
    }

    /** {@link #get(URI, String)} whole within {@code within}, at most {@link #TIMEOUT}: a caller with less time left. */
    byte[] get(URI uri, String what, Duration within) throws IOException {
        Duration bound = within.compareTo(TIMEOUT) < 0 ? within : TIMEOUT;
        if (bound.isNegative() || bound.isZero()) {
            throw new IOException("no time was left to fetch the " + what + " from " + uri);
        }
        String inTime = bound.toMillis() % 1000 == 0 ? bound.toSeconds() + " s" : bound.toMillis() + " ms";
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(HttpRequest.newBuilder(uri)
                .timeout(bound).header("Accept", "application/json").GET().build(), info -> info.statusCode() == 200
                ? new UpTo(maxBytes, what) : HttpResponse.BodySubscribers.replacing(null));
        HttpResponse<byte[]> response;
        try {
            response = pending.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new IOException(uri + " did not send its whole " + what + " within " + inTime);
        } catch (ExecutionException e) {
            // said in words: a refused connection's exception carries no message
            if (e.getCause() instanceof HttpTimeoutException) {
                throw new IOException(uri + " sent no answer within " + inTime, e.getCause());
            }
            if (e.getCause() instanceof ConnectException) {
                throw new IOException("the connection to " + uri + " failed", e.getCause());
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode()
                    + (response.statusCode() / 100 == 3 ? " (a redirect is not followed)" : ""));
        }
        return response.body();
    }

    /** A body of at most {@code max} bytes; one byte more fails it, and the rest is not read. */
    private static final class UpTo implements HttpResponse.BodySubscriber<byte[]> {

        private final int max;
        private final String what;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        UpTo(int max, String what) {
            this.max = max;
            this.what = what;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (bytes.size() + buffer.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("the " + what + " is larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
