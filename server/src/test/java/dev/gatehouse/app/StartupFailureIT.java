package dev.gatehouse.app;

import dev.gatehouse.store.EmbeddedDatabase;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} in a process of its own (the server jar's entry point) with a configuration it cannot start with:
 * a bad option value, from the command line or the environment, a port another process holds (the node's, or the one
 * given for the embedded PostgreSQL), an external database
 * that does not answer, a data directory it cannot create or must not use (none named, a file, one shared with other
 * users), a keystore it cannot open, no service key for a database
 * that has run with one, a service key in the form of a member key, another service key than the live nodes'. Each
 * ends with exit code 2 and one line on standard error saying what is wrong and where — never the usage text, a stack trace or a password.
 * And the lines a start that succeeds prints, naming where the node listens; and the embedded PostgreSQL on the port
 * given for it.
 */
class StartupFailureIT {

    /** Removed by JUnit after the tests (a test leaves nothing in /tmp). */
    @TempDir
    static Path temp;

    @Test
    void badOptionValue_isOneLine_namingTheEnvironmentVariableItCameFrom() throws Exception {
        Run fromEnvironment = serve(Map.of("GATEHOUSE_PORT", "abc"));
        assertThat(fromEnvironment.exit()).isEqualTo(2);
        assertThat(fromEnvironment.errLines()).containsExactly("gatehouse: Invalid value for option '--port' "
                + "(from GATEHOUSE_PORT): 'abc' is not an int (gatehouse serve --help lists the options)");

        Run fromCommandLine = serve(Map.of("GATEHOUSE_PORT", "abc"), "--port", "80x");
        assertThat(fromCommandLine.exit()).isEqualTo(2);
        assertThat(fromCommandLine.errLines()).containsExactly("gatehouse: Invalid value for option '--port': "
                + "'80x' is not an int (gatehouse serve --help lists the options)");

        Run unknown = serve(Map.of(), "--prot=8080");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.errLines()).hasSize(1);
        assertThat(unknown.errLines().get(0)).startsWith("gatehouse: Unknown option: '--prot=8080'");
    }

    /**
     * A value the option's own settings refuse (a range, a form) names the variable it came from too, as the parser's
     * refusals do; it once named the option alone, which the operator had not given.
     */
    @Test
    void valueRefusedByItsSettings_namesTheEnvironmentVariableItCameFrom() throws Exception {
        Run poolSize = serve(Map.of("GATEHOUSE_POOL_SIZE", "1"));
        assertThat(poolSize.exit()).isEqualTo(2);
        assertThat(poolSize.errLines()).containsExactly("gatehouse: --pool-size (from GATEHOUSE_POOL_SIZE) must be "
                + "2..200, got 1");

        Run serviceKey = serve(false, Map.of("GATEHOUSE_SERVICE_KEY", "short"));
        assertThat(serviceKey.exit()).isEqualTo(2);
        assertThat(serviceKey.errLines()).containsExactly("gatehouse: --service-key (from GATEHOUSE_SERVICE_KEY) "
                + "must be 16 to 512 characters, got 5");

        Run fromCommandLine = serve(Map.of("GATEHOUSE_POOL_SIZE", "1"), "--pool-size", "300");
        assertThat(fromCommandLine.exit()).isEqualTo(2);
        assertThat(fromCommandLine.errLines()).containsExactly("gatehouse: --pool-size must be 2..200, got 300");
    }

    /**
     * A duration out of its option's range is quoted as it was written, from the command line or the environment: it
     * was quoted as the JDK writes a duration ({@code got PT744H} for {@code 31d}).
     */
    @Test
    void durationOutOfRange_isQuotedAsWritten() throws Exception {
        Run window = serve(Map.of(), "--webhook-retry-window", "31d");
        assertThat(window.exit()).isEqualTo(2);
        assertThat(window.errLines()).containsExactly("gatehouse: --webhook-retry-window must be 1s..30d, got 31d");

        Run timeout = serve(Map.of("GATEHOUSE_WEBHOOK_TIMEOUT", "5m"));
        assertThat(timeout.exit()).isEqualTo(2);
        assertThat(timeout.errLines()).containsExactly("gatehouse: --webhook-timeout (from GATEHOUSE_WEBHOOK_TIMEOUT) "
                + "must be 100ms..2m, got 5m");

        Run idle = serve(Map.of(), "--idle-timeout", "50ms");
        assertThat(idle.exit()).isEqualTo(2);
        assertThat(idle.errLines()).containsExactly("gatehouse: --idle-timeout must be 100ms..1h, got 50ms");
    }

    /**
     * A service key in the form of a member or replica key is refused at start: a request presenting it is taken for
     * such a key, so the node once started with a service key every request was refused with (401). Refused before
     * the database is asked for (here one that does not answer).
     */
    @Test
    void serviceKeyInTheFormOfAMemberOrReplicaKey_isRefused() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        String[] database = {"--port", "0", "--database-url", "postgresql://127.0.0.1:" + closed + "/gatehouse"};
        String memberForm = "ghm_0123456789abcdef01234567_" + "A".repeat(40) + "-_9";
        Run fromEnvironment = serve(false, Map.of("GATEHOUSE_SERVICE_KEY", memberForm), database);
        assertThat(fromEnvironment.exit()).isEqualTo(2);
        assertThat(fromEnvironment.errLines()).containsExactly("gatehouse: --service-key (from GATEHOUSE_SERVICE_KEY) "
                + "has the form of a member or replica key (ghm_ or ghr_, 24 hexadecimal digits, _, 43 characters): "
                + "a request presenting it is taken for such a key, never for the service key; choose a key of "
                + "another form (a generated service key's, ghs_, works too)");

        String replicaForm = memberForm.replace("ghm_", "ghr_");
        Run fromCommandLine = serve(false, Map.of(), Stream.concat(Stream.of("--service-key", replicaForm),
                Stream.of(database)).toArray(String[]::new));
        assertThat(fromCommandLine.exit()).isEqualTo(2);
        assertThat(fromCommandLine.errLines()).hasSize(1);
        assertThat(fromCommandLine.errLines().get(0)).startsWith("gatehouse: --service-key has the form of a member "
                + "or replica key");
        assertThat(fromEnvironment.err() + fromCommandLine.err()).doesNotContain(memberForm, replicaForm);
    }

    /**
     * With an identity provider configured, a service key (or previous service key) of a form a request presenting it
     * is taken for an access token by — three base64url parts joined by dots, the first a JSON object, such as
     * {@code eyJ….x.y} — is refused at start: the node once started, and refused every request made with it as a
     * token that did not verify. Refused before the database is asked for (here one that does not answer).
     */
    @Test
    void serviceKeyInTheFormOfAnAccessToken_isRefusedWithAnIdentityProvider() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        List<String> oidcAndDatabase = List.of("--oidc-issuer", "http://127.0.0.1:" + closed + "/issuer",
                "--oidc-client-id", "gatehouse-console", "--port", "0",
                "--database-url", "postgresql://127.0.0.1:" + closed + "/gatehouse");
        String tokenForm = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + ".operators.service-key";
        Run key = serve(false, Map.of("GATEHOUSE_SERVICE_KEY", tokenForm), oidcAndDatabase.toArray(String[]::new));
        assertThat(key.exit()).isEqualTo(2);
        assertThat(key.errLines()).containsExactly("gatehouse: --service-key (from GATEHOUSE_SERVICE_KEY) has the form "
                + "of an access token (three base64url parts joined by dots, the first a JSON object), and with "
                + "--oidc-issuer a request presenting it is taken for a token of the identity provider, never for the "
                + "service key; choose a key of another form (one without two dots, or a generated service key's, "
                + "ghs_)");

        Run previous = serve(true, Map.of(), Stream.concat(Stream.of("--previous-service-key", tokenForm),
                oidcAndDatabase.stream()).toArray(String[]::new));
        assertThat(previous.exit()).isEqualTo(2);
        assertThat(previous.errLines()).hasSize(1);
        assertThat(previous.errLines().get(0)).startsWith("gatehouse: --previous-service-key has the form of an "
                + "access token");
        assertThat(key.err() + previous.err()).doesNotContain(tokenForm);
    }

    @Test
    void portHeldByAnotherProcess_saysWhichAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Run run = serve(Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password()),
                    "--port", String.valueOf(taken.getLocalPort()), "--database-url", TestDatabase.freshDatabaseUrl(),
                    "--database-user", TestDatabase.USER);
            assertThat(run.exit()).isEqualTo(2);
            assertOneLineError(run, "gatehouse: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use");

            Run everywhere = serve(Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password()),
                    "--host", "0.0.0.0", "--port", String.valueOf(taken.getLocalPort()),
                    "--database-url", TestDatabase.freshDatabaseUrl(), "--database-user", TestDatabase.USER);
            assertThat(everywhere.exit()).isEqualTo(2);
            assertOneLineError(everywhere, "gatehouse: cannot listen on 0.0.0.0:" + taken.getLocalPort()
                    + ": Address already in use");
        }
    }

    /**
     * A port another process holds — the HTTP port, the HTTPS port, the management port — stops the start before the
     * database is asked for (here one that does not answer; the embedded one took half a minute to start first), in
     * one line on standard error: nothing from the web framework beside it.
     */
    @Test
    void portHeldByAnotherProcess_stopsTheStart_beforeTheDatabase() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        String unreachable = "postgresql://127.0.0.1:" + closed + "/gatehouse";
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String port = String.valueOf(taken.getLocalPort());
            for (List<String> options : List.of(List.of("--port", port), List.of("--port", "0", "--tls-port", port),
                    List.of("--port", "0", "--management-port", port))) {
                Run run = serve(Map.of(), Stream.concat(options.stream(), Stream.of("--database-url", unreachable))
                        .toArray(String[]::new));
                assertThat(run.exit()).as(run.err()).isEqualTo(2);
                assertThat(run.err().lines()).as("%s", options).containsExactly("gatehouse: cannot listen on "
                        + "127.0.0.1:" + port + ": Address already in use");
            }
        }
    }

    /**
     * A port taken after the node found it free (here while the node waits on the database, behind the lock its start
     * takes before serving) is reported by the server's own bind, in the same one line, the framework's own report of
     * the failure kept out.
     */
    @Test
    void portTakenWhileTheNodeStarts_isReportedByTheBind_inTheSameOneLine() throws Exception {
        String url = TestDatabase.freshDatabaseUrl();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        Run run;
        try (Connection database = TestDatabase.connect(url)) {
            // the lock a start with a configured key takes to retire stored service keys (KeyService), before HTTP
            database.createStatement().execute("SELECT pg_advisory_lock(7)");
            Started started = start(true, Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password()),
                    "--port", String.valueOf(port), "--database-url", url, "--database-user", TestDatabase.USER);
            try {
                Await.until(Duration.ofMinutes(2), "the node waits for the lock",
                        () -> !started.process().isAlive() || waitsForTheLock(database));
                try (ServerSocket taken = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
                    assertThat(taken.getLocalPort()).isEqualTo(port);
                    database.createStatement().execute("SELECT pg_advisory_unlock(7)");
                    run = finish(started);
                }
            } finally {
                started.process().destroyForcibly();
            }
        }
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).as(run.err()).containsExactly("gatehouse: cannot listen on 127.0.0.1:" + port
                + ": Address already in use");
        assertThat(run.err()).doesNotContain("ERROR", "Failed to start");
    }

    private static boolean waitsForTheLock(Connection database) {
        try (ResultSet waiting = database.createStatement().executeQuery("SELECT count(*) FROM pg_locks "
                + "WHERE locktype = 'advisory' AND objid = 7 AND NOT granted")) {
            return waiting.next() && waiting.getLong(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The port given for the embedded PostgreSQL held by another process stops the start, in one line naming the
     * option and the port: the server never moves to another port, which a firewall policy or a psql would not find.
     */
    @Test
    void embeddedDatabasePortHeldByAnotherProcess_stopsTheStart_namingTheOptionAndThePort() throws Exception {
        Path data = Files.createTempDirectory(temp, "gatehouse-embedded-port-taken");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Run run = serve(Map.of(), "--port", "0", "--data-dir", data.toString(), "--embedded-database-port",
                    String.valueOf(taken.getLocalPort()));
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertThat(run.errLines()).as(run.err()).containsExactly("gatehouse: the embedded PostgreSQL cannot "
                    + "listen on 127.0.0.1:" + taken.getLocalPort() + " (--embedded-database-port): Address already "
                    + "in use");
            assertThat(run.err()).doesNotContain("\tat ", "Exception:", "Usage:");
        }
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).as("no server left running").doesNotExist();
    }

    /**
     * The Unix socket named after the port given for the embedded PostgreSQL held by another server (its lock file
     * naming a live process, here this JVM) stops the start in the same one line, naming the socket: it ended in the
     * server's last forty lines.
     */
    @Test
    void embeddedDatabasePortWhoseUnixSocketAnotherServerHolds_stopsTheStart_namingTheOptionAndThePort()
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        Path lock = Path.of("/tmp", ".s.PGSQL." + port + ".lock"); // the bundled server's socket directory
        Assumptions.assumeFalse(Files.exists(lock), "no server uses the socket of port " + port);
        Path data = Files.createTempDirectory(temp, "gatehouse-embedded-socket-taken");
        Files.writeString(lock, ProcessHandle.current().pid() + "\n/tmp\n");
        try {
            Run run = serve(Map.of(), "--port", "0", "--data-dir", data.toString(), "--embedded-database-port",
                    String.valueOf(port));
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertThat(run.errLines()).as(run.err()).containsExactly("gatehouse: the embedded PostgreSQL cannot "
                    + "listen on 127.0.0.1:" + port + " (--embedded-database-port): another server holds the Unix "
                    + "socket /tmp/.s.PGSQL." + port + " of that port");
        } finally {
            Files.deleteIfExists(lock);
        }
    }

    /**
     * A port for the embedded PostgreSQL out of range, or beside an external database (which it means nothing to), is
     * refused before anything starts, naming the option (and the variable the value came from).
     */
    @Test
    void embeddedDatabasePort_outOfRange_orBesideADatabaseUrl_isRefused() throws Exception {
        String data = Files.createTempDirectory(temp, "gatehouse-embedded-port-refused").toString();
        Run outOfRange = serve(Map.of("GATEHOUSE_EMBEDDED_DATABASE_PORT", "0"), "--port", "0", "--data-dir", data);
        assertThat(outOfRange.exit()).isEqualTo(2);
        assertThat(outOfRange.errLines()).containsExactly("gatehouse: --embedded-database-port (from "
                + "GATEHOUSE_EMBEDDED_DATABASE_PORT) must be 1..65535, got 0");

        Run external = serve(Map.of(), "--port", "0", "--data-dir", data, "--database-url",
                "postgresql://127.0.0.1:1/gatehouse", "--embedded-database-port", "15432");
        assertThat(external.exit()).isEqualTo(2);
        assertThat(external.errLines()).containsExactly("gatehouse: --embedded-database-port is the port of the "
                + "embedded database, which --database-url replaces: give one or the other");
    }

    /**
     * A node given a port for its embedded PostgreSQL ({@code GATEHOUSE_EMBEDDED_DATABASE_PORT}) serves, and the
     * server listens there — for a psql with the password in the data directory — and, killed, is started again
     * there.
     */
    @Test
    void embeddedDatabasePort_isWhereTheEmbeddedPostgresListens_alsoOnceStartedAgain() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        Path data = Files.createTempDirectory(temp, "gatehouse-embedded-port");
        Path pid = data.resolve("postgres").resolve("postmaster.pid");
        Started started = start(true, Map.of("GATEHOUSE_EMBEDDED_DATABASE_PORT", String.valueOf(port)), "--port", "0",
                "--data-dir", data.toString());
        try {
            Await.until(Duration.ofMinutes(5), "the node listens",
                    () -> !started.process().isAlive() || !startupLinesSoFar(started).isEmpty());
            assertThat(started.process().isAlive()).as("the node runs; stderr: %s",
                    Files.readString(started.err())).isTrue();
            Matcher url = Pattern.compile("(http://\\S+)").matcher(startupLinesSoFar(started).get(0));
            assertThat(url.find()).isTrue();
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url.group(1) + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            String password = Files.readString(data.resolve("postgres.password")).strip();
            assertThat(answersOn(port, password)).as("the embedded PostgreSQL answers on 127.0.0.1:%d", port).isTrue();

            String first = postmasterLine(pid, 0);
            ProcessHandle.of(Long.parseLong(first)).orElseThrow().destroyForcibly();
            Await.until(Duration.ofMinutes(2), "the embedded PostgreSQL is started again",
                    () -> !postmasterLine(pid, 0).equals(first) && answersOn(port, password));
            assertThat(postmasterLine(pid, 3)).as("the port in postmaster.pid").isEqualTo(Integer.toString(port));
        } finally {
            started.process().destroy();
            finish(started);
        }
    }

    /** Line {@code index} of a {@code postmaster.pid} (0: the server's process id, 3: its port); "" if none. */
    private static String postmasterLine(Path file, int index) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.size() > index ? lines.get(index).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether the embedded PostgreSQL answers a query on 127.0.0.1:{@code port}. */
    private static boolean answersOn(int port, String password) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                EmbeddedDatabase.USER, password);
             ResultSet one = connection.createStatement().executeQuery("SELECT 1")) {
            return one.next();
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    void unreachableExternalDatabase_namesItWithoutThePassword() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        Run run = serve(Map.of(), "--port", "0", "--database-url",
                "postgresql://gatehouse:s3cret-pw@127.0.0.1:" + closed + "/gatehouse");
        assertThat(run.exit()).isEqualTo(2);
        assertOneLineError(run, "gatehouse: cannot connect to the database at postgresql://***@127.0.0.1:" + closed
                + "/gatehouse: Connection to 127.0.0.1:" + closed + " refused");
        assertThat(run.err()).doesNotContain("s3cret-pw");
    }

    /**
     * A JDBC URL with {@code user:password@} before its host, from the command line or the environment, is refused at
     * once, naming the forms that carry a password: the driver took it for part of the host and the node printed its
     * reason, {@code unknown host gatehouse:<password>@127.0.0.1}, with the password.
     */
    @Test
    void jdbcUrlWithUserAndPasswordBeforeTheHost_isRefused_withoutThePassword() throws Exception {
        String url = "jdbc:postgresql://gatehouse:Sup3rS3cret@127.0.0.1:24797/gatehouse";
        Run option = serve(Map.of(), "--port", "0", "--database-url", url);
        assertThat(option.exit()).as(option.err()).isEqualTo(2);
        assertThat(option.errLines()).as(option.err()).containsExactly("gatehouse: --database-url must not carry "
                + "user:password@ in a jdbc: URL, which the driver does not read: give postgresql://user:password@host/db "
                + "or jdbc:postgresql://host/db?user=…&password=…, got jdbc:postgresql://***@127.0.0.1:24797/gatehouse");
        assertThat(option.out() + option.err()).doesNotContain("Sup3rS3cret");

        Run variable = serve(Map.of("GATEHOUSE_DATABASE_URL", url), "--port", "0");
        assertThat(variable.exit()).as(variable.err()).isEqualTo(2);
        assertOneLineError(variable, "gatehouse: --database-url (from GATEHOUSE_DATABASE_URL) must not carry "
                + "user:password@ in a jdbc: URL");
        assertThat(variable.out() + variable.err()).doesNotContain("Sup3rS3cret");
    }

    /** A password parameter is hidden whatever the case of its name: {@code PASSWORD=} was shown. */
    @Test
    void unreachableExternalDatabase_hidesAPasswordParameterInAnyCase() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        Run run = serve(Map.of(), "--port", "0", "--database-url",
                "jdbc:postgresql://127.0.0.1:" + closed + "/x?PASSWORD=secretpw&user=u");
        assertThat(run.exit()).isEqualTo(2);
        assertOneLineError(run, "gatehouse: cannot connect to the database at jdbc:postgresql://127.0.0.1:" + closed
                + "/x?PASSWORD=***&user=u: Connection to 127.0.0.1:" + closed + " refused");
        assertThat(run.out() + run.err()).doesNotContain("secretpw");
    }

    @Test
    void dataDirectoryThatCannotBeCreated_isNamed() throws Exception {
        Path file = Files.createTempFile(temp, "gatehouse-not-a-directory", ".txt");
        try {
            Run run = serve(Map.of(), "--port", "0", "--data-dir", file.resolve("data").toString());
            assertThat(run.exit()).isEqualTo(2);
            assertOneLineError(run, "gatehouse: cannot create the private directory " + file.resolve("data")
                    + ": Not a directory");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A data directory named by a file, or by a symbolic link to nothing, is said to be so: the message once repeated
     * the path as its reason ({@code cannot create the private directory /x/file: /x/file}).
     */
    @Test
    void dataDirectoryThatIsAFile_orALinkToNothing_isSaidSo() throws Exception {
        Path file = Files.createFile(temp.resolve("gatehouse-data-file"));
        Run run = serve(Map.of(), "--port", "0", "--data-dir", file.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines()).as(run.err()).containsExactly("gatehouse: cannot create the private directory "
                + file + ": it is a file, not a directory");

        Path nowhere = temp.resolve("gatehouse-data-nowhere");
        Path link = Files.createSymbolicLink(temp.resolve("gatehouse-data-link"), nowhere);
        Run linked = serve(Map.of(), "--port", "0", "--data-dir", link.toString());
        assertThat(linked.exit()).isEqualTo(2);
        assertThat(linked.errLines()).as(linked.err()).containsExactly("gatehouse: cannot create the private directory "
                + link + ": it is a symbolic link to nothing (" + nowhere + " does not exist)");
        assertThat(nowhere).doesNotExist();
    }

    /**
     * An empty {@code --data-dir} is refused as every option without a value is, before anything is touched: it named
     * the working directory, which the node made {@code 0700} and filled with its database. The working directory
     * holds a directory where the lock file would go, so that a node taking it for its data directory fails at once.
     */
    @Test
    void emptyDataDirectoryOption_isRefused_andTheWorkingDirectoryIsLeftAlone() throws Exception {
        Path workingDirectory = workingDirectory("gatehouse-cwd-option");
        Run run = serveIn(workingDirectory, Map.of(), "--port", "0", "--data-dir", "");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines()).as(run.err()).containsExactly("gatehouse: --data-dir must name a directory");
        assertUntouched(workingDirectory);
    }

    /**
     * An empty {@code GATEHOUSE_DATA_DIR} is refused as an empty {@code --data-dir} is, naming the variable: earlier
     * versions took it for the working directory, where their database may still be, and taking {@code ./data}
     * instead would start an empty deployment there.
     */
    @Test
    void emptyDataDirectoryVariable_isRefused_namingIt() throws Exception {
        Path workingDirectory = workingDirectory("gatehouse-cwd-variable");
        Run run = serveIn(workingDirectory, Map.of("GATEHOUSE_DATA_DIR", ""), "--port", "0");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines()).as(run.err()).containsExactly("gatehouse: --data-dir (from GATEHOUSE_DATA_DIR) "
                + "must name a directory");
        assertUntouched(workingDirectory);
    }

    /**
     * A shared directory — one others may write into, as {@code /tmp} — is refused as the data directory, its
     * mode left as it is: making it {@code 0700} locked every other user out of it. (A directory others may only
     * read is narrowed, EmbeddedDatabaseIT.) Each holds a directory where the lock file would go, so that a node
     * taking it fails at once.
     */
    @Test
    void sharedDataDirectory_isRefused_andItsModeLeftAsItIs() throws Exception {
        Map<Integer, String> shared = Map.of(01777, "1777", 0757, "0757", 0773, "0773");
        for (Map.Entry<Integer, String> mode : shared.entrySet()) {
            Path data = workingDirectory("gatehouse-shared-" + Integer.toOctalString(mode.getKey()));
            Files.setAttribute(data, "unix:mode", mode.getKey());
            Run run = serve(Map.of(), "--port", "0", "--data-dir", data.toString());
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertThat(run.errLines()).as(run.err()).containsExactly("gatehouse: the data directory " + data
                    + " is shared (mode " + mode.getValue() + ": others may write into it): choose a directory of "
                    + "its own for --data-dir; its mode is left as it is");
            assertThat((int) Files.getAttribute(data, "unix:mode") & 07777).isEqualTo(mode.getKey());
            try (Stream<Path> files = Files.list(data)) {
                assertThat(files).containsExactly(data.resolve("postgres.lock"));
            }
        }
    }

    /**
     * A fresh directory ({@code 0755}) to run {@code serve} in, holding only a directory named as the embedded
     * database's lock file: a node that takes it for its data directory cannot open its lock and stops at once.
     */
    private static Path workingDirectory(String name) throws IOException {
        Path directory = Files.createDirectory(temp.resolve(name));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectory(directory.resolve("postgres.lock"));
        return directory;
    }

    /** {@code directory} as {@link #workingDirectory} made it, and whatever the test put there: nothing more. */
    private static void assertUntouched(Path directory) throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwxr-xr-x");
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString())).doesNotContain("postgres",
                    "postgres-binaries", "postgres.password");
        }
    }

    /**
     * The startup lines name URLs a client can use: an IPv6 host in brackets ({@code http://[::1]:port}: it was
     * {@code http://::1:port}); on the address of every interface ({@code ::}, as {@code 0.0.0.0}) they say so, with
     * the URL that reaches the node from this machine (it was {@code http://localhost:port} alone).
     */
    @Test
    void startupLines_showAnIpv6HostInBrackets_andSayWhenTheNodeListensOnEveryAddress() throws Exception {
        Assumptions.assumeTrue(Files.readString(Path.of("/proc/net/if_inet6")).contains(" lo"),
                "the IPv6 loopback address is configured");
        List<String> lines = startupLines(3, "::1", "--tls-port", "0", "--management-port", "0");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("Gatehouse listening on http://\\[::1]:\\d+");
        assertThat(lines.get(1)).matches("Gatehouse listening on https://\\[::1]:\\d+");
        assertThat(lines.get(2)).matches("Gatehouse metrics on http://\\[::1]:\\d+/metrics");

        List<String> everywhere = startupLines(1, "::");
        assertThat(everywhere).hasSize(1);
        assertThat(everywhere.get(0)).matches("Gatehouse listening on all addresses, port (\\d+) \\(http://localhost:\\1\\)");
    }

    /**
     * The {@code count} lines {@code serve --host host} prints once it listens (over a test database, on random
     * ports, a generated certificate in a data directory of its own), each {@code http} URL answering
     * {@code /healthz}; the node is stopped then.
     */
    private static List<String> startupLines(int count, String host, String... options) throws Exception {
        Started started = start(true, Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password()), null,
                Stream.concat(Stream.of("--host", host, "--port", "0", "--database-url",
                        TestDatabase.freshDatabaseUrl(), "--database-user", TestDatabase.USER, "--data-dir",
                        Files.createTempDirectory(temp, "gatehouse-data").toString()), Stream.of(options))
                        .toArray(String[]::new));
        try {
            Await.until(Duration.ofMinutes(2), "the node prints its addresses",
                    () -> !started.process().isAlive() || startupLinesSoFar(started).size() == count);
            List<String> lines = startupLinesSoFar(started);
            for (String line : lines) {
                Matcher url = Pattern.compile("(http://[^\\s)]+?)(/metrics)?\\)?$").matcher(line);
                if (url.find()) {
                    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(url.group(1) + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(health.statusCode()).as(line).isEqualTo(200);
                }
            }
            return lines;
        } finally {
            started.process().destroy();
            finish(started);
        }
    }

    /** The lines naming where the node listens that a started {@code serve} has printed so far. */
    private static List<String> startupLinesSoFar(Started started) {
        try {
            return Files.readString(started.out(), StandardCharsets.UTF_8).lines()
                    .filter(line -> line.startsWith("Gatehouse ")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A data directory of another user stops the start before anything is unpacked into it: PostgreSQL's programs
     * (run in a user namespace of their own when the node runs as root) could not use it.
     */
    @Test
    void dataDirectoryOfAnotherUser_isNamedWithItsOwner_beforeAnythingIsUnpacked() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory away");
        Path data = Files.createDirectory(temp.resolve("gatehouse-others-data"));
        Files.setAttribute(data, "unix:uid", 65534);
        String owner = Files.getOwner(data).getName();
        Run run = serve(Map.of(), "--port", "0", "--data-dir", data.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertOneLineError(run, "gatehouse: the data directory " + data + " belongs to user " + owner
                + ", not to root whom this node runs as");
        try (Stream<Path> unpacked = Files.list(data)) {
            assertThat(unpacked).isEmpty();
        }
    }

    @Test
    void keystoreThatCannotBeOpened_isNamed() throws Exception {
        Path keystore = Files.createTempFile(temp, "gatehouse-keystore", ".p12");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            try (OutputStream out = Files.newOutputStream(keystore)) {
                store.store(out, "the-right-password".toCharArray());
            }
            Run run = serve(Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password(),
                    "GATEHOUSE_TLS_KEYSTORE_PASSWORD", "a-wrong-password"), "--port", "0", "--tls-port", "0",
                    "--tls-keystore", keystore.toString(), "--database-url", TestDatabase.freshDatabaseUrl(),
                    "--database-user", TestDatabase.USER);
            assertThat(run.exit()).isEqualTo(2);
            assertOneLineError(run, "gatehouse: --tls-keystore: cannot open " + keystore + ": wrong password");
        } finally {
            Files.deleteIfExists(keystore);
        }
    }

    /**
     * A database always run with a configured key, started once without it (an unset variable): exit 2, one line
     * saying to pass the key, and no key printed — nor generated, which would be a second service key.
     */
    @Test
    void noServiceKey_onADatabaseThatHoldsData_isRefused_andPrintsNoKey() throws Exception {
        String url = TestDatabase.freshDatabaseUrl();
        try (TestNode configured = TestNode.startOn(url)) {
            assertThat(configured.service().post("/v1/orgs", Map.of("name", "Data", "model", "close")).status())
                    .isEqualTo(201);
        }
        Run run = serve(false, Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password()), "--port", "0",
                "--database-url", url, "--database-user", TestDatabase.USER);
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertOneLineError(run, "gatehouse: this database holds data but no generated service key: it has run with "
                + "a configured one; give this node that key (--service-key or GATEHOUSE_SERVICE_KEY)");
        assertThat(run.out()).doesNotContain("Service key", "ghs_");
        assertThat(run.err()).doesNotContain("ghs_");
        long serviceKeys = TestDatabase.jdbi(url).withHandle(h -> h.createQuery(
                "SELECT count(*) FROM api_keys WHERE kind = 'service'").mapTo(Long.class).one());
        assertThat(serviceKeys).as("no key generated").isZero();
    }

    /**
     * A node given another service key than the nodes live on its database: exit 2, one line naming the live node and
     * what to give this one, neither key shown. It once started, serving under its own key and refusing the others'.
     */
    @Test
    void anotherServiceKey_thanTheLiveNodes_isRefused() throws Exception {
        String url = TestDatabase.freshDatabaseUrl();
        String otherKey = "another-service-key-0123456789";
        try (TestNode live = TestNode.startOn(url)) {
            Run run = serve(false, Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password(),
                    "GATEHOUSE_SERVICE_KEY", otherKey), "--port", "0", "--database-url", url, "--database-user",
                    TestDatabase.USER);
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertOneLineError(run, "gatehouse: live node(s) " + live.node().nodes().nodeId() + " (seen ");
            assertThat(run.errLines()).as(run.err()).hasSize(1);
            assertThat(run.errLines().get(0)).contains("run on this database with another service key than this "
                    + "node's; give this node the same key (--service-key or GATEHOUSE_SERVICE_KEY), or, to rotate "
                    + "the key, that key as its previous one (--previous-service-key or "
                    + "GATEHOUSE_PREVIOUS_SERVICE_KEY)");
            assertThat(run.out() + run.err()).doesNotContain(otherKey, TestNode.SERVICE_KEY);
            assertThat(live.service().get("/v1/orgs").status()).isEqualTo(200);
        }
    }

    /**
     * A start that fails on something unforeseen (here an organization whose model does not exist, written around
     * the services) is one line too, naming the error: it once ended in picocli's stack trace on standard error.
     */
    @Test
    void unexpectedErrorAtStart_isOneLine_withoutAStackTrace() throws Exception {
        String url = TestDatabase.freshDatabaseUrl();
        long orgId;
        try (TestNode written = TestNode.startOn(url)) {
            orgId = written.service().post("/v1/orgs", Map.of("name", "Data", "model", "close")).json().get("id")
                    .longValue();
        }
        TestDatabase.jdbi(url).useHandle(h -> h.execute("UPDATE organizations SET model_id = 'no-such-model' "
                + "WHERE id = ?", orgId));
        Run run = serve(Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password()), "--port", "0",
                "--database-url", url, "--database-user", TestDatabase.USER);
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertOneLineError(run, "gatehouse: the node could not start: unexpected error ");
        assertThat(run.err()).contains("no-such-model");
        assertThat(run.errLines()).as(run.err()).hasSize(1);
        assertThat(run.errLines().get(0)).endsWith(" (--log-level DEBUG logs where it happened)");
    }

    /** The last line of standard error starts with {@code expected}; no stack trace, no usage text. */
    private static void assertOneLineError(Run run, String expected) {
        List<String> lines = run.errLines();
        assertThat(lines).as(run.err()).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).as(run.err()).startsWith(expected);
        assertThat(run.err()).doesNotContain("\tat ", "Exception:", "Usage:");
    }

    private static Run serve(Map<String, String> environment, String... options) throws IOException,
            InterruptedException {
        return serve(true, environment, options);
    }

    /** {@code serve} with {@code options}, and with the test service key unless {@code withKey} is false. */
    private static Run serve(boolean withKey, Map<String, String> environment, String... options) throws IOException,
            InterruptedException {
        return finish(start(withKey, environment, null, options));
    }

    /** {@code serve} with {@code options} and the test service key, run in {@code workingDirectory}. */
    private static Run serveIn(Path workingDirectory, Map<String, String> environment, String... options)
            throws IOException, InterruptedException {
        return finish(start(true, environment, workingDirectory, options));
    }

    private static Started start(boolean withKey, Map<String, String> environment, String... options)
            throws IOException {
        return start(withKey, environment, null, options);
    }

    /** {@code serve} started (in {@code workingDirectory} unless null), its output going to files {@link #finish} reads. */
    private static Started start(boolean withKey, Map<String, String> environment, Path workingDirectory,
                                 String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        if (withKey) {
            command.addAll(List.of("--service-key", TestNode.SERVICE_KEY));
        }
        if (!List.of(options).contains("--host")) {
            command.addAll(List.of("--host", "127.0.0.1"));
        }
        command.addAll(List.of(options));
        Path out = Files.createTempFile(temp, "gatehouse-out", ".txt");
        Path err = Files.createTempFile(temp, "gatehouse-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        return new Started(builder.start(), command, out, err);
    }

    /** What a started {@code serve} said once it ended (within 3 minutes); its files removed. */
    private static Run finish(Started started) throws IOException, InterruptedException {
        try {
            if (!started.process().waitFor(3, TimeUnit.MINUTES)) {
                throw new AssertionError(started.command() + " still runs after 3 minutes");
            }
            return new Run(started.process().exitValue(), Files.readString(started.out(), StandardCharsets.UTF_8),
                    Files.readString(started.err(), StandardCharsets.UTF_8));
        } finally {
            started.process().destroyForcibly();
            Files.deleteIfExists(started.out());
            Files.deleteIfExists(started.err());
        }
    }

    private record Started(Process process, List<String> command, Path out, Path err) {
    }

    private record Run(int exit, String out, String err) {

        /** Standard error without the log's own lines (they start with the time of day). */
        List<String> errLines() {
            return err.lines().filter(line -> !line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")).toList();
        }
    }
}
