package dev.gatehouse.testing;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Builds organizations, roles and members through the real API. */
public final class Fixtures {

    /** A created organization with its first admin. */
    public record Org(long id, String accountId, long adminId, String adminKey, Http admin, JsonNode json) {
        public String path() {
            return "/v1/orgs/" + id;
        }
    }

    private final TestNode node;
    private int counter;

    public Fixtures(TestNode node) {
        this.node = node;
    }

    public Org org(String model) {
        int n = ++counter;
        Http.Res res = node.service().post("/v1/orgs", Map.of("name", "Org " + n + " " + System.nanoTime(), "model", model,
                "admin", Map.of("user_id", "admin-" + n, "email", "admin" + n + "@example.com", "first_name", "Ada",
                        "last_name", "Admin")));
        if (res.status() != 201) {
            throw new AssertionError("creating an organization: " + res);
        }
        JsonNode json = res.json();
        String key = json.get("admin_key").get("key").stringValue();
        return new Org(json.get("id").longValue(), json.get("account_id").stringValue(),
                json.get("admin_member").get("id").longValue(), key, node.as(key), json);
    }

    /** The id of a role by name (system or custom). */
    public long roleId(Org org, String name) {
        for (JsonNode role : node.service().get(org.path() + "/roles?limit=1000").json().get("items")) {
            if (role.get("name").stringValue().equalsIgnoreCase(name)) {
                return role.get("id").longValue();
            }
        }
        throw new AssertionError("no role " + name + " in org " + org.id());
    }

    public long role(Org org, String name, List<String> permissions) {
        return role(org, Map.of("name", name, "permissions", permissions));
    }

    public long role(Org org, Map<String, Object> body) {
        Http.Res res = node.service().post(org.path() + "/roles", body);
        if (res.status() != 201) {
            throw new AssertionError("creating a role: " + res);
        }
        return res.json().get("id").longValue();
    }

    public long member(Org org, String userId, long roleId) {
        Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                "email", userId + "@example.com", "role_id", roleId));
        if (res.status() != 201) {
            throw new AssertionError("creating a member: " + res);
        }
        return res.json().get("id").longValue();
    }

    public long external(Org org, String userId) {
        Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                "email", userId + "@example.com", "external", true));
        if (res.status() != 201) {
            throw new AssertionError("creating an external member: " + res);
        }
        return res.json().get("id").longValue();
    }

    /** A fresh key for a member. */
    public Http keyFor(Org org, long memberId) {
        Http.Res res = node.service().post(org.path() + "/members/" + memberId + "/keys", Map.of("name", "test"));
        if (res.status() != 201) {
            throw new AssertionError("creating a key: " + res);
        }
        return node.as(res.json().get("key").stringValue());
    }
}
