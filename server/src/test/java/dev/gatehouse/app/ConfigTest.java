package dev.gatehouse.app;

import dev.gatehouse.changelog.ChangeLogSettings;
import dev.gatehouse.http.HttpSettings;
import dev.gatehouse.http.close.RateLimit;
import dev.gatehouse.http.tls.TlsSettings;
import dev.gatehouse.limit.Limits;
import dev.gatehouse.preview.PreviewSettings;
import dev.gatehouse.store.DatabaseSettings;
import dev.gatehouse.webhook.WebhookSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link Config} itself checks, and how {@code serve}'s options become the features' settings. */
class ConfigTest {

    private static final Path DIR = Path.of("data");

    private static Config config(int port, String serviceKey, String logLevel) {
        return Config.defaults("127.0.0.1", port, DIR).withServiceKey(serviceKey).withLogLevel(logLevel);
    }

    @Test
    void validValues_areNormalised() {
        Config c = config(8080, " ", "debug");
        assertThat(c.logLevel()).isEqualTo("DEBUG");
        assertThat(c.serviceKey()).isNull();
        assertThat(c.dataDir().isAbsolute()).isTrue();
        assertThat(config(0, "0123456789abcdef", null).logLevel()).isEqualTo("INFO");
    }

    @Test
    void everyFeature_startsAtItsDefaults() {
        Config c = Config.defaults("127.0.0.1", 0, DIR);
        assertThat(c.http()).isEqualTo(HttpSettings.DEFAULTS);
        assertThat(c.tls()).isEqualTo(TlsSettings.OFF);
        assertThat(c.database()).isEqualTo(DatabaseSettings.EMBEDDED);
        assertThat(c.changeLog()).isEqualTo(ChangeLogSettings.DEFAULTS);
        assertThat(c.webhooks()).isEqualTo(WebhookSettings.DEFAULTS);
        assertThat(c.limits()).isEqualTo(Limits.DEFAULTS);
        assertThat(c.closeRateLimit()).isEqualTo(RateLimit.DEFAULT);
        assertThat(c.previews()).isEqualTo(PreviewSettings.DEFAULTS);
    }

