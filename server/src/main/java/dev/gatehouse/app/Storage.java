package dev.gatehouse.app;

import com.zaxxer.hikari.pool.HikariPool;
import dev.gatehouse.changelog.ChangeTailer;
import dev.gatehouse.store.Database;
import dev.gatehouse.store.DatabaseHealth;
import dev.gatehouse.store.DatabaseSettings;
import dev.gatehouse.store.EmbeddedDatabase;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's PostgreSQL: the embedded server under the data directory or the configured external one, its
 * connection pool migrated to the current schema, the probe that knows whether it answers ({@link DatabaseHealth}),
 * whether an embedded server that died could be started again ({@link #serving}), and the separate connections the
 * change tailer listens on. {@link #close} stops the probe, closes the pool, then stops an embedded server.
 * Thread-safe.
 */
final class Storage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    private final EmbeddedDatabase embedded;
    private final Database database;
    private final DatabaseHealth health;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private Storage(EmbeddedDatabase embedded, Database database, DatabaseHealth health, String jdbcUrl, String user,
                    String password) {
        this.embedded = embedded;
        this.database = database;
        this.health = health;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Starts the embedded server when {@code settings} name no external one, opens the pool and migrates. */
    static Storage start(Path dataDir, DatabaseSettings settings) {
        EmbeddedDatabase embedded = null;
        Database database = null;
        DatabaseHealth health = null;
        try {
            String jdbcUrl;
            String user;
            String password;
            if (settings.embedded()) {
                embedded = startEmbedded(dataDir, settings);
                jdbcUrl = embedded.jdbcUrl();
                user = EmbeddedDatabase.USER;
                password = embedded.password();
                LOG.info("embedded PostgreSQL on port {} with data under {}", embedded.port(), dataDir);
            } else {
                jdbcUrl = DatabaseSettings.jdbcUrl(settings.url());
                user = settings.user();
                password = settings.password();
            }
            String url = jdbcUrl;
            Properties probeProperties = connectionProperties(user, password, "gatehouse-probe");
            health = new DatabaseHealth(timeout -> probeConnection(url, probeProperties, timeout),
                    settings.probe().intervalMillis(), settings.probe().timeoutMillis());
            database = open(jdbcUrl, user, password, settings, health);
            database.migrate();
            health.start();
            return new Storage(embedded, database, health, jdbcUrl, user, password);
        } catch (RuntimeException e) {
            new Storage(embedded, database, health, null, null, null).close();
            throw e;
        }
    }

    /**
     * The embedded server; a data directory that cannot be created or is in use by another node, or a port given
     * for it that it cannot listen on, is a {@link StartupException}.
     */
    private static EmbeddedDatabase startEmbedded(Path dataDir, DatabaseSettings settings) {
        try {
            return EmbeddedDatabase.start(dataDir, settings.durable(), settings.embeddedPort());
        } catch (EmbeddedDatabase.PortUnavailableException e) {
            String option = settings.embeddedPort() == null ? "" : " (--embedded-database-port)";
            throw new StartupException("the embedded PostgreSQL cannot listen on 127.0.0.1:" + e.port() + option
                    + ": " + e.reason(), e);
        } catch (UncheckedIOException e) {
            throw new StartupException(e.getMessage() + ": " + StartupException.innermost(e), e);
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * The pool, which connects once before returning: an external database that does not answer or refuses the
     * login is a {@link StartupException} naming the URL without its password and the driver's reason, without a
     * password of the settings either ({@link DatabaseSettings#redactPasswords}).
     */
    private static Database open(String jdbcUrl, String user, String password, DatabaseSettings settings,
                                 DatabaseHealth health) {
        try {
            return new Database(jdbcUrl, user, password, settings.poolSize(), health);
        } catch (HikariPool.PoolInitializationException e) {
            String where = settings.embedded() ? "the embedded database" : "the database at "
                    + DatabaseSettings.redact(settings.url()) + (user == null ? "" : " as " + user);
            throw new StartupException("cannot connect to " + where + ": " + settings.redactPasswords(reason(e)), e);
        }
    }

    /**
     * The driver's message (not the pool's wrapper around it), and what lies beneath when the driver's message
     * does not say it: an unknown host beneath "The connection attempt failed.", a timeout; a refused connection the
     * driver names itself.
     */
    private static String reason(Throwable failure) {
        Throwable driver = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                driver = t;
                break;
            }
        }
        Throwable innermost = driver;
        while (innermost.getCause() != null) {
            innermost = innermost.getCause();
        }
        String message = driver.getMessage() == null ? "" : driver.getMessage();
        if (innermost == driver || innermost instanceof ConnectException) {
            return message.isEmpty() ? StartupException.innermost(driver) : message;
        }
        return message + " (" + StartupException.innermost(driver) + ")";
    }

    Database database() {
        return database;
    }

    /** Whether the database answers now. */
    DatabaseHealth health() {
        return health;
    }

    /**
     * False while an embedded server that died cannot be started again ({@link EmbeddedDatabase#serving}): the node
     * is then unhealthy, as only a restart of it may help. Always true with an external database, whose outages the
     * node waits out ({@link #health()}). Never blocks.
     */
    boolean serving() {
        return embedded == null || embedded.serving();
    }

    /**
     * A new connection outside the pool, named {@link ChangeTailer#APPLICATION_NAME} so that operators (and
     * {@code pg_stat_activity}) can tell the listening connection apart.
     */
    Connection listeningConnection() {
        try {
            return DriverManager.getConnection(jdbcUrl,
                    connectionProperties(user, password, ChangeTailer.APPLICATION_NAME));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the listening connection: " + e.getMessage(), e);
        }
    }

    /**
     * A new connection outside the pool for the {@link DatabaseHealth} probe, giving up on connecting and logging
     * in after {@code timeoutMillis} (rounded up to whole seconds, the driver's unit; the probe bounds each
     * statement to the millisecond itself).
     */
    private static Connection probeConnection(String jdbcUrl, Properties properties, long timeoutMillis)
            throws SQLException {
        Properties props = new Properties();
        props.putAll(properties);
        String seconds = Long.toString(Math.max(1, (timeoutMillis + 999) / 1000));
        props.setProperty("connectTimeout", seconds);
        props.setProperty("loginTimeout", seconds);
        props.setProperty("socketTimeout", seconds);
        return DriverManager.getConnection(jdbcUrl, props);
    }

    private static Properties connectionProperties(String user, String password, String applicationName) {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", applicationName);
        Database.hideServerErrorDetail(props);
        return props;
    }

    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    @Override
    public String toString() {
        return embedded != null ? "the embedded database" : "the database pool";
    }
}
