package dev.gatehouse.assignment;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Plans;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expiry job's look for ended assignments, which every node runs every second, reads the few pages of the
 * time-bound assignments' index however many assignments have no end — also when the table's statistics are stale
 * (autovacuum off here, as it is in effect right after a bulk import). It read the whole table before.
 */
class ExpiredLookupIT {

    static TestNode node;
    static Jdbi db;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl());
        db = TestDatabase.jdbi(node.databaseUrl());
        db.useHandle(h -> h.execute("ALTER TABLE assignments SET (autovacuum_enabled = off)"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static long pagesRead(String sql, String values) throws Exception {
        return Plans.pagesRead(node.databaseUrl(), sql, values);
    }

    @Test
    void findingEndedAssignments_readsTheExpiryIndex_notTheTable() throws Exception {
        Fixtures.Populated w = new Fixtures(node).populated();
        long orgId = w.org().id();
        int pages = db.withHandle(h -> {
            h.createUpdate("INSERT INTO assignments (org_id, resource_type, resource_id, member_id, role_id, created_at, "
                            + "updated_at) SELECT :org, 'room', 'r' || g, :member, :role, now(), now() "
                            + "FROM generate_series(1, 50000) g")
                    .bind("org", orgId).bind("member", w.member()).bind("role", w.internalRole()).execute();
            h.createUpdate("INSERT INTO assignments (org_id, resource_type, resource_id, member_id, role_id, created_at, "
                            + "updated_at, expires_at) VALUES (:org, 'room', 'ended', :member, :role, now(), now(), "
                            + "now() + interval '1 hour')")
                    .bind("org", orgId).bind("member", w.member()).bind("role", w.internalRole()).execute();
            return h.createQuery("SELECT pg_relation_size('assignments') / 8192").mapTo(Integer.class).one();
        });

        // as of a day later, so that the node's own expiry job leaves the one time-bound assignment alone meanwhile
        Instant dayLater = Instant.now().plus(Duration.ofDays(1));
        assertThat(pagesRead(AssignmentStore.ORGANIZATIONS_WITH_EXPIRED, "'" + dayLater + "', 100"))
                .as("pages read looking for ended assignments (the table has %d)", pages).isLessThan(20);
        assertThat(pagesRead(AssignmentStore.DELETE_EXPIRED, orgId + ", '" + dayLater + "'"))
                .as("pages read deleting them (the table has %d)", pages).isLessThan(20);

        List<Long> found = db.withHandle(h -> new AssignmentStore().organizationsWithExpired(h, dayLater, 100));
        assertThat(found).containsExactly(orgId);
    }
}
