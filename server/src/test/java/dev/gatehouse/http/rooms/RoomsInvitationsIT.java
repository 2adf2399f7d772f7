package dev.gatehouse.http.rooms;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.http.rooms.RoomsAccount.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invitations: a user invited through Rooms is Pending — an {@code invited} member, allowed nothing — until the
 * product accepts its invitation through the native API; then it is Active.
 */
class RoomsInvitationsIT {

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
    void anInvitedUser_isPending_andAllowedNothing_untilItsInvitationIsAccepted() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int bob = a.invited("Bob", agent, "Contributor");
        a.invite(a.admin, room, "bob@acme.test", agent);
        String member = a.org.path() + "/members/" + bob;

        assertThat(a.admin.get(a.base + "/users/" + bob).get("status").stringValue()).isEqualTo("Pending");
        assertThat(node.service().get(member).get("status").stringValue()).isEqualTo("invited");
        assertThat(ids(a.admin.get(a.base + "/users?status=Pending").json())).containsExactly(bob);
        assertThat(ids(a.admin.get(a.base + "/users?status=Active").json())).doesNotContain(bob);
        assertThat(ids(a.admin.get(a.base + "/users").json())).contains(bob);

        assertThat(allowed(a, bob, "canCreateRooms", null)).isFalse();
        assertThat(a.allowed(bob, "canViewRoomDetails", room)).as("its room role waits too").isFalse();
        assertThat(node.service().post(a.org.path() + "/lookup/members", Map.of("permission", "canViewRoomDetails",
                "resource", Map.of("type", "room", "id", String.valueOf(room)))).get("items"))
                .extracting(m -> m.get("id").longValue()).doesNotContain((long) bob);
        Http bobKey = a.as(bob);
        error(bobKey.get(a.base + "/roles"), 401, "KEY_MEMBER_INACTIVE", "invited");

        Http.Res accepted = node.service().post(member + "/accept", Map.of());
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        assertThat(accepted.get("status").stringValue()).isEqualTo("active");
        JsonNode event = node.service().get(a.org.path() + "/events?object_type=member&object_id=" + bob + "&limit=1")
                .json().get("items").get(0);
        assertThat(event.get("action").stringValue()).isEqualTo("activated");
        assertThat(event.at("/before/status").stringValue()).isEqualTo("invited");

        assertThat(a.admin.get(a.base + "/users/" + bob).get("status").stringValue()).isEqualTo("Active");
        assertThat(node.service().post(a.org.path() + "/check", Map.of("member_id", bob, "permission",
                "canCreateRooms", "min_revision", accepted.revision())).get("allowed").booleanValue()).isTrue();
        assertThat(a.allowed(bob, "canViewRoomDetails", room)).isTrue();
        assertThat(bobKey.get(a.base + "/roles").status()).as("a key minted while invited works once accepted")
                .isEqualTo(200);

