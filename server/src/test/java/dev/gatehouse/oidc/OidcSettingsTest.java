package dev.gatehouse.oidc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OIDC settings: off by default, their defaults, and a message naming the option for each bad value. */
class OidcSettingsTest {

    @Test
    void off_byDefault_andBlankValuesCountAsUnset() {
        assertThat(OidcSettings.OFF.enabled()).isFalse();
        assertThat(new OidcSettings(" ", "", null, null)).isEqualTo(OidcSettings.OFF);
    }

    @Test
    void defaults_audienceIsTheClientId_andTheUserClaimIsSub() {
        OidcSettings s = new OidcSettings("https://login.example.com/realms/acme", "console", null, null);

        assertThat(s.enabled()).isTrue();
        assertThat(s.audience()).isEqualTo("console");
        assertThat(s.userClaim()).isEqualTo("sub").isEqualTo(OidcSettings.DEFAULT_USER_CLAIM);
        assertThat(s.discoveryUri()).hasToString("https://login.example.com/realms/acme/.well-known/openid-configuration");
        assertThat(new OidcSettings("https://login.example.com/", "c", "api", "user_id").discoveryUri())
                .hasToString("https://login.example.com/.well-known/openid-configuration");
    }

    @Test
    void httpIsAllowedOnLoopbackOnly() {
        assertThat(new OidcSettings("http://127.0.0.1:9000/issuer", "c", null, null).enabled()).isTrue();
        assertThat(new OidcSettings("http://localhost:9000", "c", null, null).enabled()).isTrue();
        assertThat(new OidcSettings("http://[::1]:9000", "c", null, null).enabled()).isTrue();
        assertThatThrownBy(() -> new OidcSettings("http://login.example.com", "c", null, null))
                .hasMessage("--oidc-issuer must use https (http only on a loopback address), got \"http://login.example.com\"");
    }

    @Test
    void badValues_areNamedWithTheirOption() {
        assertThatThrownBy(() -> new OidcSettings("login.example.com", "c", null, null))
                .hasMessageStartingWith("--oidc-issuer must be an https URL without query, fragment or user info");
        assertThatThrownBy(() -> new OidcSettings("https://login.example.com?x=1", "c", null, null))
                .hasMessageStartingWith("--oidc-issuer must be an https URL");
        assertThatThrownBy(() -> new OidcSettings("ftp://login.example.com", "c", null, null))
                .hasMessageStartingWith("--oidc-issuer must be an https URL");
        assertThatThrownBy(() -> new OidcSettings("https://login.example.com", null, null, null))
                .hasMessage("--oidc-client-id is required with --oidc-issuer");
        assertThatThrownBy(() -> new OidcSettings("https://login.example.com", "my client", null, null))
                .hasMessage("--oidc-client-id must be 1 to 200 printable characters without spaces, got \"my client\"");
        assertThatThrownBy(() -> new OidcSettings("https://login.example.com", "c", "an api", null))
                .hasMessage("--oidc-audience must be 1 to 200 printable characters without spaces, got \"an api\"");
        assertThatThrownBy(() -> new OidcSettings("https://login.example.com", "c", null, "user id"))
                .hasMessage("--oidc-user-claim must be a claim name such as sub or user_id, got \"user id\"");
        assertThatThrownBy(() -> new OidcSettings(null, "c", null, null))
                .hasMessage("--oidc-client-id, --oidc-audience and --oidc-user-claim need --oidc-issuer");
    }

    /**
     * A registered claim other than {@code sub} names no user — the same for every user, or new with every token —
     * and is refused at start: {@code exp} as the user claim once started, then answered every token request 500. So
     * are the claims about the client, the session and the sign-in: under {@code azp} every user of one application
     * acted as one member.
     */
    @Test
    void aRegisteredClaimThatNamesNoUser_isRefusedAsTheUserClaim() {
        for (String claim : new String[] {"exp", "nbf", "iat", "aud", "iss", "jti", "azp", "client_id", "scope", "sid",
                "nonce", "auth_time", "acr", "amr", "at_hash", "c_hash"}) {
            assertThatThrownBy(() -> new OidcSettings("https://login.example.com", "c", null, claim)).as(claim)
                    .hasMessageStartingWith("--oidc-user-claim must name the user, such as sub or user_id; got \""
                            + claim + "\", which names no user");
        }
        assertThat(new OidcSettings("https://login.example.com", "c", null, "sub").userClaim()).isEqualTo("sub");
        assertThat(new OidcSettings("https://login.example.com", "c", null, "Exp").userClaim()).as("names are exact")
                .isEqualTo("Exp");
    }

    @Test
    void aJwtIsToldFromAnApiKey() {
        assertThat(OidcService.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).isTrue();
        assertThat(OidcService.looksLikeJwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")).isTrue();
        assertThat(OidcService.looksLikeJwt("test-service-key-0123456789")).isFalse();
        assertThat(OidcService.looksLikeJwt("eyJ.a.b.c")).isFalse();
        assertThat(OidcService.credentialId("eyJ.a.b")).matches("oidc:[0-9a-f]{16}");
    }

    /**
     * By its shape, not its first letters: three base64url parts whose first is a JSON object — also one whose
     * header starts with a space ({@code eyAi…}), once taken for a key —, and only base64url characters: a letter
     * beyond ASCII once passed as a letter. A key with two dots is still a key.
     */
    @Test
    void aJwtIsToldByItsShape_andHoldsOnlyBase64urlCharacters() {
        String payload = "eyJzdWIiOiJ4In0";
        assertThat(OidcService.looksLikeJwt(b64("{ \"alg\": \"RS256\"}") + "." + payload + ".c2ln")).isTrue();
        assertThat(OidcService.looksLikeJwt(b64("\n\t{\"alg\":\"RS256\"}") + "." + payload + ".c2ln")).isTrue();
        assertThat(OidcService.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9." + payload + ".c2ln\u00e9\u00e9")).isFalse();
        assertThat(OidcService.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9." + payload + "\u0661.c2ln")).isFalse();
        assertThat(OidcService.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9." + payload + ".c2ln==")).isFalse();
        assertThat(OidcService.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9." + payload + ".c2l+n/")).isFalse();
        assertThat(OidcService.looksLikeJwt("service.key-with.dots")).as("no JSON header").isFalse();
        assertThat(OidcService.looksLikeJwt(b64("[1]") + "." + payload + ".c2ln")).isFalse();
        assertThat(OidcService.looksLikeJwt("." + payload + ".c2ln")).isFalse();
    }

    private static String b64(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
