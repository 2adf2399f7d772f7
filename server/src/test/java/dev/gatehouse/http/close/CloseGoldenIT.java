package dev.gatehouse.http.close;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every response shape of the Close dialect against golden files made from Close's examples. The organization
 * is built the way a Close organization looks: its admin has a {@code user_…} id, everyone else is provisioned
 * through {@code POST /membership/}.
 */
class CloseGoldenIT {

    static TestNode node;
    static CloseFixtures close;
    static Http admin;
    static String orgId;
    static String adminUserId;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        close = new CloseFixtures(node);
        adminUserId = CloseIds.newUserId();
        Http.Res org = node.service().post("/v1/orgs", Map.of("name", "Wayne Enterprises", "model", "close",
                "admin", Map.of("user_id", adminUserId, "email", "admin@example.com")));
        admin = close.client(org.json().get("admin_key").get("key").stringValue());
        orgId = admin.get("/me/").get("memberships").get(0).get("organization_id").stringValue();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static JsonNode ok(Http.Res res, int status) {
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
        assertThat(res.header("Content-Type")).startsWith("application/json");
        return res.json();
    }

    private static String limitedRole() {
        return ok(admin.post("/role/", Map.of("name", "Account Manager " + System.nanoTime(), "permissions",
                List.of("bulk_edit", "export"), "visibility_user_lcf_ids", List.of(CloseIds.newUserId().replace("user_", "cf_")),
                "visibility_user_lcf_behavior", "require_assignment")), 201).get("id").stringValue();
    }

    @Test
    void roles() {
        Golden.assertMatches("role-list.json", ok(admin.get("/role/?_limit=1"), 200));
        Golden.assertMatches("role-builtin.json", ok(admin.get("/role/restricteduser/"), 200));
        String id = limitedRole();
        Golden.assertMatches("role-custom.json", ok(admin.get("/role/" + id + "/"), 200));
        Golden.assertMatches("role-custom.json", ok(admin.put("/role/" + id + "/", Map.of("name", "AM " + id)), 200));
        Golden.assertMatches("role-deleted.json", ok(admin.delete("/role/" + id + "/"), 200));
    }

    @Test
    void memberships() {
        JsonNode created = ok(admin.post("/membership/", Map.of("email", "rep@example.com", "role_id", "user")), 200);
        Golden.assertMatches("membership-created.json", created);
        String id = created.get("id").stringValue();
        JsonNode updated = ok(admin.put("/membership/" + id + "/", Map.of("role_id", limitedRole(), "auto_record_calls",
                "enabled", "track_email_opens", true, "default_caller_id", CloseIds.newUserId().replace("user_", "phon_"),
                "default_caller_id_mode", "fixed", "hangup_recording_url", "https://example.com/hangup.mp3")), 200);
        Golden.assertMatches("membership.json", updated);
        String other = ok(admin.post("/membership/", Map.of("email", "rep2@example.com", "role_id", "user")), 200)
                .get("id").stringValue();
        Golden.assertMatches("membership-bulk.json", ok(admin.put("/membership/", Map.of("_params",
                Map.of("id__in", id + "," + other), "role_id", "restricteduser")), 200));
        String save = CloseIds.newUserId().replace("user_", "save_");
        Golden.assertMatches("pinned-views.json", ok(admin.put("/membership/" + id + "/pinned_views/",
                Map.of("saved_view_ids", List.of(save))), 200));
        Golden.assertMatches("pinned-views.json", ok(admin.get("/membership/" + id + "/pinned_views/"), 200));
    }

