package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A native {@code PATCH} changes the fields it names; null clears only where the API says so (a role's visibility,
 * an office's optional fields). Anywhere else a null is a 400 naming the field, and nothing changes — before, it
 * read as absent, and a caller meaning to clear a member's name or a webhook's URL got a 200 for a write that did
 * nothing.
 */
class PatchNullsIT {

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
    void aNullThatClearsNothing_isA400_andChangesNothing() {
        var org = fx.org("close");
        Http api = node.service();
        String role = org.path() + "/roles/" + fx.role(org, "Seller", List.of("view_all_leads"));
        String member = org.path() + "/members/" + fx.member(org, "u-null", fx.roleId(org, "User"));
        String webhook = org.path() + "/webhooks/" + api.post(org.path() + "/webhooks",
                Map.of("url", "https://hooks.example.com/in")).get("id").longValue();
        Map<String, List<String>> fields = Map.of(
                role, List.of("name", "description", "permissions", "external"),
                member, List.of("user_id", "email", "first_name", "last_name", "role_id", "external", "status"),
                webhook, List.of("url", "description", "status", "rotate_secret"));
        long revision = node.revision();
        fields.forEach((path, names) -> {
            for (String name : names) {
                Map<String, Object> body = new HashMap<>();
                body.put(name, null);
                Http.Res res = api.patch(path, body);
                assertThat(res.status()).as("%s %s: %s", path, name, res).isEqualTo(400);
                assertThat(res.get("errors").has(name)).as("%s", res).isTrue();
            }
        });
        assertThat(node.revision()).as("nothing changed").isEqualTo(revision);

        Map<String, Object> clear = new HashMap<>();
        clear.put("visibility", null);
        assertThat(api.patch(role, clear).status()).as("a role's visibility is cleared with null").isEqualTo(200);
        Map<String, Object> lift = new HashMap<>();
        lift.put("object_types", null);
        lift.put("actions", null);
        assertThat(api.patch(webhook, lift).status()).as("a webhook's filters are lifted with null").isEqualTo(200);
        assertThat(api.patch(member, Map.of("first_name", "")).status()).as("a name is emptied with \"\"")
                .isEqualTo(200);
    }
}
