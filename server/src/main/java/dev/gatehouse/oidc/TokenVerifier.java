package dev.gatehouse.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.error.UnavailableException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Verifies the issuer's JWT access tokens: a JWS whose signature checks against the issuer's JWKS with an
 * asymmetric algorithm ({@link #ALGORITHMS}: RSA and EC only — never {@code none}, never an HMAC, so a public key
 * can never serve as a shared secret), {@code typ} absent or one of {@link #TYPES} (case aside; a {@code typ} without
 * a {@code /} stands for {@code application/<typ>}, RFC 7515 §4.1.9 — {@code application/at+jwt} was once refused
 * while {@code at+jwt} passed), {@code iss} the configured issuer exactly, {@code aud} holding the configured
 * audience, {@code exp} in the future and {@code nbf} (when present) in the past, within
 * {@link #CLOCK_SKEW_SECONDS}, by the node's clock, and the user claim present.
 *
 * <p>Times: {@code exp} and {@code nbf} are judged here ({@link #checkTimes}), from the numbers the payload holds as
 * the token sent them, not from the JWT library's dates: it multiplies seconds by 1,000 in a {@code long}, so a
 * far-future {@code nbf} ({@code 9300000000000000}, {@code 1e20}) wrapped into the past and passed, and an
 * {@code exp} as far off wrapped into an expiry long gone. A value beyond any instant a clock can show is judged as
 * the far future it names: such an {@code nbf} is never reached, such an {@code exp} never passes ({@link
 * Verified#validUntil} is then {@link Instant#MAX}). {@code iat} is not read.
 *
 * <p>Keys: the JWKS (from the discovery document's {@code jwks_uri}, fetched by {@link KeySetSource}: no redirect
 * followed, whole within its timeout, only keys that may verify, at most {@link IssuerFetch#TIMEOUT} of waiting per
 * request) is cached for {@link #JWKS_TTL_MILLIS}; a token
 * naming a key id the cache lacks makes it fetch the set again — how rotation is followed — at most twice per
 * {@link #MIN_REFETCH_MILLIS} (the rate limiter lets a second fetch through in each interval, so that a rotation
 * seen just after a fetch is not missed), so tokens with made-up key ids cannot turn into a flood of fetches. A
 * token whose signature no cached key verifies — the issuer replaced a key under the same key id, or publishes keys
 * without key ids, or a cached key could not be used — makes it fetch the set again too, under the same limit, and
 * is verified once more against what came — or against what a fetch another request made while it waited found
 * ({@link #refetched}). A token that meets that limit, or whose time ran out waiting for others' fetches, is
 * answered by what the last fetch found: the set could not be fetched — 503, as the fetch itself was —, or it was
 * and holds no key for the token — 401.
 *
 * <p>Thread-safe (the processor and the key source are; {@link #keysUnavailable} is volatile).
 */
final class TokenVerifier {

    /**
     * A token that verified: its claims, and until when it is good — its {@code exp} plus {@link #CLOCK_SKEW_SECONDS},
     * {@link Instant#MAX} for an {@code exp} beyond what an instant holds.
     */
    record Verified(JWTClaimsSet claims, Instant validUntil) {
    }

    /** One verification, as the key source sees it: when it began, so that it waits for keys a bounded time. */
    record Attempt(long startedNanos) implements SecurityContext {

        static Attempt now() {
            return new Attempt(System.nanoTime());
        }

        /** What is left of {@link IssuerFetch#TIMEOUT} since the attempt began. */
        Duration timeLeft() {
            return IssuerFetch.TIMEOUT.minusNanos(System.nanoTime() - startedNanos);
        }
    }

    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);
    /** The media types a token's {@code typ} may name, in lower case and in full. */
    static final Set<String> TYPES = Set.of("application/jwt", "application/at+jwt");
    static final int CLOCK_SKEW_SECONDS = 60;
    static final long JWKS_TTL_MILLIS = 15 * 60_000L;
    static final long MIN_REFETCH_MILLIS = 1_000L;

    private final DefaultJWTProcessor<Attempt> processor = new DefaultJWTProcessor<>();
    private final KeySetSource keySet;
    private final JWKSetBasedJWKSource<Attempt> keys;
    private final URI jwksUri;
    private final InstantSource clock;
    /** Whether the key set's last fetch failed: set by a failed fetch, cleared by a token checked against keys. */
    private volatile boolean keysUnavailable;

    TokenVerifier(OidcSettings settings, Discovery.Document document, InstantSource clock) {
        this.clock = clock;
        this.jwksUri = document.jwksUri();
        // the builder's source without failover is set-based; its set source is what a refetch is asked of
        keySet = new KeySetSource(jwksUri);
        keys = (JWKSetBasedJWKSource<Attempt>) JWKSourceBuilder.create(keySet)
                .cache(JWKS_TTL_MILLIS, IssuerFetch.TIMEOUT.toMillis())
                .rateLimited(MIN_REFETCH_MILLIS)
                .retrying(false)
                .build();
        processor.setJWSTypeVerifier(TokenVerifier::checkType);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<Attempt> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(settings.audience()), new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of("exp", settings.userClaim()), null) {
            // no time: the library's dates of exp and nbf overflow, so checkTimes judges the claims as sent
            @Override
            protected Date currentTime() {
                return null;
            }
        };
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The key set this verifier checks signatures against. */
    URI jwksUri() {
        return jwksUri;
    }

    /**
     * {@code typ} absent or one of {@link #TYPES}. Refused as a claim is ({@link BadJWTException}): a token refused
     * for its type is not one that newer keys could verify, so it fetches none.
     */
    private static void checkType(JOSEObjectType type, Attempt attempt) throws BadJWTException {
        if (type == null) {
            return;
        }
        String media = type.getType().toLowerCase(Locale.ROOT);
        if (!TYPES.contains(media.indexOf('/') < 0 ? "application/" + media : media)) {
            throw new BadJWTException("its typ \"" + type + "\" is not one of JWT, at+jwt (or application/ those)");
        }
    }

    /** The verified token; 401 {@code invalid_token} saying why not, 503 when the keys cannot be fetched. */
    Verified verify(String token) {
        Attempt attempt = Attempt.now();
        try {
            JWT jwt = JWTParser.parse(token);
            JWTClaimsSet claims;
            try {
                claims = processor.process(jwt, attempt);
            } catch (BadJOSEException e) {
                // claims refused stay refused; a signature no cached key verifies may be one of keys replaced since
                if (e instanceof BadJWTException || !refetched(attempt)) {
                    throw e;
                }
                claims = processor.process(jwt, attempt);
            }
            keysUnavailable = false;
            // only a signed token gets here: the processor refuses any other
            return new Verified(claims, checkTimes(((SignedJWT) jwt).getPayload().toJSONObject()));
        } catch (RateLimitReachedException e) {
            // the set was fetched within the last second: answered by what that fetch found
            throw byLastFetch();
        } catch (KeySourceException e) {
            if (!keySet.failedSince(attempt)) {
                // no fetch failed: this request's time ran out waiting for others' fetches (behind the cache's lock,
                // or with too little left for its own), which says nothing of the key set
                throw byLastFetch();
            }
            keysUnavailable = true;
            throw unavailable(e.getMessage());
        } catch (BadJOSEException e) {
            // keys were at hand (a key id they lack, a signature or claims refused)
            keysUnavailable = false;
            throw invalid(e.getMessage());
        } catch (ParseException e) {
            throw invalid(e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw invalid("the signature cannot be checked: " + e.getMessage());
        }
    }

    /**
     * {@code exp} in the future and {@code nbf}, when present, in the past, by the node's clock within
     * {@link #CLOCK_SKEW_SECONDS}, judged from the payload's numbers in seconds — a fraction is kept, and a value no
     * {@code long} of milliseconds holds is the far future or past it names, not a wrapped one. Until when the token
     * is good, or 401 {@code invalid_token} (in the library's words, which a request whose token expired while it
     * ran is answered too: {@code access/Principal}).
     */
    private Instant checkTimes(Map<String, Object> payload) {
        double now = clock.millis() / 1000.0;
        double expiry = seconds(payload, "exp");
        if (!(expiry > now - CLOCK_SKEW_SECONDS)) {
            throw invalid("Expired JWT");
        }
        if (payload.get("nbf") != null && !(seconds(payload, "nbf") < now + CLOCK_SKEW_SECONDS)) {
            throw invalid("JWT before use time");
        }
        double until = expiry + CLOCK_SKEW_SECONDS;
        if (until >= Instant.MAX.getEpochSecond()) {
            return Instant.MAX;
        }
        long whole = (long) Math.floor(until);
        return Instant.ofEpochSecond(whole, (long) ((until - whole) * 1e9));
    }

    /** The NumericDate claim {@code name} in seconds since the epoch (the library has refused it unless a number). */
    private static double seconds(Map<String, Object> payload, String name) {
        if (!(payload.get(name) instanceof Number seconds)) {
            throw invalid("its " + name + " is not a number of seconds");
        }
        return seconds.doubleValue();
    }

    /** A token the key set could not be fetched for now, answered by what its last fetch found: 503, or else 401. */
    private RuntimeException byLastFetch() {
        if (keysUnavailable) {
            return unavailable("its last fetch failed");
        }
        return invalid("none of the identity provider's keys has its key id and algorithm");
    }

    /**
     * Fetches the key set anew unless the rate limit holds it back: whether it did (a failed fetch throws). A set
     * fetched since {@code attempt} began — by another request, while this one waited behind the cache's lock — is
     * taken as this one's fetch, not fetched once more: under a flood of forged tokens each waiter once fetched again,
     * and the queue of them outlasted the time a request may wait.
     */
    private boolean refetched(Attempt attempt) throws KeySourceException {
        JWKSetCacheRefreshEvaluator unlessFetchedSince = new JWKSetCacheRefreshEvaluator() {
            @Override
            public boolean requiresRefresh(JWKSet set) {
                return !keySet.fetchedSince(attempt);
            }
        };
        try {
            keys.getJWKSetSource().getJWKSet(unlessFetchedSince, clock.millis(), attempt);
            return true;
        } catch (RateLimitReachedException e) {
            return false;
        }
    }

    private static UnavailableException unavailable(String why) {
        return new UnavailableException("oidc_unavailable", "the identity provider's keys cannot be fetched (" + why
                + "); retry shortly");
    }

    static UnauthenticatedException invalid(String why) {
        return new UnauthenticatedException("invalid_token", "the access token is not valid: " + why);
    }
}
