package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/orgs/{org}/export}: lines the import takes back, at the revision the answer names; importing an
 * organization's export into a new organization gives every member the same decisions there — compared check by
 * check over every permission, with no resource and on each resource — and the same record visibility. Export
 * needs a service key or a member key with the model's management permissions.
 */
class ExportIT {

    static final List<String> PERMISSIONS = List.of("doc.read", "doc.write", "doc.delete", "members.manage",
            "records.all");
    static final List<Map<String, String>> RESOURCES = List.of(Map.of("type", "doc", "id", "d1"),
            Map.of("type", "doc", "id", "d2"), Map.of("type", "doc", "id", "d9"), Map.of("type", "room", "id", "r1"),
            Map.of("type", "room", "id", "r2"));

    /** When carol's role on d1 ends: an export carries it, and the import keeps it. */
    static final String ENDS = "2099-01-01T00:00:00Z";
    /** An end that has passed. */
    static final String PASSED = "2001-01-01T00:00:00Z";

    static TestNode node;
    static Fixtures fx;
    static Fixtures.Org source;
    static Jdbi database;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        database = TestDatabase.jdbi(node.databaseUrl());
        Bulk.registerDocsModel(node);
        source = fx.org("docs");
        long editor = fx.role(source, "Editor", List.of("doc.read", "doc.write", "records.all"));
        long viewer = fx.role(source, "Viewer", List.of("doc.read", "records.all"));
        long limited = fx.role(source, Map.of("name", "Limited", "permissions", List.of("doc.read"),
                "visibility", Map.of("user_field_ids", List.of("owner_id", "rep_id"), "unassigned", "require_assignment")));
        long guest = fx.role(source, Map.of("name", "Guest", "permissions", List.of("doc.read"), "external", true,
                "visibility", Map.of("user_field_ids", List.of("owner_id"), "unassigned", "allow_unassigned")));
        fx.member(source, "alice", editor);
        fx.member(source, "bob", viewer);
        fx.member(source, "carol", limited);
        fx.external(source, "eve");
        fx.member(source, "frank", editor);
        assign("doc", "d1", "alice", viewer);
        assign("doc", "d2", "bob", editor);
        assign("room", "r1", "eve", guest);
        assign("room", "r1", "bob", editor);
        assign("doc", "d9", "frank", editor);
        Http.Res ending = node.service().put(source.path() + "/resources/doc/d1/assignments/carol",
                Map.of("role_id", editor, "expires_at", ENDS));
        assertThat(ending.status()).as("%s", ending).isEqualTo(200);
        Http.Res invited = node.service().post(source.path() + "/members", Map.of("user_id", "gina",
                "email", "gina@docs.test", "role_id", editor, "status", "invited"));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        assign("doc", "d2", "gina", editor);
        assertThat(node.service().patch(source.path() + "/members/frank", Map.of("status", "deactivated")).status())
                .isEqualTo(200);
        long team = node.service().post(source.path() + "/groups", Map.of("name", "Team")).json().get("id").longValue();
        assertThat(node.service().post(source.path() + "/groups/" + team + "/members", Map.of("user_id", "alice"))
                .status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static void assign(String type, String id, String userId, long role) {
        Http.Res res = node.service().put(source.path() + "/resources/" + type + "/" + id + "/assignments/" + userId,
                Map.of("role_id", role));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
    }

    @Test
    void export_isLinesOfOneRevision_namedInTheHeaderAndTheAnswer() {
        Http.Res res = node.service().get(source.path() + "/export");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("Content-Type")).isEqualToIgnoringCase("application/x-ndjson; charset=utf-8");
        List<JsonNode> lines = lines(res.body());
        JsonNode header = lines.get(0);
        assertThat(header.get("type").stringValue()).isEqualTo("header");
        assertThat(header.get("model").stringValue()).isEqualTo("docs");
        assertThat(header.get("revision").longValue()).isEqualTo(res.revision());
        assertThat(lines).extracting(l -> l.get("type").stringValue()).containsSubsequence("header", "role", "member",
                "group", "group_member", "assignment");
        assertThat(lines).filteredOn(l -> l.get("type").stringValue().equals("role"))
                .extracting(l -> l.get("name").stringValue()).containsExactly("Editor", "Viewer", "Limited", "Guest");
        assertThat(lines).filteredOn(l -> l.get("type").stringValue().equals("assignment")).hasSize(7);
        assertThat(lines).filteredOn(l -> l.get("type").stringValue().equals("assignment")
                        && l.get("user_id").stringValue().equals("carol"))
                .extracting(l -> l.path("expires_at").asString(null)).containsExactly(ENDS);
        assertThat(lines).filteredOn(l -> l.get("type").stringValue().equals("member")
                        && l.get("user_id").stringValue().equals("gina"))
                .extracting(l -> l.get("status").stringValue()).containsExactly("invited");
    }

