package dev.gatehouse.role;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Plans;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which assignments hold a role is asked of the role's organization alone: the table keeps no index on role_id
 * (each assignment written would keep it up), so the question walks the organization's assignments by primary key,
 * never the other organizations'. Statistics stale, as right after a bulk import.
 */
class RoleHoldersIT {

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

    @Test
    void holdersOfARole_areCountedInItsOrganizationAlone() throws Exception {
        Fixtures fx = new Fixtures(node);
        Fixtures.Populated big = fx.populated();
        Fixtures.Populated small = fx.populated();
        int pages = db.withHandle(h -> {
            h.createUpdate("INSERT INTO assignments (org_id, resource_type, resource_id, member_id, role_id, created_at, "
                            + "updated_at) SELECT :org, 'room', 'r' || g, :member, :role, now(), now() "
                            + "FROM generate_series(1, 50000) g")
                    .bind("org", big.org().id()).bind("member", big.member()).bind("role", big.internalRole()).execute();
            return h.createQuery("SELECT pg_relation_size('assignments') / 8192").mapTo(Integer.class).one();
        });

        assertThat(Plans.pagesRead(node.databaseUrl(), RoleStore.ASSIGNMENTS_HOLDING,
                small.org().id() + ", " + small.internalRole()))
                .as("pages read counting a small organization's holders (the table has %d)", pages).isLessThan(20);

        long unused = fx.role(big.org(), "Unused", List.of("canViewRoomDetails"));
        Http.Res refused = node.service().delete(big.org().path() + "/roles/" + big.internalRole());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.get("detail").stringValue()).contains("50001 resource assignments");
        assertThat(node.service().delete(big.org().path() + "/roles/" + unused).status()).isEqualTo(204);
    }
}
