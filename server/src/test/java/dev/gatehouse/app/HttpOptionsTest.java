package dev.gatehouse.app;

import dev.gatehouse.http.HttpSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP edge's options: defaults, environment variable names, and checks that name the option. */
class HttpOptionsTest {

    @Test
    void defaults_arePinned() {
        assertThat(HttpSettings.DEFAULTS).isEqualTo(new HttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 256, null));
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs();
        assertThat(Config.duration("h", serve.http.requestHeaderTimeout)).isEqualTo(HttpSettings.DEFAULT_HEADER_TIMEOUT);
        assertThat(Config.duration("b", serve.http.requestBodyTimeout)).isEqualTo(HttpSettings.DEFAULT_BODY_TIMEOUT);
        assertThat(Config.duration("i", serve.http.idleTimeout)).isEqualTo(HttpSettings.DEFAULT_IDLE_TIMEOUT);
        assertThat(serve.http.maxConnectionsPerAddress).isEqualTo(HttpSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
        assertThat(serve.http.managementPort).isNull();
    }

    @Test
    void everyOption_hasItsEnvironmentVariable() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new Main.Serve()).getCommandSpec();
        Map.of("--request-header-timeout", "GATEHOUSE_REQUEST_HEADER_TIMEOUT",
                "--request-body-timeout", "GATEHOUSE_REQUEST_BODY_TIMEOUT",
                "--idle-timeout", "GATEHOUSE_IDLE_TIMEOUT",
                "--max-connections-per-address", "GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS",
                "--management-port", "GATEHOUSE_MANAGEMENT_PORT").forEach((option, env) ->
                assertThat(spec.findOption(option).defaultValueString(false)).as(option).startsWith("${env:" + env));
    }

    @Test
    void badValues_nameTheirOption() {
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withTimeouts(Duration.ofMillis(10), null, null))
                .hasMessageContaining("--request-header-timeout");
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withTimeouts(null, Duration.ofHours(2), null))
                .hasMessageContaining("--request-body-timeout");
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withTimeouts(null, null, Duration.ZERO))
                .hasMessageContaining("--idle-timeout");
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withMaxConnectionsPerAddress(-1))
                .hasMessageContaining("--max-connections-per-address");
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withManagementPort(70_000))
                .hasMessageContaining("--management-port");
    }
}
