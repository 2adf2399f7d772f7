package dev.gatehouse.changelog;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every write commits together with its change-log rows, read here straight from the {@code change_log}
 * table: one row per changed object with the global revision, organization, actor, object, action, changed
 * fields, before and after; a failed write appends nothing.
 */
class ChangeLogIT {

    /** One change_log row. */
    record Row(long revision, Long orgId, String occurredAt, String actorType, Long actorId, String keyId,
               String objectType, String objectId, String action, List<String> changedFields, JsonNode before,
               JsonNode after) {
    }

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

    static List<Row> rowsAfter(long revision) {
        return db.withHandle(h -> h.createQuery("SELECT revision, org_id, CAST(occurred_at AS text) AS occurred_at, "
                        + "actor_type, actor_id, key_id, object_type, object_id, action, changed_fields, "
                        + "CAST(before AS text) AS before, CAST(after AS text) AS after FROM change_log "
                        + "WHERE revision > :r ORDER BY revision")
                .bind("r", revision)
                .map((rs, ctx) -> new Row(rs.getLong("revision"), (Long) rs.getObject("org_id"),
                        rs.getString("occurred_at"), rs.getString("actor_type"), (Long) rs.getObject("actor_id"),
                        rs.getString("key_id"), rs.getString("object_type"), rs.getString("object_id"),
                        rs.getString("action"), Arrays.asList((String[]) rs.getArray("changed_fields").getArray()),
                        json(rs.getString("before")), json(rs.getString("after"))))
                .list());
    }

    static long latest() {
        return db.withHandle(h -> h.createQuery("SELECT coalesce(max(revision), 0) FROM change_log").mapTo(Long.class).one());
    }

    static long count(String table) {
        return db.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
    }

    private static JsonNode json(String text) {
        return text == null ? null : Json.readTree(text);
    }

    @Test
    void roleWrites_appendOneRowEach_withActorSnapshotsAndChangedFields() {
        var org = fx.org("close");
        long manager = fx.role(org, "Manager", List.of("manage_organization", "calling", "export", "view_all_leads"));
        long managerId = fx.member(org, "mgr", manager);
        Http.Res key = node.service().post(org.path() + "/members/" + managerId + "/keys", Map.of("name", "k"));
        String keyId = key.get("id").stringValue();
        Http managerKey = node.as(key.get("key").stringValue());
        long start = latest();

        Http.Res created = node.service().post(org.path() + "/roles", Map.of("name", "Dialer", "permissions",
                List.of("calling", "view_all_leads")));
        long role = created.get("id").longValue();
        Http.Res renamed = managerKey.patch(org.path() + "/roles/" + role, Map.of("name", "Caller"));
        Http.Res deleted = managerKey.delete(org.path() + "/roles/" + role);
        assertThat(deleted.status()).isEqualTo(204);

        List<Row> rows = rowsAfter(start);
        assertThat(rows).hasSize(3);
        Row create = rows.get(0);
        assertThat(create.revision()).isEqualTo(start + 1).isEqualTo(created.revision());
        assertThat(create.orgId()).isEqualTo(org.id());
        assertThat(create.actorType()).isEqualTo("service");
        assertThat(create.actorId()).isNull();
        assertThat(create.keyId()).isEqualTo("configured");
        assertThat(create.objectType()).isEqualTo("role");
        assertThat(create.objectId()).isEqualTo(String.valueOf(role));
        assertThat(create.action()).isEqualTo("created");
        assertThat(create.before()).isNull();
        assertThat(create.after()).isEqualTo(created.json());
        assertThat(create.changedFields()).contains("name", "permissions", "visibility").doesNotContain("version", "updated_at");

        Row update = rows.get(1);
        assertThat(update.revision()).isEqualTo(start + 2).isEqualTo(renamed.revision());
        assertThat(update.actorType()).isEqualTo("member");
        assertThat(update.actorId()).isEqualTo(managerId);
        assertThat(update.keyId()).isEqualTo(keyId);
        assertThat(update.action()).isEqualTo("updated");
        assertThat(update.changedFields()).containsExactly("name");
        assertThat(update.before()).isEqualTo(created.json());
        assertThat(update.after()).isEqualTo(renamed.json());

        Row delete = rows.get(2);
        assertThat(delete.revision()).isEqualTo(deleted.revision());
        assertThat(delete.action()).isEqualTo("deleted");
        assertThat(delete.before()).isEqualTo(renamed.json());
        assertThat(delete.after()).isNull();
        assertThat(delete.actorId()).isEqualTo(managerId);
    }

    @Test
    void organizationCreation_commitsAllItsRowsInOneTransaction() {
        long start = latest();
        Http.Res res = node.service().post("/v1/orgs", Map.of("name", "Log Org", "model", "close",
                "admin", Map.of("user_id", "root", "email", "root@example.com")));
        long orgId = res.get("id").longValue();
        List<Row> rows = rowsAfter(start);
        assertThat(rows).extracting(Row::objectType)
                .containsExactly("organization", "role", "role", "role", "role", "member", "api_key");
        assertThat(rows).extracting(Row::revision).containsExactly(start + 1, start + 2, start + 3, start + 4, start + 5,
                start + 6, start + 7);
        assertThat(res.revision()).isEqualTo(start + 7);
        assertThat(rows).extracting(Row::orgId).containsOnly(orgId);
        assertThat(rows).extracting(Row::action).containsOnly("created");
        assertThat(rows).extracting(Row::occurredAt).containsOnly(rows.get(0).occurredAt());
        assertThat(rows.get(5).after()).isEqualTo(res.get("admin_member"));
        Row key = rows.get(6);
        assertThat(key.objectId()).isEqualTo(res.json().at("/admin_key/id").stringValue());
        assertThat(key.after().has("key")).isFalse();
        assertThat(key.after().toString()).doesNotContain(res.json().at("/admin_key/key").stringValue().substring(29));
    }

