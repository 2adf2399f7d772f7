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

    @Test
    void aJwtIsToldFromAnApiKey() {
        assertThat(OidcService.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).isTrue();
        assertThat(OidcService.looksLikeJwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")).isTrue();
        assertThat(OidcService.looksLikeJwt("test-service-key-0123456789")).isFalse();
        assertThat(OidcService.looksLikeJwt("eyJ.a.b.c")).isFalse();
        assertThat(OidcService.credentialId("eyJ.a.b")).matches("oidc:[0-9a-f]{16}");
    }
}
