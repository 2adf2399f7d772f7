package dev.gatehouse.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a node keeps its data: an external PostgreSQL ({@code url}), or the embedded one under the data
 * directory when {@code url} is null, and the port that one listens on; the connection pool's size; whether
 * commits wait for the disk; how many write lanes share transactions ({@link Store}, group commit); and how often
 * and how patiently the node checks that the database answers ({@link DatabaseHealth}). Validated here; the
 * messages name the command-line option and never show a password. Immutable.
 *
 * @param url        JDBC ({@code jdbc:postgresql://host/db?user=…&password=…}) or libpq-style
 *                   ({@code postgresql://user:pw@host/db}) URL; null (or blank) for the embedded database. A JDBC URL
 *                   with {@code user:pw@} before its host is refused: the driver does not read it, but takes it for
 *                   part of the host name, which its error then shows.
 * @param user       user for {@code url}; null to take it from the URL
 * @param password   password for {@code url}; null to take it from the URL
 * @param poolSize   database connections of this node (2–200)
 * @param durable    fsync and synchronous commit on the embedded database (off only in tests)
 * @param writeLanes write lanes, 0 (one transaction per write) to {@code poolSize}; null for
 *                   {@link #lanes() half the pool, 1 to 4}
 * @param probe      the database probe's interval and timeout
 * @param embeddedPort the loopback port of the embedded database (1–65535); null for a free one it picks. Refused
 *                   with {@code url}, which names a server elsewhere.
 */
public record DatabaseSettings(String url, String user, String password, int poolSize, boolean durable,
                               Integer writeLanes, Probe probe, Integer embeddedPort) {

    /**
     * The {@link DatabaseHealth} probe: a {@code SELECT 1} every {@code intervalMillis}, the database unreachable
     * when one gets no answer within {@code timeoutMillis} (and nothing else the node did succeeded meanwhile).
     */
    public record Probe(long intervalMillis, long timeoutMillis) {

        /** Every second, two seconds' patience. */
        public static final Probe DEFAULT = new Probe(1000, 2000);

        public Probe {
            if (intervalMillis < 50 || intervalMillis > 60_000) {
                throw new IllegalArgumentException("--database-probe-interval-ms must be 50..60000, got " + intervalMillis);
            }
            if (timeoutMillis < 100 || timeoutMillis > 60_000) {
                throw new IllegalArgumentException("--database-probe-timeout-ms must be 100..60000, got " + timeoutMillis);
            }
        }
    }

    public static final int DEFAULT_POOL_SIZE = 8;

    /** A {@code password} parameter of a URL, in any case, its value up to the next parameter. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&]*");

    /** The embedded database, 8 connections, durable, write lanes chosen by the pool size. */
    public static final DatabaseSettings EMBEDDED = new DatabaseSettings(null, null, null, DEFAULT_POOL_SIZE, true);

    /** Write lanes chosen by the pool size ({@link #lanes()}); the embedded database on a free port. */
    public DatabaseSettings(String url, String user, String password, int poolSize, boolean durable) {
        this(url, user, password, poolSize, durable, null, Probe.DEFAULT, null);
    }

    public DatabaseSettings {
        if (probe == null) {
            probe = Probe.DEFAULT;
        }
        if (url != null && url.isBlank()) {
            url = null;
        }
        if (url != null) {
            String jdbc;
            try {
                jdbc = jdbcUrl(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--database-url is not a valid URL: " + redact(url));
            }
            if (!jdbc.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("--database-url must be a PostgreSQL URL (jdbc:postgresql://… or "
                        + "postgresql://…), got " + redact(url));
            }
            if (url.startsWith("jdbc:") && userInfoEnd(url) >= 0) {
                throw new IllegalArgumentException("--database-url must not carry user:password@ in a jdbc: URL, "
                        + "which the driver does not read: give postgresql://user:password@host/db or "
                        + "jdbc:postgresql://host/db?user=…&password=…, got " + redact(url));
            }
        }
        if (poolSize < 2 || poolSize > 200) {
            // the schema's migration at start holds two connections at once (one for its lock)
            throw new IllegalArgumentException("--pool-size must be 2..200, got " + poolSize);
        }
        if (writeLanes != null && (writeLanes < 0 || writeLanes > poolSize)) {
            throw new IllegalArgumentException("--write-lanes must be 0..--pool-size (" + poolSize + "), got "
                    + writeLanes);
        }
        if (embeddedPort != null && (embeddedPort < 1 || embeddedPort > 65535)) {
            throw new IllegalArgumentException("--embedded-database-port must be 1..65535, got " + embeddedPort);
        }
        if (embeddedPort != null && url != null) {
            throw new IllegalArgumentException("--embedded-database-port is the port of the embedded database, "
                    + "which --database-url replaces: give one or the other");
        }
    }

    /**
     * The write lanes this node runs: {@code writeLanes} when set, else half the pool, 1 to 4 (a lane holds a
     * connection only while its batch runs; the rest of the pool serves reads and bulk imports).
     */
    public int lanes() {
        return writeLanes != null ? writeLanes : Math.max(1, Math.min(4, poolSize / 2));
    }

    /** An external database at {@code url}, with the other settings of this one. */
    public DatabaseSettings external(String url, String user, String password) {
        return new DatabaseSettings(url, user, password, poolSize, durable, writeLanes, probe, embeddedPort);
    }

    public DatabaseSettings withPoolSize(int size) {
        return new DatabaseSettings(url, user, password, size, durable, writeLanes, probe, embeddedPort);
    }

    public DatabaseSettings withDurable(boolean durable) {
        return new DatabaseSettings(url, user, password, poolSize, durable, writeLanes, probe, embeddedPort);
    }

    /** @param lanes write lanes, 0 to the pool size; null to choose by the pool size */
    public DatabaseSettings withWriteLanes(Integer lanes) {
        return new DatabaseSettings(url, user, password, poolSize, durable, lanes, probe, embeddedPort);
    }

    /** This database, probed every {@code intervalMillis} with {@code timeoutMillis}' patience. */
    public DatabaseSettings withProbe(long intervalMillis, long timeoutMillis) {
        return new DatabaseSettings(url, user, password, poolSize, durable, writeLanes,
                new Probe(intervalMillis, timeoutMillis), embeddedPort);
    }

    /** The embedded database listening on 127.0.0.1:{@code port}; null for a free port it picks. */
    public DatabaseSettings withEmbeddedPort(Integer port) {
        return new DatabaseSettings(url, user, password, poolSize, durable, writeLanes, probe, port);
    }

    public boolean embedded() {
        return url == null;
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

    /**
     * The URL without its password, for messages: {@code user:password@} before the host becomes {@code ***@}, and
     * the value of a {@code password} parameter (in any case, {@code sslpassword} too) {@code ***}.
     */
    public static String redact(String url) {
        int userInfoEnd = userInfoEnd(url);
        String redacted = userInfoEnd < 0 ? url
                : url.substring(0, url.indexOf("://") + 3) + "***" + url.substring(userInfoEnd);
        return PASSWORD_PARAMETER.matcher(redacted).replaceAll("$1***");
    }

    /**
     * {@code text} (a driver's message) with every password of these settings replaced by {@code ***}: the
     * {@code password} given beside the URL, the URL's {@code user:password@} and its {@code password} parameters, each
     * as written and decoded. A driver that took part of the URL for a host name shows it in its message.
     */
    public String redactPasswords(String text) {
        List<String> secrets = new ArrayList<>();
        if (password != null) {
            secrets.add(password);
        }
        if (url != null) {
            int userInfoEnd = userInfoEnd(url);
            if (userInfoEnd >= 0) {
                String userInfo = url.substring(url.indexOf("://") + 3, userInfoEnd);
                int colon = userInfo.indexOf(':');
                if (colon >= 0) {
                    secrets.add(userInfo.substring(colon + 1));
                }
            }
            Matcher parameter = PASSWORD_PARAMETER.matcher(url);
            while (parameter.find()) {
                secrets.add(url.substring(parameter.end(1), parameter.end()));
            }
        }
        List<String> all = new ArrayList<>();
        for (String secret : secrets) {
            all.add(secret);
            try {
                all.add(URLDecoder.decode(secret, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // not percent-encoded as written: the text as written is masked
            }
        }
        // a longer password first, so that one containing another is masked whole
        all.sort(Comparator.comparingInt(String::length).reversed());
        String redacted = text;
        for (String secret : all) {
            if (!secret.isEmpty()) {
                redacted = redacted.replace(secret, "***");
            }
        }
        return redacted;
    }

    /**
     * Where the {@code user:password@} of {@code url} ends (at its {@code @}), or -1 when it has none: the last
     * {@code @} after {@code ://} and before the query ({@code ?}), as a password may hold a {@code /}.
     */
    private static int userInfoEnd(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return -1;
        }
        int query = url.indexOf('?', scheme);
        int at = url.lastIndexOf('@', query < 0 ? url.length() - 1 : query - 1);
        return at > scheme ? at : -1;
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + (url == null ? "embedded" : redact(url)) + ", user=" + user + ", poolSize="
                + poolSize + ", durable=" + durable + ", writeLanes=" + writeLanes + ", embeddedPort=" + embeddedPort
                + "]";
    }
}
