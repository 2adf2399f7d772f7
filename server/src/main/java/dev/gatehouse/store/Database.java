package dev.gatehouse.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementException;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * The connection pool, JDBI and the schema. {@link #migrate()} applies the Flyway migrations under
 * {@code db/migration}.
 *
 * <p>Database errors never carry the values of a statement: JDBI renders a failed statement's SQL without its
 * bound arguments ({@link #withoutArguments}), and the driver leaves PostgreSQL's error detail (which quotes
 * the failing row, e.g. "Failing row contains (…)") out of its messages ({@link #hideServerErrorDetail}). So an
 * unexpected error, logged in full as a bug, shows which statement failed and why, but no email, name or
 * secret it was writing.
 *
 * <p>With a {@link DatabaseHealth}, the node does not wait for a database it knows is unreachable: while it is,
 * every JDBI handle fails to open at once ({@code 08001}, which the store turns into a retryable
 * {@code 503 database_unavailable}), and the moment it is found unreachable every connection of the pool is aborted
 * ({@link PoolConnections}), in use, idle or being checked, so that the statements waiting on them fail now rather
 * than when TCP gives up, and the threads waiting for a connection stop waiting ({@link ConnectionWaits}).
 * Thread-safe.
 */
public final class Database implements AutoCloseable {

    private static final int SQL_SHOWN = 500;

    private final HikariDataSource pool;
    private final Jdbi jdbi;

    public Database(String jdbcUrl, String user, String password, int poolSize) {
        this(jdbcUrl, user, password, poolSize, null);
    }

    /** @param health whether the database answers now; null to always try it */
    public Database(String jdbcUrl, String user, String password, int poolSize, DatabaseHealth health) {
        Properties driver = new Properties();
        hideServerErrorDetail(driver);
        // a JDBC batch of inserts (the change records of a batch of writes) goes as a few multi-row statements, not
        // one statement per row: each statement PostgreSQL executes costs it more than the row itself
        driver.setProperty("reWriteBatchedInserts", "true");
        PoolConnections connections = new PoolConnections(new DriverDataSource(jdbcUrl, null, driver, user, password));
        HikariConfig config = new HikariConfig();
        config.setDataSource(connections);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("gatehouse");
        config.setConnectionTimeout(10_000);
        this.pool = new HikariDataSource(config);
        if (health == null) {
            this.jdbi = Jdbi.create(pool);
        } else {
            ConnectionWaits waits = new ConnectionWaits();
            this.jdbi = Jdbi.create(() -> waits.get(pool, health));
            health.onLost(connections::abortAll);
            health.onLost(waits::cancelAll);
        }
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(Database::withoutArguments);
    }

    /**
     * Sets the PostgreSQL driver's {@code logServerErrorDetail=false}: exception messages then leave out the
     * server's detail, which quotes values (the failing row of a constraint, the conflicting key).
     */
    public static void hideServerErrorDetail(Properties driverProperties) {
        driverProperties.setProperty("logServerErrorDetail", "false");
    }

    /** A failed statement's message: what failed and the SQL as written, with {@code :names}, never the values. */
    static String withoutArguments(StatementException e) {
        StatementContext context = e.getStatementContext();
        String sql = context == null ? null : context.getRawSql();
        if (sql == null) {
            return e.getShortMessage();
        }
        String shown = sql.length() <= SQL_SHOWN ? sql : sql.substring(0, SQL_SHOWN) + "...";
        return e.getShortMessage() + " [statement: \"" + shown + "\"]";
    }

    public void migrate() {
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return pool;
    }

    public HikariDataSource pool() {
        return pool;
    }

    private static SQLTransientConnectionException unreachable() {
        return new SQLTransientConnectionException("the database is unreachable", "08001");
    }

    /**
     * The threads waiting for a connection from the pool. When the database is lost they stop waiting and fail as a
     * request arriving then does: a thread that began to wait just before the probe noticed (every connection held by
     * work the loss froze) would otherwise wait out the pool's ten seconds, and a write on a node cut off from the
     * database would answer only then instead of at once. They are interrupted, under this object's lock, so that an
     * interrupt never outlives its wait: the waiting thread clears it before it goes on. A thread counts as waiting
     * before it looks whether the database is reachable, so that a loss found between the two still interrupts it.
     */
    private static final class ConnectionWaits {

        private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
        private final Set<Thread> cancelled = ConcurrentHashMap.newKeySet();

        Connection get(HikariDataSource pool, DatabaseHealth health) throws SQLException {
            Thread self = Thread.currentThread();
            waiting.add(self);
            try {
                if (!health.reachable()) {
                    throw unreachable();
                }
                return pool.getConnection();
            } catch (SQLException e) {
                if (cancelled.contains(self)) {
                    SQLTransientConnectionException lost = unreachable();
                    lost.addSuppressed(e);
                    throw lost;
                }
                throw e;
            } finally {
                synchronized (this) {
                    waiting.remove(self);
                    if (cancelled.remove(self)) {
                        Thread.interrupted(); // this object's interrupt, not the caller's
                    }
                }
            }
        }

        synchronized void cancelAll() {
            for (Thread thread : waiting) {
                cancelled.add(thread);
                thread.interrupt();
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
