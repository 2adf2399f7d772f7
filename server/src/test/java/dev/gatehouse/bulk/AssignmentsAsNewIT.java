package dev.gatehouse.bulk;

import dev.gatehouse.limit.Limits;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.bulk.Bulk.assignment;
import static dev.gatehouse.bulk.Bulk.member;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import's runs of assignments are given as new, without reading which are stored, while its runs have found none
 * stored: an organization's first import of them reads none. When one was stored after all, or the guess made a line
 * fail, the run is given again after reading them, with the outcome (counts, rows, refusals) of a run that read them
 * first — and the runs after it read them, until one finds none again.
 */
class AssignmentsAsNewIT {

    static final List<String> READ = List.of("doc.read", "records.all");
    static final List<String> WRITE = List.of("doc.read", "doc.write", "records.all");
    /** At most 3 members with a role on one resource: a role change of one of them must still pass. */
    static final Limits SMALL = new Limits(1_000, 100_000, 1_000, 20, 3, 5_000, 1_000_000, 1_000_000);
    static final int CHUNK = ImportService.SHARED_CHUNK_LINES + 1;
    /** The statement reading which of a run's assignments are stored (AssignmentStore.findAll). */
    static final String LOOKUP = "CROSS JOIN LATERAL (SELECT org_id, resource_type, resource_id, member_id";
    /** The statement reading how many members hold a role on each of a run's resources (OrgLimits). */
    static final String COUNTS = "SELECT resource_id, count(*) AS n FROM assignments";
    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start(c -> c.withLimits(SMALL));
        fx = new Fixtures(node);
        Bulk.registerDocsModel(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aFirstImport_readsNoAssignments_andAnImportOfTheSameFindsThemAll() {
        Fixtures.Org org = orgWithMembers(100);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2 * CHUNK; i++) {
            lines.add(assignment("doc", "d" + i, "m" + (i % 100), i % 2 == 0 ? "Reader" : "Writer"));
        }

        List<String> first = Statements.of(node, () -> {
            Http.Res res = Bulk.importLines(node.service(), org.id(), "chunk_lines=" + CHUNK, lines);
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            assertThat(res.json().at("/counts/assignment/created").intValue()).isEqualTo(2 * CHUNK);
        });
        assertThat(first).as("no lookup of stored assignments").noneMatch(s -> s.contains(LOOKUP));
        Map<String, String> stored = assignments(org);
        assertThat(stored).hasSize(2 * CHUNK).containsEntry("d0 m0", "Reader").containsEntry("d1 m1", "Writer");
        long revision = latestRevision(org);

        List<String> again = Statements.of(node, () -> {
            Http.Res res = Bulk.importLines(node.service(), org.id(), "chunk_lines=" + CHUNK, lines);
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            assertThat(res.json().at("/counts/assignment/unchanged").intValue()).isEqualTo(2 * CHUNK);
            assertThat(res.json().at("/counts/assignment/created").intValue()).isZero();
        });
        assertThat(again.stream().filter(s -> s.contains(LOOKUP)).count())
                .as("the first chunk's run given again after its guess failed, the second's read at once").isEqualTo(2);
        assertThat(assignments(org)).isEqualTo(stored);
        assertThat(latestRevision(org)).as("nothing recorded").isEqualTo(revision);
    }