    @Test
    void serveWithoutOptions_givesTheSameDefaults() {
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs();
        Config c = serve.config();
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.dataDir()).isEqualTo(DIR.toAbsolutePath().normalize());
        assertThat(c).isEqualTo(Config.defaults("0.0.0.0", 8080, DIR));
    }

    @Test
    void writeLanes_option_becomesTheDatabaseSetting_fromItsEnvironmentVariable() {
        Main.Serve serve = new Main.Serve();
        CommandLine command = new CommandLine(serve);
        assertThat(command.getCommandSpec().findOption("--write-lanes").defaultValueString(false))
                .startsWith("${env:GATEHOUSE_WRITE_LANES");
        command.parseArgs("--write-lanes", "0");
        assertThat(serve.config().database().writeLanes()).isZero();
        assertThat(serve.config().database().lanes()).isZero();
    }

    @Test
    void embeddedDatabasePort_option_becomesTheDatabaseSetting_fromItsEnvironmentVariable() {
        Main.Serve serve = new Main.Serve();
        CommandLine command = new CommandLine(serve);
        assertThat(command.getCommandSpec().findOption("--embedded-database-port").defaultValueString(false))
                .isEqualTo("${env:GATEHOUSE_EMBEDDED_DATABASE_PORT}");
        command.parseArgs();
        assertThat(serve.config().database().embeddedPort()).as("a free port by default").isNull();
        command.parseArgs("--embedded-database-port", "15432");
        assertThat(serve.config().database().embeddedPort()).isEqualTo(15432);
        assertThat(serve.config().database().embedded()).isTrue();
    }

    @Test
    void embeddedDatabasePort_outOfRange_orBesideADatabaseUrl_namesTheOption() {
        assertThat(serveFails("--embedded-database-port", "0"))
                .contains("--embedded-database-port must be 1..65535, got 0");
        assertThat(serveFails("--embedded-database-port", "65536"))
                .contains("--embedded-database-port must be 1..65535, got 65536");
        assertThat(serveFails("--embedded-database-port", "-5432"))
                .contains("--embedded-database-port must be 1..65535, got -5432");
        assertThat(serveFails("--embedded-database-port", "5432", "--database-url", "postgresql://u:secret@db/gh"))
                .contains("--embedded-database-port is the port of the embedded database, which --database-url "
                        + "replaces: give one or the other")
                .doesNotContain("secret");
    }

    @Test
    void badPort_namesTheOption() {
        assertThatThrownBy(() -> config(70000, null, "INFO")).hasMessageContaining("--port").hasMessageContaining("70000");
        assertThatThrownBy(() -> config(-1, null, "INFO")).hasMessageContaining("--port");
    }

    @Test
    void badLogLevel_namesTheOption() {
        assertThatThrownBy(() -> config(80, null, "LOUD")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--log-level").hasMessageContaining("LOUD");
    }

    @Test
    void shortServiceKey_namesTheOption_withoutTheKey() {
        assertThatThrownBy(() -> config(80, "tooshort", "INFO")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--service-key").hasMessageContaining("16").hasMessageNotContaining("tooshort");
    }

    /** A key no request could present is refused at start, not found out by every request's 401. */
    @Test
    void aServiceKeyNoRequestCouldPresent_isRefused_withoutTheKey() {
        for (String key : java.util.List.of("x".repeat(513), "caf\u00e9-0123456789abcdef", "tab\there-0123456789",
                "  padded-to-16 ")) {
            assertThatThrownBy(() -> config(80, key, "INFO")).as(key).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--service-key").hasMessageNotContaining(key.strip());
        }
        assertThat(config(80, " svc-key-0123456789\n", "INFO").serviceKey()).isEqualTo("svc-key-0123456789");
        for (String works : java.util.List.of("ghs_0123456789abcdef01234567_secret-part", "with space 0123456789",
                "with:colon-0123456789")) {
            assertThat(config(80, works, "INFO").serviceKey()).as("a Bearer header carries it").isEqualTo(works);
        }
    }

    /**
     * The previous service key, accepted beside the key while the nodes rotate from it, is checked as the key is, and
     * given only beside another key: without one, or equal to it, it would rotate nothing.
     */
    @Test
    void aPreviousServiceKey_isCheckedAsTheKeyIs_andGivenOnlyBesideAnotherKey() {
        Config keyed = config(80, "svc-key-0123456789", "INFO");
        assertThat(keyed.withPreviousServiceKey(" old-key-0123456789\n").previousServiceKey())
                .isEqualTo("old-key-0123456789");
        assertThat(keyed.withPreviousServiceKey(" ").previousServiceKey()).isNull();
        String memberForm = "ghm_0123456789abcdef01234567_" + "A".repeat(40) + "-_9";
        for (String refused : java.util.List.of("tooshort", "caf\u00e9-0123456789abcdef", memberForm,
                memberForm.replace("ghm_", "ghr_"))) {
            assertThatThrownBy(() -> keyed.withPreviousServiceKey(refused)).as(refused)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--previous-service-key ")
                    .hasMessageNotContaining(refused);
        }
        assertThatThrownBy(() -> keyed.withPreviousServiceKey("svc-key-0123456789 "))
                .hasMessage("--previous-service-key is the service key itself: give the key the nodes rotate from, "
                        + "or none");
        assertThatThrownBy(() -> config(80, null, "INFO").withPreviousServiceKey("old-key-0123456789"))
                .hasMessageStartingWith("--previous-service-key is accepted beside a configured key")
                .hasMessageContaining("--service-key or GATEHOUSE_SERVICE_KEY");
    }

    @Test
    void previousServiceKey_option_readsItsEnvironmentVariable() {
        Main.Serve serve = new Main.Serve();
        CommandLine command = new CommandLine(serve);
        assertThat(command.getCommandSpec().findOption("--previous-service-key").defaultValueString(false))
                .isEqualTo("${env:GATEHOUSE_PREVIOUS_SERVICE_KEY}");
        command.parseArgs("--service-key", "new-key-0123456789", "--previous-service-key", "old-key-0123456789");
        assertThat(serve.config().serviceKey()).isEqualTo("new-key-0123456789");
        assertThat(serve.config().previousServiceKey()).isEqualTo("old-key-0123456789");
    }

    /** An action of one start, not a setting: off unless given, and from no environment variable, which would stay set. */
    @Test
    void newDeploymentId_option_isOffUnlessGiven_andReadsNoEnvironmentVariable() {
        Main.Serve serve = new Main.Serve();
        CommandLine command = new CommandLine(serve);
        assertThat(command.getCommandSpec().findOption("--new-deployment-id").defaultValue()).isNull();
        command.parseArgs();
        assertThat(serve.config().newDeploymentId()).isFalse();
        command.parseArgs("--new-deployment-id");
        assertThat(serve.config().newDeploymentId()).isTrue();
        assertThat(Config.defaults("127.0.0.1", 0, DIR).newDeploymentId()).isFalse();
        assertThat(Config.defaults("127.0.0.1", 0, DIR).withNewDeploymentId(true).withLogLevel("WARN")
                .newDeploymentId()).as("kept by the other with… methods").isTrue();
    }

    /** Previews computed at once: half the processors (at least one) unless the option, or its variable, says. */
    @Test
    void maxConcurrentPreviews_option_becomesThePreviewSetting_fromItsEnvironmentVariable() {
        Main.Serve serve = new Main.Serve();
        CommandLine command = new CommandLine(serve);
        assertThat(command.getCommandSpec().findOption("--max-concurrent-previews").defaultValueString(false))
                .isEqualTo("${env:GATEHOUSE_MAX_CONCURRENT_PREVIEWS}");
        command.parseArgs();
        assertThat(serve.config().previews().whatIfsAtOnce()).as("chosen by the processors").isNull();
        assertThat(serve.config().previews().atOnce())
                .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        command.parseArgs("--max-concurrent-previews", "3");
        assertThat(serve.config().previews()).isEqualTo(PreviewSettings.DEFAULTS.withWhatIfsAtOnce(3));
        assertThat(serve.config().previews().atOnce()).isEqualTo(3);
        assertThat(serveFails("--max-concurrent-previews", "0"))
                .contains("--max-concurrent-previews must be 1..10000, got 0");
        assertThat(serveFails("--max-concurrent-previews", "10001"))
                .contains("--max-concurrent-previews must be 1..10000, got 10001");
    }

    @Test
    void missingDataDir_namesTheOption() {
        assertThatThrownBy(() -> Config.defaults("h", 80, null)).hasMessageContaining("--data-dir");
    }

    /** An empty path is the working directory: never taken for the data directory. */
    /** A host in the shape of an IPv4 address is one: a number over 255 is not looked up as a name that fails. */
    @Test
    void hostShapedAsAnIpv4AddressWithANumberOver255_isRefusedAsNotAValidAddress() {
        assertThatThrownBy(() -> Config.defaults("999.1.1.1", 80, DIR))
                .hasMessage("--host 999.1.1.1 is not a valid address: an IPv4 address is four numbers of 0 to 255");
        assertThatThrownBy(() -> Config.defaults("10.0.0.256", 80, DIR)).hasMessageContaining("not a valid address");
        assertThat(Config.defaults("255.255.255.255", 80, DIR).host()).isEqualTo("255.255.255.255");
        assertThat(Config.defaults("gatehouse-999.internal", 80, DIR).host()).isEqualTo("gatehouse-999.internal");
    }

    @Test
    void emptyDataDir_isRefused() {
        assertThatThrownBy(() -> Config.defaults("h", 80, Path.of(""))).hasMessage("--data-dir must name a directory");
    }

    /** The host of the URLs {@code serve} prints: one a client can use, an IPv6 address in brackets. */
    @Test
    void urlHost_bracketsAnIpv6Address_andShowsEveryAddressAsLocalhost() {
        assertThat(Main.Serve.urlHost("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(Main.Serve.urlHost("gatehouse.internal")).isEqualTo("gatehouse.internal");
        assertThat(Main.Serve.urlHost("::1")).isEqualTo("[::1]");
        assertThat(Main.Serve.urlHost("[::1]")).isEqualTo("[::1]");
        assertThat(Main.Serve.urlHost("fe80::1%eth0")).isEqualTo("[fe80::1%25eth0]");
        assertThat(Main.Serve.urlHost("0.0.0.0")).isEqualTo("localhost");
        assertThat(Main.Serve.urlHost("::")).isEqualTo("localhost");
        assertThat(Main.Serve.urlHost("0:0:0:0:0:0:0:0")).isEqualTo("localhost");
    }

    /** The start lines say where the node listens: on every address, said so, beside the URL that reaches it here. */
    @Test
    void listening_onEveryAddress_saysSo_besideTheUrlReachingIt() {
        assertThat(Main.Serve.listening("0.0.0.0", "http", 8080, ""))
                .isEqualTo("all addresses, port 8080 (http://localhost:8080)");
        assertThat(Main.Serve.listening("::", "https", 8443, "")).isEqualTo("all addresses, port 8443 (https://localhost:8443)");
        assertThat(Main.Serve.listening("[::]", "http", 9090, "/metrics"))
                .isEqualTo("all addresses, port 9090 (http://localhost:9090/metrics)");
        assertThat(Main.Serve.listening("127.0.0.1", "http", 8080, "")).isEqualTo("http://127.0.0.1:8080");
        assertThat(Main.Serve.listening("::1", "http", 9090, "/metrics")).isEqualTo("http://[::1]:9090/metrics");
    }

    @Test
    void theManagementPort_mustDifferFromTheOtherPorts() {
        Config config = Config.defaults("h", 8080, DIR).withTls(TlsSettings.on(8443));
        assertThatThrownBy(() -> config.withHttp(HttpSettings.DEFAULTS.withManagementPort(8080)))
                .hasMessageContaining("--management-port must differ");
        assertThatThrownBy(() -> config.withHttp(HttpSettings.DEFAULTS.withManagementPort(8443)))
                .hasMessageContaining("--management-port must differ");
        assertThat(config.withHttp(HttpSettings.DEFAULTS.withManagementPort(9090)).http().managementPort())
                .isEqualTo(9090);
    }

    /**
     * The embedded PostgreSQL on a port of the node's own listeners: refused before either starts, where the node
     * started PostgreSQL on it and then failed to listen, as if another process held the port.
     */
    @Test
    void theEmbeddedDatabasePort_mustDifferFromTheNodesPorts() {
        Config config = Config.defaults("h", 8080, DIR).withTls(TlsSettings.on(8443))
                .withHttp(HttpSettings.DEFAULTS.withManagementPort(9090));
        for (int taken : List.of(8080, 8443, 9090)) {
            assertThatThrownBy(() -> config.withDatabase(DatabaseSettings.EMBEDDED.withEmbeddedPort(taken)))
                    .as("%s", taken).hasMessageContaining("--embedded-database-port must differ");
        }
        assertThat(config.withDatabase(DatabaseSettings.EMBEDDED.withEmbeddedPort(15432)).database().embeddedPort())
                .isEqualTo(15432);
    }

    /** Both listeners on one port: refused before the node starts, not when the second finds it taken. */
    @Test
    void theTlsPort_mustDifferFromThePort() {
        assertThatThrownBy(() -> Config.defaults("h", 8443, DIR).withTls(TlsSettings.on(8443)))
                .hasMessage("--tls-port must differ from --port, got 8443 for both");
        assertThat(Config.defaults("h", 8080, DIR).withTls(TlsSettings.on(8443)).tls().port()).isEqualTo(8443);
    }

    @Test
    void badOptions_stopTheCommand_namingTheOptionAndTheBadValue() {
        assertThat(serveFails("--webhook-allowed-networks", "127.0.0.0/8,10.0.0.1/8"))
                .contains("--webhook-allowed-networks", "10.0.0.1/8");
        assertThat(serveFails("--pool-size", "0")).contains("--pool-size");
        assertThat(serveFails("--write-lanes", "9")).contains("--write-lanes", "9");
        assertThat(serveFails("--poll-millis", "1")).contains("--poll-millis");
        assertThat(serveFails("--webhook-retention-hold", "400d")).contains("--webhook-retention-hold");
        assertThat(serveFails("--close-rate-limit", "ten")).contains("--close-rate-limit");
        assertThat(serveFails("--database-url", "mysql://root:secret@db/x")).contains("--database-url")
                .doesNotContain("secret");
    }

    /** What {@code serve} prints to standard error when it refuses these options (and exits 2). */
    private static String serveFails(String... options) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] args = new String[options.length + 3];
            args[0] = "serve";
            args[1] = "--data-dir";
            args[2] = DIR.toString();
            System.arraycopy(options, 0, args, 3, options.length);
            code = new CommandLine(new Main()).execute(args);
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }
}