    @Test
    void memberStatusChanges_areNamedByTheirAction() {
        var org = fx.org("close");
        long member = fx.member(org, "m", fx.roleId(org, "User"));
        long start = latest();
        node.service().patch(org.path() + "/members/" + member, Map.of("status", "deactivated"));
        node.service().patch(org.path() + "/members/" + member, Map.of("status", "active", "first_name", "Back"));
        List<Row> rows = rowsAfter(start);
        assertThat(rows).extracting(Row::action).containsExactly("deactivated", "activated");
        assertThat(rows.get(0).changedFields()).containsExactly("status");
        assertThat(rows.get(1).changedFields()).containsExactly("first_name", "status");
        assertThat(rows.get(1).before().get("status").stringValue()).isEqualTo("deactivated");
    }

    @Test
    void failedWrites_appendNothing_andChangeNothing() {
        var org = fx.org("close");
        long caller = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
        long member = fx.member(org, "m", caller);
        Http userKey = fx.keyFor(org, fx.member(org, "u", fx.roleId(org, "User")));
        String admin = org.path() + "/members/" + org.adminId();
        List<Supplier<Http.Res>> failing = List.of(
                () -> node.service().post(org.path() + "/roles", Map.of("name", "CALLER",
                        "permissions", List.of("view_all_leads"))),
                () -> node.service().post(org.path() + "/members", Map.of("user_id", "m", "email", "other@example.com",
                        "role_id", caller)),
                () -> node.service().patch(admin, Map.of("status", "deactivated")),
                () -> node.service().delete(admin),
                () -> node.service().delete(org.path() + "/roles/" + caller),
                () -> node.service().header("If-Match", "\"7\"").patch(org.path() + "/roles/" + caller, Map.of("name", "X")),
                () -> node.service().post(org.path() + "/roles", Map.of("name", "Y", "permissions", List.of("fly"))),
                () -> userKey.post(org.path() + "/roles", Map.of("name", "Z",
                        "permissions", List.of("calling", "view_all_leads"))),
                () -> node.service().patch(org.path() + "/members/" + member, Map.of("role_id", 999_999)),
                () -> node.service().post("/v1/models", Map.of("id", "close")));
        long before = latest();
        long rows = count("change_log");
        long roles = count("roles");
        long members = count("members");
        for (Supplier<Http.Res> request : failing) {
            Http.Res res = request.get();
            assertThat(res.status()).as("%s", res).isBetween(400, 499);
            assertThat(res.header("Gatehouse-Revision")).isNull();
            assertThat(latest()).as("revision after %s", res).isEqualTo(before);
        }
        assertThat(count("change_log")).isEqualTo(rows);
        assertThat(count("roles")).isEqualTo(roles);
        assertThat(count("members")).isEqualTo(members);
        assertThat(node.revision()).isEqualTo(before);
    }

    @Test
    void aWriteFailingHalfway_leavesNeitherRowsNorRecords() {
        // A model whose system roles cannot manage roles: creating an organization with an admin fails after
        // the organization and its roles were inserted.
        assertThat(node.service().post("/v1/models", Json.readTree("""
                {"id": "headless", "name": "Headless", "categories": [{"key": "c"}],
                 "permissions": [{"key": "read", "category": "c"}, {"key": "manage", "category": "c"}],
                 "system_roles": [{"key": "reader", "name": "Reader", "permissions": ["read"]}],
                 "management": {"roles": "manage", "members": "manage", "assignments": "manage"}}""")).status())
                .isEqualTo(201);
        long before = latest();
        long orgs = count("organizations");
        long roles = count("roles");
        Http.Res res = node.service().post("/v1/orgs", Map.of("name", "Half", "model", "headless",
                "admin", Map.of("user_id", "a", "email", "a@example.com")));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.get("errors").has("admin")).isTrue();
        assertThat(latest()).isEqualTo(before);
        assertThat(count("organizations")).isEqualTo(orgs);
        assertThat(count("roles")).isEqualTo(roles);
        assertThat(node.service().post("/v1/orgs", Map.of("name", "Whole", "model", "headless")).status()).isEqualTo(201);
    }

    @Test
    void revisions_areGapless_andTheNodeHasAppliedThemAll() {
        fx.org("rooms");
        List<Long> revisions = db.withHandle(h -> h.createQuery("SELECT revision FROM change_log ORDER BY revision")
                .mapTo(Long.class).list());
        assertThat(revisions).isNotEmpty();
        for (int i = 0; i < revisions.size(); i++) {
            assertThat(revisions.get(i)).isEqualTo(i + 1L);
        }
        assertThat(node.revision()).isEqualTo(revisions.get(revisions.size() - 1));
    }
}