    @Test
    void meUsersAndOrganization() {
        Golden.assertMatches("me.json", ok(admin.get("/me/"), 200));
        Golden.assertMatches("user.json", ok(admin.get("/user/" + adminUserId + "/"), 200));
        String gone = ok(admin.post("/membership/", Map.of("email", "gone@example.com", "role_id", "user")), 200)
                .get("id").stringValue();
        ok(admin.post("/membership/", Map.of("email", "newest@example.com", "role_id", "user")), 200);
        ok(admin.delete("/membership/" + gone + "/"), 200);
        Golden.assertMatches("user-list.json", ok(admin.get("/user/?_order_by=-date_created&_limit=1"), 200));
        Golden.assertMatches("organization.json", ok(admin.get("/organization/" + orgId + "/"), 200));
        Golden.assertMatches("organization-expanded.json", ok(admin.get("/organization/" + orgId
                + "/?_expand=memberships__user,inactive_memberships__user"), 200));
        Golden.assertMatches("organization-updated.json", ok(admin.put("/organization/" + orgId + "/",
                Map.of("name", "Wayne Enterprises")), 200));
    }

    @Test
    void groupsAndEvents() {
        JsonNode sales = ok(admin.post("/group/", Map.of("name", "Sales")), 201);
        Golden.assertMatches("group-created.json", sales);
        String support = ok(admin.post("/group/", Map.of("name", "Support")), 201).get("id").stringValue();
        Golden.assertMatches("group-member.json", ok(admin.post("/group/" + sales.get("id").stringValue() + "/member/",
                Map.of("user_id", adminUserId)), 201));
        Golden.assertMatches("group-member.json", ok(admin.post("/group/" + support + "/member/",
                Map.of("user_id", adminUserId)), 201));
        Golden.assertMatches("group.json", ok(admin.get("/group/" + support + "/"), 200));
        Golden.assertMatches("group-list.json", ok(admin.get("/group/"), 200));
        Golden.assertMatches("event-list.json", ok(admin.get("/event/?object_type=group&action=updated&_limit=1"), 200));

        String rep = ok(admin.post("/membership/", Map.of("email", "evented@example.com", "role_id", "user")), 200)
                .get("id").stringValue();
        ok(admin.put("/membership/" + rep + "/", Map.of("role_id", "superuser")), 200);
        String eventId = ok(admin.get("/event/?object_id=" + rep + "&action=updated&_limit=1"), 200)
                .get("data").get(0).get("id").stringValue();
        Golden.assertMatches("event.json", ok(admin.get("/event/" + eventId + "/"), 200));
    }

    @Test
    void errors() {
        Golden.assertMatches("error-validation.json", ok(admin.post("/group/", Map.of()), 400));
        Golden.assertMatches("error-bad-request.json", ok(admin.raw("POST", "/group/", "{", "application/json"), 400));
        Golden.assertMatches("error.json", ok(admin.get("/role/role_nope/"), 404));
        Golden.assertMatches("error.json", ok(admin.put("/role/admin/", Map.of("name", "Boss")), 403));
        try (TestNode limited = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(1, 60)))) {
            var org = new CloseFixtures(limited).org();
            org.admin().get("/group/");
            Golden.assertMatches("error-rate-limited.json", ok(org.admin().get("/group/"), 429));
        }
    }

    @Test
    void theComparison_catchesDifferencesInNamesTypesAndIdKinds() {
        JsonNode role = ok(admin.get("/role/restricteduser/"), 200);
        Golden.assertMatches("role-builtin.json", role);
        var renamed = role.deepCopy();
        ((ObjectNode) renamed).set("title", renamed.get("name"));
        ((ObjectNode) renamed).remove("name");
        assertThatThrownBy(() -> Golden.assertMatches("role-builtin.json", renamed))
                .hasMessageContaining("missing fields [name]").hasMessageContaining("unexpected fields [title]");
        var retyped = role.deepCopy();
        ((ObjectNode) retyped).put("editable", "false");
        assertThatThrownBy(() -> Golden.assertMatches("role-builtin.json", retyped)).hasMessageContaining("$.editable");
        var badDate = role.deepCopy();
        ((ObjectNode) badDate).put("date_created", "2013-02-01T00:54:51Z");
        assertThatThrownBy(() -> Golden.assertMatches("role-builtin.json", badDate)).hasMessageContaining("$.date_created");
        var badOrg = role.deepCopy();
        ((ObjectNode) badOrg).put("organization_id", "42");
        assertThatThrownBy(() -> Golden.assertMatches("role-builtin.json", badOrg)).hasMessageContaining("<orga id>");
    }
}
