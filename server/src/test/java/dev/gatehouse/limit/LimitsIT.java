package dev.gatehouse.limit;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every per-organization limit refuses the write that would pass it with a 409 {@code limit_reached} carrying the
 * limit's name, maximum and current count, changes nothing, and holds under concurrent writers; Close and Rooms
 * answer the same refusal in their own error shapes. The node runs with small limits.
 */
class LimitsIT {

    private static final Limits SMALL = new Limits(10, 6, 3, 3, 3, 2, 4);
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
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().propertyNames()).containsExactly("errorCode", "message", "referenceId", "limit",
                "maximum", "current");
        assertThat(refused.get("errorCode").stringValue()).isEqualTo("LIMIT_REACHED");
        assertThat(refused.get("message").stringValue()).contains("roles_per_org");
        assertThat(refused.get("limit").stringValue()).isEqualTo("roles_per_org");
        assertThat(refused.get("maximum").intValue()).isEqualTo(SMALL.rolesPerOrg());
        assertThat(refused.get("current").intValue()).isEqualTo(SMALL.rolesPerOrg());
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
