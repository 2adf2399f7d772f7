package dev.gatehouse.changelog;

import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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
 * fields, before and after; a failed write appends nothing. The rows of one commit are one unit: they name the
 * commit's last revision, and the engine applies them together, so no decision is answered from inside a commit.
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

    /** What the engine held as each record reached a listener after it, while armed. */
    static final List<Seen> seen = new CopyOnWriteArrayList<>();
    static volatile Function<ChangeRecord, Seen> probe;

    /** A record's revision, and the engine's revision and answer (null: the member is unknown) as it was delivered. */
    record Seen(long revision, long engineRevision, Boolean allowed) {
    }

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        db = TestDatabase.jdbi(node.databaseUrl());
        // the last listener of the feed: every record reaches it after the engine's listener has taken it
        node.node().core().feed().addListener(record -> {
            Function<ChangeRecord, Seen> armed = probe;
            if (armed != null) {
                seen.add(armed.apply(record));
            }
        });
        try (InputStream in = ChangeLogIT.class.getResourceAsStream("/models/docs.json")) {
            Http.Res res = node.service().post("/v1/models", Json.MAPPER.readTree(in));
            assertThat(res.status()).as(res.toString()).isEqualTo(201);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A docs organization and its member {@code w}: company role Editor (doc.write, which docs inherit). */
    record Held(Fixtures.Org org, long member, long viewer) {
    }

    /** {@code w} holds Viewer (no doc.write) on {@code docs} documents {@code D0…}: there Viewer decides alone. */
    static Held heldAsViewer(int docs) {
        Fixtures.Org org = fx.org("docs");
        long editor = fx.role(org, "Editor", List.of("doc.read", "doc.write", "records.all"));
        long viewer = fx.role(org, "Viewer", List.of("doc.read", "records.all"));
        long member = fx.member(org, "w", editor);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < docs; i++) {
            lines.append("{\"type\": \"assignment\", \"resource\": {\"type\": \"doc\", \"id\": \"D").append(i)
                    .append("\"}, \"user_id\": \"w\", \"role\": \"Viewer\"}\n");
        }
        if (docs > 0) {
            Http.Res imported = node.service().raw("POST", org.path() + "/import", lines.toString(),
                    "application/x-ndjson");
            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        }
        return new Held(org, member, viewer);
    }

    /** The engine's answer as the probe sees it; null when it does not know the member (removed). */
    static Boolean engineCheck(long org, long member, String permission, String doc) {
        try {
            return node.node().engine().check(org, member, permission, "doc", doc);
        } catch (NotFoundException e) {
            return null;
        }
    }

    @Test
    void aCommitsRecords_reachTheEngineTogether_atTheCommitsLastRevision() {
        Held held = heldAsViewer(50);
        Boolean writes = engineCheck(held.org().id(), held.member(), "doc.write", "D0");
        assertThat(writes).as("Viewer decides on D0").isEqualTo(Boolean.FALSE);
        long before = latest();

        seen.clear();
        probe = record -> new Seen(record.revision(), node.node().engine().revision(),
                engineCheck(held.org().id(), held.member(), "doc.write", "D0"));
        Http.Res removed = node.service().delete(held.org().path() + "/members/id:" + held.member());
        probe = null;
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
        long last = removed.revision();

        List<Seen> removal = seen.stream().filter(s -> s.revision() > before && s.revision() <= last).toList();
        assertThat(removal).as("the member and its 50 assignments").hasSizeGreaterThan(50);
        assertThat(removal).as("each record of the removal, as it was delivered: the engine held the whole commit")
                .allSatisfy(s -> {
                    assertThat(s.engineRevision()).isEqualTo(last);
                    assertThat(s.allowed()).as("the member is gone, never an Editor on D0 without its Viewer").isNull();
                });
        List<Long> commitLasts = db.withHandle(h -> h.createQuery("SELECT DISTINCT commit_last FROM change_log "
                + "WHERE revision > :r").bind("r", before).mapTo(Long.class).list());
        assertThat(commitLasts).as("every row of the commit names its last revision").containsExactly(last);
    }

    /**
     * An import chunk that deletes a member's assignment on a document and gives it another there: its company role
     * gives nothing on documents, so only a state between the two records would deny it doc.read.
     */
    @Test
    void anImportChunk_replacingAnAssignment_isAppliedWhole() {
        Held held = heldAsViewer(0);
        long nothing = fx.role(held.org(), "Nothing", List.of("records.all"));
        long member = fx.member(held.org(), "m", nothing);
        Http.Res assigned = node.service().put(held.org().path() + "/resources/doc/D0/assignments/id:" + member,
                Map.of("role_id", held.viewer()));
        assertThat(assigned.status()).as(assigned.toString()).isIn(200, 201);
        String chunk = "{\"type\": \"assignment\", \"op\": \"delete\", \"resource\": {\"type\": \"doc\", "
                + "\"id\": \"D0\"}, \"user_id\": \"m\"}\n{\"type\": \"assignment\", \"resource\": {\"type\": "
                + "\"doc\", \"id\": \"D0\"}, \"user_id\": \"m\", \"role\": \"Editor\"}\n";
        long before = latest();

        seen.clear();
        probe = record -> new Seen(record.revision(), node.node().engine().revision(),
                engineCheck(held.org().id(), member, "doc.read", "D0"));
        Http.Res imported = node.service().raw("POST", held.org().path() + "/import", chunk, "application/x-ndjson");
        probe = null;
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        long last = imported.revision();

        List<Seen> replaced = seen.stream().filter(s -> s.revision() > before && s.revision() <= last).toList();
        assertThat(replaced).as("the deletion and the new assignment").hasSize(2);
        assertThat(replaced).as("doc.read on D0 before and after the chunk; never without an assignment there")
                .allSatisfy(s -> {
                    assertThat(s.engineRevision()).isEqualTo(last);
                    assertThat(s.allowed()).isTrue();
                });
        assertThat(engineCheck(held.org().id(), member, "doc.write", "D0")).as("the new assignment").isTrue();
    }

    /**
     * Checks asked over HTTP while a member holding 2,000 assignments is removed answer from before the removal (the
     * Viewer on each document decides: no doc.write) or after it (no member), never from a state in between, where
     * the member would be an Editor on the documents whose assignments were already deleted.
     */
    @Test
    void checksDuringAMembersRemoval_answerFromBeforeOrAfterIt_neverFromInside() throws InterruptedException {
        for (int trial = 0; trial < 3; trial++) {
            Held held = heldAsViewer(2_000);
            List<Map<String, Object>> checks = new ArrayList<>();
            for (int i = 0; i < 2_000; i += 50) {
                checks.add(Map.of("member_id", held.member(), "permission", "doc.write",
                        "resource", Map.of("type", "doc", "id", "D" + i)));
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<String> inside = new CopyOnWriteArrayList<>();
            AtomicInteger answered = new AtomicInteger();
            List<Thread> checkers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                checkers.add(new Thread(() -> {
                    while (!stop.get()) {
                        Http.Res res = node.service().post(held.org().path() + "/check/batch", Map.of("checks", checks));
                        if (res.status() == 200) {
                            answered.incrementAndGet();
                            for (JsonNode result : res.get("results")) {
                                if (result.path("allowed").asBoolean(false)) {
                                    inside.add(res.header("Gatehouse-Revision") + " " + result);
                                }
                            }
                        }
                    }
                }));
            }
            checkers.forEach(Thread::start);
            Thread.sleep(100);
            Http.Res removed = node.service().delete(held.org().path() + "/members/id:" + held.member());
            assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
            Thread.sleep(100);
            stop.set(true);
            for (Thread checker : checkers) {
                checker.join();
            }
            assertThat(answered.get()).as("checks answered before the removal").isPositive();
            assertThat(inside).as("answers from inside the removal's commit (trial %d)", trial).isEmpty();
        }
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
