package dev.gatehouse.oidc;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetParseException;
import com.nimbusds.jose.jwk.source.JWKSetRetrievalException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's key set as {@link TokenVerifier}'s key cache fetches it ({@link IssuerFetch}: no redirect followed,
 * whole within its timeout, at most {@link #MAX_BYTES}), holding only keys a signature may be checked with: a key
 * whose {@code key_ops} lacks {@code verify} is left out, as the key selector leaves out one whose {@code use} is
 * {@code enc} (a key published for encryption only was once used to check signatures).
 *
 * <p>A token request waits for the key set at most {@link IssuerFetch#TIMEOUT} in all ({@link TokenVerifier.Attempt}
 * holds when it began): a fetch made for it gets only the time it has left, and a request that waited — behind the
 * cache's lock — for a fetch that failed is answered by that failure rather than fetching again. Each waiter once
 * fetched again itself when the fetch it had waited for failed, so a key set that stalled held requests twice the
 * promised time, and was asked for once per waiter.
 *
 * <p>A fetch that fails after one that succeeded (or as the first) is logged, a WARN with its cause, and so is the
 * fetch that ends such a run, with the count of failed ones; the fetches between are not (the key set's failures
 * once showed only as clients' 503s).
 *
 * <p>Thread-safe: the cache calls it under its lock, one fetch at a time; {@link #lastFailure} is volatile.
 */
final class KeySetSource implements JWKSetSource<TokenVerifier.Attempt> {

    private static final Logger LOG = LoggerFactory.getLogger(KeySetSource.class);
    static final int MAX_BYTES = 256 * 1024;

    /**
     * A failed fetch: what went wrong, when it was known ({@link System#nanoTime}), and how many fetches in a row
     * have failed with it.
     */
    private record Failure(String why, long atNanos, int inARow) {
    }

    private final URI jwksUri;
    private final IssuerFetch fetch = new IssuerFetch(MAX_BYTES);
    private volatile Failure lastFailure;

    KeySetSource(URI jwksUri) {
        this.jwksUri = jwksUri;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime,
                            TokenVerifier.Attempt attempt) throws KeySourceException {
        Failure failed = lastFailure;
        if (attempt != null && failed != null && failed.atNanos() - attempt.startedNanos() > 0) {
            throw new JWKSetUnavailableException(failed.why() + " (the fetch this request waited for)");
        }
        Duration left = attempt == null ? IssuerFetch.TIMEOUT : attempt.timeLeft();
        String body;
        try {
            body = new String(fetch.get(jwksUri, "key set", left), StandardCharsets.UTF_8);
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            failed(why);
            throw new JWKSetRetrievalException(why, e);
        }
        try {
            JWKSet set = JWKSet.parse(body);
            fetched();
            return new JWKSet(set.getKeys().stream().filter(KeySetSource::verifies).toList());
        } catch (ParseException e) {
            String why = "the key set is not a JWK set: " + e.getMessage();
            failed(why);
            throw new JWKSetParseException(why, e);
        }
    }

    /** A fetch failed: logged when it is the first of a run, which {@link #fetched} ends. */
    private void failed(String why) {
        Failure before = lastFailure;
        lastFailure = new Failure(why, System.nanoTime(), before == null ? 1 : before.inARow() + 1);
        if (before == null) {
            LOG.warn("the key set of the identity provider cannot be fetched from {}: {}; tokens are answered 503 "
                    + "until it can", jwksUri, why);
        }
    }

    /** A fetch succeeded: logged when it ends a run of failed ones. */
    private void fetched() {
        Failure before = lastFailure;
        lastFailure = null;
        if (before != null) {
            LOG.warn("the key set of the identity provider is fetched again from {}, after {} failed fetch{}", jwksUri,
                    before.inARow(), before.inARow() == 1 ? "" : "es");
        }
    }

    /** Whether a signature may be checked with {@code key}: its {@code key_ops}, when it has them, name verify. */
    private static boolean verifies(JWK key) {
        Set<KeyOperation> operations = key.getKeyOperations();
        return operations == null || operations.contains(KeyOperation.VERIFY);
    }

    @Override
    public void close() {
        // the fetch's client holds no connection between fetches
    }
}
