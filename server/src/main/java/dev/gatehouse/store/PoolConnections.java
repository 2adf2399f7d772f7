package dev.gatehouse.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Where the pool gets its connections from: the driver, remembering every connection it opened so that all of them
 * can be aborted at once when the database is lost ({@link #abortAll}) — the ones idle in the pool and the ones the
 * pool is checking before it hands them out, not only those of open handles. A connection idle for more than half a
 * second is checked with a query; on a network that silently drops packets that check waits five seconds for an
 * answer, and a thread that found two such connections in a row waited out the pool's ten seconds.
 *
 * <p>A connection is remembered weakly: once the pool closed and dropped it, it is forgotten. Aborting a connection
 * closed already does nothing. Thread-safe.
 */
final class PoolConnections implements DataSource {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PoolConnections.class);

    private final DataSource driver;
    private final Set<Connection> opened = Collections.newSetFromMap(new WeakHashMap<>());

    PoolConnections(DataSource driver) {
        this.driver = driver;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return remembered(driver.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return remembered(driver.getConnection(username, password));
    }

    private Connection remembered(Connection connection) {
        synchronized (opened) {
            opened.add(connection);
        }
        return connection;
    }

    /** Aborts every connection opened so far: what waits on one of them fails now. */
    void abortAll() {
        List<Connection> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
        }
        for (Connection connection : all) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("aborting a connection: {}", e.toString());
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return driver.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        driver.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        driver.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return driver.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return driver.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || driver.isWrapperFor(type);
    }
}