        Http.Res again = node.service().post(member + "/accept", Map.of());
        assertThat(again.status()).as("accepted twice: nothing changes").isEqualTo(200);
        assertThat(again.get("version").intValue()).isEqualTo(accepted.get("version").intValue());
        node.service().patch(member, Map.of("status", "deactivated"));
        Http.Res locked = node.service().post(member + "/accept", Map.of());
        assertThat(locked.status()).isEqualTo(409);
        assertThat(locked.get("code").stringValue()).isEqualTo("member_not_invited");
        error(a.admin.post(a.base + "/users/" + bob + "/reinvite", Map.of()), 409, "USER_NOT_PENDING");
    }

    /**
     * Being locked and having accepted are apart, as in Rooms: a Pending user locked stays Pending (it once came back
     * Active from an unlock, never having accepted), loses its keys, and cannot be accepted until unlocked.
     */
    @Test
    void aPendingUserLockedAndUnlocked_staysPending_andCannotBeAcceptedWhileLocked() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bob = a.invited("Bob", agent, "Contributor");
        String member = a.org.path() + "/members/" + bob;
        Http bobKey = a.as(bob);

        assertThat(a.admin.post(a.base + "/users/" + bob + "/lock", Map.of("reason", "left")).status())
                .isEqualTo(204);
        JsonNode locked = a.admin.get(a.base + "/users/" + bob).json();
        assertThat(locked.get("status").stringValue()).isEqualTo("Pending");
        assertThat(locked.get("isLockedOut").booleanValue()).isTrue();
        assertThat(ids(a.admin.get(a.base + "/users?lockedOnly=true").json())).containsExactly(bob);
        assertThat(ids(a.admin.get(a.base + "/users?status=Pending").json())).containsExactly(bob);
        assertThat(node.service().get(member).get("status").stringValue()).isEqualTo("invited");
        error(bobKey.get(a.base + "/roles"), 401, "KEY_REVOKED");
        Http.Res accepted = node.service().post(member + "/accept", Map.of());
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(409);
        assertThat(accepted.get("code").stringValue()).isEqualTo("member_locked");
        assertThat(node.service().get(member).get("status").stringValue()).isEqualTo("invited");

        assertThat(a.admin.post(a.base + "/users/" + bob + "/unlock", Map.of()).status()).isEqualTo(204);
        JsonNode unlocked = a.admin.get(a.base + "/users/" + bob).json();
        assertThat(unlocked.get("status").stringValue()).isEqualTo("Pending");
        assertThat(unlocked.get("isLockedOut").booleanValue()).isFalse();
        assertThat(ids(a.admin.get(a.base + "/users?lockedOnly=true").json())).isEmpty();
        assertThat(allowed(a, bob, "canCreateRooms", null)).isFalse();

        assertThat(node.service().post(member + "/accept", Map.of()).status()).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/users/" + bob).get("status").stringValue()).isEqualTo("Active");
        assertThat(allowed(a, bob, "canCreateRooms", null)).isTrue();
    }

    @Test
    void acceptingAnInvitation_isGatedLikeChangingTheMember() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int manager = a.role("Manager", false, "canManageMemberLowerAccessLevel", "canCreateRooms");
        int bob = a.invited("Bob", agent, "Contributor");
        Http cid = a.as(a.user("Cid", agent, "Office"));
        Http max = a.as(a.user("Max", manager, "Office"));
        Http.Res refused = cid.post(a.org.path() + "/members/" + bob + "/accept", Map.of());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(node.service().get(a.org.path() + "/members/" + bob).get("status").stringValue())
                .isEqualTo("invited");
        assertThat(max.post(a.org.path() + "/members/" + bob + "/accept", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void nativeMembers_mayBeAddedInvited_butNeverGoBackToInvited() {
        Fixtures.Org org = fx.org("close");
        long role = fx.roleId(org, "user");
        Http.Res created = node.service().post(org.path() + "/members", Map.of("user_id", "u-new", "email",
                "new@example.com", "role_id", role, "status", "invited"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.get("status").stringValue()).isEqualTo("invited");
        assertThat(node.service().get(org.path() + "/members?status=invited").get("items"))
                .extracting(m -> m.get("user_id").stringValue()).containsExactly("u-new");

        Http.Res deactivatedAtBirth = node.service().post(org.path() + "/members", Map.of("user_id", "u-x", "email",
                "x@example.com", "role_id", role, "status", "deactivated"));
        assertThat(deactivatedAtBirth.status()).isEqualTo(400);
        Http.Res backToInvited = node.service().patch(org.path() + "/members/" + org.adminId(), Map.of("status",
                "invited"));
        assertThat(backToInvited.status()).isEqualTo(400);
        assertThat(backToInvited.json().at("/errors/status").stringValue()).contains("active", "deactivated");

        Http.Res activated = node.service().patch(org.path() + "/members/user:u-new", Map.of("status", "active"));
        assertThat(activated.get("status").stringValue()).as("activating is accepting").isEqualTo("active");
    }

    /**
     * An invitation's email is held to mail's lengths (64 bytes before the @, 254 in all), as every API's is: one
     * with 300 characters before the @ once became a member. Both ways of inviting refuse it in Rooms' shape, naming
     * {@code email}, and add no one. An address at mail's limits is still refused for a new user, whose id it would
     * become (a user id holds at most 200 characters: {@link RoomsEmailAsUserIdIT}).
     */
    @Test
    void anEmailBeyondMailsLimits_isRefused_byBothInvitations_namingTheEmail() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String longLocalPart = "a".repeat(300) + "@acme.test";
        String longWhole = "a".repeat(64) + "@" + "d".repeat(190) + ".test";
        long revision = node.appliedRevision();

        for (String email : List.of(longLocalPart, longWhole)) {
            error(a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Long", "lastName", "Mail",
                    "email", email, "roleId", agent, "accessLevel", "Company")), 400, "INVALID_INPUT", "email");
            error(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", email, "firstName", "Long",
                    "lastName", "Mail", "roleId", buyer)), 400, "INVALID_INPUT", "email");
        }
        error(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", longLocalPart, "firstName", "Long",
                "lastName", "Mail", "roleId", buyer)), 400, "INVALID_INPUT", "64 bytes before the @, got 300");

        String atTheLimits = "b".repeat(64) + "@" + "d".repeat(184) + ".test";
        assertThat(atTheLimits).hasSize(254);
        error(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", atTheLimits, "firstName", "Long",
                "lastName", "Mail", "roleId", buyer)), 400, "INVALID_INPUT", "email: ", "user's id; got 254");
        assertThat(node.appliedRevision()).as("no one was added").isEqualTo(revision);
    }

    /**
     * An outsider — someone invited into a room with an external role — is no company user ({@code GET …/users/{id}}
     * is a 404), and a member never turns from external to internal: inviting its email as a company user is a 409
     * that says who holds the email and what the caller can do, naming no {@code userId} the Users API would deny.
     * No one is added.
     */
    @Test
    void invitingAnOutsidersEmail_asACompanyUser_isA409SayingItIsAnExternalUser() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int carl = a.invite(a.admin, room, "carl@out.test", buyer);
        error(a.admin.get(a.base + "/users/" + carl), 404, "USER_NOT_FOUND");
        long revision = node.appliedRevision();

        Http.Res res = a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Carl", "lastName", "Out",
                "email", "Carl@Out.test", "roleId", agent, "accessLevel", "Contributor"));
        error(res, 409, "MEMBER_EXISTS", "email \"carl@out.test\" belongs to an external user of account "
                + a.org.accountId().toLowerCase(java.util.Locale.ROOT) + ": someone from outside the company invited "
                + "into its rooms with an external role, who is not a company user and cannot become one; invite the "
                + "person with another email, or remove the external user first (native API: DELETE "
                + "/v1/orgs/{org}/members/user:carl@out.test, which also takes it out of its rooms) and invite again");
        assertThat(res.get("message").stringValue()).as("names no user the Users API denies")
                .doesNotContainPattern("\\buser " + carl + "\\b").doesNotContain("organization");
        assertThat(node.appliedRevision()).as("no one was added").isEqualTo(revision);
        assertThat(ids(a.admin.get(a.base + "/users").json())).doesNotContain(carl);

        Http.Res taken = a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Ann", "lastName", "Again",
                "email", "ann@acme.test", "roleId", agent, "accessLevel", "Contributor"));
        int ann = taken.get("userId").intValue();
        error(a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Ann", "lastName", "Again", "email",
                "ann@acme.test", "roleId", agent, "accessLevel", "Contributor")), 409, "MEMBER_EXISTS",
                "already has user " + ann + " with email \"ann@acme.test\"");
    }

    /**
     * Blank optional strings of the dialect's bodies — an invitation's {@code eSignPermissionProfileId} and
     * {@code redirectUrl}, a lock's {@code reason} of a no-break space, a room's {@code listingSource}, a room user's
     * {@code transactionSideId} — are each a 400 {@code INVALID_INPUT} naming the field, and change nothing. Before, the
     * invitation was made (201) holding a blank profile id, and the user locked with a no-break space as its reason.
     */
    @Test
    void blankOptionalStrings_areRefusedNamingTheField_andChangeNothing() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bob = a.user("Bob", agent, "Contributor");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int users = a.admin.get(a.base + "/users").get("totalRowCount").intValue();
        long before = node.appliedRevision();

        error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("eve", agent, "Contributor")
                .with("eSignPermissionProfileId", "  ").with("redirectUrl", "")), 400, "INVALID_INPUT",
                "eSignPermissionProfileId: must not be blank", "redirectUrl: must not be blank");
        error(a.admin.post(a.base + "/users/" + bob + "/lock", Map.of("reason", "\u00a0")), 400, "INVALID_INPUT",
                "reason: must not be blank");
        error(a.admin.post(a.base + "/rooms", Map.of("name", "S", "roleId", a.defaultAdminRole(), "listingSource",
                "")), 400, "INVALID_INPUT", "listingSource: must not be blank");
        error(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", "in@out.test", "firstName", "In",
                "lastName", "Vited", "roleId", a.defaultAdminRole(), "transactionSideId", "\u2003")), 400,
                "INVALID_INPUT", "transactionSideId: must not be blank");
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(a.admin.get(a.base + "/users").get("totalRowCount").intValue()).isEqualTo(users);
        assertThat(a.admin.get(a.base + "/users/" + bob).get("isLockedOut").booleanValue()).isFalse();

        Http.Res invited = a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("eve", agent, "Contributor")
                .with("eSignPermissionProfileId", "docusign_sender").with("redirectUrl", null));
        assertThat(invited.status()).as("a value, and null for none, are taken: " + invited).isEqualTo(201);
    }

    /**
     * {@code invite_user}'s {@code companyTypeId} is an optional string of the dialect like the v5 agent's: empty, of
     * spaces or of invisible characters alone, it is a 400 naming it that invites no one. Before, it was not read,
     * and the invitation was made (201) whatever it held.
     */
    @Test
    void inviteUsersBlankCompanyTypeId_isRefusedNamingIt_andInvitesNoOne() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int users = a.admin.get(a.base + "/users").get("totalRowCount").intValue();
        long before = node.appliedRevision();
        for (String blank : List.of("", " ", "\t", "\u00a0", "\u200b", "\ufeff")) {
            error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("zoe", agent, "Contributor")
                    .with("companyTypeId", blank)), 400, "INVALID_INPUT", "companyTypeId: must not be blank");
        }
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(a.admin.get(a.base + "/users").get("totalRowCount").intValue()).isEqualTo(users);

        Http.Res invited = a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("zoe", agent, "Contributor")
                .with("companyTypeId", "1"));
        assertThat(invited.status()).as("a value is taken: " + invited).isEqualTo(201);
    }

    static boolean allowed(RoomsAccount a, long member, String permission, Integer room) {
        Map<String, Object> body = room == null ? Map.of("member_id", member, "permission", permission)
                : Map.of("member_id", member, "permission", permission, "resource", Map.of("type", "room", "id",
                String.valueOf(room)));
        return node.service().post(a.org.path() + "/check", body).get("allowed").booleanValue();
    }

    static List<Integer> ids(JsonNode users) {
        return users.get("userSummaries").valueStream().map(u -> u.get("userId").intValue()).toList();
    }
}
