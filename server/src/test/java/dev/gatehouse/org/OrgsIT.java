package dev.gatehouse.org;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class OrgsIT {

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
    void create_withAdmin_seedsRoles_andReturnsTheAdminKeyOnce() {
        Http.Res res = node.service().post("/v1/orgs", Map.of("name", "Acme", "model", "rooms",
                "admin", Map.of("user_id", "boss", "email", "boss@acme.test", "first_name", "Bo")));
        assertThat(res.status()).isEqualTo(201);
        JsonNode org = res.json();
        assertThat(org.get("name").stringValue()).isEqualTo("Acme");
        assertThat(org.get("model").stringValue()).isEqualTo("rooms");
        assertThat(UUID.fromString(org.get("account_id").stringValue())).isNotNull();
        String path = "/v1/orgs/" + org.get("id").longValue();

        JsonNode roles = node.service().get(path + "/roles").json().get("items");
        assertThat(roles).extracting(r -> r.get("key").stringValue()).containsExactly("default_admin");
        JsonNode admin = org.get("admin_member");
        assertThat(admin.get("user_id").stringValue()).isEqualTo("boss");
        assertThat(admin.get("role_id").longValue()).isEqualTo(roles.get(0).get("id").longValue());
        assertThat(roles.get(0).get("default_for_admin").booleanValue()).isTrue();

        String secret = org.at("/admin_key/key").stringValue();
        Http adminKey = node.as(secret);
        assertThat(adminKey.get(path).json().get("id")).isEqualTo(org.get("id"));
        assertThat(adminKey.get(path).body()).doesNotContain(secret);
        JsonNode keys = adminKey.get(path + "/members/boss/keys").json().get("items");
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).get("id").stringValue()).isEqualTo(org.at("/admin_key/id").stringValue());
        assertThat(keys.get(0).has("key")).isFalse();
        assertThat(keys.toString()).doesNotContain(secret);
    }

    @Test
    void create_withoutAdmin_hasNoMembers() {
        Http.Res res = node.service().post("/v1/orgs", Map.of("name", "Empty", "model", "close"));
        assertThat(res.status()).isEqualTo(201);
        assertThat(res.json().has("admin_member")).isFalse();
        assertThat(res.json().has("admin_key")).isFalse();
        String path = "/v1/orgs/" + res.json().get("id").longValue();
        assertThat(node.service().get(path + "/members").json().get("items")).isEmpty();
        assertThat(node.service().get(path + "/roles").json().get("items")).hasSize(4);
    }

    @Test
    void create_rejectsUnknownModels_andBadAdmins() {
        Http.Res unknown = node.service().post("/v1/orgs", Map.of("name", "X", "model", "nope"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.get("errors").get("model").stringValue()).contains("nope", "close", "rooms");
        Http.Res badAdmin = node.service().post("/v1/orgs", Map.of("name", "X", "model", "close",
                "admin", Map.of("user_id", "a", "email", "not-an-email", "role", "admin")));
        assertThat(badAdmin.status()).isEqualTo(400);
        assertThat(badAdmin.get("errors")).isNotNull();
        assertThat(badAdmin.get("errors").has("admin.email")).isTrue();
        assertThat(badAdmin.get("errors").has("admin.role")).isTrue();
        // a user id is taken as sent, as every member's: one with whitespace at an end is refused, never trimmed
        Http.Res padded = node.service().post("/v1/orgs", Map.of("name", "X", "model", "close",
                "admin", Map.of("user_id", " boss ", "email", "boss@acme.test")));
        assertThat(padded.status()).as("%s", padded).isEqualTo(400);
        assertThat(padded.get("errors").get("admin.user_id").stringValue()).contains("whitespace");
        Http.Res missing = node.service().post("/v1/orgs", Map.of("model", "close"));
        assertThat(missing.get("errors").get("name").stringValue()).isEqualTo("is required");
    }

    @Test
    void memberKeys_cannotCreateOrganizations() {
        var org = fx.org("close");
        Http.Res res = org.admin().post("/v1/orgs", Map.of("name", "Rogue", "model", "close"));
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.get("code").stringValue()).isEqualTo("service_key_required");
    }

    @Test
    void rename_honoursIfMatch_andTheManagementPermission() {
        var org = fx.org("close");
        Http.Res renamed = org.admin().header("If-Match", "\"1\"").patch(org.path(), Map.of("name", "Renamed"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.get("version").intValue()).isEqualTo(2);
        Http.Res stale = node.service().header("If-Match", "\"1\"").patch(org.path(), Map.of("name", "Stale"));
        assertThat(stale.status()).isEqualTo(412);
        Http user = fx.keyFor(org, fx.member(org, "plain", fx.roleId(org, "User")));
        Http.Res forbidden = user.patch(org.path(), Map.of("name", "Mine"));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.get("code").stringValue()).isEqualTo("permission_required");
        assertThat(user.get(org.path()).get("name").stringValue()).isEqualTo("Renamed");
    }

    @Test
    void delete_removesEverything_andOnlyServiceKeysMayDoIt() {
        var org = fx.org("close");
        long role = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
        fx.member(org, "m1", role);
        Http.Res refused = org.admin().delete(org.path());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(node.service().delete(org.path()).status()).isEqualTo(204);
        assertThat(node.service().get(org.path()).status()).isEqualTo(404);
        assertThat(node.service().get(org.path() + "/roles").status()).isEqualTo(404);
        assertThat(org.admin().get("/v1/orgs").status()).isEqualTo(401);
        assertThat(node.service().delete(org.path()).status()).isEqualTo(404);
    }

    /** A deletion is a write of the organization's version as a rename is: a stale If-Match leaves it whole. */
    @Test
    void delete_withStaleIfMatch_is412_andTheOrganizationStays() {
        var org = fx.org("close");
        long revision = node.revision();
        Http.Res stale = node.service().header("If-Match", "\"999\"").delete(org.path());
        assertThat(stale.status()).as("%s", stale).isEqualTo(412);
        assertThat(stale.get("code").stringValue()).isEqualTo("version_mismatch");
        Http.Res malformed = node.service().header("If-Match", "garbage\"").delete(org.path());
        assertThat(malformed.status()).as("%s", malformed).isEqualTo(400);
        assertThat(malformed.get("code").stringValue()).isEqualTo("invalid_if_match");
        assertThat(node.revision()).isEqualTo(revision);
        assertThat(node.service().get(org.path()).status()).isEqualTo(200);
        assertThat(org.admin().get(org.path() + "/roles").status()).isEqualTo(200);

        Http.Res current = node.service().get(org.path());
        Http.Res deleted = node.service().header("If-Match", current.header("ETag")).delete(org.path());
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.header("Content-Type")).as("a 204 has no content, so no type").isNull();
        assertThat(node.service().get(org.path()).status()).isEqualTo(404);
    }

    @Test
    void list_isPaginated() {
        for (int i = 0; i < 3; i++) {
            fx.org("close");
        }
        Http.Res page = node.service().get("/v1/orgs?limit=2");
        assertThat(page.json().get("items")).hasSize(2);
        String cursor = page.json().get("next_cursor").stringValue();
        JsonNode next = node.service().get("/v1/orgs?limit=2&cursor=" + cursor).json();
        assertThat(next.get("items").get(0).get("id").longValue())
                .isGreaterThan(page.json().at("/items/1/id").longValue());
    }
    /** A rename to the name held records nothing: the version stays and no event is written. */
    @Test
    void renamingToTheSameName_recordsNothing() {
        var org = fx.org("close");
        String name = node.service().get(org.path()).get("name").stringValue();
        int version = node.service().get(org.path()).get("version").intValue();
        long revision = node.revision();
        Http.Res same = node.service().patch(org.path(), Map.of("name", name));
        assertThat(same.status()).as("%s", same).isEqualTo(200);
        assertThat(same.get("version").intValue()).isEqualTo(version);
        assertThat(node.revision()).isEqualTo(revision);
    }
}
