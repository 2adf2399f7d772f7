package dev.gatehouse.testing;

import dev.gatehouse.app.Config;
import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.changelog.ChangeLogSettings;
import dev.gatehouse.http.tls.TlsSettings;
import dev.gatehouse.store.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.UnaryOperator;

/** A real Gatehouse node on a random port over a test database, with a known service key. */
public final class TestNode implements AutoCloseable {

    public static final String SERVICE_KEY = "test-service-key-0123456789";

    private final String databaseUrl;
    private final Path dataDir;
    private final Integer tlsPort;
    private final UnaryOperator<Config> tweak;
    private final InstantSource clock;
    private Gatehouse node;

    private TestNode(String databaseUrl, Integer tlsPort, UnaryOperator<Config> tweak, InstantSource clock) {
        this.databaseUrl = databaseUrl;
        this.tlsPort = tlsPort;
        this.tweak = tweak;
        this.clock = clock;
        try {
            this.dataDir = Files.createTempDirectory("gatehouse-node");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node over a fresh, empty database. */
    public static TestNode start() {
        return startOn(TestDatabase.freshDatabaseUrl());
    }

    /** A node over a fresh, empty database, with a configuration changed by {@code tweak}. */
    public static TestNode start(UnaryOperator<Config> tweak) {
        return startOn(TestDatabase.freshDatabaseUrl(), tweak);
    }

    /** Another node over the same database (multi-node tests). */
    public static TestNode startOn(String databaseUrl) {
        return startOn(databaseUrl, UnaryOperator.identity());
    }

    /** A node over the given database with settings changed from the test defaults (kept across restarts). */
    public static TestNode startOn(String databaseUrl, UnaryOperator<Config> tweak) {
        return startOn(databaseUrl, tweak, InstantSource.system());
    }

    /** A node over the given database whose time the test moves ({@link TestClock}), kept across restarts. */
    public static TestNode startOn(String databaseUrl, UnaryOperator<Config> tweak, InstantSource clock) {
        return started(new TestNode(databaseUrl, null, tweak, clock));
    }

    /**
     * A node over a fresh database that also listens with HTTPS on a random port, serving a self-signed
     * certificate generated into its data directory ({@link #httpsBaseUrl()}, {@link #dataDir()}).
     */
    public static TestNode startWithTls() {
        return started(new TestNode(TestDatabase.freshDatabaseUrl(), 0, UnaryOperator.identity(),
                InstantSource.system()));
    }

    /** {@code t} started; a start that fails (as some tests expect) leaves no data directory behind. */
    private static TestNode started(TestNode t) {
        try {
            t.node = Gatehouse.start(t.config(0), t.clock);
        } catch (RuntimeException e) {
            TempTree.delete(t.dataDir);
            throw e;
        }
        return t;
    }

    private Config config(int port) {
        Config config = Config.defaults("127.0.0.1", port, dataDir).withServiceKey(SERVICE_KEY)
                .withDatabase(new DatabaseSettings(databaseUrl, TestDatabase.USER, TestDatabase.password(), 4, false))
                .withChangeLog(ChangeLogSettings.DEFAULTS.withPollMillis(200));
        return tweak.apply(tlsPort == null ? config : config.withTls(TlsSettings.on(tlsPort)));
    }

    /** Stops the node and starts it again over the same database: a restart. */
    public void restart() {
        node.close();
        node = Gatehouse.start(config(0), clock);
    }

    /**
     * {@link #restart()} after {@code down} without a node, listening on the port it listened on: a client's URL
     * stays good.
     */
    public void restartOnItsPort(Duration down) throws InterruptedException {
        int port = node.port();
        node.close();
        Thread.sleep(down.toMillis());
        node = Gatehouse.start(config(port), clock);
    }

    public Gatehouse node() {
        return node;
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + node.port();
    }

    /** The HTTPS base URL; only for nodes started with {@link #startWithTls()}. */
    public String httpsBaseUrl() {
        if (node.tlsPort() == 0) {
            throw new IllegalStateException("this node was started without TLS");
        }
        return "https://127.0.0.1:" + node.tlsPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Http service() {
        return new Http(baseUrl(), SERVICE_KEY);
    }

    public Http as(String key) {
        return new Http(baseUrl(), key);
    }

    public Http anonymous() {
        return new Http(baseUrl(), null);
    }

    /** The change-log revision this node has applied, read in process (the number {@link #revision()} reports). */
    public long appliedRevision() {
        return node.core().feed().applied();
    }

    /** The change-log revision this node has applied, as {@code GET /readyz} reports it. */
    public long revision() {
        Http.Res res = anonymous().get("/readyz");
        if (res.status() != 200) {
            throw new AssertionError("readyz: " + res);
        }
        return res.json().get("revision").longValue();
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            TempTree.delete(dataDir);
        }
    }
}
