package dev.gatehouse.oidc;

import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.json.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The issuer's discovery document ({@code <issuer>/.well-known/openid-configuration}), fetched when first needed
 * and kept: its {@code issuer} must be the configured one exactly (OpenID Connect Discovery §4.3), and its
 * endpoints absolute URLs under the issuer's own rule (https, or http on a loopback address). A failed fetch — the
 * issuer unreachable, anything but a 200, a document not whole within {@link #TIMEOUT} or over {@link #MAX_BYTES}
 * ({@link IssuerFetch}), or one that is not such a JSON document — is retried at most every {@link #RETRY_AFTER},
 * so an issuer that is down is not hammered by every request; meanwhile token requests answer 503.
 *
 * <p>Thread-safe: {@link #get} is synchronized (one fetch at a time); {@link #cached} reads without waiting for it;
 * the document, once read, is immutable.
 */
final class Discovery {

    /** What the console and the verifier need of the document. */
    record Document(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri) {
    }

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    static final Duration TIMEOUT = IssuerFetch.TIMEOUT;
    private static final int MAX_BYTES = 256 * 1024;

    private final OidcSettings settings;
    private final IssuerFetch fetch = new IssuerFetch(MAX_BYTES);
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
        long waited = System.nanoTime() - failedAt;
        if (failure != null && waited < RETRY_AFTER.toNanos()) {
            // Retry-After says when the issuer is asked again, not sooner: asking before gets this same answer
            throw unavailable(failure, (int) Math.ceil((RETRY_AFTER.toNanos() - waited) / 1e9));
        }
        try {
            document = fetch();
            failure = null;
            return document;
        } catch (IOException | IllegalArgumentException | JacksonException e) {
            // Jackson's exceptions are unchecked: a body that is not JSON (an HTML error page) once escaped as a 500
            failure = e instanceof JacksonException ? "its discovery document is not JSON"
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            failedAt = System.nanoTime();
            throw unavailable(failure, (int) RETRY_AFTER.toSeconds());
        }
    }

    private Document fetch() throws IOException {
        JsonNode json = Json.MAPPER.readTree(fetch.get(settings.discoveryUri(), "discovery document"));
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

    private UnavailableException unavailable(String why, int retryAfterSeconds) {
        return new UnavailableException("oidc_unavailable", "the identity provider " + settings.issuer()
                + " cannot be reached (" + why + "); retry shortly", retryAfterSeconds);
    }
}
