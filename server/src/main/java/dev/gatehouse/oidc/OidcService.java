package dev.gatehouse.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.access.Principal;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.error.UnauthenticatedException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Sign-in with the product's identity provider (OpenID Connect), when an issuer is configured
 * ({@link OidcSettings}): the API accepts the issuer's JWT access tokens as the member of the organization the
 * request's path names whose {@code user_id} is the token's user claim, with exactly the access that member's key
 * has ({@link Principal.Member} marked {@code viaToken}); and the console learns where to send its users
 * ({@link #console}).
 *
 * <p>A token is verified by {@link TokenVerifier} against the issuer's keys ({@link Discovery}, fetched when first
 * needed). A route whose path names no organization (the organization list, models, Close's API, whose key alone
 * names the organization) accepts no token: there is no member a token could be. Which member a user is, and
 * whether it is active, is read from the engine (no database round trip); management requests read the member's
 * state again in their own transaction ({@code access/Access}), as for keys.
 *
 * <p>Thread-safe.
 */
public final class OidcService {

    /** Where the console sends its users, and how it asks for tokens. */
    public record ConsoleSignIn(String issuer, String clientId, URI authorizationEndpoint, URI tokenEndpoint,
                                String scope) {
    }

    private final OidcSettings settings;
    private final DecisionEngine engine;
    private final Discovery discovery;
    private final InstantSource clock;
    private volatile TokenVerifier verifier;

    /** {@code clock}: the node's, which tells the key source when it last fetched the issuer's keys. */
    public OidcService(OidcSettings settings, DecisionEngine engine, InstantSource clock) {
        this.settings = settings;
        this.engine = engine;
        this.clock = clock;
        this.discovery = settings.enabled() ? new Discovery(settings) : null;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** Whether a presented credential is a JWT (three base64url parts) rather than an API key. */
    public static boolean looksLikeJwt(String token) {
        if (token == null || !token.startsWith("eyJ")) {
            return false;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return second > 0 && token.indexOf('.', second + 1) < 0
                && token.chars().allMatch(c -> c == '.' || c == '-' || c == '_' || Character.isLetterOrDigit(c));
    }

    /**
     * The member a token stands for in organization {@code orgId} (null when the request names none): 401
     * {@code invalid_token} for a token that does not verify or names no member there, 401
     * {@code key_member_inactive} for a deactivated one, 503 while the issuer cannot be reached.
     */
    public Principal authenticate(String token, Long orgId) {
        if (!enabled()) {
            throw TokenVerifier.invalid("this server accepts no tokens");
        }
        JWTClaimsSet claims = verifier().verify(token);
        if (orgId == null) {
            throw new UnauthenticatedException("invalid_token", "an access token acts as a member of the "
                    + "organization the request's path names, and this path names none; use an API key here");
        }
        Object claim = claims.getClaim(settings.userClaim());
        if (!(claim instanceof String || claim instanceof Number)) {
            throw TokenVerifier.invalid("its claim \"" + settings.userClaim() + "\" holds no user id");
        }
        String userId = claim.toString();
        Long memberId = userId.isEmpty() || userId.length() > 200 ? null : engine.findMemberId(orgId, userId);
        if (memberId == null) {
            // the organization is not named: its id would tell an account GUID's holder which one it is
            throw TokenVerifier.invalid("its user is no member of the organization the request's path names");
        }
        if (!engine.isActive(orgId, memberId)) {
            throw new UnauthenticatedException("key_member_inactive", "the token's member " + memberId
                    + " is not active (deactivated, or invited and not yet accepted)");
        }
        return new Principal.Member(credentialId(token), orgId, memberId, true);
    }

    /** What the console needs to sign in with the issuer; empty when OIDC is off. 503 while it cannot be reached. */
    public Optional<ConsoleSignIn> console() {
        if (!enabled()) {
            return Optional.empty();
        }
        Discovery.Document d = discovery.get();
        return Optional.of(new ConsoleSignIn(settings.issuer(), settings.clientId(), d.authorizationEndpoint(),
                d.tokenEndpoint(), "openid"));
    }

    /**
     * The origin the console sends its token request to ({@code https://host[:port]}), for its Content-Security-
     * Policy: the token endpoint's once the discovery document has been read, the issuer's before; null when OIDC
     * is off. Never reaches the issuer.
     */
    public String tokenEndpointOrigin() {
        if (!enabled()) {
            return null;
        }
        Discovery.Document d = discovery.cached();
        return origin(d == null ? URI.create(settings.issuer()) : d.tokenEndpoint());
    }

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getRawAuthority();
    }

    /** The issuer's URL, or null when OIDC is off (known without reaching the issuer). */
    public String issuer() {
        return settings.issuer();
    }

    private TokenVerifier verifier() {
        TokenVerifier v = verifier;
        if (v == null) {
            synchronized (this) {
                if (verifier == null) {
                    verifier = new TokenVerifier(settings, discovery.get(), clock);
                }
                v = verifier;
            }
        }
        return v;
    }

    /**
     * How the change log and the events name the credential of a token's requests: {@code oidc:} and the first
     * 16 hex digits of the token's SHA-256 — the same token is recognizable, the token itself is not kept.
     */
    static String credentialId(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return "oidc:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
