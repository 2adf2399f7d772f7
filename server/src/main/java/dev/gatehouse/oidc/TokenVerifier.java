package dev.gatehouse.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.json.Fields;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
 * and holds no key for the token — 401; while the fetch it waited for is still under way, unanswered, 503. Who
 * waits for a fetch is bounded ({@link KeyCacheGate}): a token whose key is cached waits for nothing, at most
 * {@link IssuerWaits#MAX_WAITING} requests wait for the issuer at once, and none while the last fetch failed and the
 * next is under way; the others are answered 503 at once.
 *
 * <p>Refusals say why in the server's words, not the JWT library's: an unsigned token, an algorithm no key of the
 * issuer may sign with, a key id no key has, a key for encryption only, a registered claim of the wrong type (named),
 * a {@code crit} header parameter, a header it cannot read ({@link #unreadable}), a claim the issuer or audience
 * requires ({@link #checkClaims}), a time ({@link #checkTimes}) — the library answered most of them "Another
 * algorithm expected, or no matching key(s) found" or "Invalid signature", named its own classes, or said "Expired
 * JWT" and "JWT aud claim rejected". What needs no key is judged before any is fetched. A value of the token a
 * refusal repeats (a key id, a {@code typ}, an algorithm, critical parameters) is cut as errors quote what callers
 * send ({@link Fields#abbreviate}): a key id of 5,000 characters was once repeated whole.
 *
 * <p>Thread-safe (the processor and the key source are; what the last fetch found is the key source's to say).
 */
final class TokenVerifier {

    /**
     * A token that verified: its claims as the JWT library reads them, its payload as the token sent it (JSON text:
     * the library turns a number into a {@code Long} or a {@code Double}, so {@code 100.0}, {@code 1e2} and
     * {@code -0} cannot be told from {@code 100} and {@code 0} in {@code claims}, and it turns a numeric {@code sub}
     * into text), and until when it is good — its {@code exp} plus {@link #CLOCK_SKEW_SECONDS}, {@link Instant#MAX}
     * for an {@code exp} beyond what an instant holds.
     */
    record Verified(JWTClaimsSet claims, String payload, Instant validUntil) {
    }

    /** One verification, as the key source sees it: when it began, so that it waits for keys a bounded time. */
    record Attempt(long startedNanos) implements SecurityContext {

        static Attempt now() {
            return new Attempt(System.nanoTime());
        }

        /**
         * What is left of {@link IssuerFetch#TIMEOUT} since the attempt began: the one budget of a request for the
         * issuer's documents, the discovery document's re-read ({@link Discovery#get(Attempt)}) and the key set's
         * fetch together.
         */
        Duration timeLeft() {
            return IssuerFetch.TIMEOUT.minusNanos(System.nanoTime() - startedNanos);
        }
    }

    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);
    private static final String ALGORITHM_NAMES = String.join(", ",
            ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList());
    /** The media types a token's {@code typ} may name, in lower case and in full. */
    static final Set<String> TYPES = Set.of("application/jwt", "application/at+jwt");
    static final int CLOCK_SKEW_SECONDS = 60;
    static final long JWKS_TTL_MILLIS = 15 * 60_000L;
    static final long MIN_REFETCH_MILLIS = 1_000L;
    /** The smallest RSA modulus the JDK makes a key of. */
    private static final int MIN_RSA_BITS = 512;

    private final DefaultJWTProcessor<Attempt> processor = new DefaultJWTProcessor<>();
    private final KeySetSource keySet;
    private final JWKSetBasedJWKSource<Attempt> keys;
    private final URI jwksUri;
    private final InstantSource clock;
    private final String audience;
    private final String issuer;
    private final String userClaim;

    /** {@code waits}: the node's bound on requests waiting for the issuer, which the discovery document shares. */
    TokenVerifier(OidcSettings settings, Discovery.Document document, InstantSource clock, IssuerWaits waits) {
        this.clock = clock;
        this.jwksUri = document.jwksUri();
        this.audience = settings.audience();
        this.issuer = settings.issuer();
        this.userClaim = settings.userClaim();
        // the builder's source without failover is set-based; its set source, the cache, is asked through the gate
        // that bounds who waits for a fetch, by the key selector and by a refetch alike
        keySet = new KeySetSource(jwksUri);
        JWKSetSource<Attempt> cache = ((JWKSetBasedJWKSource<Attempt>) JWKSourceBuilder.create(keySet)
                .cache(JWKS_TTL_MILLIS, IssuerFetch.TIMEOUT.toMillis())
                .rateLimited(MIN_REFETCH_MILLIS)
                .retrying(false)
                .build()).getJWKSetSource();
        keys = new JWKSetBasedJWKSource<>(new KeyCacheGate(cache, keySet, waits));
        processor.setJWSTypeVerifier(TokenVerifier::checkType);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<Attempt> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(settings.audience()), new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                new HashSet<>(List.of("exp", settings.userClaim())), null) {
            // no time: the library's dates of exp and nbf overflow, so checkTimes judges the claims as sent
            @Override
            protected Date currentTime() {
                return null;
            }

            // the library's checks stay, behind the server's own, which say why in its words
            @Override
            public void verify(JWTClaimsSet claimsSet, Attempt attempt) throws BadJWTException {
                checkClaims(claimsSet);
                try {
                    super.verify(claimsSet, attempt);
                } catch (BadJWTException e) {
                    throw new BadJWTException("its claims are not accepted");
                }
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
            throw new BadJWTException("its typ \"" + Fields.abbreviate(type.getType())
                    + "\" is not one of JWT, at+jwt (or application/ those)");
        }
    }

    /**
     * The verified token; 401 {@code invalid_token} saying why not, in the server's words, 503 when the keys cannot be
     * fetched. What can be judged without keys is judged first ({@link #signed}, {@link #checkHeader},
     * {@link #checkClaimTypes}), so such a token fetches none; the JWT library refused it in words of its own (an
     * unsigned token's "extend class to handle", a {@code crit} header's "Invalid signature"), and fetched the key set
     * again for some.
     */
    Verified verify(String token) {
        return verify(token, Attempt.now());
    }

    /** {@link #verify(String)} within what is left of {@code attempt}'s time, part of which its caller spent. */
    Verified verify(String token, Attempt attempt) {
        SignedJWT jwt;
        try {
            jwt = signed(JWTParser.parse(token));
        } catch (ParseException e) {
            throw invalid(unreadable(token));
        }
        checkHeader(jwt.getHeader());
        Map<String, Object> payload = jwt.getPayload().toJSONObject();
        if (payload == null) {
            throw invalid("its payload is not a JSON object");
        }
        checkClaimTypes(payload);
        try {
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
            return new Verified(claims, jwt.getParsedParts()[1].decodeToString(), checkTimes(payload));
        } catch (KeyCacheGate.NotWaiting e) {
            throw unavailable(e.getMessage());
        } catch (RateLimitReachedException e) {
            // the set was fetched within the last second: answered by what that fetch found
            throw byLastFetch(jwt.getHeader());
        } catch (KeySourceException e) {
            if (!keySet.failedSince(attempt)) {
                // no fetch failed since it began: this request's time ran out waiting for others' fetches (behind the
                // cache's lock, or with too little left for its own), answered as the rate limit's are
                throw byLastFetch(jwt.getHeader());
            }
            throw unavailable(e.getMessage());
        } catch (BadJWTException e) {
            // keys were at hand, and the claims or the type were refused, in words of this class (checkType,
            // checkClaims): the claims verifier's ("JWT aud claim rejected") once reached the caller
            throw invalid(e.getMessage());
        } catch (BadJWSException e) {
            throw invalid("its signature does not verify with the identity provider's key");
        } catch (BadJOSEException e) {
            // the only other refusal of a signed token: no key of the set fits its key id and algorithm
            throw invalid(noKeyFor(jwt.getHeader()));
        } catch (JOSEException e) {
            throw invalid("the signature cannot be checked: " + e.getMessage());
        }
    }

    /**
     * Why JWT-shaped {@code token} is no JWT the library reads, in the server's words: its header not a JSON object,
     * naming no {@code alg} or one that is no string, naming an encryption ({@code enc}: a JWE, which the library then
     * wants in five parts), holding a registered parameter of the wrong type (named), or with nothing after its second
     * dot (a signature missing, once said to be a header of the wrong kind). The library's own words
     * ("Invalid unsecured/JWS/JWE header: Invalid JSON object", "Unexpected type of JSON object member alg",
     * "Unexpected number of Base64URL parts, must be five") once reached the caller. Nothing of the token is repeated.
     */
    private static String unreadable(String token) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            return "it is not a JWT (a header, a payload and a signature joined by dots)";
        }
        Map<String, Object> header;
        try {
            header = JSONObjectUtils.parse(new String(Base64URL.from(token.substring(0, dot)).decode(),
                    StandardCharsets.UTF_8));
        } catch (ParseException e) {
            return "its header is not a JSON object";
        }
        Object algorithm = header.get("alg");
        if (algorithm == null) {
            return "its header names no algorithm (alg)";
        }
        if (!(algorithm instanceof String)) {
            return "its header's algorithm (alg) is not a string";
        }
        if (header.containsKey("enc")) {
            return "it is encrypted (JWE: its header names an encryption); only tokens the identity provider signed "
                    + "(JWS) are accepted";
        }
        for (String name : List.of("typ", "cty", "kid", "jku", "x5u", "x5t", "x5t#S256")) {
            if (header.get(name) != null && !(header.get(name) instanceof String)) {
                return "its header parameter \"" + name + "\" is not a string";
            }
        }
        if (token.lastIndexOf('.') == token.length() - 1) {
            return "its signature is missing (nothing follows its second dot); only tokens the identity provider "
                    + "signed are accepted";
        }
        return "its header is not that of a signed JWT (a parameter of the wrong type or value)";
    }

    /**
     * What the configured issuer and audience require of the claims, refused in the server's words (the JWT library's
     * claims verifier, which checks them again after these, said "JWT aud claim rejected", "JWT iss claim value
     * rejected", "JWT missing required claims"): {@code aud} holding the audience, {@code exp} and the user claim
     * present, {@code iss} the issuer exactly. What is required is named, never what the token holds.
     */
    private void checkClaims(JWTClaimsSet claims) throws BadJWTException {
        if (!claims.getAudience().contains(audience)) {
            throw new BadJWTException((claims.getAudience().isEmpty() ? "it names no audience (aud)"
                    : "its audience (aud) is not this server's") + "; it must hold \"" + audience + "\"");
        }
        for (String name : List.of("exp", userClaim)) {
            if (claims.getClaim(name) == null) {
                throw new BadJWTException("it lacks the claim \"" + name + "\"");
            }
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw new BadJWTException((claims.getIssuer() == null ? "it names no issuer (iss)"
                    : "its issuer (iss) is not the identity provider's") + "; it must be \"" + issuer + "\"");
        }
    }

    /** {@code jwt} as a signed token; 401 for an unsigned ({@code alg: none}) or an encrypted one. */
    private static SignedJWT signed(JWT jwt) {
        if (jwt instanceof SignedJWT signed) {
            return signed;
        }
        if (jwt instanceof PlainJWT) {
            throw invalid("it is unsigned (alg \"none\"); only tokens the identity provider signed are accepted");
        }
        throw invalid("it is encrypted (JWE); only tokens the identity provider signed (JWS) are accepted");
    }

    /**
     * The header's {@code alg} one of {@link #ALGORITHMS}, and no {@code crit}: this server understands no critical
     * header parameter, so a token naming one is refused (RFC 7515 §4.1.11) — as what it is, not as a bad signature,
     * and without fetching the key set again, as the library's verifiers once answered it.
     */
    private static void checkHeader(JWSHeader header) {
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw invalid("its algorithm \"" + Fields.abbreviate(header.getAlgorithm().getName())
                    + "\" is not one the identity provider's keys allow: only RSA and EC signatures ("
                    + ALGORITHM_NAMES + ") are accepted");
        }
        Set<String> critical = header.getCriticalParams();
        if (critical != null && !critical.isEmpty()) {
            throw invalid("it names critical header parameters the server does not understand: "
                    + Fields.abbreviate(new TreeSet<>(critical).toString()));
        }
    }

    /**
     * The registered claims the JWT library reads of the types it reads them as, named when not: {@code iss} and
     * {@code jti} strings, {@code sub} a string or a number (as the user claim, judged as written by
     * {@code OidcService}), {@code aud} a string or a list of strings — no {@code null} among them: the audience
     * check once met it with a {@link NullPointerException}, a 500 —, {@code exp}, {@code nbf} and {@code iat}
     * numbers ({@code null} for any of them is as absent, as the library takes it).
     */
    private static void checkClaimTypes(Map<String, Object> payload) {
        for (String name : List.of("iss", "jti")) {
            if (payload.get(name) != null && !(payload.get(name) instanceof String)) {
                throw invalid("its claim \"" + name + "\" is not a string");
            }
        }
        Object subject = payload.get("sub");
        if (subject != null && !(subject instanceof String || subject instanceof Number)) {
            throw invalid("its claim \"sub\" is not a string");
        }
        Object audience = payload.get("aud");
        if (audience != null && !(audience instanceof String)
                && !(audience instanceof List<?> list
                        && list.stream().allMatch(entry -> entry instanceof String))) {
            throw invalid("its claim \"aud\" is not a string or a list of strings");
        }
        for (String name : List.of("exp", "nbf", "iat")) {
            if (payload.get(name) != null && !(payload.get(name) instanceof Number)) {
                throw invalid("its claim \"" + name + "\" is not a number of seconds");
            }
        }
    }

    /**
     * Why no key of the identity provider's last fetched set verifies a token with {@code header}: none has its key
     * id; or those it names (all, without one) may not verify — published for encryption ({@code use: enc}), or
     * their {@code key_ops} lack {@code verify} (a key for {@code sign} alone was once said to be for encryption);
     * or those of its algorithm's type make no key (an RSA modulus too small: once said to allow no algorithm); or none
     * allows its algorithm (a key of another type, or whose {@code alg} names another).
     */
    private String noKeyFor(JWSHeader header) {
        String keyId = header.getKeyID();
        List<JWK> named = keySet.published().stream()
                .filter(key -> keyId == null || keyId.equals(key.getKeyID())).toList();
        if (named.isEmpty()) {
            return keyId == null ? "the identity provider publishes no keys"
                    : "no key of the identity provider has its key id \"" + Fields.abbreviate(keyId) + "\"";
        }
        String keys = keyId == null ? "keys" : "key \"" + Fields.abbreviate(keyId) + "\"";
        if (named.stream().noneMatch(TokenVerifier::signs)) {
            long forEncryption = named.stream().filter(key -> KeyUse.ENCRYPTION.equals(key.getKeyUse())).count();
            String are = named.size() == 1 ? "is" : "are";
            if (forEncryption == named.size()) {
                return "the identity provider's " + keys + " " + are + " for encryption, not for signatures";
            }
            if (forEncryption == 0) {
                return "the identity provider's " + keys + " may not verify signatures: "
                        + (named.size() == 1 ? "its" : "their") + " key_ops lack \"verify\"";
            }
            return "the identity provider's keys may not verify signatures: each is for encryption, or its key_ops "
                    + "lack \"verify\"";
        }
        List<JWK> ofItsType = named.stream().filter(TokenVerifier::signs)
                .filter(key -> key.getKeyType().equals(KeyType.forAlgorithm(header.getAlgorithm()))).toList();
        if (!ofItsType.isEmpty() && ofItsType.stream().noneMatch(TokenVerifier::usable)) {
            return "the identity provider's " + keys + " " + (ofItsType.size() == 1 ? "is" : "are") + " unusable: "
                    + whyUnusable(ofItsType.get(0));
        }
        return "its algorithm \"" + header.getAlgorithm() + "\" is not one the identity provider's " + keys + " "
                + (keyId == null ? "allow" : "allows");
    }

    /**
     * Whether {@code key} makes a public key a signature can be checked with: an RSA modulus under 512 bits makes
     * none (the JDK refuses it), and the key selector then leaves the key out as if it allowed no algorithm.
     */
    private static boolean usable(JWK key) {
        try {
            return !(key instanceof AsymmetricJWK asymmetric) || asymmetric.toPublicKey() != null;
        } catch (JOSEException e) {
            return false;
        }
    }

    /** Why {@code key}, not {@link #usable}, makes no public key. */
    private static String whyUnusable(JWK key) {
        if (key instanceof RSAKey rsa && rsa.size() < MIN_RSA_BITS) {
            return "an RSA key of " + rsa.size() + " bits, too small to check a signature with (at least "
                    + MIN_RSA_BITS + " bits)";
        }
        return "its parameters make no key a signature can be checked with";
    }

    /** Whether {@code key} may check signatures: its {@code use} not {@code enc}, its {@code key_ops} naming verify. */
    private static boolean signs(JWK key) {
        return !KeyUse.ENCRYPTION.equals(key.getKeyUse())
                && (key.getKeyOperations() == null || key.getKeyOperations().contains(KeyOperation.VERIFY));
    }

    /**
     * {@code exp} in the future and {@code nbf}, when present, in the past, by the node's clock within
     * {@link #CLOCK_SKEW_SECONDS}, judged from the payload's numbers in seconds — a fraction is kept, and a value no
     * {@code long} of milliseconds holds is the far future or past it names, not a wrapped one. Until when the token
     * is good, or 401 {@code invalid_token} (as a request whose token expired while it ran is answered too:
     * {@code access/Principal}).
     */
    private Instant checkTimes(Map<String, Object> payload) {
        double now = clock.millis() / 1000.0;
        double expiry = seconds(payload, "exp");
        if (!(expiry > now - CLOCK_SKEW_SECONDS)) {
            throw invalid("it has expired (exp)");
        }
        if (payload.get("nbf") != null && !(seconds(payload, "nbf") < now + CLOCK_SKEW_SECONDS)) {
            throw invalid("it is not valid yet (nbf)");
        }
        double until = expiry + CLOCK_SKEW_SECONDS;
        if (until >= Instant.MAX.getEpochSecond()) {
            return Instant.MAX;
        }
        long whole = (long) Math.floor(until);
        return Instant.ofEpochSecond(whole, (long) ((until - whole) * 1e9));
    }

    /**
     * The NumericDate claim {@code name} in seconds since the epoch ({@link #checkClaimTypes} has refused it unless a
     * number).
     */
    private static double seconds(Map<String, Object> payload, String name) {
        if (!(payload.get(name) instanceof Number seconds)) {
            throw invalid("its " + name + " is not a number of seconds");
        }
        return seconds.doubleValue();
    }

    /**
     * A token with {@code header} the key set could not be fetched for now, answered by what its last fetch found
     * ({@link KeySetSource#lastFetchFailed}, which only a fetch sets or clears: a token verified, or refused, against
     * the keys held says nothing of the issuer — such tokens once made the next token of a key not yet fetched a 401
     * during an outage): 503 when it failed, or else 401 saying which key it lacks. 503 too while a fetch is under way
     * — this request waited its whole time for it, and the issuer has not answered it (its failure, a moment later,
     * once came too late for such a request, which was told the set lacked its key) —, and while no fetch has found
     * anything yet (a request whose discovery read took its time leaves none for the first fetch of the key set,
     * which says nothing of its keys).
     */
    private RuntimeException byLastFetch(JWSHeader header) {
        if (keySet.lastFetchFailed()) {
            return unavailable("its last fetch failed");
        }
        if (keySet.fetching()) {
            return unavailable("the fetch under way has not ended within this request's time");
        }
        if (!keySet.fetchedOnce()) {
            return unavailable("no time was left to fetch it for the first time");
        }
        return invalid(noKeyFor(header));
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
