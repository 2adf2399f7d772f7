package dev.gatehouse.app;

import dev.gatehouse.webhook.IpNetwork;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    private static final Path DIR = Path.of("data");

    private static Config config(int port, String databaseUrl, String serviceKey, String logLevel) {
        return new Config("127.0.0.1", port, null, DIR, databaseUrl, null, null, serviceKey, logLevel, 8, true, 1000);
    }

    @Test
    void validValues_areNormalised() {
        Config c = config(8080, "  ", " ", "debug");
        assertThat(c.logLevel()).isEqualTo("DEBUG");
        assertThat(c.databaseUrl()).isNull();
        assertThat(c.serviceKey()).isNull();
        assertThat(c.dataDir().isAbsolute()).isTrue();
        assertThat(config(0, "postgresql://u:p@db:5433/gh", "0123456789abcdef", null).logLevel()).isEqualTo("INFO");
    }

    @Test
    void badPort_namesTheOption() {
        assertThatThrownBy(() -> config(70000, null, null, "INFO")).hasMessageContaining("--port").hasMessageContaining("70000");
        assertThatThrownBy(() -> config(-1, null, null, "INFO")).hasMessageContaining("--port");
        assertThatThrownBy(() -> new Config("h", 80, 65536, DIR, null, null, null, null, "INFO", 8, true, 1000))
                .hasMessageContaining("--tls-port");
    }

    @Test
    void badLogLevel_namesTheOption() {
        assertThatThrownBy(() -> config(80, null, null, "LOUD")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--log-level").hasMessageContaining("LOUD");
    }

    @Test
    void badDatabaseUrl_namesTheOption_withoutThePassword() {
        assertThatThrownBy(() -> config(80, "mysql://root:secret@db/x", null, "INFO"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--database-url")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> config(80, "jdbc:mysql://db/x?password=secret", null, "INFO"))
                .hasMessageContaining("--database-url").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> config(80, "postgresql://u:secret@bad host/x", null, "INFO"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--database-url")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> config(80, "postgresql:///gh", null, "INFO"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--database-url");
    }

    @Test
    void shortServiceKey_namesTheOption_withoutTheKey() {
        assertThatThrownBy(() -> config(80, null, "tooshort", "INFO")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--service-key").hasMessageContaining("16").hasMessageNotContaining("tooshort");
    }

    @Test
    void otherLimits_nameTheirOptions() {
        assertThatThrownBy(() -> new Config("h", 80, null, null, null, null, null, null, "INFO", 8, true, 1000))
                .hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> new Config("h", 80, null, DIR, null, null, null, null, "INFO", 0, true, 1000))
                .hasMessageContaining("--pool-size");
        assertThatThrownBy(() -> new Config("h", 80, null, DIR, null, null, null, null, "INFO", 8, true, 1))
                .hasMessageContaining("--poll-millis");
    }

    @Test
    void webhookLimits_defaultToNoExtraNetworksAndAWeeksHold_andNameTheirOptions() {
        Config c = config(80, null, null, "INFO");
        assertThat(c.webhookAllowedNetworks()).isEmpty();
        assertThat(c.webhookRetentionHold()).isEqualTo(Duration.ofDays(7));
        assertThat(c.withWebhookLimits(IpNetwork.parseList("--webhook-allowed-networks", "127.0.0.0/8"), Duration.ZERO)
                .webhookAllowedNetworks()).extracting(IpNetwork::toString).containsExactly("127.0.0.0/8");
        assertThatThrownBy(() -> c.withWebhookLimits(List.of(), Duration.ofDays(366)))
                .hasMessageContaining("--webhook-retention-hold").hasMessageContaining("PT8784H");
        assertThatThrownBy(() -> c.withWebhookLimits(List.of(), Duration.ofSeconds(-1)))
                .hasMessageContaining("--webhook-retention-hold");
    }

    @Test
    void badWebhookAllowedNetworks_stopTheCommand_namingTheOptionAndTheBadValue() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("serve", "--data-dir", DIR.toString(),
                    "--webhook-allowed-networks", "127.0.0.0/8,10.0.0.1/8");
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--webhook-allowed-networks", "10.0.0.1/8");
    }

    @Test
    void libpqUrls_becomeJdbcUrls() {
        assertThat(Config.jdbcUrl("postgresql://u:p@db:5433/gh?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db:5433/gh?sslmode=require&user=u&password=p");
        assertThat(Config.jdbcUrl("postgres://db")).isEqualTo("jdbc:postgresql://db/postgres");
        assertThat(Config.jdbcUrl("jdbc:postgresql://db/x")).isEqualTo("jdbc:postgresql://db/x");
    }
}
