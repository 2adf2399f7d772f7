package dev.gatehouse.oidc;

import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The issuer's discovery document ({@code <issuer>/.well-known/openid-configuration}), fetched when first needed
 * and read again every {@link #REREAD_AFTER} (by the node's clock): its {@code issuer} must be the configured one
 * exactly (OpenID Connect Discovery §4.3), and its endpoints absolute URLs under the issuer's own rule (https, or
 * http on a loopback address, and no user info). A failed first fetch — the issuer unreachable, anything but a 200,
 * a document not whole within {@link #TIMEOUT} or over {@link #MAX_BYTES} ({@link IssuerFetch}), or one that is not
 * such a JSON document — is retried at most every {@link #RETRY_AFTER}, so an issuer that is down is not hammered
 * by every request; meanwhile token requests answer 503. A re-read is made by one request while the others go on
 * with the document held; one that fails keeps it (the issuer said it once, and its keys are checked on their own)
 * and is tried again after {@link #RETRY_AFTER}. Once read, the document was never read again, so a corrected
 * one was taken only by a restart. A key set the document names that cannot be fetched makes it due again
 * {@link #REREAD_AFTER_KEY_SET_FAILED} after its last read ({@link #keySetUnavailable}): the document may name the
 * wrong one, and a {@code jwks_uri} the issuer corrected once kept tokens 503 for up to {@link #REREAD_AFTER}
 * while each 503 said to retry in a second.
 *
 * <p>Failures are logged as they start and as they end, a WARN each with the cause or the count of failed reads
 * ({@link #failed}, {@link #read}), not at every retry: a re-read that kept failing — the document naming another
 * issuer, an error status, a key set named over plain HTTP — was once retried every 5 s for good without a line.
 *
 * <p>Thread-safe: the first read is synchronized (one fetch at a time; who waits for it is answered by it, or by
 * its failure for {@link #RETRY_AFTER}; at most {@link IssuerWaits#MAX_WAITING} wait at once, and none while the
 * read under way follows a failed one: {@link #awaitFirst}); a re-read is claimed by one caller
 * ({@link #rereading}), the others read the volatile {@link #document}, which is immutable. The failure count is
 * touched by one reader at a time: the first read's lock holder while no document is held, then the re-read's
 * claimant. {@link #rereadAt} is also
 * brought forward by any caller of {@link #keySetUnavailable}, unlocked: one that races a re-read's end (reading
 * the read time before it) at worst makes the document due at once, so it is read once more.
 */
final class Discovery {

    /** What the console and the verifier need of the document. */
    record Document(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    static final Duration REREAD_AFTER = Duration.ofMillis(TokenVerifier.JWKS_TTL_MILLIS);
    /** How soon after its last read the document is read again while the key set it names cannot be fetched. */
    static final Duration REREAD_AFTER_KEY_SET_FAILED = Duration.ofMillis(TokenVerifier.MIN_REFETCH_MILLIS);
    static final Duration TIMEOUT = IssuerFetch.TIMEOUT;
    private static final int MAX_BYTES = 256 * 1024;

    private final OidcSettings settings;
    private final InstantSource clock;
    private final IssuerFetch fetch = new IssuerFetch(MAX_BYTES);
    private final AtomicBoolean rereading = new AtomicBoolean();
    private volatile Document document;
    /** When {@link #document} is to be read again, by {@link #clock}'s millis. */
    private volatile long rereadAt;
    /** When {@link #document} was read, by {@link #clock}'s millis. */
    private volatile long readAt;
    private final IssuerWaits waits;
    private long failedAt;
    /** Why the first read last failed; {@code null} while none has, or once one succeeded. */
    private volatile String failure;
    /** Whether a first read is under way. */
    private volatile boolean reading;
    /** Reads that failed in a row (the first read's or the re-reads'); 0 while the last one succeeded. */
    private volatile int failedReads;

    /** {@code waits}: the node's bound on requests waiting for the issuer, which the key sets share. */
    Discovery(OidcSettings settings, InstantSource clock, IssuerWaits waits) {
        this.settings = settings;
        this.clock = clock;
        this.waits = waits;
    }

    /**
     * The document; 503 {@code oidc_unavailable} while the issuer cannot be read and never was. When the document
     * held is due to be read again, this caller reads it (at most {@link #TIMEOUT}) unless another does already.
     */
    Document get() {
        return get(TokenVerifier.Attempt.now());
    }

    /**
     * {@link #get()} for a token request: a read it makes gets what is left of {@code attempt}'s time, which the
     * key set's fetch then shares — a request once read a stalled issuer's document for 5 s and then waited 5 s
     * more for its key set, where it is promised 5 s in all.
     */
    Document get(TokenVerifier.Attempt attempt) {
        Document held = document;
        if (held == null) {
            return awaitFirst(attempt);
        }
        if (clock.millis() >= rereadAt && rereading.compareAndSet(false, true)) {
            try {
                document = fetch(attempt);
                readAt = clock.millis();
                rereadAt = readAt + REREAD_AFTER.toMillis();
                read();
            } catch (IOException | IllegalArgumentException | JacksonException e) {
                rereadAt = clock.millis() + RETRY_AFTER.toMillis();
                failed(why(e), "the document read before is kept, and tried again every "
                        + RETRY_AFTER.toSeconds() + " s");
            } finally {
                rereading.set(false);
            }
        }
        return document;
    }

    /**
     * The key set the document held names cannot be fetched: the document is due again
     * {@link #REREAD_AFTER_KEY_SET_FAILED} after it was read, unless it is due sooner — so that a corrected
     * {@code jwks_uri} is taken within seconds, and the issuer is asked for the document at most once per that
     * interval however many tokens are refused. While no document is held, or a re-read fails, the document is
     * already tried again every {@link #RETRY_AFTER}.
     */
    void keySetUnavailable() {
        if (document == null || failedReads > 0) {
            return;
        }
        long soon = readAt + REREAD_AFTER_KEY_SET_FAILED.toMillis();
        if (soon < rereadAt) {
            rereadAt = soon;
        }
    }

    /**
     * The first read, made or waited for — a wait that holds a request thread up to {@link #TIMEOUT}, so it takes a
     * place among {@link IssuerWaits} or is 503 at once; and none is waited for when the last read failed and the next
     * is under way: it is likely to fail too, and its requests are answered by the failure at once. Sign-in pages and
     * tokens, neither needing a key, once each waited out the read of an issuer that hung.
     */
    private Document awaitFirst(TokenVerifier.Attempt attempt) {
        String failed = failure;
        if (failed != null && reading) {
            throw unavailable(failed, (int) RETRY_AFTER.toSeconds());
        }
        if (!waits.enter()) {
            throw unavailable(IssuerWaits.MAX_WAITING + " requests wait for it on this node already, the most it lets "
                    + "wait at once", 1);
        }
        try {
            return first(attempt);
        } finally {
            waits.leave();
        }
    }

    private synchronized Document first(TokenVerifier.Attempt attempt) {
        if (document != null) {
            return document;
        }
        long waited = System.nanoTime() - failedAt;
        if (failure != null && waited < RETRY_AFTER.toNanos()) {
            // Retry-After says when the issuer is asked again, not sooner: asking before gets this same answer
            throw unavailable(failure, (int) Math.ceil((RETRY_AFTER.toNanos() - waited) / 1e9));
        }
        reading = true;
        try {
            Document read = fetch(attempt);
            readAt = clock.millis();
            rereadAt = readAt + REREAD_AFTER.toMillis();
            document = read;
            failure = null;
            read();
            return read;
        } catch (IOException | IllegalArgumentException | JacksonException e) {
            failure = why(e);
            failedAt = System.nanoTime();
            failed(failure, "tokens are answered 503 until it can, asked again at most every "
                    + RETRY_AFTER.toSeconds() + " s");
            throw unavailable(failure, (int) RETRY_AFTER.toSeconds());
        } finally {
            reading = false;
        }
    }

    /** What went wrong, in words. */
    private static String why(Exception e) {
        // Jackson's exceptions are unchecked: a body that is not JSON (an HTML error page) once escaped as a 500
        return e instanceof JacksonException ? "its discovery document is not JSON"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** A read failed: logged when it is the first of a run, which {@link #read} ends. */
    private void failed(String why, String meanwhile) {
        if (failedReads++ == 0) {
            LOG.warn("the discovery document of the identity provider {} cannot be read: {}; {}", settings.issuer(),
                    why, meanwhile);
        }
    }

    /** A read succeeded: logged when it ends a run of failed ones. */
    private void read() {
        int failedBefore = failedReads;
        if (failedBefore > 0) {
            failedReads = 0;
            LOG.warn("the discovery document of the identity provider {} is read again, after {} failed read{}",
                    settings.issuer(), failedBefore, failedBefore == 1 ? "" : "s");
        }
    }

    private Document fetch(TokenVerifier.Attempt attempt) throws IOException {
        JsonNode json = Json.MAPPER.readTree(fetch.get(settings.discoveryUri(), "discovery document",
                attempt.timeLeft()));
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
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("the discovery document has no " + field);
        }
        if (!value.isString()) {
            // "jwks_uri": 12 was once said to be missing
            throw new IllegalArgumentException("the discovery document's " + field + " is not a string");
        }
        return value.stringValue();
    }

    private static URI endpoint(JsonNode json, String field) {
        URI uri;
        try {
            uri = new URI(text(json, field));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the discovery document's " + field + " is not a URL: "
                    + e.getInput(), e);
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
            throw new IllegalArgumentException("the discovery document's " + field + " is not an http(s) URL: " + uri);
        }
        if (uri.getRawUserInfo() != null) {
            // as the issuer option refuses it: the token endpoint's origin goes into the console's policy, and
            // "http://a;b@host" once put a ';' there, ending its connect-src early
            throw new IllegalArgumentException("the discovery document's " + field + " must not carry user info: "
                    + uri.getScheme() + "://…@" + uri.getHost());
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
