package dev.gatehouse.http;

import dev.gatehouse.access.Principal;
import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.apikey.ReplicaReader;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.oidc.OidcService;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the credential of a request — {@code Authorization: Bearer <key>}, or HTTP Basic with the key as user name
 * and an empty password — and says who it is: an API key ({@link KeyService}), or, when an OpenID Connect issuer is
 * configured, one of its JWT access tokens ({@link OidcService}), which acts as the member of the organization the
 * request's path names. Which organization that is, each dialect says with an {@link OrgLocator}
 * ({@link #within}); without one (routes whose path names no organization) a token is refused. Thread-safe.
 */
public final class Auth {

    /**
     * The organization a request's path names (the native API's {@code {org}}, Rooms' account): null when the path
     * names none, {@link #NO_SUCH_ORG} when it names one that does not exist — which a token is then refused for
     * exactly as for another organization, so that it learns nothing of which exist. A path naming one by what is no
     * id throws the dialect's 400 for it, the one a key gets there, before the token is looked at.
     */
    @FunctionalInterface
    public interface OrgLocator {

        /** An organization id that no organization has. */
        long NO_SUCH_ORG = -1L;

        Long orgOf(Context ctx);
    }

    private final KeyService keys;
    private final OidcService tokens;
    private final OrgLocator locator;

    public Auth(KeyService keys) {
        this(keys, null, ctx -> null);
    }

    /** @param tokens the identity provider's tokens, or null when none are accepted */
    public Auth(KeyService keys, OidcService tokens) {
        this(keys, tokens, ctx -> null);
    }

    private Auth(KeyService keys, OidcService tokens, OrgLocator locator) {
        this.keys = keys;
        this.tokens = tokens;
        this.locator = locator;
    }

    /** This authentication for a dialect whose paths name their organization as {@code locator} finds it. */
    public Auth within(OrgLocator locator) {
        return new Auth(keys, tokens, locator);
    }

    /**
     * The request's caller. A member key also names the organization the request acts in, for the logging context
     * ({@link LogContext}), unless the request named one already.
     */
    public Principal principal(Context ctx) {
        String credential = token(ctx.header("Authorization"));
        if (isAccessToken(credential)) {
            return tokens.authenticate(credential, locator.orgOf(ctx));
        }
        return acting(keys.authenticate(credential));
    }

    /**
     * The caller of a request answered directly ({@link Exchange}), as {@link #principal(Context)} says it, without
     * waiting for anything: null when that needs the database or the identity provider (a key not verified in memory
     * yet, an access token), which {@link #principal(Context)} then does.
     */
    public Principal principalFromMemory(String authorization) {
        String credential = token(authorization);
        if (isAccessToken(credential)) {
            return null;
        }
        Principal principal = keys.authenticateFromMemory(credential);
        return principal == null ? null : acting(principal);
    }

    private boolean isAccessToken(String credential) {
        return tokens != null && tokens.enabled() && OidcService.looksLikeJwt(credential);
    }

    /** A member key names the organization its request acts in, unless the request named one already. */
    private static Principal acting(Principal principal) {
        if (principal instanceof Principal.Member member) {
            LogContext.orgUnlessNamed(member.orgId());
        }
        return principal;
    }

    /**
     * Who reads the snapshot and the change stream: a service key or a replica key ({@link KeyService#authenticateReader});
     * a member key is a 403, an access token a 401 {@code invalid_token} (it is no key), as every refused token is.
     * A credential is taken for a token as {@link #principal(Context)} takes it, only when tokens are accepted:
     * otherwise it is refused as a key.
     */
    public ReplicaReader reader(Context ctx) {
        String credential = token(ctx.header("Authorization"));
        if (isAccessToken(credential)) {
            throw new UnauthenticatedException("invalid_token", "an access token does not read the snapshot or the "
                    + "change stream: a service key or a replica key does");
        }
        return keys.authenticateReader(credential);
    }

    static String token(String header) {
        if (header == null || header.isBlank()) {
            throw new UnauthenticatedException("unauthenticated",
                    "an API key is required: Authorization: Bearer <key>, or Basic with the key as user name");
        }
        String h = header.strip();
        int space = schemeEnd(h);
        String scheme = space < 0 ? h : h.substring(0, space);
        String value = space < 0 ? "" : h.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return value;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon == 0 && decoded.length() > 1) {
                    throw new UnauthenticatedException("unauthenticated", "Basic credentials carry the API key as "
                            + "the user name, with an empty password; this one has no user name, only a password");
                }
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                throw new UnauthenticatedException("unauthenticated", "malformed Basic credentials");
            }
        }
        // the scheme is not repeated: a key sent without one is read as the scheme, and an answer carries no secret
        throw new UnauthenticatedException("unauthenticated", "unsupported authorization scheme: send "
                + "Authorization: Bearer <key>, or Basic with the key as user name");
    }

    /** Where the scheme ends: at the first space or tab (HTTP's whitespace), wherever the credential then starts. */
    private static int schemeEnd(String header) {
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t') {
                return i;
            }
        }
        return -1;
    }
}
