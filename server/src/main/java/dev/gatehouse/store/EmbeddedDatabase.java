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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default storage: a real PostgreSQL server run from bundled binaries over {@code <dataDir>/postgres},
 * durable (fsync and synchronous commit on) unless asked otherwise, and private to the user running Gatehouse.
 *
 * <p><b>Private.</b> The data directory is {@code 0700}; the binaries are unpacked under it
 * ({@link PostgresBinaries}); the server listens on 127.0.0.1 only, on the port it is given (never on another) or
 * else on a free one it picks; and every connection — TCP or Unix socket — authenticates with SCRAM-SHA-256 as
 * {@value ClusterAccess#SUPERUSER} with the generated password kept in {@code <dataDir>/postgres.password}
 * ({@link ClusterAccess}, which also upgrades clusters of older versions that trusted every local connection).
 *
 * <p><b>One owner, and no orphans.</b> While running, this object holds an exclusive lock on
 * {@code <dataDir>/postgres.lock}; a second Gatehouse on the same data directory is refused. Because the lock
 * dies with its process, a free lock proves that no live Gatehouse owns the cluster: a server still running
 * over it (named by its {@code postmaster.pid}) is an orphan of a Gatehouse that was killed, and is stopped
 * cleanly before the new server starts; a {@code postmaster.pid} naming some other process (a reused process
 * id) is stale and removed. Orphans are rare to begin with: the server is stopped by a watchdog when its JVM
 * dies ({@link Postmaster}).
 *
 * <p><b>Started again when it dies.</b> A thread ({@code gatehouse-postgres-keeper}) waits for the server to exit
 * ({@link Postmaster#exited}). When that happens before
 * {@link #close} — the server was killed, or crashed — it starts the server again over the same cluster, on the same
 * port (the URL every connection of the node uses), after the same check for a stale {@code postmaster.pid} a start
 * makes. The first attempt follows at once; each attempt that fails, and each server that dies within
 * {@value #STABLE_SECONDS} s of its start, doubles the wait before the next (1 s up to {@value #MAX_BACKOFF_SECONDS}
 * s). The attempts never stop, but after {@value #ATTEMPTS_BEFORE_FAILING} in a row without a server that lasts,
 * {@link #serving()} is false until a start succeeds: the node's liveness check fails, so that a supervisor restarts
 * the whole node. The connections of the old server broke with it; the pool replaces them (see {@link Database}).
 * A restart and {@link #close} exclude each other: a close waits for a start under way, then stops what it started.
 *
 * <p>Thread-safety: the accessors are safe from any thread (they name the server running now); {@link #close} is
 * idempotent.
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
    /** A server that ran this long before it died is started again at once. */
    static final long STABLE_SECONDS = 60;
    static final long MAX_BACKOFF_SECONDS = 30;
    /** Attempts in a row without a lasting server after which {@link #serving()} is false. */
    static final int ATTEMPTS_BEFORE_FAILING = 5;

    private final Path dataDir;
    private final String password;
    private final FileChannel lock;
    private final PostgresPrograms programs;
    private final Path pgData;
    private final Map<String, String> settings;
    /** Held while the server is started again or stopped, so that a close never races a restart. */
    private final Object lifecycle = new Object();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread keeper;
    private volatile Postmaster postmaster;
    private volatile boolean serving = true;

    private EmbeddedDatabase(Path dataDir, String password, FileChannel lock, PostgresPrograms programs, Path pgData,
                             Map<String, String> settings, Postmaster postmaster) {
        this.dataDir = dataDir;
        this.password = password;
        this.lock = lock;
        this.programs = programs;
        this.pgData = pgData;
        this.settings = settings;
        this.postmaster = postmaster;
        this.keeper = new Thread(this::keep, "gatehouse-postgres-keeper");
        keeper.setDaemon(true);
    }

    /**
     * Starts PostgreSQL over {@code dataDir/postgres} on a free loopback port, creating the cluster on first use and
     * upgrading one made by an older version.
     *
     * @param durable false only for throwaway test databases (fsync off)
     * @throws IllegalStateException when another running Gatehouse uses {@code dataDir}, or the server cannot start
     */
    public static EmbeddedDatabase start(Path dataDir, boolean durable) {
        return start(dataDir, durable, null);
    }

    /**
     * Starts PostgreSQL over {@code dataDir/postgres} on 127.0.0.1:{@code port}, or on a free loopback port when
     * {@code port} is null; as {@link #start(Path, boolean)} otherwise.
     *
     * @param port 1 to 65535; null for a free port
     * @throws PortUnavailableException when the server cannot listen on {@code port} (another process holds it)
     * @throws IllegalStateException when another running Gatehouse uses {@code dataDir}, or the server cannot start
     */
    public static EmbeddedDatabase start(Path dataDir, boolean durable, Integer port) {
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("the port of the embedded PostgreSQL must be 1..65535, got " + port);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        PrivateFiles.requireOwnDirectory(dir);
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
            Map<String, String> settings = settings(durable);
            EmbeddedDatabase db = new EmbeddedDatabase(dir, password, lock, programs, pgData, settings,
                    port == null ? Postmaster.start(programs, pgData, settings)
                            : Postmaster.start(programs, pgData, settings, port));
            try {
                db.verify();
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            db.keeper.start();
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

    /**
     * The keeper's loop: waits for the server to exit, and unless the database is closing, starts it again with
     * backoff (see the class comment).
     */
    private void keep() {
        int failures = 0; // attempts in a row that gave no lasting server
        while (true) {
            Postmaster server = postmaster;
            long startedNanos = System.nanoTime();
            CompletableFuture.anyOf(server.exited(), closing).join();
            if (closing.isDone()) {
                return;
            }
            boolean lasted = System.nanoTime() - startedNanos >= TimeUnit.SECONDS.toNanos(STABLE_SECONDS);
            failures = lasted ? 0 : failures + 1;
            LOG.error("the embedded PostgreSQL server (process {}) over {} exited while Gatehouse was running; "
                    + "starting it again on port {}", server.pid(), pgData, server.port());
            while (true) {
                if (failures >= ATTEMPTS_BEFORE_FAILING && serving) {
                    serving = false;
                    LOG.error("{} attempts in a row gave no embedded PostgreSQL that lasts: the node reports itself "
                            + "unhealthy (GET /healthz answers 503) and keeps trying", failures);
                }
                if (waitUnlessClosing(backoffSeconds(failures))) {
                    return;
                }
                try {
                    if (restart(server)) {
                        return;
                    }
                    serving = true;
                    LOG.warn("the embedded PostgreSQL is running again (process {}, port {})", postmaster.pid(),
                            postmaster.port());
                    break;
                } catch (RuntimeException e) {
                    failures++;
                    LOG.error("could not start the embedded PostgreSQL again ({} attempts in a row without a lasting "
                            + "server); next attempt in {} s: {}", failures, backoffSeconds(failures), e.getMessage());
                }
            }
        }
    }

    /**
     * Starts the server again on the port of {@code exited}, which has exited; true when the database is closing
     * instead.
     */
    private boolean restart(Postmaster exited) {
        synchronized (lifecycle) {
            if (closing.isDone()) {
                return true;
            }
            exited.stop(); // its watchdog only
            try {
                stopOrphan(programs, pgData);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the stale " + pgData.resolve(PostmasterPid.FILE), e);
            }
            postmaster = Postmaster.start(programs, pgData, settings, exited.port());
            return false;
        }
    }

    /** No wait before the first attempt, then 1, 2, 4, … up to {@value #MAX_BACKOFF_SECONDS} s. */
    private static long backoffSeconds(int failures) {
        return failures == 0 ? 0 : Math.min(MAX_BACKOFF_SECONDS, 1L << Math.min(failures - 1, 16));
    }

    /** Waits {@code seconds}; true when the database started closing meanwhile. */
    private boolean waitUnlessClosing(long seconds) {
        try {
            closing.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException e) {
            return true;
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

    /** The process id of the running server (of the last one started, while it is being started again). */
    public long pid() {
        return postmaster.pid();
    }

    /**
     * False once the server has exited and {@value #ATTEMPTS_BEFORE_FAILING} attempts in a row to start it again
     * gave no server that lasts; true again when one starts. Never blocks.
     */
    public boolean serving() {
        return serving;
    }

    /**
     * The server could not listen on its port of 127.0.0.1 (another process holds it, or the port is not this user's
     * to take); the message names the port and the operating system's reason. Immutable.
     */
    public static final class PortUnavailableException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        private final int port;
        private final String reason;

        PortUnavailableException(int port, String reason) {
            super("cannot listen on 127.0.0.1:" + port + ": " + reason);
            this.port = port;
            this.reason = reason;
        }

        public int port() {
            return port;
        }

        /** The operating system's words, as the server reported them: {@code Address already in use}. */
        public String reason() {
            return reason;
        }
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        closing.complete(null);
        try {
            synchronized (lifecycle) {
                postmaster.stop();
            }
            if (keeper.isAlive()) {
                keeper.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release(lock);
        }
    }
}
