package dev.gatehouse.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.error.UnavailableException;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.InstantSource;
import java.util.Set;

/**
 * Verifies the issuer's JWT access tokens: a JWS whose signature checks against the issuer's JWKS with an
 * asymmetric algorithm ({@link #ALGORITHMS}: RSA and EC only — never {@code none}, never an HMAC, so a public key
 * can never serve as a shared secret), {@code typ} absent, {@code JWT} or {@code at+jwt}, {@code iss} the configured
 * issuer exactly, {@code aud} holding the configured audience, {@code exp} in the future and {@code nbf} (when
 * present) in the past, within {@link #CLOCK_SKEW_SECONDS}, and the user claim present.
 *
 * <p>Keys: the JWKS (from the discovery document's {@code jwks_uri}, fetched as {@link IssuerFetch} bounds it: no
 * redirect followed, whole within its timeout) is cached for {@link #JWKS_TTL_MILLIS}; a token
 * naming a key id the cache lacks makes it fetch the set again — how rotation is followed — at most twice per
 * {@link #MIN_REFETCH_MILLIS} (the rate limiter lets a second fetch through in each interval, so that a rotation
 * seen just after a fetch is not missed), so tokens with made-up key ids cannot turn into a flood of fetches. A
 * token whose signature no cached key verifies — the issuer replaced a key under the same key id, or publishes keys
 * without key ids, or a cached key could not be used — makes it fetch the set again too, under the same limit, and
 * is verified once more against what came. A token that meets that limit is answered by what the last fetch found:
 * the set could not be fetched — 503, as the fetch itself was —, or it was and holds no key for the token — 401.
 *
 * <p>Thread-safe (the processor and the key source are; {@link #keysUnavailable} is volatile).
 */
final class TokenVerifier {

    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);
    static final int CLOCK_SKEW_SECONDS = 60;
    static final long JWKS_TTL_MILLIS = 15 * 60_000L;
    static final long MIN_REFETCH_MILLIS = 1_000L;
    private static final int MAX_JWKS_BYTES = 256 * 1024;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final IssuerFetch keySet = new IssuerFetch(MAX_JWKS_BYTES);
    private final JWKSetBasedJWKSource<SecurityContext> keys;
    private final InstantSource clock;
    /** Whether the key set's last fetch failed: set by a failed fetch, cleared by a token checked against keys. */
    private volatile boolean keysUnavailable;

    TokenVerifier(OidcSettings settings, Discovery.Document document, InstantSource clock) {
        this.clock = clock;
        try {
            // the builder's source without failover is set-based; its set source is what a refetch is asked of
            keys = (JWKSetBasedJWKSource<SecurityContext>) JWKSourceBuilder.<SecurityContext>create(
                            document.jwksUri().toURL(),
                            url -> new Resource(new String(keySet.get(document.jwksUri(), "key set"),
                                    StandardCharsets.UTF_8), "application/json"))
                    .cache(JWKS_TTL_MILLIS, IssuerFetch.TIMEOUT.toMillis())
                    .rateLimited(MIN_REFETCH_MILLIS)
                    .retrying(false)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jwks_uri is not a URL: " + document.jwksUri(), e);
        }
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(settings.audience()), new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of("exp", settings.userClaim()), null);
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The verified claims; 401 {@code invalid_token} saying why not, 503 when the keys cannot be fetched. */
    JWTClaimsSet verify(String token) {
        try {
            JWTClaimsSet claims;
            try {
                claims = processor.process(token, null);
            } catch (BadJOSEException e) {
                // claims refused stay refused; a signature no cached key verifies may be one of keys replaced since
                if (e instanceof BadJWTException || !refetched()) {
                    throw e;
                }
                claims = processor.process(token, null);
            }
            keysUnavailable = false;
            return claims;
        } catch (RateLimitReachedException e) {
            // the set was fetched within the last second: answered by what that fetch found
            if (keysUnavailable) {
                throw unavailable("its last fetch failed");
            }
            throw invalid("none of the identity provider's keys has its key id and algorithm");
        } catch (KeySourceException e) {
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

    /** Fetches the key set anew unless the rate limit holds it back: whether it did (a failed fetch throws). */
    private boolean refetched() throws KeySourceException {
        try {
            keys.getJWKSetSource().getJWKSet(JWKSetCacheRefreshEvaluator.forceRefresh(), clock.millis(), null);
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
