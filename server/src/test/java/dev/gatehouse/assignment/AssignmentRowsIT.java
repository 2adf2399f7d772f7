package dev.gatehouse.assignment;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows of {@code assignments} have no foreign keys (the services check what they name, under the
 * organization's lock): what the keys' cascades and refusals did, the services do — a deleted member's assignments
 * go with it, a deleted organization's go with it (and no other's), a role an assignment holds is not deleted.
 * Checked in the table itself, so that no row outlives what it names.
 */
class AssignmentRowsIT {

    static TestNode node;
    static Fixtures fx;
    static Jdbi db;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        db = TestDatabase.jdbi(node.databaseUrl());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aDeletedMembersAssignments_goWithIt() {
        Fixtures.Populated w = fx.populated();
        assertThat(rows("member_id", w.external())).isEqualTo(1);
        Http.Res deleted = node.service().delete(w.org().path() + "/members/" + w.external());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(rows("member_id", w.external())).isZero();
        assertThat(rows("member_id", w.member())).as("another member's").isEqualTo(1);
    }

    @Test
    void aRoleAnAssignmentHolds_isNotDeleted() {
        Fixtures.Populated w = fx.populated();
        Http.Res refused = node.service().delete(w.org().path() + "/roles/" + w.externalRole());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("role_in_use");
        assertThat(rows("role_id", w.externalRole())).isEqualTo(1);
    }

    @Test
    void aDeletedOrganizationsAssignments_goWithIt_andNoOthers() {
        Fixtures.Populated deleted = fx.populated();
        Fixtures.Populated kept = fx.populated();
        assertThat(rows("org_id", deleted.org().id())).isEqualTo(2);
        Http.Res res = node.service().delete(deleted.org().path());
        assertThat(res.status()).as(res.toString()).isIn(200, 204);
        assertThat(rows("org_id", deleted.org().id())).isZero();
        assertThat(rows("org_id", kept.org().id())).isEqualTo(2);
    }

    private static int rows(String column, long id) {
        return db.withHandle(h -> h.createQuery("SELECT count(*) FROM assignments WHERE " + column + " = :id")
                .bind("id", id).mapTo(Integer.class).one());
    }
}
