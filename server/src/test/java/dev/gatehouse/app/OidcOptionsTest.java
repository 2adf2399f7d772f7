package dev.gatehouse.app;

import dev.gatehouse.oidc.OidcSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OIDC options: off by default, their environment variable names, and what they make. */
class OidcOptionsTest {

    @Test
    void off_byDefault() {
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs();
        assertThat(serve.oidc.settings()).isEqualTo(OidcSettings.OFF);
        assertThat(Config.defaults("127.0.0.1", 0, java.nio.file.Path.of("data")).oidc()).isEqualTo(OidcSettings.OFF);
    }

    @Test
    void everyOption_hasItsEnvironmentVariable() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new Main.Serve()).getCommandSpec();
        Map.of("--oidc-issuer", "GATEHOUSE_OIDC_ISSUER",
                "--oidc-client-id", "GATEHOUSE_OIDC_CLIENT_ID",
                "--oidc-audience", "GATEHOUSE_OIDC_AUDIENCE",
                "--oidc-user-claim", "GATEHOUSE_OIDC_USER_CLAIM").forEach((option, env) ->
                assertThat(spec.findOption(option).defaultValueString(false)).as(option).startsWith("${env:" + env));
    }

    @Test
    void options_makeTheSettings_andBadOnesNameTheirOption() {
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--oidc-issuer", "https://login.example.com/realms/acme",
                "--oidc-client-id", "gatehouse-console", "--oidc-user-claim", "user_id");
        assertThat(serve.oidc.settings()).isEqualTo(new OidcSettings("https://login.example.com/realms/acme",
                "gatehouse-console", "gatehouse-console", "user_id"));

        Main.Serve bad = new Main.Serve();
        new CommandLine(bad).parseArgs("--oidc-issuer", "https://login.example.com");
        assertThatThrownBy(bad.oidc::settings).hasMessageContaining("--oidc-client-id");
    }
}
