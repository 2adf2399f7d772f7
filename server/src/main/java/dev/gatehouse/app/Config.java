package dev.gatehouse.app;

import dev.gatehouse.http.HttpSettings;
import dev.gatehouse.limit.Limits;
import dev.gatehouse.webhook.IpNetwork;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated, immutable configuration of one node. Built from command-line options whose defaults come
 * from environment variables ({@link Main}); every check happens here, at startup, with a message naming
 * the option and the bad value.
 *
 * @param databaseUrl JDBC ({@code jdbc:postgresql://…}) or libpq-style ({@code postgresql://user:pw@host/db})
 *                    URL of an external PostgreSQL; null for the embedded one under {@code dataDir}
 * @param tlsPort     also listen with HTTPS on this port; null for none (0 for a random port)
 * @param tlsKeystore the PKCS12 (or JKS) keystore HTTPS serves; null for a self-signed certificate generated
 *                    into {@code dataDir/tls} on first start
 * @param eventRetentionDays  change-log records older than this many days are deleted; 0 keeps them all
 * @param webhookRetryWindow  how long a failing webhook event is retried before the subscription is paused
 * @param webhookTimeout      how long one webhook request may take
 * @param webhookAllowedNetworks networks webhooks may reach besides public addresses
 * @param webhookRetentionHold   how long past the retention period an active webhook subscription that is
 *                               behind keeps change-log records from being deleted
 * @param limits              the per-organization limits ({@link Limits}; null for the defaults)
 * @param http                the HTTP edge: request deadlines, connections per address, management port
 */
public record Config(String host, int port, Integer tlsPort, Path dataDir, String databaseUrl, String databaseUser,
                     String databasePassword, String serviceKey, String logLevel, int poolSize, boolean durable,
                     long pollMillis, RateLimit closeRateLimit, Path tlsKeystore, String tlsKeystorePassword,
                     int eventRetentionDays, Duration webhookRetryWindow, Duration webhookTimeout,
                     List<IpNetwork> webhookAllowedNetworks, Duration webhookRetentionHold, Limits limits,
                     HttpSettings http) {

    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    public static final Duration DEFAULT_WEBHOOK_RETRY_WINDOW = Duration.ofHours(24);
    public static final Duration DEFAULT_WEBHOOK_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WEBHOOK_RETENTION_HOLD = Duration.ofDays(7);

    /** The Close dialect's default: 100 requests per second per API key and endpoint group. */
    public static final RateLimit DEFAULT_CLOSE_RATE_LIMIT = new RateLimit(100, 1);

    /**
     * A request budget: at most {@code requests} per window of {@code seconds}.
     * Written {@code <requests>} (per second) or {@code <requests>/<seconds>}, e.g. {@code 600/60}.
     */
    public record RateLimit(int requests, int seconds) {
        public RateLimit {
            if (requests < 1 || requests > 1_000_000) {
                throw new IllegalArgumentException("requests must be 1..1000000, got " + requests);
            }
            if (seconds < 1 || seconds > 3600) {
                throw new IllegalArgumentException("seconds must be 1..3600, got " + seconds);
            }
        }

        /** Parses {@code 100} or {@code 100/10}; the message names {@code option} and the bad value. */
        public static RateLimit parse(String option, String text) {
            String value = text == null ? "" : text.strip();
            String[] parts = value.split("/", -1);
            try {
                if (parts.length == 1 || parts.length == 2) {
                    int requests = Integer.parseInt(parts[0].strip());
                    int seconds = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : 1;
                    return new RateLimit(requests, seconds);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + " must be <requests> or <requests>/<seconds> with "
                        + "requests 1..1000000 and seconds 1..3600, got \"" + value + "\"", e);
            }
            throw new IllegalArgumentException(option + " must be <requests> or <requests>/<seconds>, got \""
                    + value + "\"");
        }

        @Override
        public String toString() {
            return requests + "/" + seconds;
        }
    }

    /**
     * A configuration with the defaults of the later settings: the Close dialect's rate limit, no configured
     * TLS keystore, and the change-log settings (keep events forever, webhooks retried 24 h, 10 s per request).
     */
    public Config(String host, int port, Integer tlsPort, Path dataDir, String databaseUrl, String databaseUser,
                  String databasePassword, String serviceKey, String logLevel, int poolSize, boolean durable,
                  long pollMillis) {
        this(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword, serviceKey, logLevel, poolSize,
                durable, pollMillis, DEFAULT_CLOSE_RATE_LIMIT);
    }

    /** A configuration with defaults for everything after the Close rate limit. */
    public Config(String host, int port, Integer tlsPort, Path dataDir, String databaseUrl, String databaseUser,
                  String databasePassword, String serviceKey, String logLevel, int poolSize, boolean durable,
                  long pollMillis, RateLimit closeRateLimit) {
        this(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword, serviceKey, logLevel, poolSize,
                durable, pollMillis, closeRateLimit, null, null, 0, DEFAULT_WEBHOOK_RETRY_WINDOW,
                DEFAULT_WEBHOOK_TIMEOUT, List.of(), DEFAULT_WEBHOOK_RETENTION_HOLD, Limits.DEFAULTS,
                HttpSettings.DEFAULTS);
    }

    /** A copy with another Close rate limit. */
    public Config withCloseRateLimit(RateLimit limit) {
        return new Config(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword, serviceKey,
                logLevel, poolSize, durable, pollMillis, limit, tlsKeystore, tlsKeystorePassword, eventRetentionDays,
                webhookRetryWindow, webhookTimeout, webhookAllowedNetworks, webhookRetentionHold, limits, http);
    }

    /** A copy whose HTTPS listener serves this keystore instead of a generated certificate. */
    public Config withTlsKeystore(Path keystore, String password) {
        return new Config(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword, serviceKey,
                logLevel, poolSize, durable, pollMillis, closeRateLimit, keystore, password, eventRetentionDays,
                webhookRetryWindow, webhookTimeout, webhookAllowedNetworks, webhookRetentionHold, limits, http);
    }

    public Config {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (tlsPort != null && (tlsPort < 0 || tlsPort > 65535)) {
            throw new IllegalArgumentException("--tls-port must be 0..65535, got " + tlsPort);
        }
        if (tlsKeystore != null && tlsKeystore.toString().isBlank()) {
            tlsKeystore = null;
        }
        if (tlsKeystore != null && tlsPort == null) {
            throw new IllegalArgumentException("--tls-keystore needs --tls-port (HTTPS is off without it)");
        }
        if (tlsKeystore != null && !java.nio.file.Files.isRegularFile(tlsKeystore)) {
            throw new IllegalArgumentException("--tls-keystore must be a keystore file, got " + tlsKeystore);
        }
        if (tlsKeystorePassword != null && tlsKeystore == null && !tlsKeystorePassword.isEmpty()) {
            throw new IllegalArgumentException("--tls-keystore-password needs --tls-keystore");
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("--data-dir is required");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        if (databaseUrl != null && databaseUrl.isBlank()) {
            databaseUrl = null;
        }
        if (databaseUrl != null) {
            String jdbc;
            try {
                jdbc = jdbcUrl(databaseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--database-url is not a valid URL: " + redact(databaseUrl));
            }
            if (!jdbc.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("--database-url must be a PostgreSQL URL (jdbc:postgresql://… or "
                        + "postgresql://…), got " + redact(databaseUrl));
            }
        }
        if (serviceKey != null && serviceKey.isBlank()) {
            serviceKey = null;
        }
        if (serviceKey != null && serviceKey.length() < 16) {
            throw new IllegalArgumentException("--service-key must be at least 16 characters, got "
                    + serviceKey.length());
        }
        logLevel = logLevel == null ? "INFO" : logLevel.toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(logLevel)) {
            throw new IllegalArgumentException("--log-level must be one of " + LEVELS + ", got " + logLevel);
        }
        if (poolSize < 1 || poolSize > 200) {
            throw new IllegalArgumentException("--pool-size must be 1..200, got " + poolSize);
        }
        if (pollMillis < 10 || pollMillis > 60_000) {
            throw new IllegalArgumentException("--poll-millis must be 10..60000, got " + pollMillis);
        }
        if (closeRateLimit == null) {
            closeRateLimit = DEFAULT_CLOSE_RATE_LIMIT;
        }
        if (webhookRetryWindow == null) {
            webhookRetryWindow = DEFAULT_WEBHOOK_RETRY_WINDOW;
        }
        if (webhookTimeout == null) {
            webhookTimeout = DEFAULT_WEBHOOK_TIMEOUT;
        }
        if (limits == null) {
            limits = Limits.DEFAULTS;
        }
        if (http == null) {
            http = HttpSettings.DEFAULTS;
        }
        Integer management = http.managementPort();
        if (management != null && management != 0 && (management == port || management.equals(tlsPort))) {
            throw new IllegalArgumentException("--management-port must differ from --port and --tls-port, got "
                    + management);
        }
        if (eventRetentionDays < 0 || eventRetentionDays > 36_500) {
            throw new IllegalArgumentException("--event-retention-days must be 0 (keep all) to 36500, got "
                    + eventRetentionDays);
        }
        if (webhookRetryWindow.compareTo(Duration.ofSeconds(1)) < 0
                || webhookRetryWindow.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("--webhook-retry-window must be 1s..30d, got " + webhookRetryWindow);
        }
        if (webhookTimeout.compareTo(Duration.ofMillis(100)) < 0
                || webhookTimeout.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("--webhook-timeout must be 100ms..2m, got " + webhookTimeout);
        }
        webhookAllowedNetworks = webhookAllowedNetworks == null ? List.of() : List.copyOf(webhookAllowedNetworks);
        if (webhookRetentionHold == null) {
            webhookRetentionHold = DEFAULT_WEBHOOK_RETENTION_HOLD;
        }
        if (webhookRetentionHold.isNegative() || webhookRetentionHold.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("--webhook-retention-hold must be 0s..365d, got " + webhookRetentionHold);
        }
    }

    /** This configuration with other change-log settings (retention, webhook retry window and timeout). */
    public Config withEventSettings(int retentionDays, Duration retryWindow, Duration timeout) {
        return new Config(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword, serviceKey,
                logLevel, poolSize, durable, pollMillis, closeRateLimit, tlsKeystore, tlsKeystorePassword, retentionDays,
                retryWindow, timeout, webhookAllowedNetworks, webhookRetentionHold, limits, http);
    }

    /** This configuration with other per-organization limits. */
    public Config withLimits(Limits other) {
        return new Config(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword, serviceKey,
                logLevel, poolSize, durable, pollMillis, closeRateLimit, tlsKeystore, tlsKeystorePassword,
                eventRetentionDays, webhookRetryWindow, webhookTimeout, webhookAllowedNetworks, webhookRetentionHold,
                other, http);
    }

    /** This configuration with other webhook networks and retention hold ({@code --webhook-allowed-networks} …). */
    public Config withWebhookLimits(List<IpNetwork> allowedNetworks, Duration retentionHold) {
        return new Config(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword, serviceKey,
                logLevel, poolSize, durable, pollMillis, closeRateLimit, tlsKeystore, tlsKeystorePassword,
                eventRetentionDays, webhookRetryWindow, webhookTimeout, allowedNetworks, retentionHold, limits, http);
    }

    /** A copy with other HTTP edge settings. */
    public Config withHttp(HttpSettings settings) {
        return new Config(host, port, tlsPort, dataDir, databaseUrl, databaseUser, databasePassword, serviceKey,
                logLevel, poolSize, durable, pollMillis, closeRateLimit, tlsKeystore, tlsKeystorePassword,
                eventRetentionDays, webhookRetryWindow, webhookTimeout, webhookAllowedNetworks, webhookRetentionHold,
                limits, settings);
    }

    /** A duration written as a number and a unit: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 24h}, {@code 3d}. */
    public static Duration duration(String option, String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " must be a number with a unit (ms, s, m, h or d), e.g. 24h, "
                    + "got \"" + text + "\"");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                return Duration.ofDays(n);
        }
    }

    /** A JDBC URL for either accepted form; credentials in a libpq URL stay in the URL as parameters. */
    public static String jdbcUrl(String url) {
        if (url.startsWith("jdbc:")) {
            return url;
        }
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            URI uri = URI.create(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host in " + redact(url));
            }
            StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
            if (uri.getPort() > 0) {
                jdbc.append(':').append(uri.getPort());
            }
            jdbc.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath());
            StringBuilder query = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                query.append(query.length() > 0 ? "&" : "").append("user=").append(parts[0]);
                if (parts.length > 1) {
                    query.append("&password=").append(parts[1]);
                }
            }
            if (query.length() > 0) {
                jdbc.append('?').append(query);
            }
            return jdbc.toString();
        }
        return url;
    }

    static String redact(String url) {
        return url.replaceAll("://[^@/]*@", "://***@").replaceAll("password=[^&]*", "password=***");
    }
}