    @Test
    void aRunWithSomeStored_givesEachTheOutcomeItWouldHaveAlone() {
        Fixtures.Org org = orgWithMembers(10);
        assertThat(Bulk.importLines(node.service(), org.id(), "", List.of(assignment("doc", "a", "m1", "Reader"),
                assignment("doc", "b", "m2", "Writer"))).status()).isEqualTo(200);

        Http.Res res = Bulk.importLines(node.service(), org.id(), "", List.of(assignment("doc", "new1", "m1", "Reader"),
                assignment("doc", "a", "m1", "Writer"), assignment("doc", "b", "m2", "Writer"),
                assignment("doc", "new2", "m3", "Writer")));

        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.json().at("/counts/assignment").toString())
                .isEqualTo("{\"created\":2,\"updated\":1,\"deleted\":0,\"unchanged\":1}");
        assertThat(assignments(org)).isEqualTo(Map.of("a m1", "Writer", "b m2", "Writer", "new1 m1", "Reader",
                "new2 m3", "Writer"));
    }

    @Test
    void aResourceAtItsLimit_takesARoleChange_andRefusesAFourthMember() {
        Fixtures.Org org = orgWithMembers(10);
        List<String> full = List.of(assignment("doc", "full", "m0", "Reader"),
                assignment("doc", "full", "m1", "Reader"), assignment("doc", "full", "m2", "Reader"));
        assertThat(Bulk.importLines(node.service(), org.id(), "", full).status()).isEqualTo(200);

        Http.Res changed = Bulk.importLines(node.service(), org.id(), "", List.of(
                assignment("doc", "other", "m5", "Reader"), assignment("doc", "full", "m1", "Writer")));
        assertThat(changed.status()).as("%s", changed).isEqualTo(200);
        assertThat(changed.json().at("/counts/assignment/updated").intValue()).isEqualTo(1);
        assertThat(changed.json().at("/counts/assignment/created").intValue()).isEqualTo(1);

        Http.Res fourth = Bulk.importLines(node.service(), org.id(), "", List.of(
                assignment("doc", "another", "m6", "Reader"), assignment("doc", "full", "m3", "Reader")));
        assertThat(fourth.status()).as("%s", fourth).isEqualTo(409);
        assertThat(fourth.get("limit").stringValue()).isEqualTo("assignments_per_resource");
        assertThat(fourth.get("line").longValue()).isEqualTo(2);
        assertThat(assignments(org)).isEqualTo(Map.of("full m0", "Reader", "full m1", "Writer", "full m2", "Reader",
                "other m5", "Reader"));
    }

    /**
     * The database ends the connection while a run given as new reads the counts of its resources: that is the
     * database's failure, not the guess's, and not to be rolled back to the savepoint on a connection that is gone —
     * the import answers the retryable 503 with where to resume, not a 500; resumed there, it loses no line.
     */
    @Test
    void aConnectionEndedUnderARunGivenAsNew_isARetryable503WithWhereToResume() throws Exception {
        Fixtures.Org org = orgWithMembers(10);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < CHUNK; i++) {
            lines.add(member("n" + i, "Reader"));
        }
        for (int i = 0; i < CHUNK; i++) {
            lines.add(assignment("doc", "d" + i, "m" + (i % 10), "Reader"));
        }
        AtomicBoolean ended = new AtomicBoolean();
        SqlStatements config = node.node().core().store().jdbi().getConfig(SqlStatements.class);
        SqlLogger before = config.getSqlLogger();
        // more members than a resource may have holders (SMALL): the second chunk's run reads its resources' counts
        config.setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                if (context.getRenderedSql().startsWith(COUNTS) && ended.compareAndSet(false, true)) {
                    terminate(context.getConnection());
                }
            }
        });
        Http.Res res;
        try {
            res = Bulk.importLines(node.service(), org.id(), "chunk_lines=" + CHUNK, lines);
        } finally {
            config.setSqlLogger(before);
        }

        assertThat(ended).as("the run read its counts").isTrue();
        assertThat(res.status()).as("%s", res).isEqualTo(503);
        assertThat(res.get("code").stringValue()).isEqualTo("database_unavailable");
        assertThat(res.get("line").longValue()).isEqualTo(CHUNK + 1);
        assertThat(res.get("committed_lines").longValue()).isEqualTo(CHUNK);
        assertThat(res.get("resume_from_line").longValue()).isEqualTo(CHUNK + 1);
        assertThat(assignments(org)).as("nothing of the chunk cut off").isEmpty();
        Http.Res resumed = Bulk.importLines(node.service(), org.id(), "chunk_lines=" + CHUNK + "&from_line="
                + res.get("resume_from_line").longValue(), lines);
        assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
        assertThat(resumed.json().at("/counts/assignment/created").intValue()).isEqualTo(CHUNK);
        assertThat(assignments(org)).hasSize(CHUNK);
    }

    /** Has PostgreSQL end the backend of {@code connection}, from another connection, and waits until it has. */
    private static void terminate(Connection connection) {
        try {
            int pid = connection.unwrap(PGConnection.class).getBackendPID();
            try (Handle other = TestDatabase.jdbi(TestDatabase.server().jdbcUrl()).open()) {
                other.createQuery("SELECT pg_terminate_backend(:pid)").bind("pid", pid).mapTo(Boolean.class).one();
                Await.until(Duration.ofSeconds(10), "backend " + pid + " ended", () -> other.createQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid").bind("pid", pid)
                        .mapTo(Long.class).one() == 0);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** An organization on the docs model with roles Reader and Writer and members m0 … m{n-1}. */
    private static Fixtures.Org orgWithMembers(int n) {
        Fixtures.Org org = fx.org("docs");
        List<String> lines = new ArrayList<>(List.of(role("Reader", READ), role("Writer", WRITE)));
        for (int i = 0; i < n; i++) {
            lines.add(member("m" + i, "Reader"));
        }
        Http.Res res = Bulk.importLines(node.service(), org.id(), "", lines);
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        return org;
    }

    private static long latestRevision(Fixtures.Org org) {
        return node.service().get(org.path() + "/events?order=desc&limit=1").json().at("/items/0/revision").longValue();
    }

    /** The organization's assignments as its export gives them: "resource user" to role name. */
    private static Map<String, String> assignments(Fixtures.Org org) {
        Map<String, String> held = new TreeMap<>();
        for (JsonNode line : Bulk.export(node.service(), org.id())) {
            if ("assignment".equals(line.path("type").asString())) {
                held.put(line.at("/resource/id").stringValue() + " " + line.get("user_id").stringValue(),
                        line.get("role").stringValue());
            }
        }
        return held;
    }
}
