package dev.gatehouse.http.rooms;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.gatehouse.http.rooms.RoomsAccount.error;
import static org.assertj.core.api.Assertions.assertThat;

/** How the Rooms dialect words its errors: Rooms' own field names, and nothing of another account. */
class RoomsErrorsIT {

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

    /**
     * A bad query parameter answers the dialect's one code, INVALID_REQUEST_PARAMETER, whoever refuses it: a control
     * character or broken UTF-8 (refused for every dialect before any route reads the query) as an unknown value
     * (refused by the route), an id among them too. A bad path id is an INVALID_ID, and a bad accountId an
     * INVALID_ACCOUNT_ID, a control character in either too.
     */
    @Test
    void badParameters_answerTheDialectsCodes_whoeverRefusesThem() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        for (String query : List.of("/users?filter=%00", "/users?filter=%ED%A0%80", "/users?count=0",
                "/users?sort=Bogus", "/users?status=Bogus", "/rooms?roomStatus=active,", "/roles?filter=a%01b",
                "/rooms/" + room + "/users?filter=%7F", "/users?a%00b=1", "/users?roleId=x", "/rooms?officeId=0",
                "/users?titleId=%00")) {
            error(a.admin.get(a.base + query), 400, "INVALID_REQUEST_PARAMETER");
        }
        error(a.admin.get(a.base + "/rooms/" + room + "%01"), 400, "INVALID_ID", "roomId");
        error(a.admin.get(a.base + "/rooms/" + room + "?roomId=%00"), 400, "INVALID_REQUEST_PARAMETER", "roomId");
        error(a.admin.get("/restapi/v2/accounts/" + a.org.accountId() + "%01/roles"), 400, "INVALID_ACCOUNT_ID",
                "accountId");
        error(a.admin.get("/restapi/v2/accounts/" + a.org.accountId() + "%20/roles"), 400, "INVALID_ACCOUNT_ID",
                "accountId");
    }

    @Test
    void messages_nameRoomsFields_notGatehouseOnes() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int bob = a.user("Bob", agent, "Contributor");
        a.invite(a.admin, room, "bob@acme.test", agent);
        List<Http.Res> refused = new ArrayList<>();
        refused.add(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", buyer, "Contributor")));
        refused.add(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("y", 999999, "Contributor")));
        refused.add(a.admin.post(a.base + "/rooms", Map.of("name", "S", "roleId", 999999)));
        refused.add(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", "out@side.test",
                "firstName", "O", "lastName", "S", "roleId", agent)));
        refused.add(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", "new@side.test",
                "firstName", "N", "lastName", "S", "roleId", 999999)));
        refused.add(a.admin.put(a.base + "/rooms/" + room + "/users/" + bob, Map.of("roleId", 999999)));
        for (Http.Res res : refused) {
            error(res, 400, "INVALID_INPUT", "roleId");
            assertThat(res.get("message").stringValue()).as(res.toString())
                    .doesNotContain("role_id", "member_id", "user_id", "organization");
        }
    }

    @Test
    void messages_nameUsersByTheirUserId_notAsGatehouseMembers() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int bob = a.user("Bob", agent, "Contributor");
        int carl = a.invite(a.admin, room, "carl@out.test", buyer);
        Http asBob = a.as(bob);
        error(asBob.post(a.base + "/roles", Map.of("name", "X")), 403, "PERMISSION_REQUIRED",
                "canManageAccount", "which user " + bob + " does not have");
        error(asBob.post(a.base + "/users/" + a.org.adminId() + "/lock", Map.of("reason", "x")), 403,
                "ACCESS_LEVEL_TOO_HIGH", "(user " + bob + ")");
        error(a.admin.put(a.base + "/rooms/" + room + "/users/" + carl, Map.of("roleId", agent)), 400, "INVALID_INPUT",
                "roleId: user " + carl + " is external");
        for (Http.Res res : List.of(asBob.post(a.base + "/roles", Map.of("name", "X")),
                a.admin.put(a.base + "/rooms/" + room + "/users/" + carl, Map.of("roleId", agent)))) {
            assertThat(res.get("message").stringValue()).as(res.toString()).doesNotContainPattern("\\bmember \\d");
        }
    }

    @Test
    void aTakenEmail_namesTheUserHoldingIt_notGatehousesUserIdField() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bob = a.user("Bob", agent, "Contributor");
        Http.Res again = a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("Bob", agent, "Contributor")
                .with("email", "BOB@acme.test"));
        error(again, 409, "MEMBER_EXISTS", "account " + a.org.accountId() + " already has user " + bob
                + " with email \"bob@acme.test\"");
        String adminEmail = a.admin.get(a.base + "/users/" + a.org.adminId()).get("email").stringValue();
        Http.Res admin = a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("Ada", agent, "Contributor")
                .with("email", adminEmail));
        error(admin, 409, "MEMBER_EXISTS", "already has user " + a.org.adminId() + " (email \"" + adminEmail + "\")");
        for (Http.Res res : List.of(again, admin)) {
            assertThat(res.get("message").stringValue()).as(res.toString())
                    .doesNotContain("user_id", "(id ").doesNotContainPattern("\\bmember\\b");
        }
        assertThat(a.admin.get(a.base + "/users").get("totalRowCount").intValue()).isEqualTo(2);
    }

    @Test
    void messages_nameTheAccount_notTheOrganizationId() {
        RoomsAccount a = new RoomsAccount(node, fx);
        Http.Res res = a.admin.get(a.base + "/users/999999");
        error(res, 404, "USER_NOT_FOUND", a.org.accountId());
        assertThat(res.get("message").stringValue()).doesNotContain("organization");
        res = a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("y", 999999, "Contributor"));
        error(res, 400, "INVALID_INPUT", "roleId", "role 999999 not found in account " + a.org.accountId());
    }

    @Test
    void classicInvitations_onAV6Company_answerThatTheyAreV5Calls() {
        RoomsAccount a = new RoomsAccount(node, fx);
        for (String verb : List.of("invite_classic_admin", "invite_classic_manager", "invite_classic_agent")) {
            error(a.admin.post(a.base + "/users/" + verb, Map.of("firstName", "C", "lastName", "L",
                    "email", verb + "@acme.test")), 400, "CLASSIC_COMPANY_ONLY", verb, "v5", "invite_user");
            error(node.anonymous().post(a.base + "/users/" + verb, Map.of()), 401, "UNAUTHENTICATED");
        }
        assertThat(a.admin.get(a.base + "/users").get("totalRowCount").intValue()).isEqualTo(1);
    }

    @Test
    void messages_neverNameAnotherAccountsObjects() {
        RoomsAccount a = new RoomsAccount(node, fx);
        RoomsAccount other = new RoomsAccount(node, fx);
        int otherRole = other.role("Other Secret Role", false, "canCreateRooms");
        int otherBuyer = other.role("Other Secret Buyer", true, "canViewRoomDetails");
        int otherUser = other.user("Othersecret", otherRole, "Contributor");
        int otherRoom = other.room(other.admin, "Other Secret Room", other.defaultAdminRole());
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        List<String> secrets = List.of("Other Secret", "othersecret@", other.org.accountId(),
                "organization " + other.org.id(), "member " + other.org.adminId());

        List<Http.Res> refused = new ArrayList<>();
        refused.add(a.admin.get(a.base + "/roles/" + otherRole));
        refused.add(a.admin.put(a.base + "/roles/" + otherRole, Map.of("name", "Mine")));
        refused.add(a.admin.delete(a.base + "/roles/" + otherRole));
        refused.add(a.admin.get(a.base + "/users/" + otherUser));
        refused.add(a.admin.put(a.base + "/users/" + otherUser, Map.of("defaultOfficeId", 1)));
        refused.add(a.admin.delete(a.base + "/users/" + otherUser));
        refused.add(a.admin.post(a.base + "/users/" + otherUser + "/lock", Map.of("reason", "x")));
        refused.add(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("z", otherRole, "Contributor")));
        refused.add(a.admin.get(a.base + "/rooms/" + otherRoom));
        refused.add(a.admin.delete(a.base + "/rooms/" + otherRoom));
        refused.add(a.admin.get(a.base + "/rooms/" + otherRoom + "/users"));
        refused.add(a.admin.post(a.base + "/rooms", Map.of("name", "S", "roleId", otherRole)));
        refused.add(a.admin.post(a.base + "/rooms", Map.of("name", "S", "roleId", a.defaultAdminRole(),
                "ownerId", otherUser)));
        refused.add(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", "othersecret@acme.test",
                "firstName", "O", "lastName", "S", "roleId", otherBuyer)));
        refused.add(a.admin.put(a.base + "/rooms/" + room + "/users/" + otherUser, Map.of("roleId", otherRole)));
        refused.add(a.admin.post(a.base + "/rooms/" + room + "/users/" + otherUser + "/revoke_access", Map.of()));
        refused.add(a.admin.get(a.base + "/users?roleId=" + otherRole));
        for (Http.Res res : refused) {
            if (res.status() < 400) {
                assertThat(res.body()).as(res.toString()).doesNotContain(secrets);
                continue;
            }
            assertThat(res.status()).as(res.toString()).isBetween(400, 404);
            assertThat(res.get("message").stringValue()).as(res.toString()).doesNotContain(secrets);
        }
    }
}
