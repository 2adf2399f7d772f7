package dev.gatehouse.http.close;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures reported by the services reach Close clients naming objects by their Close ids, never by Gatehouse's
 * internal numbers: the dialect's error translation phrases them, whichever route raised them.
 */
class CloseErrorIdsIT {

    /** How the services name objects internally ("organization 12", "role 7", "(id 31)"). */
    private static final Pattern INTERNAL = Pattern.compile("\\b(organization|role|member|group|id) \\d+\\b");

    static TestNode node;
    static CloseFixtures close;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        close = new CloseFixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String refused(Http.Res res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        String message = res.get("error").stringValue();
        assertThat(INTERNAL.matcher(message).find()).as(message).isFalse();
        return message;
    }

    @Test
    void duplicateRoleName_namesTheRoleByCloseId() {
        var org = close.org();
        String id = org.admin().post("/role/", Map.of("name", "Closer", "permissions", List.of("view_all_leads")))
                .get("id").stringValue();
        String message = refused(org.admin().post("/role/", Map.of("name", "Closer",
                "permissions", List.of("view_all_leads"))));
        assertThat(message).contains(id).contains("\"Closer\"").doesNotContain(" " + org.org().id() + " ");
    }

    @Test
    void duplicateGroupName_namesTheGroupByCloseId() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Support")).get("id").stringValue();
        String message = refused(org.admin().post("/group/", Map.of("name", "Support")));
        assertThat(message).contains(id).contains("\"Support\"");
        String other = org.admin().post("/group/", Map.of("name", "Sales")).get("id").stringValue();
        assertThat(refused(org.admin().put("/group/" + other + "/", Map.of("name", "Support")))).contains(id);
    }

    @Test
    void lastManagerDeactivated_namesMembershipAndUser() {
        var org = close.org();
        var me = org.admin().get("/me/").json();
        String membership = me.get("memberships").get(0).get("id").stringValue();
        String message = refused(org.admin().delete("/membership/" + membership + "/"));
        assertThat(message).contains(membership).contains(me.get("id").stringValue()).contains("last");
    }

    @Test
    void lastManagersRoleLosingManagement_namesTheRoleByCloseId() {
        var org = close.org();
        String membership = org.admin().get("/me/").json().get("memberships").get(0).get("id").stringValue();
        String boss = org.admin().post("/role/", Map.of("name", "Boss",
                "permissions", List.of("manage_organization", "view_all_leads"))).get("id").stringValue();
        assertThat(org.admin().put("/membership/" + membership + "/", Map.of("role_id", boss)).status()).isEqualTo(200);
        String message = refused(org.admin().put("/role/" + boss + "/",
                Map.of("permissions", List.of("view_all_leads"))));
        assertThat(message).contains(boss).contains("\"Boss\"");
    }

    @Test
    void missingPermission_namesTheMembershipRefused() {
        var org = close.org();
        Http superuser = close.member(org, "su-1", "Super User");
        String membership = superuser.get("/me/").json().get("memberships").get(0).get("id").stringValue();
        Http.Res res = superuser.post("/role/", Map.of("name", "Mine", "permissions", List.of("view_all_leads")));
        assertThat(res.status()).isEqualTo(403);
        String message = res.get("error").stringValue();
        assertThat(message).contains("manage_organization").contains(membership);
        assertThat(INTERNAL.matcher(message).find()).as(message).isFalse();
    }

    @Test
    void unknownMembership_namedByItsCloseId() {
        var org = close.org();
        String missing = CloseIds.encode(CloseIds.MEMBERSHIP, 987_654_321L);
        Http.Res res = org.admin().put("/membership/" + missing + "/", Map.of("role_id", "user"));
        assertThat(res.status()).isEqualTo(404);
        assertThat(res.get("error").stringValue()).contains(missing).doesNotContain("987654321");
    }
}
