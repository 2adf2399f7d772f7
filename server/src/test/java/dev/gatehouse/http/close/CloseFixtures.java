package dev.gatehouse.http.close;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Close organizations and clients that talk to the Close dialect as Close's own clients do. */
final class CloseFixtures {

    /** A Close organization: the native fixture, its Close id, and the admin's Close client. */
    record Org(Fixtures.Org org, String closeId, Http admin) {
        String path() {
            return org.path();
        }
    }

    private final TestNode node;
    private final Fixtures fx;

    CloseFixtures(TestNode node) {
        this.node = node;
        this.fx = new Fixtures(node);
    }

    Fixtures native_() {
        return fx;
    }

    Org org() {
        Fixtures.Org org = fx.org("close");
        String closeId = client(org.adminKey()).get("/me/").json().get("memberships").get(0).get("organization_id")
                .stringValue();
        return new Org(org, closeId, client(org.adminKey()));
    }

    /** A client sending the key as HTTP Basic user name with an empty password, as Close's clients do. */
    Http client(String key) {
        return new Http(node.baseUrl() + CloseApi.PREFIX, null).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)));
    }

    /** A member with a role given by name, and a Close client acting as that member. */
    Http member(Org org, String userId, String roleName) {
        long member = fx.member(org.org(), userId, fx.roleId(org.org(), roleName));
        return client(key(org, member));
    }

    /** A custom native role (the service key may grant anything). */
    long role(Org org, String name, List<String> permissions) {
        return fx.role(org.org(), Map.of("name", name, "permissions", permissions));
    }

    long member(Org org, String userId, long roleId) {
        return fx.member(org.org(), userId, roleId);
    }

    String key(Org org, long memberId) {
        Http.Res res = node.service().post(org.path() + "/members/" + memberId + "/keys", Map.of("name", "close"));
        if (res.status() != 201) {
            throw new AssertionError("creating a key: " + res);
        }
        return res.json().get("key").stringValue();
    }
}
