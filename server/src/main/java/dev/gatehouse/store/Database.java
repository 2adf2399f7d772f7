package dev.gatehouse.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Properties;
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
 * secret it was writing. Thread-safe.
 */
public final class Database implements AutoCloseable {

    private static final int SQL_SHOWN = 500;

    private final HikariDataSource pool;
    private final Jdbi jdbi;

    public Database(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("gatehouse");
        config.setConnectionTimeout(10_000);
        Properties driver = new Properties();
        hideServerErrorDetail(driver);
        config.setDataSourceProperties(driver);
        this.pool = new HikariDataSource(config);
        this.jdbi = Jdbi.create(pool);
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

    /** Whether a pooled connection answers within two seconds (readiness); never throws. */
    public boolean reachable() {
        try (var connection = pool.getConnection()) {
            return connection.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    public HikariDataSource pool() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
