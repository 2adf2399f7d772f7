package dev.gatehouse.member;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows of {@code members} have no foreign keys to their organization and company role (the services check
 * them, under the organization's lock): what the keys' cascade and refusals did, the services do — a deleted
 * organization's members go with it (and with them every row that names them: keys, grants, groups, room places),
 * and no other's; a role a member holds is not deleted; a member is not given another organization's role.
 * Checked in the tables themselves, so that no row outlives what it names.
 */
class MemberRowsIT {

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
    void aDeletedOrganizationsMembers_goWithIt_andEveryRowNamingThem_andNoOthers() {
        Fixtures.Populated deleted = fx.populated();
        Fixtures.Populated kept = fx.populated();
        List<Long> gone = memberIds(deleted.org().id());
        List<Long> staying = memberIds(kept.org().id());
        assertThat(gone).hasSize(3).contains(deleted.member(), deleted.external());
        assertThat(rowsNaming(gone)).as("keys, groups, room places of the members").isPositive();
        int namingKept = rowsNaming(staying);

        Http.Res res = node.service().delete(deleted.org().path());
        assertThat(res.status()).as(res.toString()).isIn(200, 204);

        assertThat(memberIds(deleted.org().id())).isEmpty();
        assertThat(rowsNaming(gone)).isZero();
        assertThat(memberIds(kept.org().id())).isEqualTo(staying);
        assertThat(rowsNaming(staying)).isEqualTo(namingKept);
    }

    @Test
    void aRoleAMemberHolds_isNotDeleted() {
        Fixtures.Populated w = fx.populated();
        Http.Res refused = node.service().delete(w.org().path() + "/roles/" + w.internalRole());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("role_in_use");
        int held = db.withHandle(h -> h.createQuery("SELECT count(*) FROM members m JOIN roles r ON r.id = m.role_id "
                + "AND r.org_id = m.org_id WHERE m.id = :id").bind("id", w.member()).mapTo(Integer.class).one());
        assertThat(held).as("the member's role, in its organization").isEqualTo(1);
    }

    @Test
    void aMemberIsNotGivenAnotherOrganizationsRole_norARoleThatDoesNotExist() {
        Fixtures.Populated w = fx.populated();
        Fixtures.Populated other = fx.populated();
        List<Long> before = memberIds(w.org().id());
        for (long role : List.of(other.internalRole(), Long.MAX_VALUE)) {
            Http.Res added = node.service().post(w.org().path() + "/members", Map.of("user_id", "stray-" + role,
                    "email", "stray" + role + "@example.com", "role_id", role));
            assertThat(added.status()).as(added.toString()).isEqualTo(400);
            Http.Res moved = node.service().patch(w.org().path() + "/members/" + w.member(), Map.of("role_id", role));
            assertThat(moved.status()).as(moved.toString()).isEqualTo(400);
        }
        assertThat(memberIds(w.org().id())).isEqualTo(before);
        long role = db.withHandle(h -> h.createQuery("SELECT role_id FROM members WHERE id = :id")
                .bind("id", w.member()).mapTo(Long.class).one());
        assertThat(role).isEqualTo(w.internalRole());
    }

    private static List<Long> memberIds(long orgId) {
        return db.withHandle(h -> h.createQuery("SELECT id FROM members WHERE org_id = :org ORDER BY id")
                .bind("org", orgId).mapTo(Long.class).list());
    }

    /** Rows of every table with a foreign key to {@code members} that name one of {@code memberIds}. */
    private static int rowsNaming(List<Long> memberIds) {
        return db.withHandle(h -> {
            List<Map<String, Object>> keys = h.createQuery("SELECT c.conrelid::regclass::text AS tbl, a.attname AS col "
                    + "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                    + "WHERE c.contype = 'f' AND c.confrelid = 'members'::regclass").mapToMap().list();
            assertThat(keys).as("tables naming members").hasSizeGreaterThanOrEqualTo(5);
            int rows = 0;
            for (Map<String, Object> key : keys) {
                rows += h.createQuery("SELECT count(*) FROM " + key.get("tbl") + " WHERE " + key.get("col")
                        + " = ANY(:ids)").bind("ids", memberIds.toArray(Long[]::new)).mapTo(Integer.class).one();
            }
            return rows;
        });
    }
}