    @Test
    void importOfAnExport_intoANewOrganization_decidesIdentically() {
        Http.Res exported = node.service().get(source.path() + "/export");
        Fixtures.Org copy = fx.org("docs");

        Http.Res imported = Bulk.importBody(node.service(), copy.id(), "", exported.body());

        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        long revision = imported.revision();
        List<String> users = new ArrayList<>();
        for (JsonNode line : lines(exported.body())) {
            if (line.get("type").stringValue().equals("member")) {
                users.add(line.get("user_id").stringValue());
            }
        }
        assertThat(users).contains("alice", "bob", "carol", "eve", "frank", "gina");
        assertThat(decisions(copy, users, revision)).isEqualTo(decisions(source, users, revision));
        assertThat(visibility(copy, users)).isEqualTo(visibility(source, users));
        List<JsonNode> again = lines(node.service().get(copy.path() + "/export").body());
        assertThat(withoutHeader(again)).containsAll(withoutHeader(lines(exported.body())));
        assertThat(node.service().get(copy.path() + "/members/gina").get("status").stringValue())
                .as("an invited member stays invited: no access until it accepts").isEqualTo("invited");
        assertThat(node.service().get(copy.path() + "/resources/doc/d1/assignments/carol").get("expires_at")
                .stringValue()).as("a role that ends keeps its end").isEqualTo(ENDS);
    }

    /**
     * A backup keeps a time-bound role's end, and still imports once that end has passed — into a new organization,
     * into its own, or as its only line: the ended role gives nothing (counted unchanged), and what the member holds
     * there stays as it is. A single request giving a role an end that has passed is still refused.
     */
    @Test
    void anExportWhoseTimeBoundRoleHasEnded_importsAnywhere_andTheEndedRoleGivesNothing() {
        String exported = node.service().get(source.path() + "/export").body();
        // as if taken while carol's role on d1 ran, and imported after it ended
        String aged = exported.replace(ENDS, PASSED);
        assertThat(aged).isNotEqualTo(exported);
        Fixtures.Org copy = fx.org("docs");

        Http.Res restored = Bulk.importBody(node.service(), copy.id(), "", aged);

        assertThat(restored.status()).as("%s", restored).isEqualTo(200);
        JsonNode assignments = restored.get("counts").get("assignment");
        assertThat(assignments.get("created").longValue()).isEqualTo(6);
        assertThat(assignments.get("unchanged").longValue()).as("the ended role").isEqualTo(1);
        assertThat(node.service().get(copy.path() + "/resources/doc/d1/assignments/carol").status())
                .as("an ended role is not given").isEqualTo(404);

        List<JsonNode> before = withoutHeader(lines(node.service().get(source.path() + "/export").body()));
        Http.Res again = Bulk.importBody(node.service(), source.id(), "", aged);
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        again.get("counts").properties().forEach(kind -> assertThat(kind.getValue().get("created").longValue()
                + kind.getValue().get("updated").longValue() + kind.getValue().get("deleted").longValue())
                .as("%s changed in its own organization", kind.getKey()).isZero());
        assertThat(withoutHeader(lines(node.service().get(source.path() + "/export").body())))
                .as("carol keeps her role there until it ends").isEqualTo(before);

        long revision = node.appliedRevision();
        Http.Res lone = Bulk.importLines(node.service(), copy.id(), "", List.of(Bulk.line("type", "assignment",
                "resource", Map.of("type", "doc", "id", "d1"), "user_id", "carol", "role", "Editor",
                "expires_at", PASSED)));
        assertThat(lone.status()).as("%s", lone).isEqualTo(200);
        assertThat(lone.get("counts").get("assignment").get("unchanged").longValue()).isEqualTo(1);
        assertThat(lone.get("counts").get("assignment").get("created").longValue()).isZero();
        assertThat(node.appliedRevision()).as("nothing recorded").isEqualTo(revision);
        assertThat(node.service().get(copy.path() + "/resources/doc/d1/assignments/carol").status()).isEqualTo(404);

        Http.Res single = node.service().put(copy.path() + "/resources/doc/d1/assignments/carol",
                Map.of("role_id", fx.roleId(copy, "Editor"), "expires_at", PASSED));
        assertThat(single.status()).as("%s", single).isEqualTo(400);
        assertThat(single.get("detail").stringValue()).contains("expires_at");
    }

