package dev.gatehouse.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.access.Principal;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.MemberRef;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Sign-in with the product's identity provider (OpenID Connect), when an issuer is configured
 * ({@link OidcSettings}): the API accepts the issuer's JWT access tokens as the member of the organization the
 * request's path names whose {@code user_id} is the token's user claim, with exactly the access that member's key
 * has ({@link Principal.Member} marked {@code viaToken}); and the console learns where to send its users
 * ({@link #console}).
 *
 * <p>A token is verified by {@link TokenVerifier} against the issuer's keys ({@link Discovery}, read when first
 * needed and again every {@link Discovery#REREAD_AFTER}, or a second after a token found the key set it names
 * cannot be fetched; a re-read naming another key set gets a verifier of its own). At most
 * {@link IssuerWaits#MAX_WAITING} requests wait for the issuer at once, however many tokens come; a request whose
 * keys are cached waits for nothing. A route whose path names no
 * organization (the organization list, models, Close's API, whose key alone
 * names the organization) accepts no token: there is no member a token could be, so it is refused unread. Which
 * member a user is, and whether it is active, is read from the engine (no database round trip); management requests
 * read the member's state again in their own transaction ({@code access/Access}), as for keys.
 *
 * <p>Thread-safe.
 */
public final class OidcService {

    /** Where the console sends its users, and how it asks for tokens. */
    public record ConsoleSignIn(String issuer, String clientId, URI authorizationEndpoint, URI tokenEndpoint,
                                String scope) {
    }

    /** The user claim under which a token must not say its address is unverified ({@link #checkEmailVerified}). */
    static final String EMAIL_CLAIM = "email";
    static final String EMAIL_VERIFIED_CLAIM = "email_verified";

    private final OidcSettings settings;
    private final DecisionEngine engine;
    private final Discovery discovery;
    private final InstantSource clock;
    /** Who may wait for the issuer at once: for the discovery document and for the key sets of every verifier. */
    private final IssuerWaits waits = new IssuerWaits();
    private volatile TokenVerifier verifier;

    /** {@code clock}: the node's, which tells the key source when it last fetched the issuer's keys. */
    public OidcService(OidcSettings settings, DecisionEngine engine, InstantSource clock) {
        this.settings = settings;
        this.engine = engine;
        this.clock = clock;
        this.discovery = settings.enabled() ? new Discovery(settings, clock, waits) : null;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Whether a presented credential is a JWT rather than an API key, by its shape: three parts of base64url
     * characters joined by two dots, the first of which decodes to a JSON object (its header, JSON whitespace
     * allowed before the brace). Any other character — a non-ASCII letter, base64's {@code +} or {@code /}, padding —
     * makes it no JWT (it is then refused as a key): the JWT library skips what is not base64url, so such variants
     * of one token would each have verified, under a credential id of their own. A key ({@code gh?_…}) has no such
     * header, and a service key of this form is refused at start while an issuer is configured ({@code app/Config}).
     */
    public static boolean looksLikeJwt(String token) {
        if (token == null) {
            return false;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.')) {
                return false;
            }
        }
        return opensAnObject(token.substring(0, first));
    }

    /** Whether base64url {@code part} decodes to text whose first character but JSON whitespace is {@code {}. */
    private static boolean opensAnObject(String part) {
        byte[] decoded;
        try {
            decoded = Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (byte b : decoded) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
    }

    /**
     * The member a token stands for in organization {@code orgId} (null when the request names none): 401
     * {@code invalid_token} for a token that does not verify or names no member there, 401
     * {@code key_member_inactive} for a deactivated one, 503 while the issuer cannot be reached. A path that names
     * no organization is refused before the token is looked at: no token is accepted there, so the issuer is not
     * asked (an issuer that is down once turned that 401 into a 503, and each such request into a fetch). The
     * member carries the token's expiry ({@link Principal.Member#validUntil}), which each write of the request is
     * judged against again.
     */
    public Principal authenticate(String token, Long orgId) {
        if (!enabled()) {
            throw TokenVerifier.invalid("this server accepts no tokens");
        }
        if (orgId == null) {
            throw new UnauthenticatedException("invalid_token", "an access token acts as a member of the "
                    + "organization the request's path names, and this path names none; use an API key here");
        }
        // one budget for the issuer's documents: a re-read of discovery due now, then the key set
        TokenVerifier.Attempt attempt = TokenVerifier.Attempt.now();
        TokenVerifier verifier = verifier(attempt);
        TokenVerifier.Verified verified;
        try {
            verified = verifier.verify(token, attempt);
        } catch (UnavailableException e) {
            // the document may name the key set wrongly: read again soon, a corrected one is taken within seconds
            discovery.keySetUnavailable();
            throw e;
        }
        JWTClaimsSet claims = verified.claims();
        if (settings.userClaim().equals(EMAIL_CLAIM)) {
            checkEmailVerified(claims);
        }
        String userId = userId(verified.payload());
        Long memberId = userId == null ? null : engine.findMemberId(orgId, userId);
        if (memberId == null) {
            // the organization is not named: its id would tell an account GUID's holder which one it is
            throw TokenVerifier.invalid("its user is no member of the organization the request's path names");
        }
        if (!engine.isActive(orgId, memberId)) {
            throw new UnauthenticatedException("key_member_inactive", "the token's member " + memberId
                    + " is not active (deactivated, or invited and not yet accepted)");
        }
        // good as long as a new request with it would be: every write of the request is judged against that
        return new Principal.Member(credentialId(token), orgId, memberId, true, verified.validUntil());
    }

    /**
     * Under the user claim {@code email}, a token whose {@code email_verified} is present and anything but
     * {@code true} is refused (401): a member's user id is then the address it was invited by, and an issuer that
     * lets people sign up with an address they have not confirmed would otherwise let anyone act as its member —
     * registering as {@code admin@x} made one an organization's admin. Present means present: {@code null} is refused
     * too (it was once taken as absent). A token without the claim is judged by its issuer's word: one that puts only
     * confirmed addresses in {@code email} need not say so.
     */
    private static void checkEmailVerified(JWTClaimsSet claims) {
        if (claims.getClaims().containsKey(EMAIL_VERIFIED_CLAIM)
                && !Boolean.TRUE.equals(claims.getClaim(EMAIL_VERIFIED_CLAIM))) {
            throw TokenVerifier.invalid("its claim \"" + EMAIL_VERIFIED_CLAIM + "\" is not true: an email address "
                    + "the identity provider has not verified names no member");
        }
    }

    /**
     * The user id a token's user claim holds, read from {@code payload} as the token wrote it, or null when it can be
     * no member's: a string as it is, a JSON integer of at most 64 bits as its decimal digits ({@code 100} is user
     * {@code 100}) when they are what the token wrote; 401 for anything else — a fraction or an exponent
     * ({@code 100.0}, {@code 1e2}), an integer beyond 64 bits, {@code -0} (the integer 0 written otherwise), an
     * object, a list. The JWT library's claims cannot judge it: its reader makes {@code 100.0} and {@code 1e2} one
     * {@code Double}, {@code -0} the {@code Long} 0, and a numeric {@code sub} text by Java's number formatting, so
     * under the default claim {@code sub} a token once acted as the member {@code 100.0} or
     * {@code 1.2345678901234567E19}. A user id longer than any member's ({@link MemberRef#userIdLength}, in
     * characters as a client counts them) names none.
     */
    private String userId(String payload) {
        String name = settings.userClaim();
        String userId = null;
        try (JsonParser parser = Json.MAPPER.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw TokenVerifier.invalid("its payload is not a JSON object");
            }
            while (userId == null && parser.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean claim = parser.currentName().equals(name);
                JsonToken value = parser.nextToken();
                if (!claim) {
                    parser.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    userId = parser.getString();
                } else if (value == JsonToken.VALUE_NUMBER_INT && writtenAsItsDigits(parser.getString())) {
                    userId = parser.getString();
                } else if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                    throw TokenVerifier.invalid("its claim \"" + name + "\" is a number that is no integer of at most "
                            + "64 bits written as its digits; a user id in a number must be one (100, not 100.0, 1e2 "
                            + "or -0)");
                } else {
                    break;
                }
            }
        } catch (JacksonException e) {
            throw TokenVerifier.invalid("its payload is not JSON the server reads");
        }
        if (userId == null) {
            throw TokenVerifier.invalid("its claim \"" + name + "\" holds no user id");
        }
        return userId.isEmpty() || MemberRef.userIdLength(userId) > MemberRef.MAX_LENGTH ? null : userId;
    }

    /** Whether JSON integer {@code text} is a 64-bit integer's decimal digits exactly (not {@code -0}, not beyond). */
    private static boolean writtenAsItsDigits(String text) {
        try {
            return Long.toString(Long.parseLong(text)).equals(text);
        } catch (NumberFormatException e) {
            return false;
        }
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
     * The origin the console sends its token request to ({@code scheme://host[:port]}), for its Content-Security-
     * Policy: the token endpoint's, read from the discovery document — waiting for it as {@link Discovery#get} does,
     * so that the page a node serves first after its start already admits it (the issuer's origin stood in for it
     * until the document had been read, and a token endpoint elsewhere was blocked). Null when OIDC is off or the
     * document cannot be read now: the policy then admits no other origin, and {@link #console} answers 503, so the
     * console offers no sign-in with the issuer until it can.
     */
    public String tokenEndpointOrigin() {
        if (!enabled()) {
            return null;
        }
        try {
            return origin(discovery.get().tokenEndpoint());
        } catch (UnavailableException e) {
            return null;
        }
    }

    /** Scheme, host and port alone; the discovery document's endpoints carry no user info ({@link Discovery}). */
    static String origin(URI uri) {
        String host = uri.getHost();
        int port = uri.getPort();
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + host.toLowerCase(Locale.ROOT)
                + (port < 0 ? "" : ":" + port);
    }

    /** The issuer's URL, or null when OIDC is off (known without reaching the issuer). */
    public String issuer() {
        return settings.issuer();
    }

    /**
     * The verifier of the key set the discovery document names now: a new one when a re-read names another. A re-read
     * due now is made within {@code attempt}'s time, which the key set's fetch then has what is left of.
     */
    private TokenVerifier verifier(TokenVerifier.Attempt attempt) {
        Discovery.Document document = discovery.get(attempt);
        TokenVerifier v = verifier;
        if (v == null || !v.jwksUri().equals(document.jwksUri())) {
            synchronized (this) {
                v = verifier;
                if (v == null || !v.jwksUri().equals(document.jwksUri())) {
                    v = new TokenVerifier(settings, document, clock, waits);
                    verifier = v;
                }
            }
        }
        return v;
    }

    /**
     * How the change log and the events name the credential of a token's requests: {@code oidc:} and the first
     * 16 hex digits of the SHA-256 of what its issuer signed — its header and payload as sent, without the
     * signature — so the same token is recognizable, and the token itself is not kept. One signed token has several
     * signatures that verify (base64url's unused low bits in the signature's last character; an ECDSA signature's
     * {@code s} and {@code n − s}), and each spelling once had a credential id of its own. The header and payload
     * have one spelling only: any other changes what the signature covers.
     */
    static String credentialId(String token) {
        String signed = token.substring(0, token.lastIndexOf('.'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(signed.getBytes(StandardCharsets.US_ASCII));
            return "oidc:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
