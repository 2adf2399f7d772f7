package dev.gatehouse.store;

import dev.gatehouse.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded production database: durable, private to the user running Gatehouse (password for every
 * connection, private files), upgraded in place from the trusting clusters of older versions, and never
 * blocked by what an earlier process left behind.
 */
class EmbeddedDatabaseIT {

    /** One server for the tests that only look at it; its data directory was readable by others before. */
    private static Path sharedDir;
    private static EmbeddedDatabase shared;
    private Path dir;

    @BeforeAll
    static void startShared() throws IOException {
        // The test server unpacks the binaries once; every data directory started later in this JVM copies them.
        TestDatabase.server();
        sharedDir = Files.createTempDirectory("gatehouse-embedded");
        Files.setPosixFilePermissions(sharedDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        shared = EmbeddedDatabase.start(sharedDir, false);
    }

    @AfterAll
    static void stopShared() throws IOException {
        shared.close();
        PrivateFiles.deleteTree(sharedDir);
    }

    @BeforeEach
    void createDirectory() throws IOException {
        dir = Files.createTempDirectory("gatehouse-embedded");
    }

    @AfterEach
    void deleteDirectory() throws IOException {
        PrivateFiles.deleteTree(dir);
    }

    @Test
    void durableEmbeddedDatabase_syncsCommits_andKeepsItsData() {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, true)) {
            Jdbi jdbi = Jdbi.create(db.jdbcUrl(), EmbeddedDatabase.USER, db.password());
            assertThat(show(jdbi, "fsync")).isEqualTo("on");
            assertThat(show(jdbi, "synchronous_commit")).isEqualTo("on");
            assertThat(show(jdbi, "full_page_writes")).isEqualTo("on");
            jdbi.useHandle(h -> h.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('acknowledged')"));
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, true)) {
            assertThat(kept(db)).containsExactly("acknowledged");
        }
    }

    @Test
    void everyConnection_needsThePassword_overTcpAndTheUnixSocket() throws Exception {
        EmbeddedDatabase db = shared;
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, ""))
                .isInstanceOf(SQLException.class).hasMessageContaining("SCRAM");
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, "guess"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        try (Connection ok = DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, db.password())) {
            assertThat(ok.isValid(2)).isTrue();
        }
        String socketDir = PostmasterPid.read(sharedDir.resolve(EmbeddedDatabase.CLUSTER)).orElseThrow()
                .socketDirectory();
        Path socket = Path.of(socketDir, ".s.PGSQL." + db.port());
        assertThat(socket).exists();
        assertThat(authenticationRequestedOver(socket)).as("authentication request over %s", socket)
                .isEqualTo("SASL SCRAM-SHA-256");
    }

    @Test
    void dataDirectory_passwordFile_andBinaries_areNotOpenToOtherUsers() throws IOException {
        assertThat(mode(sharedDir)).isEqualTo("rwx------");
        assertThat(mode(sharedDir.resolve(EmbeddedDatabase.CLUSTER))).isEqualTo("rwx------");
        Path passwordFile = sharedDir.resolve(ClusterAccess.PASSWORD_FILE);
        assertThat(mode(passwordFile)).isEqualTo("rw-------");
        assertThat(Files.readString(passwordFile).strip()).isEqualTo(shared.password()).hasSizeGreaterThanOrEqualTo(40);
        Path binaries = sharedDir.resolve(EmbeddedDatabase.BINARIES);
        assertThat(mode(binaries)).isEqualTo("rwx------");
        List<Path> all;
        try (Stream<Path> walk = Files.walk(binaries)) {
            all = walk.filter(p -> !Files.isSymbolicLink(p)).toList();
        }
        assertThat(all).as("unpacked binaries").hasSizeGreaterThan(100)
                .anySatisfy(p -> assertThat(p.getFileName()).hasToString("postgres"));
        for (Path path : all) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            assertThat(mode).as("mode of %s", path).doesNotContain(PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        }
    }

    @Test
    void dataDirectoryReachedThroughALink_isNarrowedItself() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-link"), dir);
        try {
            try (EmbeddedDatabase db = EmbeddedDatabase.start(link, false)) {
                assertThat(kept(db, "SELECT 'serving'")).containsExactly("serving");
                assertThat(mode(dir)).isEqualTo("rwx------");
                assertThat(Files.isSymbolicLink(link)).isTrue();
                assertThat(mode(dir.resolve(EmbeddedDatabase.CLUSTER))).isEqualTo("rwx------");
            }
        } finally {
            Files.deleteIfExists(link);
        }
    }

    @Test
    void secondStartOnTheSameDataDirectory_isRefused_andTheRunningOneIsUntouched() {
        assertThatThrownBy(() -> EmbeddedDatabase.start(sharedDir, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use by another running Gatehouse");
        assertThat(kept(shared, "SELECT 'still serving'")).containsExactly("still serving");
    }

    @Test
    void clusterOfAnOlderVersion_thatTrustedEveryLocalConnection_isSecuredInPlace_andKeepsItsData() throws Exception {
        legacyCluster(dir);
        assertThat(Files.getPosixFilePermissions(dir.resolve(EmbeddedDatabase.LEGACY_BINARIES)))
                .as("the older layout's binaries directory").contains(PosixFilePermission.OTHERS_WRITE);
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, true)) {
            assertThat(db.port()).isPositive();
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, ""))
                    .isInstanceOf(SQLException.class);
            assertThat(kept(db)).containsExactly("written while trusted");
            assertThat(dir.resolve(EmbeddedDatabase.LEGACY_BINARIES)).doesNotExist();
            assertThat(mode(dir.resolve(ClusterAccess.PASSWORD_FILE))).isEqualTo("rw-------");
        }
        String password = Files.readString(dir.resolve(ClusterAccess.PASSWORD_FILE)).strip();
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir, true)) {
            assertThat(again.password()).as("the password is kept across restarts").isEqualTo(password);
            assertThat(kept(again)).containsExactly("written while trusted");
        }
    }

    @Test
    void lostPasswordFile_isReplacedByANewPassword_andTheOldOneStopsWorking() throws IOException {
        String old;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false)) {
            old = db.password();
        }
        Files.delete(dir.resolve(ClusterAccess.PASSWORD_FILE));
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false)) {
            assertThat(db.password()).isNotEqualTo(old);
            assertThat(Files.readString(dir.resolve(ClusterAccess.PASSWORD_FILE)).strip()).isEqualTo(db.password());
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, old))
                    .isInstanceOf(SQLException.class);
            assertThat(kept(db, "SELECT 'works'")).containsExactly("works");
        }
    }

    @Test
    void staleLockFileNamingALiveUnrelatedProcess_doesNotBlockTheStart_andThatProcessIsLeftAlone() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false)) {
            assertThat(db.pid()).isPositive();
        }
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        try {
            Path pgData = dir.resolve(EmbeddedDatabase.CLUSTER);
            // What a server killed with its machine or container leaves, once its process id went to another program.
            Files.writeString(pgData.resolve(PostmasterPid.FILE), unrelated.pid() + "\n" + pgData
                    + "\n1700000000\n5432\n/tmp\n127.0.0.1\n  1234567     8\nready   \n");
            try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false)) {
                assertThat(kept(db, "SELECT 'started'")).containsExactly("started");
                assertThat(db.pid()).isNotEqualTo(unrelated.pid());
            }
            assertThat(unrelated.isAlive()).as("the unrelated process was not signalled").isTrue();
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void orphanStartedOverALinkToTheDataDirectory_isRecognisedAndStopped_byAStartOverTheDirectoryItself()
            throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false)) {
            Jdbi.create(db.jdbcUrl(), EmbeddedDatabase.USER, db.password())
                    .useHandle(h -> h.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the crash')"));
        }
        Path link = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-link"), dir);
        Path pgData = dir.resolve(EmbeddedDatabase.CLUSTER);
        Path linkedPgData = link.resolve(EmbeddedDatabase.CLUSTER);
        PostgresPrograms programs = new PostgresPrograms(PostgresBinaries.install(dir.resolve(EmbeddedDatabase.BINARIES))
                .resolve("bin"));
        // What a node started with --data-dir <link> leaves when it is killed with its watchdog: a server whose
        // command line names the data directory through the link.
        Postmaster orphan = Postmaster.start(programs, linkedPgData, Map.of("listen_addresses", "127.0.0.1"));
        try {
            PostmasterPid file = PostmasterPid.read(pgData).orElseThrow();
            assertThat(file.pid()).isEqualTo(orphan.pid());
            assertThat(file.holder(pgData)).as("seen from the directory itself").isEqualTo(PostmasterPid.Holder.SERVER);
            assertThat(file.holder(linkedPgData)).as("seen through the link").isEqualTo(PostmasterPid.Holder.SERVER);

            try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false)) {
                assertThat(kept(db)).containsExactly("before the crash");
                assertThat(db.pid()).isNotEqualTo(orphan.pid());
            }
            assertThat(file.alive()).as("the orphan was stopped").isFalse();
        } finally {
            ProcessHandle.of(orphan.pid()).ifPresent(ProcessHandle::destroy); // left running when the start failed
            orphan.stop();
            Files.deleteIfExists(link);
        }
    }

    /**
     * Creates a cluster the way versions before the private layout did (binaries unpacked into a
     * world-writable directory, every local connection trusted), writes a row, and stops it.
     */
    private static void legacyCluster(Path dir) throws IOException, SQLException {
        Path pgData = dir.resolve(EmbeddedDatabase.CLUSTER);
        Path binaries = dir.resolve(EmbeddedDatabase.LEGACY_BINARIES);
        Files.createDirectories(pgData);
        Files.createDirectories(binaries);
        String previous = System.getProperty("ot.epg.working-dir");
        System.setProperty("ot.epg.working-dir", binaries.toString());
        try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaries.toFile()).start()) {
            try (Connection trusted = DriverManager.getConnection(legacy.getJdbcUrl("postgres", "postgres"),
                    EmbeddedDatabase.USER, "")) {
                trusted.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('written while trusted')");
            }
        } finally {
            if (previous == null) {
                System.clearProperty("ot.epg.working-dir");
            } else {
                System.setProperty("ot.epg.working-dir", previous);
            }
        }
    }

    /**
     * Opens a session over the Unix socket as the superuser, sending no password, and returns what the server
     * asks for: "OK" when it lets the session in without one, "SASL <mechanisms>" when it demands SCRAM.
     */
    private static String authenticationRequestedOver(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            byte[] parameters = ("user\0" + EmbeddedDatabase.USER + "\0database\0postgres\0\0")
                    .getBytes(StandardCharsets.US_ASCII);
            ByteBuffer startup = ByteBuffer.allocate(8 + parameters.length);
            startup.putInt(8 + parameters.length).putInt(196608).put(parameters).flip();
            while (startup.hasRemaining()) {
                channel.write(startup);
            }
            ByteBuffer header = read(channel, 5);
            byte type = header.get();
            int length = header.getInt();
            ByteBuffer body = read(channel, length - 4);
            if (type != 'R') {
                return "message " + (char) type + ": " + StandardCharsets.US_ASCII.decode(body);
            }
            int request = body.getInt();
            if (request == 0) {
                return "OK";
            }
            if (request != 10) {
                return "authentication request " + request;
            }
            String mechanisms = StandardCharsets.US_ASCII.decode(body).toString();
            return "SASL " + String.join(",", mechanisms.split("\0"));
        }
    }

    private static ByteBuffer read(SocketChannel channel, int bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("the server closed the connection");
            }
        }
        return buffer.flip();
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static List<String> kept(EmbeddedDatabase db) {
        return kept(db, "SELECT v FROM kept");
    }

    private static List<String> kept(EmbeddedDatabase db, String query) {
        return Jdbi.create(db.jdbcUrl(), EmbeddedDatabase.USER, db.password())
                .withHandle(h -> h.createQuery(query).mapTo(String.class).list());
    }

    private static String show(Jdbi jdbi, String setting) {
        return jdbi.withHandle(h -> h.createQuery("SHOW " + setting).mapTo(String.class).one());
    }
}