    /**
     * "VIEWERς" and "VIEWERΣ", which the database's lower() tells apart, are one name by full case folding, so no role
     * takes the second now; an organization may still hold both, stored before V21_2 (the second without a key). An
     * import once folded such names into one: the copy had one role with the stronger permissions, held by both
     * members. The export of such an organization is refused at the second role's line as a name taken, and nothing of
     * its chunk is written: no member of the copy holds a role it was not given.
     */
    @Test
    void namesOneByFullCaseFolding_storedBefore_areRefusedAtTheirLine_neverMerged() {
        Fixtures.Org greek = fx.org("docs");
        long weak = fx.role(greek, "VIEWERς", List.of("doc.read", "records.all"));
        long strong = fx.role(greek, "Stronger", List.of("doc.read", "doc.write", "doc.delete", "records.all"));
        fx.member(greek, "weak", weak);
        fx.member(greek, "strong", strong);
        database.useHandle(h -> h.execute("UPDATE roles SET name = 'VIEWERΣ', name_key = NULL WHERE id = ?",
                strong));
        Http.Res exported = node.service().get(greek.path() + "/export");
        List<String> lines = exported.body().lines().toList();
        int second = 0;
        while (!(Json.MAPPER.readTree(lines.get(second)).get("type").stringValue().equals("role")
                && Json.MAPPER.readTree(lines.get(second)).get("name").stringValue().equals("VIEWERΣ"))) {
            second++;
        }
        second++; // lines are numbered from 1
        Fixtures.Org copy = fx.org("docs");

        Http.Res imported = Bulk.importBody(node.service(), copy.id(), "", exported.body());

        assertThat(imported.status()).as("%s", imported).isEqualTo(409);
        assertThat(imported.get("code").stringValue()).isEqualTo("role_name_taken");
        assertThat(imported.get("line").longValue()).as("%s", imported).isEqualTo(second);
        assertThat(node.service().get(copy.path() + "/roles").json().get("items"))
                .extracting(r -> r.get("name").stringValue()).doesNotContain("VIEWERς", "VIEWERΣ");
        assertThat(node.service().get(copy.path() + "/members/strong").status()).isEqualTo(404);
    }

