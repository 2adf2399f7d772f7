package dev.gatehouse.app;

import dev.gatehouse.store.DatabaseSettings;
import picocli.CommandLine.Option;

/** The {@code serve} options of the database ({@link DatabaseSettings}), each with its {@code GATEHOUSE_*} variable. */
final class DatabaseOptions {

    @Option(names = "--database-url", defaultValue = "${env:GATEHOUSE_DATABASE_URL}", description = "external PostgreSQL; embedded when unset (GATEHOUSE_DATABASE_URL)")
    String url;

    @Option(names = "--database-user", defaultValue = "${env:GATEHOUSE_DATABASE_USER}", description = "user for --database-url (GATEHOUSE_DATABASE_USER)")
    String user;

    @Option(names = "--database-password", defaultValue = "${env:GATEHOUSE_DATABASE_PASSWORD}", description = "password for --database-url (GATEHOUSE_DATABASE_PASSWORD)")
    String password;

    @Option(names = "--embedded-database-port", defaultValue = "${env:GATEHOUSE_EMBEDDED_DATABASE_PORT}", description = "loopback port of the embedded PostgreSQL, for a fixed firewall policy or psql; not with --database-url (GATEHOUSE_EMBEDDED_DATABASE_PORT, default a free port)")
    Integer embeddedPort;

    @Option(names = "--pool-size", defaultValue = "${env:GATEHOUSE_POOL_SIZE:-8}", description = "database connections (GATEHOUSE_POOL_SIZE, default 8)")
    int poolSize;

    @Option(names = "--write-lanes", defaultValue = "${env:GATEHOUSE_WRITE_LANES}", description = "write lanes: concurrent writes share one transaction and one flush per lane (group commit); 0 for one transaction per write (GATEHOUSE_WRITE_LANES, default half of --pool-size, 1 to 4)")
    Integer writeLanes;

    @Option(names = "--database-probe-interval-ms", defaultValue = "${env:GATEHOUSE_DATABASE_PROBE_INTERVAL_MS:-1000}", description = "how often the node checks that the database answers (GATEHOUSE_DATABASE_PROBE_INTERVAL_MS, default 1000)")
    long probeIntervalMillis;

    @Option(names = "--database-probe-timeout-ms", defaultValue = "${env:GATEHOUSE_DATABASE_PROBE_TIMEOUT_MS:-2000}", description = "a check without an answer this long finds the database unreachable: writes are refused at once, decisions answered from memory (GATEHOUSE_DATABASE_PROBE_TIMEOUT_MS, default 2000)")
    long probeTimeoutMillis;

    /** Durable always: only tests turn synchronous commits off, through {@link DatabaseSettings} directly. */
    DatabaseSettings settings() {
        return new DatabaseSettings(url, user, password, poolSize, true, writeLanes,
                new DatabaseSettings.Probe(probeIntervalMillis, probeTimeoutMillis), embeddedPort);
    }
}
