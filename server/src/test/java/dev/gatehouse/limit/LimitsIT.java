package dev.gatehouse.limit;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every per-organization limit refuses the write that would pass it with a 409 {@code limit_reached} carrying the
 * limit's name, maximum and current count, changes nothing, and holds under concurrent writers; Close and Rooms
 * answer the same refusal in their own error shapes. The node runs with small limits.
 */
class LimitsIT {

    /** Five resources: a v5 company, a region, an office and two rooms. */
    private static final Limits SMALL = new Limits(10, 6, 3, 3, 3, 2, 5, 2);
    /** A model with a resource type whose resources Gatehouse does not track (any id can be assigned). */
    private static final String DESK = "limits-desk";
    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start(c -> c.withLimits(SMALL));
        fx = new Fixtures(node);
        Http.Res model = node.service().post("/v1/models", Json.readTree("""
                {"id": "%s", "name": "Desk", "description": "Tickets and queues",
                 "categories": [{"key": "tickets", "name": "Tickets"}, {"key": "admin", "name": "Admin"}],
                 "permissions": [
                   {"key": "ticket.read", "category": "tickets", "scopes": ["organization", "queue"]},
                   {"key": "ticket.write", "category": "tickets", "scopes": ["organization", "queue"]},
                   {"key": "admin.manage", "category": "admin"}],
                 "resource_types": [{"key": "queue", "name": "Queue", "inherits_company_role": true}],
                 "system_roles": [
                   {"key": "lead", "name": "Lead", "permissions": ["ticket.read", "ticket.write", "admin.manage"],
                    "default_for_admin": true}],
                 "management": {"roles": "admin.manage", "members": "admin.manage", "assignments": "admin.manage"}}
                """.formatted(DESK)));
        assertThat(model.status()).as(model.toString()).isEqualTo(201);
        try (java.io.InputStream in = LimitsIT.class.getResourceAsStream("/models/sites.json")) {
            Http.Res sites = node.service().post("/v1/models", Json.MAPPER.readTree(in));
            assertThat(sites.status()).as(sites.toString()).isEqualTo(201);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A model whose system roles alone pass the limit makes no organization: it once made them over the limit. */
    @Test
    void rolesPerOrg_refusesAnOrganizationWhoseModelHasMoreSystemRoles() {
        String id = "limits-many-roles";
        StringBuilder roles = new StringBuilder("""
                {"key": "lead", "name": "Lead", "permissions": ["admin.manage"], "default_for_admin": true}""");
        for (int i = 1; i <= SMALL.rolesPerOrg(); i++) {
            roles.append(", {\"key\": \"r").append(i).append("\", \"name\": \"R").append(i)
                    .append("\", \"permissions\": []}");
        }
        Http.Res model = node.service().post("/v1/models", Json.readTree("""
                {"id": "%s", "name": "Many", "categories": [{"key": "admin", "name": "Admin"}],
                 "permissions": [{"key": "admin.manage", "category": "admin"}],
                 "system_roles": [%s],
                 "management": {"roles": "admin.manage", "members": "admin.manage", "assignments": "admin.manage"}}
                """.formatted(id, roles)));
        assertThat(model.status()).as(model.toString()).isEqualTo(201);
        long before = node.revision();

        Http.Res refused = node.service().post("/v1/orgs", Map.of("name", "Many", "model", id,
                "admin", Map.of("user_id", "ada", "email", "ada@many.test")));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("limit_reached");
        assertThat(refused.get("current").intValue()).isEqualTo(SMALL.rolesPerOrg() + 1);
        assertThat(node.revision()).as("nothing created").isEqualTo(before);
    }

    @Test
    void rolesPerOrg_refusesTheRoleBeyondTheLimit() {
        var org = fx.org("rooms");
        Http.Res refused = null;
        for (int i = 0; i < SMALL.rolesPerOrg() + 1 && refused == null; i++) {
            Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", "Role " + i, "permissions", List.of()));
            if (res.status() != 201) {
                refused = res;
            }
        }
        assertLimitReached(refused, "roles_per_org", SMALL.rolesPerOrg());
        assertThat(node.service().get(org.path() + "/roles?limit=100").get("items")).hasSize(SMALL.rolesPerOrg());
    }

    @Test
    void membersPerOrg_refusesTheMemberBeyondTheLimit_theAdminIncluded() {
        var org = fx.org("close");
        long role = fx.roleId(org, "User");
        for (int i = 1; i < SMALL.membersPerOrg(); i++) {
            fx.member(org, "m" + i, role);
        }
        Http.Res refused = node.service().post(org.path() + "/members", Map.of("user_id", "one-too-many",
                "email", "one-too-many@example.com", "role_id", role));
        assertLimitReached(refused, "members_per_org", SMALL.membersPerOrg());
        assertThat(node.service().get(org.path() + "/members").get("items")).hasSize(SMALL.membersPerOrg());
        assertThat(node.service().get(org.path() + "/members/one-too-many").status()).isEqualTo(404);
    }

    @Test
    void membersPerOrg_holdsUnderConcurrentWriters() throws Exception {
        var org = fx.org("close");
        long role = fx.roleId(org, "User");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String user = "racer-" + i;
                statuses.add(pool.submit(() -> node.service().post(org.path() + "/members", Map.of("user_id", user,
                        "email", user + "@example.com", "role_id", role)).status()));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                codes.add(f.get());
            }
            assertThat(codes).filteredOn(c -> c == 201).hasSize(SMALL.membersPerOrg() - 1);
            assertThat(codes).filteredOn(c -> c != 201).containsOnly(409);
        } finally {
            pool.shutdown();
        }
        assertThat(node.service().get(org.path() + "/members").get("items")).hasSize(SMALL.membersPerOrg());
    }

    @Test
    void resourcesPerOrg_refusesTheResourceBeyondTheLimit_butNotAMove() {
        var org = fx.org("sites");
        String resources = org.path() + "/resources/";
        assertThat(node.service().put(resources + "region/eu", Map.of()).status()).isEqualTo(201);
        assertThat(node.service().put(resources + "region/us", Map.of()).status()).isEqualTo(201);
        assertThat(node.service().put(resources + "office/o1", Map.of("parent", Map.of("type", "region", "id", "eu")))
                .status()).isEqualTo(201);
        assertThat(node.service().put(resources + "folder/f0", Map.of()).status()).isEqualTo(201);
        assertThat(node.service().put(resources + "folder/f1", Map.of()).status()).isEqualTo(201);
        assertLimitReached(node.service().put(resources + "folder/f2", Map.of()), "resources_per_org",
                SMALL.resourcesPerOrg());
        assertThat(node.service().get(resources + "folder/f2").status()).isEqualTo(404);
        Http.Res moved = node.service().put(resources + "office/o1", Map.of("parent", Map.of("type", "region", "id", "us")));
        assertThat(moved.status()).as("moving a recorded resource adds none: %s", moved).isEqualTo(200);
        assertThat(node.service().delete(resources + "folder/f1").status()).isEqualTo(204);
        assertThat(node.service().put(resources + "folder/f2", Map.of()).status()).isEqualTo(201);
    }

    @Test
    void groupsPerOrg_refusesTheGroupBeyondTheLimit() {
        var org = fx.org("close");
        for (int i = 0; i < SMALL.groupsPerOrg(); i++) {
            assertThat(node.service().post(org.path() + "/groups", Map.of("name", "G" + i)).status()).isEqualTo(201);
        }
        assertLimitReached(node.service().post(org.path() + "/groups", Map.of("name", "Extra")), "groups_per_org",
                SMALL.groupsPerOrg());
        assertThat(node.service().get(org.path() + "/groups").get("items")).hasSize(SMALL.groupsPerOrg());
    }

    @Test
    void keysPerMember_countsActiveKeys_andARevokedKeyFreesItsPlace() {
        var org = fx.org("close");
        String keys = org.path() + "/members/" + org.adminId() + "/keys";
        // the admin's first key came with the organization
        for (int i = 1; i < SMALL.keysPerMember(); i++) {
            assertThat(org.admin().post(keys, Map.of("name", "k" + i)).status()).isEqualTo(201);
        }
        assertLimitReached(org.admin().post(keys, Map.of("name", "one too many")), "keys_per_member",
                SMALL.keysPerMember());
        assertThat(node.service().get(keys).get("items")).hasSize(SMALL.keysPerMember());

        String someKey = node.service().get(keys).get("items").get(1).get("id").stringValue();
        assertThat(node.service().delete(keys + "/" + someKey).status()).isEqualTo(204);
        assertThat(org.admin().post(keys, Map.of("name", "replacement")).status()).isEqualTo(201);
    }

    @Test
    void assignmentsPerResource_refusesANewHolder_butNotAChangeOfRole() {
        var org = fx.org(DESK);
        long agent = fx.role(org, "Agent", List.of("ticket.read"));
        long writer = fx.role(org, "Writer", List.of("ticket.read", "ticket.write"));
        List<Long> members = new ArrayList<>();
        for (int i = 0; i <= SMALL.assignmentsPerResource(); i++) {
            members.add(fx.member(org, "a" + i, agent));
        }
        String queue = org.path() + "/resources/queue/q1/assignments";
        for (int i = 0; i < SMALL.assignmentsPerResource(); i++) {
            assertThat(node.service().put(queue + "/" + members.get(i), Map.of("role_id", agent)).status()).isEqualTo(200);
        }
        Long extra = members.get(SMALL.assignmentsPerResource());
        assertLimitReached(node.service().put(queue + "/" + extra, Map.of("role_id", agent)),
                "assignments_per_resource", SMALL.assignmentsPerResource());
        assertThat(node.service().get(queue).get("items")).hasSize(SMALL.assignmentsPerResource());
        assertThat(node.service().put(queue + "/" + members.get(0), Map.of("role_id", writer)).status()).isEqualTo(200);
        assertThat(node.service().put(org.path() + "/resources/queue/q2/assignments/" + extra, Map.of("role_id", agent))
                .status()).isEqualTo(200);
    }

    @Test
    void membersPerGroup_refusesTheMemberBeyondTheLimit_butNotOneAlreadyIn() {
        var org = fx.org("close");
        long role = fx.roleId(org, "User");
        long group = node.service().post(org.path() + "/groups", Map.of("name", "Small")).get("id").longValue();
        String path = org.path() + "/groups/" + group + "/members";
        List<Long> members = new ArrayList<>();
        for (int i = 0; i <= SMALL.membersPerGroup(); i++) {
            members.add(fx.member(org, "g" + i, role));
        }
        for (int i = 0; i < SMALL.membersPerGroup(); i++) {
            assertThat(node.service().post(path, Map.of("member_id", members.get(i))).status()).isEqualTo(201);
        }
        assertLimitReached(node.service().post(path, Map.of("member_id", members.get(SMALL.membersPerGroup()))),
                "members_per_group", SMALL.membersPerGroup());
        assertThat(node.service().post(path, Map.of("member_id", members.get(0))).status()).isEqualTo(200);
        assertThat(node.service().get(path).get("items")).hasSize(SMALL.membersPerGroup());
    }

    @Test
    void close_answersALimitInItsErrorShape() {
        var org = fx.org("close");
        Http close = new Http(node.baseUrl() + "/api/v1", null).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((org.adminKey() + ":").getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < SMALL.groupsPerOrg(); i++) {
            assertThat(close.post("/group/", Map.of("name", "G" + i)).status()).isEqualTo(201);
        }
        Http.Res refused = close.post("/group/", Map.of("name", "Extra"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().propertyNames()).containsExactly("error", "limit", "maximum", "current");
        assertThat(refused.get("error").stringValue()).contains("groups_per_org", String.valueOf(SMALL.groupsPerOrg()));
        assertThat(refused.get("limit").stringValue()).isEqualTo("groups_per_org");
        assertThat(refused.get("maximum").intValue()).isEqualTo(SMALL.groupsPerOrg());
        assertThat(refused.get("current").intValue()).isEqualTo(SMALL.groupsPerOrg());
        assertThat(close.get("/group/").get("data")).hasSize(SMALL.groupsPerOrg());
    }

    @Test
    void rooms_answersALimitInItsErrorShape() {
        var org = fx.org("rooms");
        String base = "/restapi/v2/accounts/" + org.accountId();
        Http.Res refused = null;
        for (int i = 0; i < SMALL.rolesPerOrg() + 1 && refused == null; i++) {
            Http.Res res = org.admin().post(base + "/roles", Map.of("name", "Rooms role " + i, "isExternal", false,
                    "permissions", Map.of()));
            if (res.status() != 201) {
                refused = res;
            }
        }
        assertRoomsLimitReached(refused, "roles_per_org", SMALL.rolesPerOrg());
    }

    /**
     * Rooms are limited on their own, in a v6 account and in a v5 company (where a room is also a resource of the
     * hierarchy, which the company, its region and office and the two rooms fill to its limit just so): the room
     * past the limit is refused through the Rooms API and nothing is written.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rooms", "rooms_v5"})
    void roomsPerOrg_refusesTheRoomBeyondTheLimit_throughTheRoomsApi(String model) {
        var org = fx.org(model);
        String base = "/restapi/v2/accounts/" + org.accountId();
        Map<String, Object> room = new HashMap<>(Map.of("roleId",
                fx.roleId(org, model.equals("rooms") ? "Default Admin" : "Admin")));
        if (model.equals("rooms_v5")) {
            Http.Res region = org.admin().post(base + "/regions", Map.of("name", "North"));
            assertThat(region.status()).as(region.toString()).isEqualTo(201);
            Http.Res office = org.admin().post(base + "/offices", Map.of("name", "One",
                    "regionId", region.get("regionId").intValue()));
            assertThat(office.status()).as(office.toString()).isEqualTo(201);
            room.put("officeId", office.get("officeId").intValue());
        }
        for (int i = 0; i < SMALL.roomsPerOrg(); i++) {
            room.put("name", "Room " + i);
            Http.Res created = org.admin().post(base + "/rooms", room);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        long before = node.revision();

        room.put("name", "One too many");
        assertRoomsLimitReached(org.admin().post(base + "/rooms", room), "rooms_per_org", SMALL.roomsPerOrg());
        assertThat(node.revision()).as("nothing written").isEqualTo(before);
        assertThat(org.admin().get(base + "/rooms").get("rooms")).hasSize(SMALL.roomsPerOrg());
    }

    @Test
    void roomsPerOrg_holdsUnderConcurrentWriters() throws Exception {
        var org = fx.org("rooms");
        String rooms = "/restapi/v2/accounts/" + org.accountId() + "/rooms";
        long role = fx.roleId(org, "Default Admin");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "Racer " + i;
                statuses.add(pool.submit(() -> org.admin().post(rooms, Map.of("name", name, "roleId", role))
                        .status()));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                codes.add(f.get());
            }
            assertThat(codes).filteredOn(c -> c == 201).hasSize(SMALL.roomsPerOrg());
            assertThat(codes).filteredOn(c -> c != 201).containsOnly(409);
        } finally {
            pool.shutdown();
        }
        assertThat(org.admin().get(rooms).get("rooms")).hasSize(SMALL.roomsPerOrg());
    }

    /** An import's room lines are limited as the Rooms API's rooms are: the line past the limit, its chunk undone. */
    @Test
    void roomsPerOrg_refusesTheImportsRoomLineBeyondTheLimit() {
        var org = fx.org("rooms");
        String owner = org.json().get("admin_member").get("user_id").stringValue();
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= SMALL.roomsPerOrg() + 1; i++) {
            lines.add(roomLine(i, owner));
        }
        Http.Res refused = node.service().raw("POST", "/v1/orgs/" + org.id() + "/import",
                String.join("\n", lines) + "\n", "application/x-ndjson");

        assertLimitReached(refused, "rooms_per_org", SMALL.roomsPerOrg());
        assertThat(refused.get("line").longValue()).isEqualTo(SMALL.roomsPerOrg() + 1);
        assertThat(refused.get("committed_lines").longValue()).isZero();
        assertThat(org.admin().get("/restapi/v2/accounts/" + org.accountId() + "/rooms").get("rooms")).isEmpty();
    }

    /**
     * A deployment's import counts the rooms of an organization it creates from none, and refuses the room line past
     * the limit; the organization is rolled back with its chunk.
     */
    @Test
    void roomsPerOrg_refusesTheRoomLineBeyondTheLimit_inAnOrganizationADeploymentImportCreates() {
        String name = "Rooms copy " + System.nanoTime();
        List<String> lines = new ArrayList<>(List.of(
                Json.writeString(Map.of("type", "organization", "name", name, "model", "rooms")),
                Json.writeString(Map.of("type", "member", "user_id", "owner", "email", "owner@copy.test",
                        "role", "Default Admin", "status", "active"))));
        for (int i = 1; i <= SMALL.roomsPerOrg() + 1; i++) {
            lines.add(roomLine(i, "owner"));
        }
        Http.Res refused = node.service().raw("POST", "/v1/import", String.join("\n", lines) + "\n",
                "application/x-ndjson");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("limit_reached");
        assertThat(refused.get("limit").stringValue()).isEqualTo("rooms_per_org");
        assertThat(refused.get("maximum").intValue()).isEqualTo(SMALL.roomsPerOrg());
        assertThat(refused.get("current").intValue()).isEqualTo(SMALL.roomsPerOrg());
        assertThat(refused.get("line").longValue()).isEqualTo(lines.size());
        assertThat(refused.get("committed_lines").longValue()).isZero();
    }

    /**
     * An import's line creating an active room, owned by {@code owner}, with an exported id far from the rooms this
     * node numbers (a line's id naming one of the organization's own rooms would find it, not create one).
     */
    private static String roomLine(int n, String owner) {
        return Json.writeString(Map.of("type", "room", "id", 900_000 + n, "name", "Imported " + n,
                "status", "active", "owners", List.of(owner)));
    }

    private static void assertRoomsLimitReached(Http.Res refused, String limit, int maximum) {
        assertThat(refused).isNotNull();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().propertyNames()).containsExactly("errorCode", "message", "referenceId", "limit",
                "maximum", "current");
        assertThat(refused.get("errorCode").stringValue()).isEqualTo("LIMIT_REACHED");
        assertThat(refused.get("message").stringValue()).contains(limit);
        assertThat(refused.get("limit").stringValue()).isEqualTo(limit);
        assertThat(refused.get("maximum").intValue()).isEqualTo(maximum);
        assertThat(refused.get("current").intValue()).isEqualTo(maximum);
    }

    private static void assertLimitReached(Http.Res res, String limit, int maximum) {
        assertThat(res).isNotNull();
        assertThat(res.status()).as(res.toString()).isEqualTo(409);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        JsonNode body = res.json();
        assertThat(body.get("code").stringValue()).isEqualTo("limit_reached");
        assertThat(body.get("limit").stringValue()).isEqualTo(limit);
        assertThat(body.get("maximum").intValue()).isEqualTo(maximum);
        assertThat(body.get("current").intValue()).isEqualTo(maximum);
        assertThat(body.get("detail").stringValue()).contains(limit, String.valueOf(maximum));
    }
}
