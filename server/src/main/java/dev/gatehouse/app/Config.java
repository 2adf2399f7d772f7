package dev.gatehouse.app;

import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.changelog.ChangeLogSettings;
import dev.gatehouse.http.HttpSettings;
import dev.gatehouse.http.close.RateLimit;
import dev.gatehouse.http.tls.TlsSettings;
import dev.gatehouse.limit.Limits;
import dev.gatehouse.oidc.OidcService;
import dev.gatehouse.oidc.OidcSettings;
import dev.gatehouse.preview.PreviewSettings;
import dev.gatehouse.store.DatabaseSettings;
import dev.gatehouse.webhook.WebhookSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of one node: where it listens, its data directory, service key (and the previous one, accepted
 * beside it while a deployment rotates its key) and log level, whether this start gives the deployment a new id, and
 * the settings each feature owns and validates itself ({@link HttpSettings}, {@link TlsSettings},
 * {@link DatabaseSettings}, {@link ChangeLogSettings}, {@link WebhookSettings}, {@link Limits}, the Close
 * dialect's {@link RateLimit}, {@link OidcSettings}, {@link PreviewSettings}). Built from command-line options whose
 * defaults come from environment variables ({@link Main}); this record checks only what concerns more than one
 * feature. Every message names the option and the bad value. Immutable.
 *
 * @param host  the address to listen on
 * @param port  the HTTP port (0 for a random one)
 * @param newDeploymentId whether this start gives the deployment a new id ({@code --new-deployment-id}, after
 *                        restoring a backup: {@code ReplicationService.renewDeployment})
 */
public record Config(String host, int port, Path dataDir, String serviceKey, String previousServiceKey,
                     String logLevel, HttpSettings http,
                     TlsSettings tls, DatabaseSettings database, ChangeLogSettings changeLog,
                     WebhookSettings webhooks, Limits limits, RateLimit closeRateLimit, OidcSettings oidc,
                     PreviewSettings previews, boolean newDeploymentId) {

    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    /** Four numbers with dots between: an IPv4 address in shape, which no host name can have. */
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d+(\\.\\d+){3}");

    public Config {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host must name an address");
        }
        requireValidIpv4(host);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (dataDir == null || dataDir.toString().isBlank()) {
            // an empty path is the working directory, which the node would make private and fill
            throw new IllegalArgumentException("--data-dir must name a directory");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        serviceKey = serviceKey == null || serviceKey.isBlank() ? null : serviceKey.strip();
        if (serviceKey != null) {
            requireUsableKey("--service-key", serviceKey);
        }
        previousServiceKey = previousServiceKey == null || previousServiceKey.isBlank() ? null
                : previousServiceKey.strip();
        if (previousServiceKey != null) {
            requireUsableKey("--previous-service-key", previousServiceKey);
            if (serviceKey == null) {
                throw new IllegalArgumentException("--previous-service-key is accepted beside a configured key, "
                        + "while nodes rotate from it to that one: give the new key too (--service-key or "
                        + "GATEHOUSE_SERVICE_KEY)");
            }
            if (previousServiceKey.equals(serviceKey)) {
                throw new IllegalArgumentException("--previous-service-key is the service key itself: give the key "
                        + "the nodes rotate from, or none");
            }
        }
        logLevel = logLevel == null ? "INFO" : logLevel.toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(logLevel)) {
            throw new IllegalArgumentException("--log-level must be one of " + LEVELS + ", got " + logLevel);
        }
        http = Objects.requireNonNullElse(http, HttpSettings.DEFAULTS);
        tls = Objects.requireNonNullElse(tls, TlsSettings.OFF);
        database = Objects.requireNonNullElse(database, DatabaseSettings.EMBEDDED);
        changeLog = Objects.requireNonNullElse(changeLog, ChangeLogSettings.DEFAULTS);
        webhooks = Objects.requireNonNullElse(webhooks, WebhookSettings.DEFAULTS);
        limits = Objects.requireNonNullElse(limits, Limits.DEFAULTS);
        closeRateLimit = Objects.requireNonNullElse(closeRateLimit, RateLimit.DEFAULT);
        oidc = Objects.requireNonNullElse(oidc, OidcSettings.OFF);
        if (oidc.enabled()) {
            requireNotTakenForToken("--service-key", serviceKey);
            requireNotTakenForToken("--previous-service-key", previousServiceKey);
        }
        previews = Objects.requireNonNullElse(previews, PreviewSettings.DEFAULTS);
        if (tls.port() != null && tls.port() != 0 && tls.port() == port) {
            throw new IllegalArgumentException("--tls-port must differ from --port, got " + port + " for both");
        }
        Integer management = http.managementPort();
        if (management != null && management != 0 && (management == port || management.equals(tls.port()))) {
            throw new IllegalArgumentException("--management-port must differ from --port and --tls-port, got "
                    + management);
        }
        Integer embedded = database.embeddedPort();
        if (embedded != null && (embedded == port || embedded.equals(tls.port()) || embedded.equals(management))) {
            throw new IllegalArgumentException("--embedded-database-port must differ from --port, --tls-port and "
                    + "--management-port, got " + embedded);
        }
    }

    /** A node on {@code host:port} over the embedded database in {@code dataDir}, every feature at its defaults. */
    public static Config defaults(String host, int port, Path dataDir) {
        return new Config(host, port, dataDir, null, null, null, null, null, null, null, null, null, null, null, null,
                false);
    }

    /**
     * A {@code --host} written as an IPv4 address ({@code 999.1.1.1}) must be one: each of its four numbers 0 to 255.
     * Taken for a host name it was looked up, and refused as one that does not resolve.
     */
    private static void requireValidIpv4(String host) {
        if (!DOTTED_QUAD.matcher(host).matches()) {
            return;
        }
        for (String part : host.split("\\.")) {
            if (part.length() > 3 || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("--host " + host + " is not a valid address: an IPv4 address is "
                        + "four numbers of 0 to 255");
            }
        }
    }

    /**
     * A key a request can present: 16 to 512 characters (what authentication reads) of printable ASCII, spaces
     * included — a header carries no other. Whitespace around it is not part of it (a secret file's final line feed).
     * A colon is allowed, though only {@code Bearer} can carry it: HTTP Basic cuts the user name at the first one.
     * Not in the form of a member or replica key: a request presenting it would be read as one
     * ({@link KeyService#hasMemberOrReplicaForm}) — and it may be one, pasted in the wrong place.
     */
    private static void requireUsableKey(String option, String key) {
        if (key.length() < 16 || key.length() > 512) {
            throw new IllegalArgumentException(option + " must be 16 to 512 characters, got " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(option + " may hold printable ASCII characters only (a request "
                        + "could not present it otherwise); character " + (i + 1) + " is not one");
            }
        }
        if (KeyService.hasMemberOrReplicaForm(key)) {
            throw new IllegalArgumentException(option + " has the form of a member or replica key (ghm_ or "
                    + "ghr_, 24 hexadecimal digits, _, 43 characters): a request presenting it is taken for such a "
                    + "key, never for the service key; choose a key of another form (a generated service key's, "
                    + "ghs_, works too)");
        }
    }

    /**
     * With an identity provider configured, not a key a request presenting it is taken to present one of its access
     * tokens by ({@link OidcService#looksLikeJwt}, as authentication judges, whatever else the key's form): such a
     * service key — {@code eyJ….x.y}, the operator's choice — once started a node that refused every request made
     * with it, each read as a token that did not verify.
     */
    private static void requireNotTakenForToken(String option, String key) {
        if (key != null && OidcService.looksLikeJwt(key)) {
            throw new IllegalArgumentException(option + " has the form of an access token (three base64url parts "
                    + "joined by dots, the first a JSON object), and with --oidc-issuer a request presenting it is "
                    + "taken for a token of the identity provider, never for the service key; choose a key of another "
                    + "form (one without two dots, or a generated service key's, ghs_)");
        }
    }

    public Config withServiceKey(String key) {
        return new Config(host, port, dataDir, key, previousServiceKey, logLevel, http, tls, database, changeLog,
                webhooks, limits, closeRateLimit, oidc, previews, newDeploymentId);
    }

    /** With {@code key} accepted beside the service key, while the deployment rotates from it (docs/deployment.md). */
    public Config withPreviousServiceKey(String key) {
        return new Config(host, port, dataDir, serviceKey, key, logLevel, http, tls, database, changeLog, webhooks,
                limits, closeRateLimit, oidc, previews, newDeploymentId);
    }

    public Config withLogLevel(String level) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, level, http, tls, database, changeLog,
                webhooks, limits, closeRateLimit, oidc, previews, newDeploymentId);
    }

    public Config withHttp(HttpSettings settings) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, settings, tls, database,
                changeLog, webhooks, limits, closeRateLimit, oidc, previews, newDeploymentId);
    }

    public Config withTls(TlsSettings settings) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, settings, database,
                changeLog, webhooks, limits, closeRateLimit, oidc, previews, newDeploymentId);
    }

    public Config withDatabase(DatabaseSettings settings) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, tls, settings, changeLog,
                webhooks, limits, closeRateLimit, oidc, previews, newDeploymentId);
    }

    public Config withChangeLog(ChangeLogSettings settings) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, tls, database, settings,
                webhooks, limits, closeRateLimit, oidc, previews, newDeploymentId);
    }

    public Config withWebhooks(WebhookSettings settings) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, tls, database, changeLog,
                settings, limits, closeRateLimit, oidc, previews, newDeploymentId);
    }

    public Config withLimits(Limits other) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, tls, database, changeLog,
                webhooks, other, closeRateLimit, oidc, previews, newDeploymentId);
    }

    public Config withOidc(OidcSettings settings) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, tls, database, changeLog,
                webhooks, limits, closeRateLimit, settings, previews, newDeploymentId);
    }

    public Config withCloseRateLimit(RateLimit limit) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, tls, database, changeLog,
                webhooks, limits, limit, oidc, previews, newDeploymentId);
    }

    public Config withPreviews(PreviewSettings settings) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, tls, database, changeLog,
                webhooks, limits, closeRateLimit, oidc, settings, newDeploymentId);
    }

    /** With this start giving the deployment a new id, or not ({@code --new-deployment-id}). */
    public Config withNewDeploymentId(boolean renew) {
        return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http, tls, database, changeLog,
                webhooks, limits, closeRateLimit, oidc, previews, renew);
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
}
