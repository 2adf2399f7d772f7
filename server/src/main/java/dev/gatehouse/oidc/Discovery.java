package dev.gatehouse.oidc;

import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The issuer's discovery document ({@code <issuer>/.well-known/openid-configuration}), fetched when first needed
 * and kept: its {@code issuer} must be the configured one exactly (OpenID Connect Discovery §4.3), and its
 * endpoints absolute http(s) URLs. A failed fetch — the issuer unreachable, an error status, a body over
 * {@link #MAX_BYTES} (not read further) or one that is not such a JSON document — is retried at most every
 * {@link #RETRY_AFTER}, so an issuer that is down is not hammered by every request; meanwhile token requests answer
 * 503.
 *
 * <p>Thread-safe: {@link #get} is synchronized; the document, once read, is immutable.
 */
final class Discovery {

    /** What the console and the verifier need of the document. */
    record Document(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri) {
    }

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BYTES = 256 * 1024;

    private final OidcSettings settings;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private Document document;
    private long failedAt;
    private String failure;

    Discovery(OidcSettings settings) {
        this.settings = settings;
    }

    /** The document if it has been read, else null; never fetches. */
    synchronized Document cached() {
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
            failure = e instanceof JacksonException ? "its discovery document is not JSON" : e.getMessage();
            failedAt = System.nanoTime();
            throw unavailable(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
    }

    private Document fetch() throws IOException, InterruptedException {
        URI uri = settings.discoveryUri();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(uri + " answered " + response.statusCode());
            }
            body = in.readNBytes(MAX_BYTES + 1);
        }
        if (body.length > MAX_BYTES) {
            throw new IOException(uri + " is larger than " + MAX_BYTES + " bytes");
        }
        JsonNode json = Json.MAPPER.readTree(body);
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
        return uri;
    }

    private UnavailableException unavailable(String why) {
        return new UnavailableException("oidc_unavailable", "the identity provider " + settings.issuer()
                + " cannot be reached (" + why + "); retry shortly");
    }
}
