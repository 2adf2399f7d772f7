package dev.gatehouse.oidc;

import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The issuer's discovery document ({@code <issuer>/.well-known/openid-configuration}), fetched when first needed
 * and kept: its {@code issuer} must be the configured one exactly (OpenID Connect Discovery §4.3), and its
 * endpoints absolute URLs under the issuer's own rule (https, or http on a loopback address). A failed fetch — the
 * issuer unreachable, an error status, a document not whole within {@link #TIMEOUT} (headers and body: an issuer
 * that stalls in the middle of its body holds nobody longer), a body over {@link #MAX_BYTES} (not read further) or
 * one that is not such a JSON document — is retried at most every {@link #RETRY_AFTER}, so an issuer that is down
 * is not hammered by every request; meanwhile token requests answer 503.
 *
 * <p>Thread-safe: {@link #get} is synchronized (one fetch at a time); {@link #cached} reads without waiting for it;
 * the document, once read, is immutable.
 */
final class Discovery {

    /** What the console and the verifier need of the document. */
    record Document(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri) {
    }

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BYTES = 256 * 1024;

    private final OidcSettings settings;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private volatile Document document;
    private long failedAt;
    private String failure;

    Discovery(OidcSettings settings) {
        this.settings = settings;
    }

    /** The document if it has been read, else null; never fetches, nor waits for a fetch. */
    Document cached() {
        return document;
    }

    /** The document; 503 {@code oidc_unavailable} while the issuer cannot be read. */
    synchronized Document get() {
        if (document != null) {
            return document;
        }
        if (failure != null && System.nanoTime() - failedAt < RETRY_AFTER.toNanos()) {
            throw unavailable(failure);
        }
        try {
            document = fetch();
            failure = null;
            return document;
        } catch (IOException | IllegalArgumentException | JacksonException e) {
            // Jackson's exceptions are unchecked: a body that is not JSON (an HTML error page) once escaped as a 500
            failure = e instanceof JacksonException ? "its discovery document is not JSON" : why(e);
            failedAt = System.nanoTime();
            throw unavailable(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
    }

    private Document fetch() throws IOException, InterruptedException {
        URI uri = settings.discoveryUri();
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT).header("Accept", "application/json").GET().build(), info -> info.statusCode() == 200
                ? new UpTo(MAX_BYTES) : HttpResponse.BodySubscribers.replacing(null));
        HttpResponse<byte[]> response;
        try {
            response = pending.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new IOException(uri + " did not send its whole document within " + TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode());
        }
        JsonNode json = Json.MAPPER.readTree(response.body());
        String issuer = text(json, "issuer");
        if (!settings.issuer().equals(issuer)) {
            throw new IllegalArgumentException("the discovery document names the issuer \"" + issuer + "\", not the "
                    + "configured \"" + settings.issuer() + "\"");
        }
        return new Document(issuer, endpoint(json, "authorization_endpoint"), endpoint(json, "token_endpoint"),
                endpoint(json, "jwks_uri"));
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json == null ? null : json.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("the discovery document has no " + field);
        }
        return value.stringValue();
    }

    private static URI endpoint(JsonNode json, String field) {
        URI uri = URI.create(text(json, field));
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
            throw new IllegalArgumentException("the discovery document's " + field + " is not an http(s) URL: " + uri);
        }
        if ("http".equals(scheme) && !OidcSettings.loopback(uri.getHost())) {
            // the key set read over plain HTTP could be anyone's: the issuer's own rule holds for what it names
            throw new IllegalArgumentException("the discovery document's " + field + " must use https (http only on "
                    + "a loopback address): " + uri);
        }
        return uri;
    }

    /** Why a fetch failed, in words (a refused connection's exception carries no message). */
    private static String why(Exception e) {
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof ConnectException) {
            return "the connection failed";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** A body of at most {@code max} bytes; one byte more fails it, and the rest is not read. */
    private static final class UpTo implements HttpResponse.BodySubscriber<byte[]> {

        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        UpTo(int max) {
            this.max = max;
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
                    body.completeExceptionally(new IOException("the discovery document is larger than " + max
                            + " bytes"));
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

    private UnavailableException unavailable(String why) {
        return new UnavailableException("oidc_unavailable", "the identity provider " + settings.issuer()
                + " cannot be reached (" + why + "); retry shortly");
    }
}
