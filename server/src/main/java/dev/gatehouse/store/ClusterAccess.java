package dev.gatehouse.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded cluster private: every connection, over TCP or the Unix socket, authenticates with
 * SCRAM-SHA-256 as the superuser {@value #SUPERUSER}, whose random password is kept in
 * {@code <dataDir>/}{@value #PASSWORD_FILE} ({@code 0600}).
 *
 * <p>A new cluster is created with that password ({@code initdb --pwfile}) in a scratch directory and renamed
 * into place when complete. An existing cluster is private when the password file exists and
 * {@code pg_hba.conf} is exactly {@link #HBA}; any other cluster — one created by an older Gatehouse, which
 * trusted every local connection, or one whose password file was lost — is upgraded in place before its
 * server starts: the superuser gets the file's password (a new one when there is no file) through
 * PostgreSQL's single-user mode, then {@code pg_hba.conf} is replaced. Each step can be repeated, so a crash
 * half way through is finished by the next start. Runs only while no server uses the cluster (the caller
 * holds the data directory's lock and has stopped any orphan). Stateless.
 */
final class ClusterAccess {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterAccess.class);
    static final String SUPERUSER = "postgres";
    static final String PASSWORD_FILE = "postgres.password";
    static final String HBA = """
            # Written by Gatehouse at every start: edits are overwritten.
            # Every connection authenticates with SCRAM-SHA-256; the password is in the file postgres.password
            # beside this data directory, readable only by the user running Gatehouse.
            # TYPE  DATABASE  USER  ADDRESS        METHOD
            local   all       all                  scram-sha-256
            host    all       all   127.0.0.1/32   scram-sha-256
            host    all       all   ::1/128        scram-sha-256
            """;
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterAccess() {
    }

    /** Creates or upgrades the cluster at {@code pgData} as described above; returns the superuser's password. */
    static String prepare(PostgresPrograms programs, Path dataDir, Path pgData) {
        Path passwordFile = dataDir.resolve(PASSWORD_FILE);
        String password = Files.isRegularFile(passwordFile, LinkOption.NOFOLLOW_LINKS)
                ? PrivateFiles.readSecret(passwordFile) : null;
        boolean generated = password == null || password.isEmpty();
        if (generated) {
            password = newPassword();
            PrivateFiles.writeSecret(passwordFile, password);
        }
        if (!Files.isRegularFile(pgData.resolve("PG_VERSION"))) {
            create(programs, dataDir, pgData, passwordFile);
            writeHba(pgData);
            return password;
        }
        if (generated || !hba(pgData).equals(HBA)) {
            LOG.warn("securing the PostgreSQL cluster under {}: from now on every connection needs the superuser's "
                    + "password (in {})", pgData, passwordFile);
            setPassword(programs, pgData, password);
            writeHba(pgData);
        }
        return password;
    }

    private static void create(PostgresPrograms programs, Path dataDir, Path pgData, Path passwordFile) {
        Path scratch = dataDir.resolve("postgres.initdb");
        try {
            PrivateFiles.deleteTree(scratch);
            PostgresPrograms.Result result = programs.run("initdb", List.of("-D", scratch.toString(), "-U", SUPERUSER,
                    "-A", "scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF-8"), null, INITDB_TIMEOUT);
            if (!result.ok()) {
                throw new IllegalStateException("initdb failed (exit " + result.exit() + "):\n" + result.output());
            }
            if (Files.isDirectory(pgData)) {
                try (var entries = Files.list(pgData)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalStateException(pgData + " is not empty but holds no PostgreSQL cluster "
                                + "(no PG_VERSION); move it away to let Gatehouse create a new one");
                    }
                }
                Files.delete(pgData);
            }
            PrivateFiles.move(scratch, pgData);
            LOG.info("created the PostgreSQL cluster under {}", pgData);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the PostgreSQL cluster under " + pgData, e);
        }
    }

    /** Sets the superuser's password in single-user mode (no server may be running over the cluster). */
    private static void setPassword(PostgresPrograms programs, Path pgData, String password) {
        PostgresPrograms.Result result = programs.run("postgres", List.of("--single", "-D", pgData.toString(),
                        "-c", "exit_on_error=on", "-c", "password_encryption=scram-sha-256", SUPERUSER),
                "ALTER ROLE " + SUPERUSER + " WITH PASSWORD '" + password + "';\n", INITDB_TIMEOUT);
        if (!result.ok()) {
            throw new IllegalStateException("could not set the password of the PostgreSQL superuser " + SUPERUSER
                    + " (exit " + result.exit() + "):\n" + result.output());
        }
    }

    private static String hba(Path pgData) {
        try {
            return Files.readString(pgData.resolve("pg_hba.conf"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeHba(Path pgData) {
        PrivateFiles.writeSecret(pgData.resolve("pg_hba.conf"), HBA);
    }

    /** 256 random bits, URL-safe Base64: nothing that needs quoting in SQL, a URL or a shell. */
    private static String newPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
