package dev.gatehouse.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded production database is durable: fsync and synchronous commit on, data kept across restarts. */
class EmbeddedDatabaseIT {

    @Test
    void durableEmbeddedDatabase_syncsCommits_andKeepsItsData() throws IOException {
        Path dir = Files.createTempDirectory("gatehouse-durable");
        try {
            try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, true)) {
                Jdbi jdbi = Jdbi.create(db.jdbcUrl(), "postgres", "");
                assertThat(show(jdbi, "fsync")).isEqualTo("on");
                assertThat(show(jdbi, "synchronous_commit")).isEqualTo("on");
                assertThat(show(jdbi, "full_page_writes")).isEqualTo("on");
                jdbi.useHandle(h -> h.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('acknowledged')"));
            }
            try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, true)) {
                Jdbi jdbi = Jdbi.create(db.jdbcUrl(), "postgres", "");
                java.util.List<String> kept = jdbi.withHandle(h -> h.createQuery("SELECT v FROM kept")
                        .mapTo(String.class).list());
                assertThat(kept).containsExactly("acknowledged");
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String show(Jdbi jdbi, String setting) {
        return jdbi.withHandle(h -> h.createQuery("SHOW " + setting).mapTo(String.class).one());
    }
}
