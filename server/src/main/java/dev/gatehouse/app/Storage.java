package dev.gatehouse.app;

import dev.gatehouse.changelog.ChangeTailer;
import dev.gatehouse.store.Database;
import dev.gatehouse.store.DatabaseSettings;
import dev.gatehouse.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's PostgreSQL: the embedded server under the data directory or the configured external one, its
 * connection pool migrated to the current schema, and the separate connections the change tailer listens on.
 * {@link #close} closes the pool, then stops an embedded server. Thread-safe.
 */
final class Storage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    private final EmbeddedDatabase embedded;
    private final Database database;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private Storage(EmbeddedDatabase embedded, Database database, String jdbcUrl, String user, String password) {
        this.embedded = embedded;
        this.database = database;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Starts the embedded server when {@code settings} name no external one, opens the pool and migrates. */
    static Storage start(Path dataDir, DatabaseSettings settings) {
        EmbeddedDatabase embedded = null;
        Database database = null;
        try {
            String jdbcUrl;
            String user;
            String password;
            if (settings.embedded()) {
                embedded = EmbeddedDatabase.start(dataDir, settings.durable());
                jdbcUrl = embedded.jdbcUrl();
                user = EmbeddedDatabase.USER;
                password = embedded.password();
                LOG.info("embedded PostgreSQL on port {} with data under {}", embedded.port(), dataDir);
            } else {
                jdbcUrl = DatabaseSettings.jdbcUrl(settings.url());
                user = settings.user();
                password = settings.password();
            }
            database = new Database(jdbcUrl, user, password, settings.poolSize());
            database.migrate();
            return new Storage(embedded, database, jdbcUrl, user, password);
        } catch (RuntimeException e) {
            new Storage(embedded, database, null, null, null).close();
            throw e;
        }
    }

    Database database() {
        return database;
    }

    /**
     * A new connection outside the pool, named {@link ChangeTailer#APPLICATION_NAME} so that operators (and
     * {@code pg_stat_activity}) can tell the listening connection apart.
     */
    Connection listeningConnection() {
        try {
            Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
            props.setProperty("ApplicationName", ChangeTailer.APPLICATION_NAME);
            Database.hideServerErrorDetail(props);
            return DriverManager.getConnection(jdbcUrl, props);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the listening connection: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
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