    @Test
    void export_needsAServiceKeyOrTheManagementPermissions() {
        Fixtures.Org org = fx.org("docs");
        long plain = fx.role(org, "Plain", List.of("doc.read", "records.all"));
        long plainMember = fx.member(org, "plain", plain);
        Http plainKey = fx.keyFor(org, plainMember);

        assertThat(node.service().get(org.path() + "/export").status()).isEqualTo(200);
        assertThat(org.admin().get(org.path() + "/export").status()).as("the owner holds members.manage")
                .isEqualTo(200);
        Http.Res refused = plainKey.get(org.path() + "/export");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.get("code").stringValue()).isEqualTo("permission_required");
        Http.Res foreign = org.admin().get(source.path() + "/export");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.get("code").stringValue()).isEqualTo("organization_not_found");

        // an export is the whole organization: who may not see some of its rooms may not export it
        Fixtures.Org rooms = fx.org("rooms");
        fx.room(rooms);
        long managerRole = fx.role(rooms, "Manager", List.of("canManageAccount", "canManageMemberSameAccessLevel",
                "canAddUsersToRooms"));
        Http manager = fx.keyFor(rooms, fx.member(rooms, "mgr", managerRole));
        Http.Res partial = manager.get(rooms.path() + "/export");
        assertThat(partial.status()).as("%s", partial).isEqualTo(403);
        assertThat(partial.get("detail").stringValue()).contains("room");
        long seeing = fx.role(rooms, "Seeing manager", List.of("canManageAccount", "canManageMemberSameAccessLevel",
                "canAddUsersToRooms", "autoAccessToRooms"));
        assertThat(fx.keyFor(rooms, fx.member(rooms, "seer", seeing)).get(rooms.path() + "/export").status())
                .isEqualTo(200);
    }

    @Test
    void theResourceHierarchy_travelsWithTheExport_parentsFirst() throws IOException {
        try (InputStream in = ExportIT.class.getResourceAsStream("/models/sites.json")) {
            assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isIn(201, 409);
        }
        Fixtures.Org sites = fx.org("sites");
        long manager = fx.role(sites, "Manager", List.of("room.view", "room.edit"));
        long viewer = fx.role(sites, "Viewer", List.of("room.view"));
        fx.member(sites, "mia", viewer);
        place(sites, "region", "eu", null);
        place(sites, "office", "paris", Map.of("type", "region", "id", "eu"));
        place(sites, "room", "r1", Map.of("type", "office", "id", "paris"));
        assertThat(node.service().put(sites.path() + "/resources/region/eu/assignments/mia", Map.of("role_id",
                manager)).status()).isEqualTo(200);
        Http.Res exported = node.service().get(sites.path() + "/export");
        List<JsonNode> resources = lines(exported.body()).stream()
                .filter(l -> l.get("type").stringValue().equals("resource")).toList();
        assertThat(resources).extracting(l -> l.get("resource").get("id").stringValue())
                .containsExactly("eu", "paris", "r1");

        Fixtures.Org copy = fx.org("sites");
        Http.Res imported = Bulk.importBody(node.service(), copy.id(), "", exported.body());

        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(imported.get("counts").get("resource").get("created").longValue()).isEqualTo(3);
        Map<String, Object> check = Map.of("user_id", "mia", "permission", "room.edit",
                "resource", Map.of("type", "room", "id", "r1"), "min_revision", imported.revision());
        assertThat(node.service().post(copy.path() + "/check", check).get("allowed").booleanValue())
                .as("the region's role reaches the room through the imported hierarchy").isTrue();
        assertThat(withoutHeader(lines(node.service().get(copy.path() + "/export").body())))
                .as("the copy's own admin aside, the same lines").containsAll(withoutHeader(lines(exported.body())));
        Http.Res again = Bulk.importBody(node.service(), copy.id(), "", exported.body());
        assertThat(again.get("counts").get("resource").get("unchanged").longValue()).isEqualTo(3);
    }

    @Test
    void perMemberGrants_travelWithTheExport() {
        Bulk.registerModel(node, "grants");
        Fixtures.Org granting = fx.org("grants");
        fx.member(granting, "mia", fx.roleId(granting, "Manager"));
        Http.Res granted = node.service().put(granting.path() + "/members/mia/grants",
                Map.of("permissions", List.of("room.delete")));
        assertThat(granted.status()).as("%s", granted).isEqualTo(200);
        Http.Res exported = node.service().get(granting.path() + "/export");
        assertThat(lines(exported.body())).filteredOn(l -> l.get("type").stringValue().equals("grants"))
                .extracting(l -> l.get("user_id").stringValue() + " " + l.get("permissions"))
                .containsExactly("mia [\"room.delete\"]");

        Fixtures.Org copy = fx.org("grants");
        Http.Res imported = Bulk.importBody(node.service(), copy.id(), "", exported.body());

        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(imported.get("counts").get("grants").get("created").longValue()).isEqualTo(1);
        Map<String, Object> check = Map.of("user_id", "mia", "permission", "room.delete", "explain", true,
                "min_revision", imported.revision());
        Http.Res decided = node.service().post(copy.path() + "/check", check);
        assertThat(decided.get("allowed").booleanValue()).as("%s", decided).isTrue();
        assertThat(decided.get("explanation").get("path").stringValue()).isEqualTo("member_grant");
        Http.Res removed = Bulk.importBody(node.service(), copy.id(), "",
                "{\"type\": \"grants\", \"op\": \"delete\", \"user_id\": \"mia\"}\n");
        assertThat(removed.get("counts").get("grants").get("deleted").longValue()).isEqualTo(1);
        assertThat(node.service().post(copy.path() + "/check", Map.of("user_id", "mia", "permission", "room.delete",
                "min_revision", removed.revision())).get("allowed").booleanValue()).isFalse();
    }

    /**
     * A member moved from a role that takes grants to one that takes none keeps its grants stored, and the export
     * carries them: the import into a new organization restores the set as kept (counted {@code kept}), counting for
     * nothing — every decision as in the original — until the member is moved back, which is previewed, judged and
     * hands the grant out in the copy as in the original. The line is judged as any grants line (a member key writes
     * only grants it holds), and a direct {@code PUT} still refuses grants to such a member.
     */
    @Test
    void grantsKeptByAMemberMovedOff_travelWithTheExport_andCountOnceMovedBack() {
        Bulk.registerModel(node, "grants");
        Fixtures.Org original = fx.org("grants");
        long clerk = fx.role(original, "Clerk", List.of("room.view"));
        fx.member(original, "kit", fx.roleId(original, "Manager"));
        fx.member(original, "mo", fx.roleId(original, "Manager"));
        grant(original, "kit", "room.delete");
        grant(original, "mo", "members.manage");
        Http.Res moved = node.service().patch(original.path() + "/members/kit", Map.of("role_id", clerk));
        assertThat(moved.status()).as("%s", moved).isEqualTo(200);
        Http.Res exported = node.service().get(original.path() + "/export");
        assertThat(lines(exported.body())).filteredOn(l -> l.get("type").stringValue().equals("grants"))
                .extracting(l -> l.get("user_id").stringValue() + " " + l.get("permissions"))
                .containsExactly("kit [\"room.delete\"]", "mo [\"members.manage\"]");

        Fixtures.Org copy = fx.org("grants");
        Http.Res imported = Bulk.importBody(node.service(), copy.id(), "", exported.body());

        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(imported.get("counts").get("grants").get("created").longValue()).isEqualTo(2);
        assertThat(imported.get("counts").get("grants").get("kept").longValue()).as("kit's").isEqualTo(1);
        assertThat(node.service().get(copy.path() + "/members/kit/grants").get("permissions").toString())
                .as("restored as stored").isEqualTo("[\"room.delete\"]");
        List<String> users = List.of("kit", "mo");
        List<String> permissions = List.of("room.view", "room.delete", "members.manage", "settings.edit");
        List<Map<String, String>> rooms = List.of(Map.of("type", "room", "id", "r1"));
        assertThat(decisions(copy, users, imported.revision(), permissions, rooms))
                .as("the kept grant counts for nothing in the copy either")
                .isEqualTo(decisions(original, users, imported.revision(), permissions, rooms));
        assertThat(allowed(copy, "kit", "room.delete", imported.revision())).isFalse();
        assertThat(withoutHeader(lines(node.service().get(copy.path() + "/export").body())))
                .containsAll(withoutHeader(lines(exported.body())));
        assertThat(Bulk.importBody(node.service(), copy.id(), "", exported.body()).get("counts").get("grants")
                .toString()).as("again: nothing changes")
                .isEqualTo("{\"created\":0,\"updated\":0,\"deleted\":0,\"unchanged\":2,\"kept\":0}");
        Http.Res direct = node.service().put(copy.path() + "/members/kit/grants",
                Map.of("permissions", List.of("room.delete", "members.manage")));
        assertThat(direct.status()).as("%s", direct).isEqualTo(409);
        assertThat(direct.get("code").stringValue()).isEqualTo("grants_not_taken");

        // an import line restoring kept grants is judged as any grants line: a member key writes only its own
        fx.member(copy, "lu", fx.roleId(copy, "Clerk"));
        Http moKey = fx.keyFor(copy, memberId(copy, "mo"));
        Http.Res beyond = Bulk.importBody(moKey, copy.id(), "", Bulk.body(List.of(
                Bulk.line("type", "grants", "user_id", "lu", "permissions", List.of("room.delete")))));
        assertThat(beyond.status()).as("%s", beyond).isEqualTo(403);
        assertThat(beyond.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(beyond.get("committed_lines").longValue()).isZero();
        Http.Res own = Bulk.importBody(moKey, copy.id(), "", Bulk.body(List.of(
                Bulk.line("type", "grants", "user_id", "lu", "permissions", List.of("members.manage")))));
        assertThat(own.status()).as("%s", own).isEqualTo(200);
        assertThat(own.get("counts").get("grants").get("kept").longValue()).isEqualTo(1);
        assertThat(allowed(copy, "lu", "members.manage", own.revision())).isFalse();

        // moving kit back: previewed alike, refused alike to a key lacking its grant, then handed out alike
        assertThat(previewedGains(copy, "kit")).as("the kept grant among the gains")
                .contains("room.delete organization [kit]").isEqualTo(previewedGains(original, "kit"));
        for (Fixtures.Org org : List.of(original, copy)) {
            Http.Res byMo = fx.keyFor(org, memberId(org, "mo")).patch(org.path() + "/members/kit",
                    Map.of("role_id", fx.roleId(org, "Manager")));
            assertThat(byMo.status()).as("%s", byMo).isEqualTo(403);
            assertThat(byMo.get("code").stringValue()).isEqualTo("privilege_escalation");
            assertThat(byMo.get("detail").stringValue()).contains("room.delete");
        }
        long revision = 0;
        for (Fixtures.Org org : List.of(original, copy)) {
            Http.Res back = node.service().patch(org.path() + "/members/kit",
                    Map.of("role_id", fx.roleId(org, "Manager")));
            assertThat(back.status()).as("%s", back).isEqualTo(200);
            revision = Math.max(revision, back.revision());
        }
        assertThat(decisions(copy, users, revision, permissions, rooms))
                .isEqualTo(decisions(original, users, revision, permissions, rooms));
        Http.Res decided = node.service().post(copy.path() + "/check", Map.of("user_id", "kit",
                "permission", "room.delete", "explain", true, "min_revision", revision));
        assertThat(decided.get("allowed").booleanValue()).as("%s", decided).isTrue();
        assertThat(decided.get("explanation").get("path").stringValue()).isEqualTo("member_grant");
    }

    /**
     * On {@code rooms_v5}, a Manager's flags are its grants: one moved to Agent keeps them, and the export carries
     * them into a new organization, where they count for nothing until it is a Manager again — then as in the
     * original.
     */
    @Test
    void aClassicManagerMovedToAgent_keepsItsFlagsThroughExportAndImport() {
        Fixtures.Org original = fx.org("rooms_v5");
        fx.member(original, "ann", fx.roleId(original, "Manager"));
        grant(original, "ann", "canDeleteCompanyRooms", "canManageCompanyRooms");
        Http.Res moved = node.service().patch(original.path() + "/members/ann",
                Map.of("role_id", fx.roleId(original, "Agent")));
        assertThat(moved.status()).as("%s", moved).isEqualTo(200);
        Http.Res exported = node.service().get(original.path() + "/export");

        Fixtures.Org copy = fx.org("rooms_v5");
        Http.Res imported = Bulk.importBody(node.service(), copy.id(), "", exported.body());

        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(imported.get("counts").get("grants").get("created").longValue()).isEqualTo(1);
        assertThat(imported.get("counts").get("grants").get("kept").longValue()).isEqualTo(1);
        assertThat(node.service().get(copy.path() + "/members/ann/grants").get("permissions").toString())
                .isEqualTo("[\"canDeleteCompanyRooms\",\"canManageCompanyRooms\"]");
        List<String> users = List.of("ann");
        List<String> flags = List.of("canDeleteCompanyRooms", "canManageCompanyRooms", "canCloseRooms",
                "canCreateRooms", "canManageCompanyMembers");
        assertThat(decisions(copy, users, imported.revision(), flags, List.of()))
                .isEqualTo(decisions(original, users, imported.revision(), flags, List.of()));
        assertThat(allowed(copy, "ann", "canDeleteCompanyRooms", imported.revision())).isFalse();

        long revision = 0;
        for (Fixtures.Org org : List.of(original, copy)) {
            Http.Res back = node.service().patch(org.path() + "/members/ann",
                    Map.of("role_id", fx.roleId(org, "Manager")));
            assertThat(back.status()).as("%s", back).isEqualTo(200);
            revision = Math.max(revision, back.revision());
        }
        assertThat(decisions(copy, users, revision, flags, List.of()))
                .isEqualTo(decisions(original, users, revision, flags, List.of()));
        assertThat(allowed(copy, "ann", "canDeleteCompanyRooms", revision)).as("handed out again").isTrue();
    }

    /**
     * Exports left unread hold no database connection: more of them than the node has connections (4 in tests), of an
     * organization whose export fills every socket buffer, and another organization's write still answers at once.
     * Each export once held its read transaction, and so a connection, for as long as its client took to read: a few
     * unread ones left every tenant's writes (and the webhook deliveries, the change feed) waiting for a connection
     * until they failed with 500.
     */
    @Test
    void exportsLeftUnread_holdNoConnection_anotherOrganizationWritesAtOnce() throws InterruptedException {
        Fixtures.Org big = largeOrganization(fx, 30_000);
        Fixtures.Org other = fx.org("docs");
        long viewer = fx.role(other, "Viewer", List.of("doc.read", "records.all"));
        List<RawHttp> unread = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                unread.add(RawHttp.getUnread(node.node().port(), big.path() + "/export", big.adminKey()));
            }
            Thread.sleep(2_000); // the exports reach their reads and fill the sockets

            long started = System.nanoTime();
            Http.Res written = other.admin().post(other.path() + "/members", Map.of("user_id", "writes-at-once",
                    "email", "writes-at-once@other.test", "role_id", viewer));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(written.status()).as("%s", written).isEqualTo(201);
            assertThat(took).as("another organization's write, beside 8 unread exports").isLessThan(Duration.ofSeconds(3));
        } finally {
            unread.forEach(RawHttp::close);
        }
    }

    /**
     * An export that cannot go on once its answer has begun — its thread interrupted, as a stopping node's are — ends
     * its answer as broken, never as a complete one: the lines sent so far would otherwise read as the whole export
     * (a client saw an export cut by a node's stop end as complete, its last line a fragment).
     */
    @Test
    void anExportBrokenOffOnTheServer_endsItsAnswerBroken_notAsComplete() throws Exception {
        Fixtures.Org big = largeOrganization(fx, 20_000);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", node.node().port()), 5_000);
            socket.getOutputStream().write(("GET " + big.path() + "/export HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + big.adminKey() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] start = in.readNBytes(64 * 1024); // the answer has begun, and the sender waits on the socket
            assertThat(new String(start, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            Thread[] exporting = new Thread[1];
            Await.until(Duration.ofSeconds(20), "the export's thread", () -> {
                exporting[0] = Thread.getAllStackTraces().entrySet().stream().filter(t -> Arrays.stream(t.getValue())
                        .anyMatch(f -> f.getMethodName().equals("exportLines"))).map(Map.Entry::getKey)
                        .findFirst().orElse(null);
                return exporting[0] != null;
            });
            exporting[0].interrupt();
            // read until the connection closes, or nothing more comes (a complete answer keeps it open)
            socket.setSoTimeout(5_000);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            boolean closed = false;
            try {
                closed = in.transferTo(rest) >= 0;
            } catch (SocketTimeoutException e) {
                // the answer ended and the connection waits for another request
            }
            assertThat(rest.toString(StandardCharsets.ISO_8859_1)).as("the end of the chunked answer")
                    .doesNotEndWith("\r\n0\r\n\r\n");
            assertThat(closed).as("the connection closed").isTrue();
        }
    }

    /** An organization of {@code members} members (and its admin), imported: its export is several MB. */
    static Fixtures.Org largeOrganization(Fixtures fx, int members) {
        Fixtures.Org org = fx.org("docs");
        List<String> lines = new ArrayList<>();
        lines.add(Bulk.role("Reader", List.of("doc.read", "records.all")));
        for (int i = 0; i < members; i++) {
            lines.add(Bulk.member(String.format("member-%06d-of-a-large-organization", i), "Reader"));
        }
        Http.Res imported = Bulk.importLines(node.service(), org.id(), "", lines);
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        return org;
    }

    private static void grant(Fixtures.Org org, String userId, String... permissions) {
        Http.Res res = node.service().put(org.path() + "/members/" + userId + "/grants",
                Map.of("permissions", List.of(permissions)));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
    }

    private static long memberId(Fixtures.Org org, String userId) {
        return node.service().get(org.path() + "/members/" + userId).get("id").longValue();
    }

    private static boolean allowed(Fixtures.Org org, String userId, String permission, long revision) {
        Http.Res res = node.service().post(org.path() + "/check", Map.of("user_id", userId, "permission", permission,
                "min_revision", revision));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        return res.get("allowed").booleanValue();
    }

    /** What a preview of moving {@code userId} to Manager gains: "permission scope [user ids]" per effect. */
    private static List<String> previewedGains(Fixtures.Org org, String userId) {
        Http.Res res = node.service().post(org.path() + "/preview", Map.of("member",
                Map.of("user_id", userId, "role_id", fx.roleId(org, "Manager")), "all", true));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        List<String> gains = new ArrayList<>();
        res.get("gains").forEach(g -> {
            List<String> users = new ArrayList<>();
            g.get("members").get("items").forEach(m -> users.add(m.get("user_id").stringValue()));
            gains.add(g.get("permission").stringValue() + " " + g.get("where").get("scope").stringValue() + " "
                    + users);
        });
        return gains;
    }

    private static void place(Fixtures.Org org, String type, String id, Map<String, String> parent) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("parent", parent);
        Http.Res res = node.service().put(org.path() + "/resources/" + type + "/" + id, body);
        assertThat(res.status()).as("%s", res).isIn(200, 201);
    }

    /** Every member's answer for every permission, without a resource and on each resource. */
    static Map<String, List<JsonNode>> decisions(Fixtures.Org org, List<String> users, long revision) {
        return decisions(org, users, revision, PERMISSIONS, RESOURCES);
    }

    /** Every member's answer for each of {@code permissions}, without a resource and on each of {@code resources}. */
    static Map<String, List<JsonNode>> decisions(Fixtures.Org org, List<String> users, long revision,
                                                 List<String> permissions, List<Map<String, String>> resources) {
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        for (String user : users) {
            List<Object> checks = new ArrayList<>();
            for (String permission : permissions) {
                checks.add(Map.of("user_id", user, "permission", permission, "min_revision", revision));
                for (Map<String, String> resource : resources) {
                    checks.add(Map.of("user_id", user, "permission", permission, "resource", resource));
                }
            }
            Http.Res res = node.service().post(org.path() + "/check/batch", Map.of("checks", checks));
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            List<JsonNode> answers = new ArrayList<>();
            res.get("results").forEach(r -> {
                ObjectNode answer = ((ObjectNode) r).deepCopy();
                answer.remove("revision");
                answers.add(answer);
            });
            assertThat(answers).as("answers for %s", user).anyMatch(a -> a.has("allowed"));
            out.put(user, answers);
        }
        return out;
    }

    /** Whether each member sees records naming it, someone else, or nobody. */
    static Map<String, List<Boolean>> visibility(Fixtures.Org org, List<String> users) {
        Map<String, List<Boolean>> out = new LinkedHashMap<>();
        for (String user : users) {
            List<Boolean> seen = new ArrayList<>();
            for (Map<String, Object> fields : List.<Map<String, Object>>of(Map.of("owner_id", List.of(user)),
                    Map.of("owner_id", List.of("someone")), Map.of("rep_id", List.of(user)), Map.of())) {
                Http.Res res = node.service().post(org.path() + "/visibility/check", Map.of("user_id", user,
                        "record", Map.of("fields", fields)));
                assertThat(res.status()).as("%s", res).isEqualTo(200);
                seen.add(res.get("visible").booleanValue());
            }
            out.put(user, seen);
        }
        return out;
    }

    static List<JsonNode> lines(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty()) {
                out.add(Json.readTree(line));
            }
        }
        return out;
    }

    static List<JsonNode> withoutHeader(List<JsonNode> lines) {
        return lines.stream().filter(l -> !l.get("type").stringValue().equals("header")).toList();
    }
}
