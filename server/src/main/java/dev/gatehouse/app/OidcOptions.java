package dev.gatehouse.app;

import dev.gatehouse.oidc.OidcSettings;
import picocli.CommandLine.Option;

/** The {@code serve} options of sign-in with an OpenID Connect issuer ({@link OidcSettings}), with their variables. */
final class OidcOptions {

    @Option(names = "--oidc-issuer", defaultValue = "${env:GATEHOUSE_OIDC_ISSUER}", description = "accept this OpenID Connect issuer's JWT access tokens and offer sign-in with it in the console; its iss, https (GATEHOUSE_OIDC_ISSUER; unset: off)")
    String issuer;

    @Option(names = "--oidc-client-id", defaultValue = "${env:GATEHOUSE_OIDC_CLIENT_ID}", description = "the console's client id at the issuer, a public client with PKCE (GATEHOUSE_OIDC_CLIENT_ID; required with --oidc-issuer)")
    String clientId;

    @Option(names = "--oidc-audience", defaultValue = "${env:GATEHOUSE_OIDC_AUDIENCE}", description = "the aud an access token must hold (GATEHOUSE_OIDC_AUDIENCE, default: the client id)")
    String audience;

    @Option(names = "--oidc-user-claim", defaultValue = "${env:GATEHOUSE_OIDC_USER_CLAIM}", description = "the token claim holding the product's user id, a member's user_id (GATEHOUSE_OIDC_USER_CLAIM, default sub)")
    String userClaim;

    /** The settings; an {@link IllegalArgumentException} naming the option when one is bad. */
    OidcSettings settings() {
        return new OidcSettings(issuer, clientId, audience, userClaim);
    }
}
