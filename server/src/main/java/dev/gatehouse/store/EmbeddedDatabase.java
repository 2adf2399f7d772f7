package dev.gatehouse.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default storage: a real PostgreSQL server run from bundled binaries over {@code <dataDir>/postgres},
 * durable (fsync and synchronous commit on) unless asked otherwise, and private to the user running Gatehouse.
 *
 * <p><b>Private.</b> The data directory is {@code 0700}; the binaries are unpacked under it
 * ({@link PostgresBinaries}); the server listens on 127.0.0.1 only, and every connection — TCP or Unix socket —
 * authenticates with SCRAM-SHA-256 as {@value ClusterAccess#SUPERUSER} with the generated password kept in
 * {@code <dataDir>/postgres.password} ({@link ClusterAccess}, which also upgrades clusters of older versions
 * that trusted every local connection).
 *
 * <p><b>One owner, and no orphans.</b> While running, this object holds an exclusive lock on
 * {@code <dataDir>/postgres.lock}; a second Gatehouse on the same data directory is refused. Because the lock
 * dies with its process, a free lock proves that no live Gatehouse owns the cluster: a server still running
 * over it (named by its {@code postmaster.pid}) is an orphan of a Gatehouse that was killed, and is stopped
 * cleanly before the new server starts; a {@code postmaster.pid} naming some other process (a reused process
 * id) is stale and removed. Orphans are rare to begin with: the server is stopped by a watchdog when its JVM
 * dies ({@link Postmaster}).
 *
 * <p>Thread-safety: the accessors are safe from any thread; {@link #close} is idempotent.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    /** The superuser every connection to the embedded server uses. */
    public static final String USER = ClusterAccess.SUPERUSER;
    static final String CLUSTER = "postgres";
    static final String BINARIES = "postgres-binaries";
    /** Where versions before the private layout unpacked the binaries, into a world-writable directory. */
    static final String LEGACY_BINARIES = "pg-binaries";
    static final String LOCK_FILE = "postgres.lock";
    private static final long ORPHAN_EXIT_SECONDS = 60;

    private final Path dataDir;
    private final String password;
    private final FileChannel lock;
    private final Postmaster postmaster;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedDatabase(Path dataDir, String password, FileChannel lock, Postmaster postmaster) {
        this.dataDir = dataDir;
        this.password = password;
        this.lock = lock;
        this.postmaster = postmaster;
    }

    /**
     * Starts PostgreSQL over {@code dataDir/postgres}, creating the cluster on first use and upgrading one made
     * by an older version.
     *
     * @param durable false only for throwaway test databases (fsync off)
     * @throws IllegalStateException when another running Gatehouse uses {@code dataDir}, or the server cannot start
     */
    public static EmbeddedDatabase start(Path dataDir, boolean durable) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (PrivateFiles.directory(dir)) {
            LOG.warn("narrowed the permissions of {} to 0700: it holds the database and its password", dir);
        }
        FileChannel lock = lock(dir);
        try {
            PostgresPrograms programs = new PostgresPrograms(PostgresBinaries.install(dir.resolve(BINARIES))
                    .resolve("bin"));
            Path pgData = dir.resolve(CLUSTER);
            stopOrphan(programs, pgData);
            removeLegacyBinaries(dir);
            String password = ClusterAccess.prepare(programs, dir, pgData);
            PrivateFiles.restrict(pgData, PrivateFiles.DIRECTORY);
            EmbeddedDatabase db = new EmbeddedDatabase(dir, password, lock,
                    Postmaster.start(programs, pgData, settings(durable)));
            try {
                db.verify();
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            return db;
        } catch (IOException e) {
            release(lock);
            throw new UncheckedIOException("cannot start the embedded PostgreSQL under " + dir, e);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    private static Map<String, String> settings(boolean durable) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("unix_socket_permissions", "0700");
        settings.put("password_encryption", "scram-sha-256");
        settings.put("max_connections", "200");
        settings.put("timezone", "UTC");
        settings.put("synchronous_commit", durable ? "on" : "off");
        settings.put("fsync", durable ? "on" : "off");
        settings.put("full_page_writes", durable ? "on" : "off");
        return settings;
    }

    private static FileChannel lock(Path dir) {
        Path file = dir.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PrivateFiles.attributes(PrivateFiles.SECRET));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
        FileLock held;
        try {
            held = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        } catch (IOException e) {
            release(channel);
            throw new UncheckedIOException("cannot lock " + file, e);
        }
        if (held == null) {
            release(channel);
            throw new IllegalStateException("the data directory " + dir + " is in use by another running Gatehouse "
                    + "(it holds " + file + ")");
        }
        return channel;
    }

    private static void release(FileChannel lock) {
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("could not release the lock of the data directory: {}", e.getMessage());
        }
    }

    private static void removeLegacyBinaries(Path dir) throws IOException {
        Path legacy = dir.resolve(LEGACY_BINARIES);
        if (Files.exists(legacy)) {
            LOG.info("removing {}: binaries unpacked by an older version into a directory others could write", legacy);
            PrivateFiles.deleteTree(legacy);
        }
    }

    /** Stops a server left running over {@code pgData} by a Gatehouse that died, or clears a stale lock file. */
    private static void stopOrphan(PostgresPrograms programs, Path pgData) throws IOException {
        PostmasterPid file = PostmasterPid.read(pgData).orElse(null);
        if (file == null) {
            return;
        }
        switch (file.holder(pgData)) {
            case GONE -> {
                // PostgreSQL replaces a lock file whose process is gone
            }
            case SERVER -> {
                LOG.warn("a PostgreSQL server (process {}) is still running over {}, left by a Gatehouse that did not "
                        + "stop it; stopping it before starting again", file.pid(), pgData);
                if (!Postmaster.stop(programs, pgData, "fast") && !Postmaster.stop(programs, pgData, "immediate")) {
                    throw new IllegalStateException("could not stop the PostgreSQL server (process " + file.pid()
                            + ") left running over " + pgData);
                }
                awaitExit(file.pid());
            }
            case OTHER -> {
                LOG.warn("{} names process {}, which is not a PostgreSQL server of this cluster: the file is stale "
                        + "(its process id was reused); removing it", pgData.resolve(PostmasterPid.FILE), file.pid());
                Files.deleteIfExists(pgData.resolve(PostmasterPid.FILE));
            }
            case UNKNOWN -> throw new IllegalStateException(pgData.resolve(PostmasterPid.FILE) + " names process "
                    + file.pid() + ", which is running but cannot be inspected: stop it if it is a PostgreSQL server "
                    + "of this data directory, or delete the file if it is not");
        }
    }

    private static void awaitExit(long pid) {
        if (!Postmaster.awaitExit(pid, Duration.ofSeconds(ORPHAN_EXIT_SECONDS))) {
            throw new IllegalStateException("the PostgreSQL server (process " + pid + ") did not exit within "
                    + ORPHAN_EXIT_SECONDS + " s of being stopped");
        }
    }

    private void verify() {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), USER, password);
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        } catch (SQLException e) {
            if ("28P01".equals(e.getSQLState())) {
                throw new IllegalStateException("the embedded PostgreSQL does not accept the password in "
                        + dataDir.resolve(ClusterAccess.PASSWORD_FILE) + "; delete that file to set a new password "
                        + "at the next start", e);
            }
            throw new IllegalStateException("cannot connect to the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of the {@code postgres} database; connect as {@link #USER} with {@link #password()}. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postmaster.port() + "/" + database;
    }

    /** The superuser's password (kept in {@code <dataDir>/postgres.password}). */
    public String password() {
        return password;
    }

    public int port() {
        return postmaster.port();
    }

    /** The process id of the running server. */
    public long pid() {
        return postmaster.pid();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            postmaster.stop();
        } finally {
            release(lock);
        }
    }
}
