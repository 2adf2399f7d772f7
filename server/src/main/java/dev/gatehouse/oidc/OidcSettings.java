package dev.gatehouse.oidc;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Sign-in with the product's own identity provider (OpenID Connect), off unless an issuer is given. Validated
 * here, once; the messages name the command-line option. Immutable.
 *
 * @param issuer    the issuer's URL exactly as its tokens' {@code iss} claim names it; its discovery document is
 *                  {@code <issuer>/.well-known/openid-configuration}. HTTPS, or HTTP on a loopback address only;
 *                  null: OIDC is off
 * @param clientId  the console's client id at the issuer (a public client using PKCE)
 * @param audience  what the API requires in a token's {@code aud}; the client id when not given
 * @param userClaim the token claim that holds the product's user id (a member's {@code user_id}); not one of
 *                  {@link #NOT_A_USER}, which name no user
 */
public record OidcSettings(String issuer, String clientId, String audience, String userClaim) {

    public static final String DEFAULT_USER_CLAIM = "sub";
    /** OIDC off. */
    public static final OidcSettings OFF = new OidcSettings(null, null, null, null);

    /**
     * The claims refused as the user claim, for none names a user: the registered claims (RFC 7519 §4.1) but
     * {@code sub} — the issuer and the audience are the same for every user, the times and the token id change with
     * every token (and {@code exp} as the user claim once made every token request a 500) —, and the claims OpenID
     * Connect and OAuth put beside them about the client, the sign-in or the token: {@code azp} and
     * {@code client_id} name the application the token was issued to (every user of it would be one member),
     * {@code scope} what it may ask, {@code sid} a session, and {@code nonce}, {@code auth_time}, {@code acr},
     * {@code amr}, {@code at_hash} and {@code c_hash} the sign-in and the token.
     */
    static final List<String> NOT_A_USER = List.of("iss", "aud", "exp", "nbf", "iat", "jti", "azp", "client_id",
            "scope", "sid", "nonce", "auth_time", "acr", "amr", "at_hash", "c_hash");
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:/-]{0,99}");
    private static final Pattern CLIENT = Pattern.compile("[\\x21-\\x7e]{1,200}");

    public OidcSettings {
        issuer = blankToNull(issuer);
        clientId = blankToNull(clientId);
        audience = blankToNull(audience);
        userClaim = blankToNull(userClaim);
        if (issuer == null) {
            if (clientId != null || audience != null || userClaim != null) {
                throw new IllegalArgumentException("--oidc-client-id, --oidc-audience and --oidc-user-claim need "
                        + "--oidc-issuer");
            }
        } else {
            issuer = checkedIssuer(issuer);
            if (clientId == null) {
                throw new IllegalArgumentException("--oidc-client-id is required with --oidc-issuer");
            }
            if (!CLIENT.matcher(clientId).matches()) {
                throw new IllegalArgumentException("--oidc-client-id must be 1 to 200 printable characters without "
                        + "spaces, got \"" + clientId + "\"");
            }
            if (audience == null) {
                audience = clientId;
            } else if (!CLIENT.matcher(audience).matches()) {
                throw new IllegalArgumentException("--oidc-audience must be 1 to 200 printable characters without "
                        + "spaces, got \"" + audience + "\"");
            }
            if (userClaim == null) {
                userClaim = DEFAULT_USER_CLAIM;
            } else if (!CLAIM.matcher(userClaim).matches()) {
                throw new IllegalArgumentException("--oidc-user-claim must be a claim name such as sub or user_id, "
                        + "got \"" + userClaim + "\"");
            } else if (NOT_A_USER.contains(userClaim)) {
                throw new IllegalArgumentException("--oidc-user-claim must name the user, such as sub or user_id; "
                        + "got \"" + userClaim + "\", which names no user (" + String.join(", ", NOT_A_USER)
                        + " name the issuer, the audience, the client, the session, the sign-in or the token)");
            }
        }
    }

    public boolean enabled() {
        return issuer != null;
    }

    /** The discovery document's address. */
    public URI discoveryUri() {
        return URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
    }

    private static String checkedIssuer(String issuer) {
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--oidc-issuer must be a URL, got \"" + issuer + "\"", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("--oidc-issuer must be an https URL without query, fragment or user "
                    + "info, such as https://login.example.com/realms/acme, got \"" + issuer + "\"");
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            throw new IllegalArgumentException("--oidc-issuer must use https (http only on a loopback address), got \""
                    + issuer + "\"");
        }
        return issuer;
    }

    /** Whether {@code host} is {@code localhost} or a loopback address (a name is not looked up). */
    static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
