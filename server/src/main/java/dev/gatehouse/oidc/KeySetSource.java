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
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * holds when it began), a re-read of the discovery document it made first included: a fetch made for it gets only the
 * time it has left, and a request that waited — behind the
 * cache's lock — for a fetch that failed is answered by that failure rather than fetching again. Each waiter once
 * fetched again itself when the fetch it had waited for failed, so a key set that stalled held requests twice the
 * promised time, and was asked for once per waiter. Likewise a request that waited for a fetch that succeeded uses
 * what it found ({@link #fetchedSince}, which the cache's refresh asks under its lock). A fetch that fails only
 * because the request making it has no time left — it waited for others' fetches ({@link #WAITED} or more), and
 * what was left ran out — is no failure of the key set: it is not recorded ({@link OutOfTime}), so the requests waiting behind it are not
 * answered by it; under a flood of forged tokens, each refetching, such a fetch once answered 503 to every waiter
 * while the issuer was up.
 *
 * <p>A fetch that fails after one that succeeded (or as the first) is logged, a WARN with its cause, and so is the
 * fetch that ends such a run, with the count of failed ones; the fetches between are not (the key set's failures
 * once showed only as clients' 503s).
 *
 * <p>Thread-safe: the cache calls it under its lock, one fetch at a time; {@link #lastFailure},
 * {@link #lastFetchedNanos}, {@link #published}, {@link #held} and {@link #fetching} are volatile.
 */
final class KeySetSource implements JWKSetSource<TokenVerifier.Attempt> {

    private static final Logger LOG = LoggerFactory.getLogger(KeySetSource.class);
    static final int MAX_BYTES = 256 * 1024;
    /** What a request may still have left when its time is spent: a timer may fire a little early. */
    private static final Duration SPENT = Duration.ofMillis(50);
    /**
     * How long a request must have waited before its fetch for that fetch's running out of time to be the request's
     * own shortage rather than the issuer's: a fetch given nearly the whole {@link IssuerFetch#TIMEOUT} that does not
     * end in it fails the key set.
     */
    private static final Duration WAITED = Duration.ofSeconds(1);

    /**
     * A failed fetch: what went wrong, when it was known ({@link System#nanoTime}), and how many fetches in a row
     * have failed with it.
     */
    private record Failure(String why, long atNanos, int inARow) {
    }

    /** The set a fetch returned, which the cache holds, and the time the cache stamped it with (its millis). */
    private record Held(JWKSet set, long atMillis) {
    }

    /** A fetch that could not be made, or was cut short, because its request had no time left: not recorded. */
    static final class OutOfTime extends JWKSetUnavailableException {

        OutOfTime(String message) {
            super(message);
        }
    }

    private final URI jwksUri;
    private final IssuerFetch fetch = new IssuerFetch(MAX_BYTES);
    private volatile Failure lastFailure;
    /** When the last fetch that succeeded ended ({@link System#nanoTime}); {@code null} before the first. */
    private volatile Long lastFetchedNanos;
    /** Every key the last fetch that succeeded read, those that may not verify included; empty before the first. */
    private volatile List<JWK> published = List.of();
    /** What the cache holds since the last fetch that succeeded; {@code null} before the first. */
    private volatile Held held;
    /** Whether a fetch is under way (the cache makes one at a time). */
    private volatile boolean fetching;

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
        if (left.isNegative() || left.isZero()) {
            throw new OutOfTime("no time was left to fetch the key set from " + jwksUri
                    + " after waiting for other requests' fetches");
        }
        String body;
        fetching = true;
        try {
            body = new String(fetch.get(jwksUri, "key set", left), StandardCharsets.UTF_8);
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            if (left.compareTo(IssuerFetch.TIMEOUT.minus(WAITED)) < 0 && attempt.timeLeft().compareTo(SPENT) < 0) {
                // cut short by what the request had left: the issuer may answer a fetch given the whole time
                throw new OutOfTime(why + " (what this request had left after waiting for other requests' fetches)");
            }
            failed(why);
            throw new JWKSetRetrievalException(why, e);
        } finally {
            fetching = false;
        }
        List<JWK> keys;
        try {
            keys = keys(body);
        } catch (ParseException e) {
            String why = "the key set is not a JWK set: " + e.getMessage();
            failed(why);
            throw new JWKSetParseException(why, e);
        }
        published = List.copyOf(keys);
        fetched();
        JWKSet set = new JWKSet(keys.stream().filter(KeySetSource::verifies).toList());
        held = new Held(set, currentTime);
        return set;
    }

    /**
     * The set the cache holds while it is fresh at {@code currentTime} (the time the cache is asked with, on its
     * clock: it keeps a set {@link TokenVerifier#JWKS_TTL_MILLIS} from the time it was fetched with), the last second
     * of that excepted; {@code null} when it holds none fresh, so that asking it means waiting for a fetch.
     */
    JWKSet heldAt(long currentTime) {
        Held now = held;
        return now != null && currentTime < now.atMillis() + TokenVerifier.JWKS_TTL_MILLIS - 1_000 ? now.set() : null;
    }

    /**
     * Whether the last fetch failed and another is under way: a request that would wait for it is answered by the
     * failure at once instead, as the next fetch of an issuer that just failed is likely to fail too.
     */
    boolean failedAndFetching() {
        return lastFailure != null && fetching;
    }

    /**
     * Whether a fetch succeeded after {@code attempt} began — one it waited for behind the cache's lock, or one made
     * for it: a refetch it would ask for then finds nothing newer.
     */
    boolean fetchedSince(TokenVerifier.Attempt attempt) {
        Long fetched = lastFetchedNanos;
        return fetched != null && fetched - attempt.startedNanos() > 0;
    }

    /**
     * Whether the last fetch failed (one cut short by its request's time is none: {@link OutOfTime}): set by a fetch
     * that fails, cleared by one that succeeds, and by nothing else.
     */
    boolean lastFetchFailed() {
        return lastFailure != null;
    }

    /** Whether a fetch is under way. */
    boolean fetching() {
        return fetching;
    }

    /** Whether a fetch has succeeded: before, {@link #published} holds no keys because none were read. */
    boolean fetchedOnce() {
        return lastFetchedNanos != null;
    }

    /**
     * Every key the last fetch that succeeded read, those left out for not verifying included: what a token that no
     * key verifies is told about, by {@link TokenVerifier}. Empty before the first fetch.
     */
    List<JWK> published() {
        return published;
    }

    /** Whether a fetch failed after {@code attempt} began (a fetch out of its request's time is none). */
    boolean failedSince(TokenVerifier.Attempt attempt) {
        Failure failed = lastFailure;
        return failed != null && failed.atNanos() - attempt.startedNanos() > 0;
    }

    /**
     * The keys of the key set {@code body}, each read on its own: one of a type not known is skipped (as
     * {@link JWKSet#parse} skips it), one that cannot be read is left out and logged.
     */
    private List<JWK> keys(String body) throws ParseException {
        List<Object> entries = JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(body), "keys");
        if (entries == null) {
            throw new ParseException("Missing required \"keys\" member", 0);
        }
        List<JWK> keys = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw new ParseException("The \"keys\" JSON array must contain JSON objects only", 0);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> members = (Map<String, Object>) entry;
            try {
                keys.add(JWK.parse(members));
            } catch (ParseException | RuntimeException e) {
                // RuntimeException: a member of the wrong JSON type the library casts without asking
                if (!(e instanceof ParseException && String.valueOf(e.getMessage()).startsWith("Unsupported key type"))) {
                    dropped.add("position " + i + " (kid " + (members.get("kid") instanceof String kid
                            ? "\"" + kid + "\"" : "none") + "): " + e.getMessage());
                }
            }
        }
        if (!dropped.isEmpty()) {
            LOG.warn("the key set of the identity provider at {} holds {} key{} that cannot be read, left out: {}",
                    jwksUri, dropped.size(), dropped.size() == 1 ? "" : "s", String.join("; ", dropped));
        }
        return keys;
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
        lastFetchedNanos = System.nanoTime();
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
