package dev.gatehouse.role;

import dev.gatehouse.access.Principal;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RolesIT {

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
    void createOrg_seedsSystemRolesOfTheModel() {
        var org = fx.org("close");
        JsonNode items = node.service().get(org.path() + "/roles").json().get("items");
        assertThat(items).extracting(r -> r.get("key").stringValue())
                .containsExactly("admin", "superuser", "user", "restricteduser");
        JsonNode restricted = items.get(3);
        assertThat(restricted.get("system").booleanValue()).isTrue();
        assertThat(restricted.get("editable").booleanValue()).isFalse();
        assertThat(restricted.get("permissions")).extracting(JsonNode::stringValue).containsExactly(
                "delete_own_activities", "delete_own_opportunities", "delete_own_tasks", "calling", "view_all_leads");
        assertThat(items.get(0).get("permissions")).hasSize(24);
    }

    @Test
    void systemRoles_cannotBeEditedOrDeleted() {
        var org = fx.org("close");
        long admin = fx.roleId(org, "Admin");
        assertThat(node.service().patch(org.path() + "/roles/" + admin, Map.of("name", "Boss")).status()).isEqualTo(403);
        assertThat(node.service().delete(org.path() + "/roles/" + admin).status()).isEqualTo(403);
        assertThat(node.service().get(org.path() + "/roles/" + admin).get("name").stringValue()).isEqualTo("Admin");
    }

    @Test
    void names_areUniqueIgnoringCase() {
        var org = fx.org("close");
        fx.role(org, "Closer", List.of("calling", "view_all_leads"));
        Http.Res dup = node.service().post(org.path() + "/roles", Map.of("name", "CLOSER", "permissions",
                List.of("calling", "view_all_leads")));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.get("code").stringValue()).isEqualTo("role_name_taken");
        assertThat(node.service().post(org.path() + "/roles", Map.of("name", "admin", "permissions",
                List.of("view_all_leads"))).status()).isEqualTo(409);
    }

    /**
     * The native API's other optional texts follow the rule of its names and of an office's address: a role's or a
     * webhook's description made of invisible characters alone, or a key's name that shows nothing, is a 400
     * {@code invalid_input} naming the field that writes nothing; a description of {@code ""} is the empty one, as an
     * export writes it. Before, each was stored blank.
     */
    @Test
    void optionalTexts_showingNothing_areRefused_butAnEmptyDescription() {
        var org = fx.org("rooms");
        long before = node.appliedRevision();
        Map<String, Http.Res> refused = Map.of(
                "role description", node.service().post(org.path() + "/roles", Map.of("name", "Described",
                        "description", "\u00a0\u200b", "permissions", List.of())),
                "webhook description", node.service().post(org.path() + "/webhooks", Map.of("url",
                        "https://example.com/blank", "description", " ")),
                "key name", node.service().post(org.path() + "/members/" + org.adminId() + "/keys",
                        Map.of("name", "\u3164")),
                "empty key name", node.service().post(org.path() + "/members/" + org.adminId() + "/keys",
                        Map.of("name", "")));
        refused.forEach((what, res) -> {
            assertThat(res.status()).as("%s: %s", what, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_input");
            String field = what.endsWith("name") ? "name" : "description";
            assertThat(res.get("errors").get(field).stringValue()).as("%s: %s", what, res)
                    .startsWith("must not be blank");
        });
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        Http.Res empty = node.service().post(org.path() + "/roles", Map.of("name", "Described", "description", "",
                "permissions", List.of()));
        assertThat(empty.status()).as("%s", empty).isEqualTo(201);
        assertThat(empty.get("description").stringValue()).isEmpty();
    }

    /**
     * A role's name holds no invisible character but where a person writes one: {@code Agent} followed by a word
     * joiner, or with a zero-width space inside, was a second role looking exactly like the system role Agent, and a
     * no-break space alone a role named by nothing. Spaces of every kind at the ends are trimmed (Java's strip knows no
     * no-break space), so {@code Agent} between them is the name taken; what people write, in every script and with
     * emoji sequences, is taken as sent.
     */
    @Test
    void names_holdingAnInvisibleCharacter_areRefused_andSpacesOfEveryKindAtTheEnds_trimmed() {
        var org = fx.org("rooms_v5");
        JsonNode before = node.service().get(org.path() + "/roles").json().get("items");
        Map<String, String> refused = Map.of(
                "Agent\u2060", "must not begin or end with whitespace or an invisible character, got \"Agent\u2060\" "
                        + "(U+2060 at its end)",
                "Age\u200bnt", "must not hold an invisible character or whitespace other than a space, got "
                        + "\"Age\u200bnt\" (U+200B inside, at position 3)",
                "\u00a0", "must not be blank",
                "\u200b", "must not be blank",
                "\u3000\u2800\u202f", "must not be blank");
        refused.forEach((name, why) -> {
            Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", name, "permissions", List.of()));
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_input");
            assertThat(res.get("errors").get("name").stringValue()).as("%s", res).isEqualTo(why);
        });
        Http.Res padded = node.service().post(org.path() + "/roles", Map.of("name", "\u00a0Agent\u202f",
                "permissions", List.of()));
        assertThat(padded.status()).as("%s", padded).isEqualTo(409);
        assertThat(padded.get("code").stringValue()).isEqualTo("role_name_taken");
        assertThat(node.service().get(org.path() + "/roles").json().get("items")).as("nothing created").isEqualTo(before);

        Http.Res trimmed = node.service().post(org.path() + "/roles", Map.of("name", "\u00a0Closer\u3000",
                "permissions", List.of()));
        assertThat(trimmed.status()).as("%s", trimmed).isEqualTo(201);
        assertThat(trimmed.get("name").stringValue()).isEqualTo("Closer");
        String path = org.path() + "/roles/" + trimmed.get("id").longValue();
        Http.Res renamed = node.service().patch(path, Map.of("name", "Clo\u200bser"));
        assertThat(renamed.status()).as("%s", renamed).isEqualTo(400);
        assertThat(renamed.get("errors").get("name").stringValue()).endsWith("(U+200B inside, at position 3)");
        assertThat(node.service().get(path).get("name").stringValue()).isEqualTo("Closer");

        for (String name : List.of("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", // Persian, a non-joiner inside
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", // a family: man, joiner, woman, joiner, girl
                "Caf\u00e9 \u00d6konomie", "\u0928\u092e\u0938\u094d\u0924\u0947", "Sales @ Berlin",
                "\u05e9\u05dc\u05d5\u05dd", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35", "\ud55c\uad6d\uc5b4 \u65e5\u672c\u8a9e")) {
            Http.Res taken = node.service().post(org.path() + "/roles", Map.of("name", name, "permissions", List.of()));
            assertThat(taken.status()).as("%s: %s", name, taken).isEqualTo(201);
            assertThat(taken.get("name").stringValue()).isEqualTo(name);
        }
    }

    @Test
    void unknownPermissions_areListedInTheError() {
        var org = fx.org("close");
        Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", "X", "permissions",
                List.of("view_all_leads", "fly", "teleport")));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.get("code").stringValue()).isEqualTo("unknown_permission");
        assertThat(res.get("errors").get("permissions").stringValue()).contains("fly", "teleport");
    }

    @Test
    void visibility_requiredWithoutSeesAll_forbiddenWithIt() {
        var org = fx.org("close");
        assertThat(node.service().post(org.path() + "/roles", Map.of("name", "Limited", "permissions",
                List.of("calling"))).status()).isEqualTo(400);
        assertThat(node.service().post(org.path() + "/roles", Map.of("name", "All", "permissions",
                List.of("view_all_leads"), "visibility", Map.of("user_field_ids", List.of("cf_a"),
                        "unassigned", "allow_unassigned"))).status()).isEqualTo(400);
        // settings sent with no field are refused at the field, not as settings left out
        Http.Res none = node.service().post(org.path() + "/roles", Map.of("name", "NoFields", "permissions",
                List.of(), "visibility", Map.of("user_field_ids", List.of(), "unassigned", "allow_unassigned")));
        assertThat(none.status()).as("%s", none).isEqualTo(400);
        assertThat(none.get("errors").get("visibility.user_field_ids").stringValue()).as("%s", none)
                .isEqualTo("at least 1 field (at most 3) without view_all_leads, got none");
        Http.Res ok = node.service().post(org.path() + "/roles", Map.of("name", "Limited", "permissions",
                List.of("calling"), "visibility", Map.of("user_field_ids", List.of("cf_a"),
                        "unassigned", "require_assignment")));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.get("visibility").get("unassigned").stringValue()).isEqualTo("require_assignment");
    }

    /**
     * A user field id with whitespace or an invisible character at an end, or an invisible one inside, names no field:
     * a role holding only such, requiring assignment, would see no record. It is refused naming the character, through
     * {@code /v1} as through Close (it was stored as sent).
     */
    @Test
    void visibility_aFieldIdWithAnInvisibleCharacter_isRefusedNamingIt() {
        var org = fx.org("close");
        for (String field : List.of(" cf_owner", "cf_owner\u00a0", "cf_\u200bowner", "\u00a0")) {
            Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", "Hidden field", "permissions",
                    List.of("calling"), "visibility", Map.of("user_field_ids", List.of(field),
                            "unassigned", "require_assignment")));
            assertThat(res.status()).as("%s: %s", field, res).isEqualTo(400);
            assertThat(res.get("errors").get("visibility.user_field_ids").stringValue()).as(field)
                    .containsAnyOf("U+", "must not be blank");
        }
        assertThat(node.service().get(org.path() + "/roles").json().toString()).doesNotContain("Hidden field");
        // judged as sent: a role stored before the rule keeps its ids through a change of something else
        long stored = fx.role(org, Map.of("name", "Stored before", "permissions", List.of("calling"), "visibility",
                Map.of("user_field_ids", List.of("cf_owner"), "unassigned", "require_assignment")));
        node.node().core().store().jdbi().useHandle(h -> h.createUpdate("UPDATE roles SET visibility = "
                + "jsonb_set(visibility, '{user_field_ids,0}', '\" cf_owner\"') WHERE id = :id").bind("id", stored)
                .execute());
        Http.Res renamed = node.service().patch(org.path() + "/roles/" + stored, Map.of("name", "Renamed"));
        assertThat(renamed.status()).as("%s", renamed).isEqualTo(200);
        assertThat(renamed.get("visibility").get("user_field_ids").get(0).stringValue()).isEqualTo(" cf_owner");
        // ...and through a change of its visibility's other half, which sends the ids back as they are
        Http.Res widened = node.service().patch(org.path() + "/roles/" + stored, Map.of("visibility",
                Map.of("user_field_ids", List.of(" cf_owner"), "unassigned", "allow_unassigned")));
        assertThat(widened.status()).as("%s", widened).isEqualTo(200);
        assertThat(widened.get("visibility").get("unassigned").stringValue()).isEqualTo("allow_unassigned");
        assertThat(widened.get("visibility").get("user_field_ids").get(0).stringValue()).isEqualTo(" cf_owner");
        // a new such id beside it is judged as sent
        Http.Res added = node.service().patch(org.path() + "/roles/" + stored, Map.of("visibility",
                Map.of("user_field_ids", List.of(" cf_owner", "cf_agent\u00a0"), "unassigned", "allow_unassigned")));
        assertThat(added.status()).as("%s", added).isEqualTo(400);
        assertThat(added.get("errors").get("visibility.user_field_ids").stringValue()).contains("U+00A0");
    }

    @Test
    void delete_refusedWhileMembersHoldRole() {
        var org = fx.org("close");
        long role = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
        long member = fx.member(org, "u1", role);
        Http.Res refused = node.service().delete(org.path() + "/roles/" + role);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("role_in_use");
        assertThat(refused.get("detail").stringValue()).isEqualTo("role " + role + " is held by 1 member; move it to "
                + "another role first");
        node.service().patch(org.path() + "/members/" + member, Map.of("role_id", fx.roleId(org, "User")));
        assertThat(node.service().delete(org.path() + "/roles/" + role).status()).isEqualTo(204);
    }

    @Test
    void delete_refusedWhileHeld_carriesItsHolders_whichTheProblemDoesNotShow() {
        var org = fx.org("close");
        long role = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
        fx.member(org, "h1", role);
        fx.member(org, "h2", role);
        RoleService roles = node.node().directory().roles();
        assertThatThrownBy(() -> roles.delete(new Principal.Service("test"), org.id(), role, null))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.code()).isEqualTo("role_in_use");
                    assertThat(e.subject(RoleHolders.class)).contains(new RoleHolders(role, 2, 0, 0));
                });
        Http.Res refused = node.service().delete(org.path() + "/roles/" + role);
        assertThat(refused.json().propertyNames()).containsExactly("type", "title", "status", "code", "detail");
    }

    @Test
    void patch_withStaleIfMatch_is412() {
        var org = fx.org("close");
        long role = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
        Http.Res first = node.service().header("If-Match", "\"1\"").patch(org.path() + "/roles/" + role,
                Map.of("name", "Caller 2"));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("ETag")).isEqualTo("\"2\"");
        Http.Res stale = node.service().header("If-Match", "\"1\"").patch(org.path() + "/roles/" + role,
                Map.of("name", "Caller 3"));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(node.service().get(org.path() + "/roles/" + role).get("name").stringValue()).isEqualTo("Caller 2");
    }

    /**
     * If-Match compares strongly and names one version as the ETag writes it: a weak tag never matches (412), and a
     * version spelled otherwise, or two headers, are a 400 (each was taken for the current version, and the write
     * went through).
     */
    @Test
    void ifMatch_isTheETagAsGiven_weakTagsNeverMatch() {
        var org = fx.org("close");
        long role = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
        String path = org.path() + "/roles/" + role;
        Http.Res weak = node.service().header("If-Match", "W/\"1\"").patch(path, Map.of("name", "Weak"));
        assertThat(weak.status()).as(weak.toString()).isEqualTo(412);
        for (String spelling : List.of("\"01\"", "\"1", "1\"", "\"+1\"", "\"1\", \"2\"")) {
            Http.Res odd = node.service().header("If-Match", spelling).patch(path, Map.of("name", "Odd"));
            assertThat(odd.status()).as(spelling + ": " + odd).isEqualTo(400);
            assertThat(odd.get("code").stringValue()).isEqualTo("invalid_if_match");
        }
        try (RawHttp twice = RawHttp.connect(node.node().port())) {
            String body = "{\"name\": \"Twice\"}";
            RawHttp.Response res = twice.send("PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TestNode.SERVICE_KEY + "\r\nIf-Match: \"1\"\r\nIf-Match: \"7\"\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).read(java.time.Duration.ofSeconds(5));
            assertThat(res.status()).as(res.body()).isEqualTo(400);
        }
        try (RawHttp utf8 = RawHttp.connect(node.node().port())) {
            // the UTF-8 of U+0665 (ARABIC-INDIC DIGIT FIVE), byte for byte: quoted as the bytes sent, not as Latin-1
            String five = new String("\u0665".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            String body = "{\"name\": \"Five\"}";
            RawHttp.Response res = utf8.send("PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TestNode.SERVICE_KEY + "\r\nIf-Match: \"" + five + "\"\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).read(java.time.Duration.ofSeconds(5));
            assertThat(res.status()).as(res.body()).isEqualTo(400);
            assertThat(Json.readTree(res.body()).get("detail").stringValue()).endsWith("got \"\\xD9\\xA5\"");
        }
        assertThat(node.service().get(path).get("name").stringValue()).isEqualTo("Caller");
        assertThat(node.service().header("If-Match", "1").patch(path, Map.of("name", "Bare")).status())
                .as("a bare version is read as the ETag's").isEqualTo(200);
    }

    @Test
    void member_cannotCreateRoleBeyondOwnPermissions() {
        var org = fx.org("close");
        long manager = fx.role(org, "Manager", List.of("manage_organization", "calling", "view_all_leads"));
        Http key = fx.keyFor(org, fx.member(org, "m1", manager));
        Http.Res escalate = key.post(org.path() + "/roles", Map.of("name", "Exporter", "permissions",
                List.of("export", "view_all_leads")));
        assertThat(escalate.status()).isEqualTo(403);
        assertThat(escalate.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(key.post(org.path() + "/roles", Map.of("name", "Dialer", "permissions",
                List.of("calling", "view_all_leads"))).status()).isEqualTo(201);
        assertThat(node.service().post(org.path() + "/roles", Map.of("name", "Exporter", "permissions",
                List.of("export", "view_all_leads"))).status()).isEqualTo(201);
    }

    @Test
    void writes_carryRevisionHeader() {
        var org = fx.org("close");
        Http.Res a = node.service().post(org.path() + "/roles", Map.of("name", "A", "permissions", List.of("view_all_leads")));
        Http.Res b = node.service().post(org.path() + "/roles", Map.of("name", "B", "permissions", List.of("view_all_leads")));
        assertThat(b.revision()).isGreaterThan(a.revision());
    }

    @Test
    void delete_refusedWhileResourceAssignmentsHoldRole() {
        var org = fx.org("rooms");
        long guest = fx.role(org, Map.of("name", "Guest", "permissions", List.of("canViewRoomDetails"), "external", true));
        long member = fx.external(org, "g1");
        fx.assign(org, fx.room(org), member, guest);
        fx.assign(org, fx.room(org), member, guest);
        Http.Res refused = node.service().delete(org.path() + "/roles/" + guest);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("role_in_use");
        assertThat(refused.get("detail").stringValue()).isEqualTo("role " + guest + " is held by 2 resource "
                + "assignments; move them to another role first");
        node.service().delete(org.path() + "/members/" + member + "/assignments");
        assertThat(node.service().delete(org.path() + "/roles/" + guest).status()).isEqualTo(204);
    }

    @Test
    void externalFlag_cannotFlipWhileHeld() {
        var org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        fx.member(org, "a1", agent);
        Http.Res refused = node.service().patch(org.path() + "/roles/" + agent, Map.of("external", true));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("role_in_use");
        assertThat(refused.get("detail").stringValue()).endsWith("while held by 1 member");
        fx.member(org, "a2", agent);
        assertThat(node.service().patch(org.path() + "/roles/" + agent, Map.of("external", true))
                .get("detail").stringValue()).endsWith("while held by 2 members");
        long unused = fx.role(org, "Unused", List.of("canCreateRooms"));
        assertThat(node.service().patch(org.path() + "/roles/" + unused, Map.of("external", true))
                .get("external").booleanValue()).isTrue();
    }

    /**
     * Counting a role's holders reads each of them (a role may be held by millions of assignments): an update that
     * leaves internal or external alone does not count them.
     */
    @Test
    void update_countsHoldersOnlyWhenExternalChanges() {
        var org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        long member = fx.member(org, "c1", agent);
        fx.assign(org, fx.room(org), member, agent);
        List<String> renaming = Statements.of(node, () -> assertThat(node.service().patch(org.path() + "/roles/"
                + agent, Map.of("name", "Agent 2", "permissions", List.of("canCreateRooms", "canViewRoomDetails")))
                .status()).isEqualTo(200));
        assertThat(renaming).as(String.join("\n", renaming)).noneMatch(s -> s.contains("count(*) FROM assignments")
                || s.contains("count(*) FROM members WHERE role_id"));
        List<String> flipping = Statements.of(node, () -> assertThat(node.service().patch(org.path() + "/roles/"
                + agent, Map.of("external", true)).status()).isEqualTo(409));
        assertThat(flipping).as(String.join("\n", flipping)).anyMatch(s -> s.contains("count(*) FROM assignments"));
    }

    @Test
    void visibility_rulesHoldOnUpdate_andModelsWithoutVisibilityRefuseIt() {
        var org = fx.org("close");
        Map<String, Object> limited = Map.of("user_field_ids", List.of("cf_owner"), "unassigned", "allow_unassigned");
        long seesAll = fx.role(org, "All", List.of("calling", "view_all_leads"));
        Http.Res dropSeesAll = node.service().patch(org.path() + "/roles/" + seesAll, Map.of("permissions", List.of("calling")));
        assertThat(dropSeesAll.status()).isEqualTo(400);
        assertThat(dropSeesAll.get("errors").get("visibility").stringValue()).contains("view_all_leads");
        Http.Res narrowed = node.service().patch(org.path() + "/roles/" + seesAll, Map.of("permissions", List.of("calling"),
                "visibility", limited));
        assertThat(narrowed.status()).isEqualTo(200);
        assertThat(narrowed.get("visibility").get("user_field_ids")).extracting(JsonNode::stringValue)
                .containsExactly("cf_owner");

        java.util.HashMap<String, Object> clear = new java.util.HashMap<>();
        clear.put("visibility", null);
        assertThat(node.service().patch(org.path() + "/roles/" + seesAll, clear).status()).isEqualTo(400);
        Http.Res addSeesAll = node.service().patch(org.path() + "/roles/" + seesAll, Map.of("permissions",
                List.of("calling", "view_all_leads")));
        assertThat(addSeesAll.status()).isEqualTo(400);
        assertThat(addSeesAll.get("code").stringValue()).isEqualTo("invalid_role");
        assertThat(addSeesAll.get("errors").get("visibility").stringValue()).as("names what to send")
                .isEqualTo("must be null when the role has view_all_leads (it sees all records): send "
                        + "\"visibility\": null along with the permissions");
        clear.put("permissions", List.of("calling", "view_all_leads"));
        Http.Res widened = node.service().patch(org.path() + "/roles/" + seesAll, clear);
        assertThat(widened.status()).isEqualTo(200);
        assertThat(widened.get("visibility").isNull()).isTrue();

        Http.Res tooMany = node.service().post(org.path() + "/roles", Map.of("name", "Many", "permissions", List.of("calling"),
                "visibility", Map.of("user_field_ids", List.of("a", "b", "c", "d"), "unassigned", "allow_unassigned")));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.get("errors").get("visibility.user_field_ids").stringValue()).contains("3");
        Http.Res repeated = node.service().post(org.path() + "/roles", Map.of("name", "Rep", "permissions", List.of("calling"),
                "visibility", Map.of("user_field_ids", List.of("a", "a"), "unassigned", "allow_unassigned")));
        assertThat(repeated.status()).isEqualTo(400);
        Http.Res badBehaviour = node.service().post(org.path() + "/roles", Map.of("name", "Bad", "permissions", List.of("calling"),
                "visibility", Map.of("user_field_ids", List.of("a"), "unassigned", "sometimes")));
        assertThat(badBehaviour.status()).isEqualTo(400);
        assertThat(badBehaviour.get("errors").has("visibility.unassigned")).isTrue();

        var rooms = fx.org("rooms");
        Http.Res noRule = node.service().post(rooms.path() + "/roles", Map.of("name", "R", "permissions",
                List.of("canCreateRooms"), "visibility", limited));
        assertThat(noRule.status()).isEqualTo(400);
        assertThat(noRule.get("errors").get("visibility").stringValue()).contains("rooms");
    }

    @Test
    void rename_isCaseInsensitivelyUnique_butARoleMayChangeItsOwnCase() {
        var org = fx.org("close");
        fx.role(org, "Closer", List.of("view_all_leads"));
        long other = fx.role(org, "Opener", List.of("view_all_leads"));
        Http.Res taken = node.service().patch(org.path() + "/roles/" + other, Map.of("name", "closer"));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.get("code").stringValue()).isEqualTo("role_name_taken");
        assertThat(node.service().patch(org.path() + "/roles/" + other, Map.of("name", "OPENER")).get("name").stringValue())
                .isEqualTo("OPENER");
        var second = fx.org("close");
        fx.role(second, "Closer", List.of("view_all_leads"));
    }

    /**
     * Names are one name ignoring case by Unicode's full case folding, where PostgreSQL's lower() lowers each letter
     * alone: {@code Straße} beside {@code STRASSE} (ß is ss), {@code ΟΔΟΣ} beside {@code οδος} (the final ς is σ) were
     * two roles that look the same to a reader. Created or renamed into, such a name is the holder's (409 naming it);
     * a role may still change its own name to one of them.
     */
    @Test
    void names_equalByFullCaseFolding_areTaken_createdOrRenamedInto() {
        var org = fx.org("close");
        long strasse = fx.role(org, "Stra\u00dfe", List.of("view_all_leads"));
        long odos = fx.role(org, "\u039f\u0394\u039f\u03a3", List.of("view_all_leads"));
        long other = fx.role(org, "Opener", List.of("view_all_leads"));
        Map<String, Long> taken = Map.of("STRASSE", strasse, "strasse", strasse, "STRA\u1e9eE", strasse,
                "\u03bf\u03b4\u03bf\u03c2", odos, "\u03bf\u03b4\u03bf\u03c3", odos);
        taken.forEach((name, holder) -> {
            Http.Res created = node.service().post(org.path() + "/roles", Map.of("name", name, "permissions",
                    List.of("view_all_leads")));
            assertThat(created.status()).as("%s: %s", name, created).isEqualTo(409);
            assertThat(created.get("code").stringValue()).isEqualTo("role_name_taken");
            assertThat(created.get("detail").stringValue()).contains("(id " + holder + ")");
            Http.Res renamed = node.service().patch(org.path() + "/roles/" + other, Map.of("name", name));
            assertThat(renamed.status()).as("%s: %s", name, renamed).isEqualTo(409);
            assertThat(renamed.get("code").stringValue()).isEqualTo("role_name_taken");
            assertThat(renamed.get("detail").stringValue()).contains("(id " + holder + ")");
        });
        assertThat(node.service().get(org.path() + "/roles/" + other).get("name").stringValue()).isEqualTo("Opener");
        Http.Res own = node.service().patch(org.path() + "/roles/" + strasse, Map.of("name", "STRASSE"));
        assertThat(own.status()).as("%s", own).isEqualTo(200);
        assertThat(own.get("name").stringValue()).isEqualTo("STRASSE");
        Http.Res freed = node.service().post(org.path() + "/roles", Map.of("name", "Stra\u00dfe\u00dfe",
                "permissions", List.of("view_all_leads")));
        assertThat(freed.status()).as("another name is free: %s", freed).isEqualTo(201);
    }

    /**
     * Of two names stored before the folded key that fold to one ({@code STRASSE} without a key beside {@code Straße}
     * holding it; {@code FUSS2} without one beside {@code Fuß2}), each role may change its own case, and keeps or takes
     * the key only where the other does not hold it; a name the other has as lower() folds it stays the other's. A
     * role sent its own name as stored — one stored before names were composed, {@code Re} U+0301 {@code sume}
     * U+0301 beside {@code Résumé}, as a client reading then writing the role sends it — is not renamed.
     */
    @Test
    void namesStoredBeforeTheFoldedKey_mayChangeTheirOwnCase_andBeSentBackAsStored() {
        var org = fx.org("close");
        long keyed = fx.role(org, "Stra\u00dfe", List.of("view_all_leads"));
        long keyless = fx.role(org, "Legacy one", List.of("view_all_leads"));
        long fuss = fx.role(org, "Fu\u00df2", List.of("view_all_leads"));
        long fussTwin = fx.role(org, "Legacy two", List.of("view_all_leads"));
        long resume = fx.role(org, "R\u00e9sum\u00e9", List.of("view_all_leads"));
        long decomposed = fx.role(org, "Legacy three", List.of("view_all_leads"));
        db.useHandle(h -> {
            h.execute("UPDATE roles SET name = 'STRASSE', name_key = NULL WHERE id = ?", keyless);
            h.execute("UPDATE roles SET name = 'FUSS2', name_key = NULL WHERE id = ?", fussTwin);
            h.execute("UPDATE roles SET name = 'Re\u0301sume\u0301', name_key = NULL WHERE id = ?", decomposed);
        });

        Http.Res ownCase = node.service().patch(org.path() + "/roles/" + keyless, Map.of("name", "Strasse"));
        assertThat(ownCase.status()).as("%s", ownCase).isEqualTo(200);
        assertThat(ownCase.get("name").stringValue()).isEqualTo("Strasse");
        assertThat(nameKey(keyless)).as("Stra\u00dfe holds the key").isNull();
        assertThat(nameKey(keyed)).isEqualTo("strasse");
        Http.Res holderCase = node.service().patch(org.path() + "/roles/" + fuss, Map.of("name", "FU\u00df2"));
        assertThat(holderCase.status()).as("%s", holderCase).isEqualTo(200);
        assertThat(nameKey(fuss)).isEqualTo("fuss2");
        Http.Res twinsName = node.service().patch(org.path() + "/roles/" + keyless, Map.of("name", "stra\u00dfe"));
        assertThat(twinsName.status()).as("%s", twinsName).isEqualTo(409);
        assertThat(twinsName.get("detail").stringValue()).contains("(id " + keyed + ")");

        Http.Res asStored = node.service().patch(org.path() + "/roles/" + decomposed, Map.of("name",
                "Re\u0301sume\u0301", "description", "kept"));
        assertThat(asStored.status()).as("%s", asStored).isEqualTo(200);
        assertThat(asStored.get("name").stringValue()).isEqualTo("Re\u0301sume\u0301");
        assertThat(asStored.get("description").stringValue()).isEqualTo("kept");
        assertThat(node.service().get(org.path() + "/roles/" + resume).get("name").stringValue())
                .isEqualTo("R\u00e9sum\u00e9");
    }

    private static String nameKey(long role) {
        return db.withHandle(h -> h.createQuery("SELECT name_key FROM roles WHERE id = :id").bind("id", role)
                .mapTo(String.class).one());
    }

    /**
     * A rename is judged by the database's folding of case, as the unique name is: "I" and "ı" (dotless i) are equal
     * ignoring case to Java, but not to lower(), so renaming role "I" to "ı" while another role holds "ı" must be
     * the 409 naming that role, not a generic constraint conflict.
     */
    @Test
    void rename_toANameTakenAsTheDatabaseFoldsIt_isRoleNameTaken() {
        var org = fx.org("close");
        long renamed = fx.role(org, "I", List.of("view_all_leads"));
        long holder = fx.role(org, "\u0131", List.of("view_all_leads"));
        Http.Res res = node.service().patch(org.path() + "/roles/" + renamed, Map.of("name", "\u0131"));
        assertThat(res.status()).as(res.toString()).isEqualTo(409);
        assertThat(res.get("code").stringValue()).isEqualTo("role_name_taken");
        assertThat(res.get("detail").stringValue()).contains("(id " + holder + ")");
    }

    @Test
    void delete_withStaleIfMatch_is412() {
        var org = fx.org("close");
        long role = fx.role(org, "Temp", List.of("view_all_leads"));
        node.service().patch(org.path() + "/roles/" + role, Map.of("description", "v2"));
        Http.Res stale = node.service().header("If-Match", "\"1\"").delete(org.path() + "/roles/" + role);
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.get("code").stringValue()).isEqualTo("version_mismatch");
        assertThat(node.service().header("If-Match", "\"2\"").delete(org.path() + "/roles/" + role).status()).isEqualTo(204);
        assertThat(node.service().get(org.path() + "/roles/" + role).status()).isEqualTo(404);
    }

    @Test
    void permissions_areStoredInCatalogOrderWithoutDuplicates() {
        var org = fx.org("close");
        Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", "Ordered",
                "permissions", List.of("view_all_leads", "calling", "export", "calling")));
        assertThat(res.get("permissions")).extracting(JsonNode::stringValue)
                .containsExactly("export", "calling", "view_all_leads");
    }

    @Test
    void concurrentWrites_loseNoUpdate() throws Exception {
        var org = fx.org("close");
        long role = fx.role(org, "Contested", List.of("view_all_leads"));
        int writers = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            List<java.util.concurrent.Future<Http.Res>> patches = new java.util.ArrayList<>();
            List<java.util.concurrent.Future<Http.Res>> creates = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String name = "Writer " + i;
                patches.add(pool.submit(() -> node.service().header("If-Match", "\"1\"")
                        .patch(org.path() + "/roles/" + role, Map.of("name", name))));
                creates.add(pool.submit(() -> node.service().post(org.path() + "/roles", Map.of("name", "Twin",
                        "permissions", List.of("view_all_leads")))));
            }
            List<Integer> patched = new java.util.ArrayList<>();
            List<Integer> created = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                patched.add(patches.get(i).get().status());
                created.add(creates.get(i).get().status());
            }
            assertThat(patched).containsOnly(200, 412).filteredOn(s -> s == 200).hasSize(1);
            assertThat(created).containsOnly(201, 409).filteredOn(s -> s == 201).hasSize(1);
            assertThat(node.service().get(org.path() + "/roles/" + role).get("version").intValue()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }
    /** A write that changes nothing records nothing: the version stays, no event is written, the revision holds. */
    @Test
    void anUpdateChangingNothing_recordsNothing() {
        var org = fx.org("rooms");
        long role = fx.role(org, "Same", List.of("canCreateRooms", "canViewRoomDetails"));
        String path = org.path() + "/roles/" + role;
        int version = node.service().get(path).get("version").intValue();
        long revision = node.revision();
        for (Map<String, ?> body : List.<Map<String, ?>>of(Map.of(), Map.of("name", "Same"),
                Map.of("permissions", List.of("canViewRoomDetails", "canCreateRooms")))) {
            Http.Res same = node.service().patch(path, body);
            assertThat(same.status()).as("%s", same).isEqualTo(200);
            assertThat(same.get("version").intValue()).as("%s", body).isEqualTo(version);
        }
        assertThat(node.revision()).isEqualTo(revision);
        assertThat(node.service().patch(path, Map.of("name", "SAME")).get("version").intValue())
                .as("a new spelling is a change").isEqualTo(version + 1);
    }
}
