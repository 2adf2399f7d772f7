package dev.gatehouse.app;

import ch.qos.logback.classic.Level;
import dev.gatehouse.cli.ExportCommand;
import dev.gatehouse.cli.ImportCommand;
import dev.gatehouse.http.HttpSettings;
import dev.gatehouse.webhook.IpNetwork;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code gatehouse} command line. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "gatehouse 0.1.0",
        description = "Self-hosted, multi-tenant roles and permissions service.",
        subcommands = {Main.Serve.class, ImportCommand.class, ExportCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** {@code gatehouse serve}: starts a node and runs until SIGTERM or SIGINT. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the server.")
    static final class Serve implements Callable<Integer> {

        @Option(names = "--port", defaultValue = "${env:GATEHOUSE_PORT:-8080}", description = "HTTP port (GATEHOUSE_PORT, default 8080)")
        int port;

        @Option(names = "--host", defaultValue = "${env:GATEHOUSE_HOST:-0.0.0.0}", description = "address to listen on (GATEHOUSE_HOST)")
        String host;

        @Option(names = "--tls-port", defaultValue = "${env:GATEHOUSE_TLS_PORT}", description = "also listen with HTTPS on this port (GATEHOUSE_TLS_PORT)")
        Integer tlsPort;

        @Option(names = "--tls-keystore", defaultValue = "${env:GATEHOUSE_TLS_KEYSTORE}", description = "PKCS12 keystore for HTTPS; a self-signed certificate is generated into the data directory when unset (GATEHOUSE_TLS_KEYSTORE)")
        Path tlsKeystore;

        @Option(names = "--tls-keystore-password", defaultValue = "${env:GATEHOUSE_TLS_KEYSTORE_PASSWORD}", description = "password of --tls-keystore (GATEHOUSE_TLS_KEYSTORE_PASSWORD)")
        String tlsKeystorePassword;

        @Option(names = "--data-dir", defaultValue = "${env:GATEHOUSE_DATA_DIR:-data}", description = "embedded database and generated files (GATEHOUSE_DATA_DIR, default ./data)")
        Path dataDir;

        @Option(names = "--database-url", defaultValue = "${env:GATEHOUSE_DATABASE_URL}", description = "external PostgreSQL; embedded when unset (GATEHOUSE_DATABASE_URL)")
        String databaseUrl;

        @Option(names = "--database-user", defaultValue = "${env:GATEHOUSE_DATABASE_USER}", description = "user for --database-url (GATEHOUSE_DATABASE_USER)")
        String databaseUser;

        @Option(names = "--database-password", defaultValue = "${env:GATEHOUSE_DATABASE_PASSWORD}", description = "password for --database-url (GATEHOUSE_DATABASE_PASSWORD)")
        String databasePassword;

        @Option(names = "--service-key", defaultValue = "${env:GATEHOUSE_SERVICE_KEY}", description = "use this service key instead of generating one (GATEHOUSE_SERVICE_KEY)")
        String serviceKey;

        @Option(names = "--log-level", defaultValue = "${env:GATEHOUSE_LOG_LEVEL:-INFO}", description = "TRACE, DEBUG, INFO, WARN or ERROR (GATEHOUSE_LOG_LEVEL)")
        String logLevel;

        @Option(names = "--pool-size", defaultValue = "${env:GATEHOUSE_POOL_SIZE:-8}", description = "database connections (GATEHOUSE_POOL_SIZE, default 8)")
        int poolSize;

        @Option(names = "--poll-millis", defaultValue = "${env:GATEHOUSE_POLL_MILLIS:-1000}", description = "change-log polling interval behind LISTEN/NOTIFY (GATEHOUSE_POLL_MILLIS)")
        long pollMillis;

        @Option(names = "--close-rate-limit", defaultValue = "${env:GATEHOUSE_CLOSE_RATE_LIMIT:-100/1}", description = "Close API requests per API key and endpoint group: <requests> per second or <requests>/<seconds> (GATEHOUSE_CLOSE_RATE_LIMIT, default 100/1)")
        String closeRateLimit;

        @Option(names = "--event-retention-days", defaultValue = "${env:GATEHOUSE_EVENT_RETENTION_DAYS:-0}", description = "delete change-log events older than this many days; 0 keeps them all (GATEHOUSE_EVENT_RETENTION_DAYS, default 0)")
        int eventRetentionDays;

        @Option(names = "--webhook-retry-window", defaultValue = "${env:GATEHOUSE_WEBHOOK_RETRY_WINDOW:-24h}", description = "retry a failing webhook event this long, then pause the subscription, e.g. 24h, 90m (GATEHOUSE_WEBHOOK_RETRY_WINDOW, default 24h)")
        String webhookRetryWindow;

        @Option(names = "--webhook-timeout", defaultValue = "${env:GATEHOUSE_WEBHOOK_TIMEOUT:-10s}", description = "time limit of one webhook request, e.g. 10s (GATEHOUSE_WEBHOOK_TIMEOUT, default 10s)")
        String webhookTimeout;

        @Option(names = "--webhook-allowed-networks", defaultValue = "${env:GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS}", description = "networks webhooks may reach besides public addresses, comma-separated CIDRs, e.g. 127.0.0.0/8,10.0.0.0/8 (GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS, default none)")
        String webhookAllowedNetworks;

        @Option(names = "--webhook-retention-hold", defaultValue = "${env:GATEHOUSE_WEBHOOK_RETENTION_HOLD:-7d}", description = "how long past --event-retention-days an active webhook that is behind keeps events from deletion, e.g. 7d (GATEHOUSE_WEBHOOK_RETENTION_HOLD, default 7d)")
        String webhookRetentionHold;

        @CommandLine.Mixin
        LimitOptions limits;

        @Option(names = "--request-header-timeout", defaultValue = "${env:GATEHOUSE_REQUEST_HEADER_TIMEOUT:-10s}", description = "a connection must send a complete request head within this time, e.g. 10s (GATEHOUSE_REQUEST_HEADER_TIMEOUT, default 10s)")
        String requestHeaderTimeout;

        @Option(names = "--request-body-timeout", defaultValue = "${env:GATEHOUSE_REQUEST_BODY_TIMEOUT:-30s}", description = "a request body must arrive in full within this time, else 408 (GATEHOUSE_REQUEST_BODY_TIMEOUT, default 30s)")
        String requestBodyTimeout;

        @Option(names = "--idle-timeout", defaultValue = "${env:GATEHOUSE_IDLE_TIMEOUT:-30s}", description = "close connections idle this long (GATEHOUSE_IDLE_TIMEOUT, default 30s)")
        String idleTimeout;

        @Option(names = "--max-connections-per-address", defaultValue = "${env:GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS:-256}", description = "open connections per client IP address; 0 for no limit (GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS, default 256)")
        int maxConnectionsPerAddress;

        @Option(names = "--management-port", defaultValue = "${env:GATEHOUSE_MANAGEMENT_PORT}", description = "serve /metrics on this port without a key, and not on --port (GATEHOUSE_MANAGEMENT_PORT; unset: /metrics needs the service key)")
        Integer managementPort;

        @Override
        public Integer call() throws Exception {
            Config config;
            try {
                config = new Config(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword,
                        serviceKey, logLevel, poolSize, true, pollMillis,
                        Config.RateLimit.parse("--close-rate-limit", closeRateLimit), tlsKeystore, tlsKeystorePassword,
                        eventRetentionDays, Config.duration("--webhook-retry-window", webhookRetryWindow),
                        Config.duration("--webhook-timeout", webhookTimeout),
                        IpNetwork.parseList("--webhook-allowed-networks", webhookAllowedNetworks),
                        Config.duration("--webhook-retention-hold", webhookRetentionHold), limits.limits(),
                        new HttpSettings(Config.duration("--request-header-timeout", requestHeaderTimeout),
                                Config.duration("--request-body-timeout", requestBodyTimeout),
                                Config.duration("--idle-timeout", idleTimeout), maxConnectionsPerAddress,
                                managementPort));
            } catch (IllegalArgumentException e) {
                System.err.println("gatehouse: " + e.getMessage());
                return 2;
            }
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(Level.toLevel(config.logLevel()));
            Gatehouse node = Gatehouse.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("gatehouse: shutting down");
                node.close();
                stopped.countDown();
                System.out.println("gatehouse: stopped");
                System.out.flush();
                // Stopping on SIGTERM/SIGINT is the normal end of a server: exit 0, not the JVM's 128 + signal.
                Runtime.getRuntime().halt(0);
            }, "gatehouse-shutdown"));
            String hostShown = config.host().equals("0.0.0.0") ? "localhost" : config.host();
            System.out.println("Gatehouse listening on http://" + hostShown + ":" + node.port());
            if (node.tlsPort() > 0) {
                System.out.println("Gatehouse listening on https://" + hostShown + ":" + node.tlsPort());
            }
            if (node.managementPort() > 0) {
                System.out.println("Gatehouse metrics on http://" + hostShown + ":" + node.managementPort() + "/metrics");
            }
            if (node.generatedServiceKey() != null) {
                System.out.println("Service key (shown once, stored hashed): " + node.generatedServiceKey());
            }
            System.out.flush();
            stopped.await();
            return 0;
        }
    }
}
