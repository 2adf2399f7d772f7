package dev.gatehouse.bench;

import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineBuilder;
import dev.gatehouse.enginefeed.EngineLoader;
import dev.gatehouse.store.Database;
import dev.gatehouse.store.EmbeddedDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Startup rebuild time: fills an embedded PostgreSQL with a {@link Dataset} (COPY into organizations, roles,
 * members and assignments, every constraint of the schema in force), then times
 * {@link EngineLoader#load} into an empty engine, reports the engine's heap, and checks a sample of
 * decisions against the expected answers. The database is kept under the data directory and reused when
 * it already holds the dataset, so later runs measure only the rebuild.
 *
 * <p>Arguments: dataset (default {@code large}), data directory (default
 * {@code /tmp/gatehouse-bench-rebuild}). Run with e.g. {@code java -Xms4g -Xmx4g -cp
 * bench/target/benchmarks.jar dev.gatehouse.bench.RebuildFromPostgres large}.
 */
public final class RebuildFromPostgres {

    private static final String TIME = "2026-01-01 00:00:00+00";
    private static final int CHUNK = 1 << 20;

    private RebuildFromPostgres() {
    }

    public static void main(String[] args) throws Exception {
        Dataset data = Dataset.named(args.length > 0 ? args[0] : "large");
        Path dir = Path.of(args.length > 1 ? args[1] : "/tmp/gatehouse-bench-rebuild", data.name());
        System.out.printf(Locale.ROOT, "dataset %s: %,d organizations, %,d members, %,d assignments; data under %s%n",
                data.name(), data.orgs(), data.members(), data.assignments(), dir);
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir, false);
             Database db = new Database(postgres.jdbcUrl(), EmbeddedDatabase.USER, postgres.password(), 4)) {
            db.migrate();
            Jdbi jdbi = db.jdbi();
            if (holds(jdbi, data)) {
                System.out.println("database already holds the dataset");
            } else {
                long start = System.nanoTime();
                populate(db, data);
                System.out.printf(Locale.ROOT, "populated in %.1f s%n", (System.nanoTime() - start) / 1e9);
            }

            long before = EngineHeap.usedAfterGc();
            EngineBuilder engine = Dataset.newEngine();
            long start = System.nanoTime();
            EngineLoader.load(jdbi, engine.writer());
            double seconds = (System.nanoTime() - start) / 1e9;
            long rows = data.orgs() * 4L + data.members() + data.assignments();
            System.out.printf(Locale.ROOT, "EngineLoader.load: %.1f s (%,.0f rows/s)%n", seconds, rows / seconds);
            long after = EngineHeap.usedAfterGc();
            System.out.printf(Locale.ROOT, "engine heap after full GC: %,d MiB (%.0f bytes per assignment, all included)%n",
                    (after - before) >> 20, (after - before) / (double) data.assignments());
            verify(engine.build(), data);
        }
    }

    private static boolean holds(Jdbi jdbi, Dataset data) {
        return jdbi.withHandle(h -> h.createQuery("SELECT (SELECT count(*) FROM organizations) = :orgs"
                        + " AND (SELECT count(*) FROM members) = :members"
                        + " AND (SELECT count(*) FROM assignments) = :assignments")
                .bind("orgs", (long) data.orgs()).bind("members", data.members())
                .bind("assignments", data.assignments()).mapTo(Boolean.class).one());
    }

    private static void populate(Database db, Dataset data) throws SQLException {
        db.jdbi().useHandle(h -> h.execute("TRUNCATE organizations, roles, members, assignments, change_log CASCADE"));
        copy(db, "organizations (id, account_id, name, model_id, version, created_at, updated_at)", out -> {
            for (int o = 0; o < data.orgs(); o++) {
                long id = Dataset.orgId(o);
                out.accept(id + "\t" + new UUID(0L, id) + "\tOrganization " + id + "\t" + Dataset.MODEL_ID
                        + "\t1\t" + TIME + "\t" + TIME + "\n");
            }
        });
        String[] grants = {null, "{doc.read}", "{doc.read,doc.write}", "{doc.read,doc.write,doc.delete,members.manage}"};
        copy(db, "roles (id, org_id, name, description, permissions, external, default_for_admin, version,"
                + " created_at, updated_at)", out -> {
                    for (int o = 0; o < data.orgs(); o++) {
                        for (int rank = 3; rank >= 1; rank--) {
                            out.accept(Dataset.roleId(o, rank) + "\t" + Dataset.orgId(o) + "\t" + Dataset.ROLE_NAMES[rank]
                                    + "\t\t" + grants[rank] + "\tf\tf\t1\t" + TIME + "\t" + TIME + "\n");
                        }
                    }
                });
        copy(db, "members (id, org_id, user_id, email, role_id, external, status, version, created_at, updated_at)",
                out -> {
                    for (int o = 0; o < data.orgs(); o++) {
                        for (int i = 0; i < data.membersPerOrg(); i++) {
                            long id = data.memberId(o, i);
                            int rank = Dataset.companyRank(o, i);
                            String user = Dataset.userId(id);
                            out.accept(id + "\t" + Dataset.orgId(o) + "\t" + user + "\t" + user + "@example.com\t"
                                    + (rank == 0 ? "\\N\tt" : Dataset.roleId(o, rank) + "\tf") + "\tactive\t1\t"
                                    + TIME + "\t" + TIME + "\n");
                        }
                    }
                });
        copy(db, "assignments (org_id, resource_type, resource_id, member_id, role_id, created_at, updated_at)",
                out -> {
                    for (int o = 0; o < data.orgs(); o++) {
                        for (int d = 0; d < data.docsPerOrg(); d++) {
                            out.accept(Dataset.orgId(o) + "\t" + Dataset.DOC + "\t" + Dataset.docId(d) + "\t"
                                    + data.memberId(o, data.docMember(o, d)) + "\t"
                                    + Dataset.roleId(o, data.docRank(o, d)) + "\t" + TIME + "\t" + TIME + "\n");
                        }
                    }
                });
        db.jdbi().useHandle(h -> {
            for (String table : new String[] {"organizations", "roles", "members"}) {
                h.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), (SELECT max(id) FROM "
                        + table + "))");
            }
            h.execute("VACUUM ANALYZE");
        });
    }

    /** Streams the rows the generator produces into one COPY, in chunks. */
    private static void copy(Database db, String target, Consumer<Consumer<String>> rows) throws SQLException {
        long start = System.nanoTime();
        try (Connection connection = db.dataSource().getConnection()) {
            CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + target + " FROM STDIN");
            StringBuilder chunk = new StringBuilder(CHUNK + 1024);
            long[] count = {0};
            rows.accept(row -> {
                chunk.append(row);
                count[0]++;
                if (chunk.length() >= CHUNK) {
                    flush(in, chunk);
                }
            });
            flush(in, chunk);
            in.endCopy();
            System.out.printf(Locale.ROOT, "  COPY %s: %,d rows in %.1f s%n", target.substring(0, target.indexOf(' ')),
                    count[0], (System.nanoTime() - start) / 1e9);
        }
    }

    private static void flush(CopyIn in, StringBuilder chunk) {
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        try {
            in.writeToCopy(bytes, 0, bytes.length);
        } catch (SQLException e) {
            throw new IllegalStateException("COPY failed: " + e.getMessage(), e);
        }
        chunk.setLength(0);
    }

    /** Every pre-generated check of both kinds must come out as expected from the rebuilt engine. */
    private static void verify(DecisionEngine engine, Dataset data) {
        CheckBenchmark.verify(engine, Checks.company(data, 0.25, 1));
        CheckBenchmark.verify(engine, Checks.resource(data, 0.25, 2));
        System.out.printf(Locale.ROOT, "verified %,d checks against the expected answers%n", 2 * Checks.SIZE);
    }
}
