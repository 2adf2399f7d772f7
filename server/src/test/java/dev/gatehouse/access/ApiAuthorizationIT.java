package dev.gatehouse.access;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may do what through the API: service keys administer; member keys act with their member's
 * permissions (the model's management permissions); nobody but a service key hands out permissions beyond
 * their own; the last member able to manage roles stays; keys are read from Bearer or Basic credentials.
 */
class ApiAuthorizationIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void memberKey_actsWithItsMembersPermissions() {
        var org = fx.org("close");
        long manager = fx.role(org, "Manager", List.of("manage_organization", "calling", "view_all_leads"));
        Http managerKey = fx.keyFor(org, fx.member(org, "mgr", manager));
        Http userKey = fx.keyFor(org, fx.member(org, "usr", fx.roleId(org, "User")));

        Http.Res role = managerKey.post(org.path() + "/roles", Map.of("name", "Dialer",
                "permissions", List.of("calling", "view_all_leads")));
        assertThat(role.status()).isEqualTo(201);
        long dialer = role.json().get("id").longValue();
        assertThat(managerKey.post(org.path() + "/members", Map.of("user_id", "new", "email", "new@example.com",
                "role_id", dialer)).status()).isEqualTo(201);

        for (Http.Res refused : List.of(
                userKey.post(org.path() + "/roles", Map.of("name", "Mine", "permissions", List.of("calling", "view_all_leads"))),
                userKey.patch(org.path() + "/roles/" + dialer, Map.of("name", "Hijacked")),
                userKey.delete(org.path() + "/roles/" + dialer),
                userKey.post(org.path() + "/members", Map.of("user_id", "x", "email", "x@example.com", "role_id", dialer)),
                userKey.patch(org.path() + "/members/new", Map.of("first_name", "Hijacked")),
                userKey.delete(org.path() + "/members/new"))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(403);
            assertThat(refused.get("code").stringValue()).isEqualTo("permission_required");
            assertThat(refused.get("detail").stringValue()).contains("manage_organization");
        }
        assertThat(userKey.get(org.path() + "/roles").status()).isEqualTo(200);
        assertThat(userKey.get(org.path() + "/members/new").status()).isEqualTo(200);
        assertThat(node.service().get(org.path() + "/roles/" + dialer).get("name").stringValue()).isEqualTo("Dialer");
    }

    @Test
    void managementPermissions_comeFromTheModel() {
        var org = fx.org("rooms");
        // In rooms, managing members needs canManageMemberSameAccessLevel, managing roles canManageAccount.
        long members = fx.role(org, "Member manager", List.of("canManageMemberSameAccessLevel", "canCreateRooms"));
        Http key = fx.keyFor(org, fx.member(org, "mm", members));
        assertThat(key.post(org.path() + "/members", Map.of("user_id", "g", "email", "g@example.com", "external", true))
                .status()).isEqualTo(201);
        Http.Res roles = key.post(org.path() + "/roles", Map.of("name", "X", "permissions", List.of("canCreateRooms")));
        assertThat(roles.status()).isEqualTo(403);
        assertThat(roles.get("detail").stringValue()).contains("canManageAccount");
    }

    @Test
    void memberKey_cannotAdministerTheDeployment() {
        var org = fx.org("close");
        assertThat(org.admin().post("/v1/orgs", Map.of("name", "New", "model", "close")).status()).isEqualTo(403);
        assertThat(org.admin().post("/v1/models", Map.of("id", "m")).status()).isIn(400, 403);
        assertThat(org.admin().delete(org.path()).status()).isEqualTo(403);
    }

    @Test
    void noEscalation_whenCreatingOrAssigningRoles() {
        var org = fx.org("close");
        long manager = fx.role(org, "Manager", List.of("manage_organization", "calling", "view_all_leads"));
        long mgr = fx.member(org, "mgr", manager);
        Http key = fx.keyFor(org, mgr);
        long admin = fx.roleId(org, "Admin");
        long dialer = fx.role(org, "Dialer", List.of("calling", "view_all_leads"));
        long member = fx.member(org, "m", dialer);

        Http.Res create = key.post(org.path() + "/members", Map.of("user_id", "x", "email", "x@example.com", "role_id", admin));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(create.get("detail").stringValue()).contains("export");

        Http.Res promote = key.patch(org.path() + "/members/" + member, Map.of("role_id", admin));
        assertThat(promote.status()).isEqualTo(403);
        assertThat(promote.get("code").stringValue()).isEqualTo("privilege_escalation");
        Http.Res promoteSelf = key.patch(org.path() + "/members/" + mgr, Map.of("role_id", admin));
        assertThat(promoteSelf.status()).isEqualTo(403);

        Http.Res widen = key.patch(org.path() + "/roles/" + dialer, Map.of("permissions",
                List.of("calling", "export", "view_all_leads")));
        assertThat(widen.status()).isEqualTo(403);
        assertThat(widen.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(node.service().get(org.path() + "/roles/" + dialer).json().get("permissions"))
                .extracting(JsonNode::stringValue).containsExactly("calling", "view_all_leads");
        assertThat(node.service().get(org.path() + "/members/" + member).get("role_id").longValue()).isEqualTo(dialer);

        // Within its own permissions a member key may hand roles out; a service key may do anything.
        assertThat(key.patch(org.path() + "/members/" + member, Map.of("role_id", manager)).status()).isEqualTo(200);
        assertThat(node.service().patch(org.path() + "/members/" + member, Map.of("role_id", admin)).status()).isEqualTo(200);
    }

    @Test
    void noEscalation_inResourceAssignments() {
        var org = fx.org("rooms");
        long assigner = fx.role(org, "Assigner", List.of("canAddUsersToRooms", "canViewRoomDetails"));
        long assignerId = fx.member(org, "a", assigner);
        Http key = fx.keyFor(org, assignerId);
        String room = fx.room(org, "Deal", assignerId, assigner);
        long strong = fx.role(org, Map.of("name", "Strong guest", "permissions", List.of("canViewRoomDetails",
                "canDeleteRooms"), "external", true));
        long weak = fx.role(org, Map.of("name", "Weak guest", "permissions", List.of("canViewRoomDetails"), "external", true));
        long guest = fx.external(org, "guest");
        Http.Res refused = key.put(org.path() + "/resources/room/" + room + "/assignments/" + guest,
                Map.of("role_id", strong));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(key.put(org.path() + "/resources/room/" + room + "/assignments/" + guest, Map.of("role_id", weak))
                .status()).isEqualTo(200);
    }

    @Test
    void lastRoleManager_cannotBeDemotedDeactivatedOrRemoved() {
        var org = fx.org("close");
        String admin = org.path() + "/members/" + org.adminId();
        long user = fx.roleId(org, "User");
        for (Http.Res refused : List.of(
                node.service().patch(admin, Map.of("role_id", user)),
                node.service().patch(admin, Map.of("status", "deactivated")),
                node.service().delete(admin),
                org.admin().patch(admin, Map.of("role_id", user)))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(409);
            assertThat(refused.get("code").stringValue()).isEqualTo("last_role_manager");
        }
        assertThat(node.service().get(admin).get("role_id").longValue()).isEqualTo(fx.roleId(org, "Admin"));

        // With a second manager the first may step down.
        fx.member(org, "second", fx.roleId(org, "Admin"));
        assertThat(org.admin().patch(admin, Map.of("role_id", user)).status()).isEqualTo(200);
        Http.Res last = node.service().patch(org.path() + "/members/second", Map.of("status", "deactivated"));
        assertThat(last.status()).isEqualTo(409);
    }

    @Test
    void concurrentDemotions_neverLeaveTheOrganizationWithoutAManager() throws Exception {
        var org = fx.org("close");
        long admin = fx.roleId(org, "Admin");
        long user = fx.roleId(org, "User");
        List<Long> admins = new java.util.ArrayList<>(List.of(org.adminId()));
        for (int i = 0; i < 3; i++) {
            admins.add(fx.member(org, "co-admin-" + i, admin));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(admins.size());
        try {
            List<java.util.concurrent.Future<Http.Res>> demotions = new java.util.ArrayList<>();
            for (long id : admins) {
                demotions.add(pool.submit(() -> node.service().patch(org.path() + "/members/" + id,
                        Map.of("role_id", user))));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var demotion : demotions) {
                statuses.add(demotion.get().status());
            }
            assertThat(statuses).containsOnly(200, 409).filteredOn(s -> s == 409).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        JsonNode members = node.service().get(org.path() + "/members?role_id=" + admin).json().get("items");
        assertThat(members).hasSize(1);
    }

    @Test
    void lastRoleManager_cannotLoseThePermissionThroughItsRole() {
        var org = fx.org("close");
        long boss = fx.role(org, "Boss", List.of("manage_organization", "view_all_leads"));
        fx.member(org, "boss", boss);
        assertThat(node.service().patch(org.path() + "/members/" + org.adminId(),
                Map.of("role_id", fx.roleId(org, "User"))).status()).isEqualTo(200);
        Http.Res refused = node.service().patch(org.path() + "/roles/" + boss, Map.of("permissions", List.of("view_all_leads")));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("last_role_manager");
        assertThat(node.service().get(org.path() + "/roles/" + boss).json().get("permissions"))
                .extracting(JsonNode::stringValue).contains("manage_organization");
    }

    @Test
    void keys_areReadFromBearer_orBasicWithTheKeyAsUserName() throws Exception {
        var org = fx.org("close");
        String key = org.json().at("/admin_key/key").stringValue();
        assertThat(basic(org.path(), key + ":")).isEqualTo(200);
        assertThat(basic(org.path(), key)).isEqualTo(200);
        assertThat(basic(org.path(), TestNode.SERVICE_KEY + ":")).isEqualTo(200);
        assertThat(basic(org.path(), "ghm_nope:")).isEqualTo(401);
        assertThat(raw(org.path(), "Basic !!not-base64!!")).isEqualTo(401);
        assertThat(raw(org.path(), "Digest " + key)).isEqualTo(401);
        assertThat(raw(org.path(), "Bearer " + key)).isEqualTo(200);
        assertThat(raw(org.path(), "bearer " + key)).isEqualTo(200);
        assertThat(raw(org.path(), "Bearer")).isEqualTo(401);
        char last = key.charAt(key.length() - 1);
        String tampered = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(raw(org.path(), "Bearer " + tampered)).isEqualTo(401);

        Http.Res anonymous = node.anonymous().get(org.path());
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).contains("Bearer", "Basic")
                .as("no credential was sent, so none was refused").doesNotContain("error=");
        assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void member_managesItsOwnKeys_andOnlyMemberManagersRevokeAnothers() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        long me = fx.member(org, "me", user);
        long other = fx.member(org, "other", user);
        Http mine = fx.keyFor(org, me);
        Http theirs = fx.keyFor(org, other);

        Http.Res created = mine.post(org.path() + "/members/me/keys", Map.of("name", "laptop"));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.get("key").stringValue();
        String keyId = created.get("id").stringValue();
        assertThat(mine.get(org.path() + "/members/me/keys").json().get("items"))
                .extracting(k -> k.get("id").stringValue()).contains(keyId);
        Http laptop = node.as(secret);
        assertThat(laptop.get(org.path() + "/roles").status()).isEqualTo(200);

        for (Http.Res refused : List.of(
                theirs.get(org.path() + "/members/me/keys"),
                theirs.post(org.path() + "/members/me/keys", Map.of("name", "stolen")),
                theirs.delete(org.path() + "/members/me/keys/" + keyId),
                org.admin().post(org.path() + "/members/me/keys", Map.of("name", "minted by a manager")))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        }
        assertThat(laptop.get(org.path() + "/roles").status()).isEqualTo(200);
        assertThat(org.admin().get(org.path() + "/members/me/keys").json().get("items"))
                .extracting(k -> k.get("id").stringValue()).contains(keyId);

        String otherKey = mine.post(org.path() + "/members/me/keys", Map.of("name", "phone")).get("id").stringValue();
        assertThat(org.admin().delete(org.path() + "/members/me/keys/" + otherKey).status())
                .as("a member manager revokes another member's key").isEqualTo(204);
        assertThat(mine.delete(org.path() + "/members/me/keys/" + keyId).status()).isEqualTo(204);
        long afterRevoke = node.revision();
        assertThat(mine.delete(org.path() + "/members/me/keys/" + keyId).status()).as("revoking again").isEqualTo(204);
        assertThat(node.revision()).as("a second revoke records nothing").isEqualTo(afterRevoke);
        Http.Res revoked = laptop.get(org.path() + "/roles");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.get("code").stringValue()).isEqualTo("key_revoked");
        assertThat(mine.get(org.path() + "/members/me/keys").json().get("items"))
                .filteredOn(k -> k.get("id").stringValue().equals(keyId))
                .allSatisfy(k -> assertThat(k.get("revoked_at").isNull()).isFalse());
        assertThat(mine.get(org.path() + "/roles").status()).isEqualTo(200);
        assertThat(node.service().delete(org.path() + "/members/" + other + "/keys/" + keyId).status()).isEqualTo(404);
    }

    private static int basic(String path, String credentials) throws Exception {
        return raw(path, "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    private static int raw(String path, String authorization) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .header("Authorization", authorization).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
