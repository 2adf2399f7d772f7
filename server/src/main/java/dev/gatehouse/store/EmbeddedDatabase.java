package dev.gatehouse.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default storage: a real PostgreSQL server started from bundled binaries, its data under a persistent
 * directory, with fsync and synchronous commit on (the library's test-grade defaults turned off), so an
 * acknowledged write survives a crash.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts PostgreSQL over {@code dataDir/postgres}, creating it on first use.
     *
     * @param durable false only for throwaway test databases (fsync off)
     */
    public static EmbeddedDatabase start(Path dataDir, boolean durable) {
        try {
            Path pgData = dataDir.resolve("postgres");
            Path binaries = dataDir.resolve("pg-binaries");
            Files.createDirectories(pgData);
            Files.createDirectories(binaries);
            System.setProperty("ot.epg.working-dir", binaries.toString());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(binaries.toFile())
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off")
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("full_page_writes", durable ? "on" : "off");
            return new EmbeddedDatabase(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL under " + dataDir, e);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl("postgres", database);
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
