package dev.gatehouse.http.close;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class CloseUsersIT {

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

    private static void person(CloseFixtures.Org org, String userId, String first, String last, String role) {
        Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", userId, "email",
                userId + "@example.com", "first_name", first, "last_name", last, "role_id",
                close.native_().roleId(org.org(), role)));
        assertThat(res.status()).isEqualTo(201);
    }

    @Test
    void me_isTheKeysUser_withItsMembershipAndOrganization() {
        var org = close.org();
        JsonNode me = org.admin().get("/me/").json();
        JsonNode admin = org.org().json().get("admin_member");
        assertThat(me.get("id").stringValue()).isEqualTo(admin.get("user_id").stringValue());
        assertThat(me.get("email").stringValue()).isEqualTo(admin.get("email").stringValue());
        assertThat(me.get("first_name").stringValue()).isEqualTo("Ada");
        assertThat(me.get("memberships")).hasSize(1);
        JsonNode membership = me.get("memberships").get(0);
        assertThat(membership.get("id").stringValue()).isEqualTo(CloseIds.encode(CloseIds.MEMBERSHIP, admin.get("id").longValue()));
        assertThat(membership.get("role_id").stringValue()).isEqualTo("admin");
        assertThat(membership.get("permissions_granted")).hasSize(24);
        assertThat(me.get("organizations").get(0).get("id").stringValue()).isEqualTo(org.closeId());
        assertThat(me.get("organizations").get(0).get("name").stringValue()).isEqualTo(org.org().json().get("name").stringValue());
        Http rep = close.member(org, "rep-1", "Restricted User");
        assertThat(rep.get("/me/").get("memberships").get(0).get("role_id").stringValue()).isEqualTo("restricteduser");
    }

    @Test
    void users_listsTheActiveMembers_inTheOrderAskedFor_inPages() {
        var org = close.org();
        person(org, "u-zed", "Zed", "Able", "User");
        person(org, "u-amy", "Amy", "Young", "User");
        person(org, "u-bob", "Bob", "Moss", "User");
        person(org, "u-old", "Old", "Timer", "User");
        node.service().patch(org.path() + "/members/u-old", Map.of("status", "deactivated"));
        JsonNode byLast = org.admin().get("/user/?_order_by=last_name,first_name").get("data");
        assertThat(byLast).extracting(u -> u.get("last_name").stringValue()).containsExactly("Able", "Admin", "Moss", "Young");
        JsonNode byFirst = org.admin().get("/user/?_order_by=first_name,last_name").get("data");
        assertThat(byFirst).extracting(u -> u.get("first_name").stringValue()).containsExactly("Ada", "Amy", "Bob", "Zed");
        Http.Res page = org.admin().get("/user/?_order_by=first_name,last_name&_skip=1&_limit=2");
        assertThat(page.get("data")).extracting(u -> u.get("first_name").stringValue()).containsExactly("Amy", "Bob");
        assertThat(page.get("has_more").booleanValue()).isTrue();
        assertThat(org.admin().get("/user/?_skip=3").get("has_more").booleanValue()).isFalse();
        assertThat(byLast.get(0).get("organizations")).extracting(JsonNode::stringValue).containsExactly(org.closeId());
        Http.Res bad = org.admin().get("/user/?_order_by=email");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.get("field-errors").has("_order_by")).isTrue();
        assertThat(bad.get("field-errors").get("_order_by").stringValue())
                .contains("last_name,first_name", "first_name,last_name", "-date_created", "date_created");
    }

    @Test
    void user_isFoundByItsUserId_onlyInTheKeysOrganization() {
        var org = close.org();
        person(org, "u-find", "Fin", "Dable", "User");
        Http.Res res = org.admin().get("/user/u-find/");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.get("email").stringValue()).isEqualTo("u-find@example.com");
        Http.Res missing = org.admin().get("/user/u-nobody/");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.get("error").stringValue()).contains("u-nobody");
        var other = close.org();
        assertThat(other.admin().get("/user/u-find/").status()).isEqualTo(404);
    }

    /**
     * The single read and the list agree on who is a user: a deactivated or invited member, which {@code /user/}
     * leaves out, is a 404 by its id too (it once answered), and is shown among the organization's
     * {@code inactive_memberships}, with its user when expanded.
     */
    @Test
    void user_ofADeactivatedOrInvitedMember_is404_asTheListLeavesItOut() {
        var org = close.org();
        person(org, "u-gone", "Gone", "Away", "User");
        assertThat(org.admin().get("/user/u-gone/").status()).isEqualTo(200);
        node.service().patch(org.path() + "/members/u-gone", Map.of("status", "deactivated"));
        Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "u-asked", "email",
                "u-asked@example.com", "status", "invited", "role_id", close.native_().roleId(org.org(), "User")));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);

        assertThat(org.admin().get("/user/").get("data")).extracting(u -> u.get("id").stringValue())
                .doesNotContain("u-gone", "u-asked");
        for (String userId : List.of("u-gone", "u-asked")) {
            Http.Res res = org.admin().get("/user/" + userId + "/");
            assertThat(res.status()).as(userId + " " + res).isEqualTo(404);
            assertThat(res.get("error").stringValue()).contains(userId);
        }
        JsonNode inactive = org.admin().get("/organization/" + org.closeId() + "/?_expand=inactive_memberships__user")
                .get("inactive_memberships");
        assertThat(inactive).extracting(m -> m.get("user").get("id").stringValue())
                .containsExactlyInAnyOrder("u-gone", "u-asked");
    }

    /**
     * {@code _expand} takes the two membership lists only: another value (a misspelt {@code membership__user}) is a 400
     * naming it and the allowed ones, on GET and PUT, where it renames nothing; it once answered the flat entries.
     */
    @Test
    void organization_anUnknownExpandValue_isA400NamingItAndTheAllowedOnes() {
        var org = close.org();
        String path = "/organization/" + org.closeId() + "/";
        for (String query : List.of("membership__user", "memberships__user,inactive_memberships__users", "user")) {
            Http.Res res = org.admin().get(path + "?_expand=" + query);
            assertThat(res.status()).as(query + " " + res).isEqualTo(400);
            String reason = res.get("field-errors").get("_expand").stringValue();
            assertThat(reason).as(query).contains("\"" + query.replace("memberships__user,", "") + "\"",
                    "memberships__user", "inactive_memberships__user");
        }
        Http.Res renamed = org.admin().put(path + "?_expand=membership__user", Map.of("name", "Renamed"));
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(400);
        assertThat(org.admin().get(path).get("name").stringValue()).isNotEqualTo("Renamed");
        assertThat(org.admin().get(path + "?_expand=%2C").get("field-errors").get("_expand").stringValue())
                .isEqualTo("This field may not be blank.");
        Http.Res both = org.admin().get(path + "?_expand=memberships__user,%20inactive_memberships__user,");
        assertThat(both.status()).as(both.toString()).isEqualTo(200);
        assertThat(both.get("memberships").get(0).has("user")).isTrue();
    }

    @Test
    void organization_listsActiveAndInactiveMemberships_flatOrExpanded() {
        var org = close.org();
        person(org, "u-in", "In", "Side", "User");
        person(org, "u-out", "Out", "Side", "Restricted User");
        node.service().patch(org.path() + "/members/u-out", Map.of("status", "deactivated"));
        JsonNode flat = org.admin().get("/organization/" + org.closeId() + "/").json();
        assertThat(flat.get("id").stringValue()).isEqualTo(org.closeId());
        assertThat(flat.get("memberships")).extracting(m -> m.get("user_id").stringValue()).containsExactly(
                org.org().json().get("admin_member").get("user_id").stringValue(), "u-in");
        JsonNode inactive = flat.get("inactive_memberships").get(0);
        assertThat(inactive.get("user_id").stringValue()).isEqualTo("u-out");
        assertThat(inactive.get("role_id").stringValue()).isEqualTo("restricteduser");
        assertThat(inactive.get("permissions_granted")).hasSize(5);
        assertThat(inactive.get("user_full_name").stringValue()).isEqualTo("Out Side");
        assertThat(inactive.has("user")).isFalse();

        JsonNode expanded = org.admin().get("/organization/" + org.closeId() + "/?_expand=memberships__user").json();
        JsonNode entry = expanded.get("memberships").get(1);
        assertThat(entry.get("user").get("email").stringValue()).isEqualTo("u-in@example.com");
        assertThat(entry.has("user_email")).isFalse();
        assertThat(expanded.get("inactive_memberships").get(0).has("user")).isFalse();
        JsonNode both = org.admin().get("/organization/" + org.closeId()
                + "/?_expand=memberships__user,inactive_memberships__user").json();
        assertThat(both.get("inactive_memberships").get(0).get("user").get("id").stringValue()).isEqualTo("u-out");
    }

    /**
     * A rename by who may not rename is refused 403 whatever it sends: an empty body once answered 200 with the
     * organization (a write it may not make, reported as done), and a bad one a 400 describing it.
     */
    @Test
    void organization_put_byAMemberWithoutManageOrganization_is403_whateverItSends() {
        var org = close.org();
        Http restricted = close.member(org, "ru-1", "Restricted User");
        String path = "/organization/" + org.closeId() + "/";
        for (Object body : List.of(Map.of(), Map.of("currency", "EUR"), Map.of("name", " "), List.of())) {
            Http.Res res = restricted.put(path, body);
            assertThat(res.status()).as(body + ": " + res).isEqualTo(403);
            assertThat(res.get("error").stringValue()).contains("manage_organization");
        }
        assertThat(org.admin().put(path, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void organization_put_renames_andRefusesWhatThisServerDoesNotKeep() {
        var org = close.org();
        Http.Res renamed = org.admin().put("/organization/" + org.closeId() + "/", Map.of("name", "Acme Sales"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.get("name").stringValue()).isEqualTo("Acme Sales");
        assertThat(renamed.get("currency_symbol").stringValue()).isEqualTo("$");
        assertThat(node.service().get(org.path()).json().get("name").stringValue()).isEqualTo("Acme Sales");
        Http.Res currency = org.admin().put("/organization/" + org.closeId() + "/", Map.of("name", "X", "currency", "EUR"));
        assertThat(currency.status()).isEqualTo(400);
        assertThat(currency.get("field-errors").has("currency")).isTrue();
        assertThat(org.admin().put("/organization/" + org.closeId() + "/", Map.of("name", " ")).status()).isEqualTo(400);
        Http superuser = close.member(org, "su", "Super User");
        assertThat(superuser.put("/organization/" + org.closeId() + "/", Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(superuser.get("/organization/" + org.closeId() + "/").get("name").stringValue()).isEqualTo("Acme Sales");
        assertThat(org.admin().get("/organization/orga_nope/").status()).isEqualTo(404);
        assertThat(org.admin().put("/organization/" + org.closeId() + "/", List.of()).status()).isEqualTo(400);
    }
}
