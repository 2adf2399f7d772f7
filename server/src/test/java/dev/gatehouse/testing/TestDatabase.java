package dev.gatehouse.testing;

import dev.gatehouse.store.EmbeddedDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

/**
 * One real PostgreSQL per test JVM (embedded, fsync off), and a fresh empty database per caller, so test
 * classes never see each other's data. Like every embedded server it demands a password: connect with
 * {@link #connect}, {@link #jdbi}, or {@link #USER} and {@link #password()}.
 */
public final class TestDatabase {

    /** The user every test connection uses (the embedded server's superuser). */
    public static final String USER = EmbeddedDatabase.USER;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedDatabase instance;

    private TestDatabase() {
    }

    public static synchronized EmbeddedDatabase server() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("gatehouse-test-pg");
                EmbeddedDatabase started = EmbeddedDatabase.start(dir, false);
                instance = started;
                // its data, every test database in it, is gigabytes after a suite: removed with the server
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.close();
                    TempTree.delete(dir);
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Creates a new empty database and returns its JDBC URL. */
    public static String freshDatabaseUrl() {
        String name = "gh_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = connect(server().jdbcUrl());
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return server().jdbcUrl(name);
    }

    /** The password of {@link #USER}. */
    public static String password() {
        return server().password();
    }

    /** A connection to a database of the test server, as {@link #USER}. */
    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, USER, password());
    }

    /** JDBI over a database of the test server, as {@link #USER}. */
    public static Jdbi jdbi(String url) {
        return Jdbi.create(url, USER, password());
    }
}
