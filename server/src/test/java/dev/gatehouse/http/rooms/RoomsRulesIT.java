package dev.gatehouse.http.rooms;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.http.rooms.RoomsAccount.error;
import static org.assertj.core.api.Assertions.assertThat;

/** Every rule of the Rooms dialect, each with the request it refuses. */
class RoomsRulesIT {

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

    // ---------------------------------------------------------------- roles

    @Test
    void roleManagement_needsCanManageAccount() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        Http bob = a.as(a.user("Bob", agent, "Company"));
        error(bob.post(a.base + "/roles", Map.of("name", "Mine")), 403, "PERMISSION_REQUIRED", "canManageAccount");
        error(bob.put(a.base + "/roles/" + agent, Map.of("name", "Boss")), 403, "PERMISSION_REQUIRED");
        error(bob.delete(a.base + "/roles/" + agent), 403, "PERMISSION_REQUIRED");
        assertThat(bob.get(a.base + "/roles").status()).isEqualTo(200);
        assertThat(bob.get(a.base + "/roles/" + agent).status()).isEqualTo(200);
    }

    @Test
    void roles_cannotGrantMoreThanTheCallerHolds() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int manager = a.role("Manager", false, "canManageAccount");
        Http mia = a.as(a.user("Mia", manager, "Company"));
        error(mia.post(a.base + "/roles", Map.of("name", "Bigger", "permissions", Map.of("canCreateRooms", true))),
                403, "PRIVILEGE_ESCALATION", "canCreateRooms");
        assertThat(mia.post(a.base + "/roles", Map.of("name", "Same", "permissions",
                Map.of("canManageAccount", true))).status()).isEqualTo(201);
    }

    @Test
    void roleBodies_areValidated_andOldOrUnknownPermissionsIgnored() {
        RoomsAccount a = new RoomsAccount(node, fx);
        error(a.admin.post(a.base + "/roles", Map.of()), 400, "INVALID_INPUT", "name");
        error(a.admin.post(a.base + "/roles", Map.of("name", "X", "permissions", Map.of("canCreateRooms", "yes"))),
                400, "INVALID_INPUT", "permissions.canCreateRooms");
        error(a.admin.post(a.base + "/roles", Map.of("name", "X", "isExternal", "no")), 400, "INVALID_INPUT", "isExternal");
        error(a.admin.post(a.base + "/roles", Map.of("name", "X", "permissions", List.of())), 400, "INVALID_INPUT",
                "permissions");
        Http.Res created = a.admin.post(a.base + "/roles", Map.of("name", "Legacy", "isDefaultForAdmin", true,
                "permissions", Map.of("isVisibleInRooms", true, "canCreateAndManagePackages", true, "canFly", true,
                        "canCreateRooms", true, "canManageLogo", false)));
        assertThat(created.status()).isEqualTo(201);
        JsonNode permissions = created.get("permissions");
        assertThat(permissions.propertyNames()).hasSize(66).doesNotContain("isVisibleInRooms", "canFly");
        assertThat(permissions.get("canCreateRooms").booleanValue()).isTrue();
        assertThat(permissions.get("canManageLogo").booleanValue()).isFalse();
        assertThat(created.get("isDefaultForAdmin").booleanValue()).isFalse();
        assertThat(a.admin.get(a.base + "/roles").get("roles")).filteredOn(r -> r.get("isDefaultForAdmin").booleanValue())
                .hasSize(1);
        error(a.admin.post(a.base + "/roles", Map.of("name", "LEGACY")), 409, "ROLE_NAME_TAKEN", "Legacy");
    }

    @Test
    void defaultAdmin_isImmutable() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int admin = a.defaultAdminRole();
        error(a.admin.put(a.base + "/roles/" + admin, Map.of("name", "Root")), 403, "SYSTEM_ROLE_IMMUTABLE");
        error(a.admin.delete(a.base + "/roles/" + admin), 403, "SYSTEM_ROLE_IMMUTABLE");
    }

    @Test
    void heldRoles_cannotBeDeleted_norSwitchBetweenInternalAndExternal() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        a.user("Bob", agent, "Contributor");
        error(a.admin.delete(a.base + "/roles/" + agent), 409, "ROLE_IN_USE",
                "role " + agent + " is held by 1 user as its company role; give that user another company role");
        error(a.admin.put(a.base + "/roles/" + agent, Map.of("isExternal", true)), 409, "ROLE_IN_USE",
                "role " + agent + " cannot change between internal and external while held by 1 user as its company "
                        + "role");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int carl = a.invite(a.admin, room, "carl@buyer.test", buyer);
        a.invite(a.admin, room, "dora@buyer.test", buyer);
        a.invite(a.admin, room, "emil@buyer.test", buyer);
        // a room role is held by room users, in Rooms' words: never Gatehouse's "resource assignments" or "members"
        for (Http.Res held : List.of(a.admin.delete(a.base + "/roles/" + buyer),
                a.admin.put(a.base + "/roles/" + buyer, Map.of("isExternal", false)))) {
            error(held, 409, "ROLE_IN_USE", "held by 3 room users");
            assertThat(held.get("message").stringValue()).doesNotContain("assignment", "member");
        }
        a.admin.post(a.base + "/rooms/" + room + "/users/" + carl + "/revoke_access", Map.of());
        error(a.admin.delete(a.base + "/roles/" + buyer), 409, "ROLE_IN_USE", "role " + buyer + " is held by 2 room "
                + "users and 1 room user whose access is revoked (it comes back on restore); give those room users "
                + "another room role (PUT …/rooms/{roomId}/users/{userId}) and restore the access of the room user "
                + "whose access is revoked (POST …/rooms/{roomId}/users/{userId}/restore_access) and give it another "
                + "room role, or remove that user (native API: DELETE /v1/orgs/{org}/members/{member}, which also "
                + "takes it out of its rooms) first");
        error(a.admin.put(a.base + "/roles/" + buyer, Map.of("isExternal", false)), 409, "ROLE_IN_USE",
                "role " + buyer + " cannot change between internal and external while held by 2 room users and 1 room "
                        + "user whose access is revoked");
        assertThat(a.admin.get(a.base + "/roles/" + buyer + "?includeIsAssigned=true").get("isAssigned").booleanValue())
                .isTrue();
        // The role a revoked user keeps is held whichever API asks: /v1 once answered the database's "referenced",
        // and let the role turn internal under a user that only an external role may be restored into.
        for (Http.Res held : List.of(a.admin.delete(a.org.path() + "/roles/" + buyer),
                a.admin.patch(a.org.path() + "/roles/" + buyer, Map.of("external", false)))) {
            assertThat(held.status()).as("%s", held).isEqualTo(409);
            assertThat(held.get("code").stringValue()).isEqualTo("role_in_use");
            assertThat(held.get("detail").stringValue()).contains("1 room user whose access is revoked");
        }
    }

    @Test
    void roleIds_andPaging_areValidated() {
        RoomsAccount a = new RoomsAccount(node, fx);
        error(a.admin.get(a.base + "/roles/abc"), 400, "INVALID_ID", "roleId");
        error(a.admin.get(a.base + "/roles/3000000000"), 400, "INVALID_ID", "2147483647");
        error(a.admin.get(a.base + "/roles/999999"), 404, "ROLE_NOT_FOUND");
        error(a.admin.get(a.base + "/roles?count=0"), 400, "INVALID_REQUEST_PARAMETER", "count");
        error(a.admin.get(a.base + "/roles?count=101"), 400, "INVALID_REQUEST_PARAMETER", "count");
        error(a.admin.get(a.base + "/roles?startPosition=-1"), 400, "INVALID_REQUEST_PARAMETER", "startPosition");
        error(a.admin.get(a.base + "/roles?filterContext=Mine"), 400, "INVALID_REQUEST_PARAMETER", "filterContext");
        error(a.admin.get(a.base + "/roles?onlyAssignable=maybe"), 400, "INVALID_REQUEST_PARAMETER", "onlyAssignable");
        error(a.admin.get(a.base + "/roles/1?includeIsAssigned=1"), 400, "INVALID_REQUEST_PARAMETER");
        JsonNode beyond = a.admin.get(a.base + "/roles?startPosition=5").json();
        assertThat(beyond.get("roles")).isEmpty();
        assertThat(beyond.get("resultSetSize").intValue()).isZero();
        assertThat(beyond.get("endPosition").intValue()).isEqualTo(4);
        assertThat(beyond.get("totalRowCount").intValue()).isEqualTo(1);
        assertThat(beyond.has("nextUri")).as("left out on the last page, not null").isFalse();
        assertThat(beyond.get("priorUri").stringValue()).endsWith("startPosition=0&count=100");
    }

    /**
     * Past the end of a list, {@code priorUri} names the last page holding items, not {@code count} positions back:
     * a client paging backwards from {@code startPosition=100} once walked some 49 empty pages. An empty list has no
     * such page, so no {@code priorUri}. Every list of the dialect pages alike (roles, users, rooms shown here).
     */
    @Test
    void paging_pastTheEnd_pointsBackAtTheLastPageHoldingItems() {
        RoomsAccount a = new RoomsAccount(node, fx);
        for (int i = 1; i <= 5; i++) {
            a.role("Role " + i, false, "canCreateRooms");
        }
        JsonNode beyond = a.admin.get(a.base + "/roles?startPosition=100&count=2").json();
        assertThat(beyond.get("totalRowCount").intValue()).isEqualTo(6);
        assertThat(beyond.get("roles")).isEmpty();
        String prior = beyond.get("priorUri").stringValue();
        assertThat(prior).endsWith("/roles?startPosition=4&count=2");
        JsonNode last = a.admin.get("/restapi" + prior).json();
        assertThat(last.get("roles")).hasSize(2);
        assertThat(last.get("priorUri").stringValue()).endsWith("startPosition=2&count=2");
        assertThat(last.has("nextUri")).isFalse();
        assertThat(a.admin.get(a.base + "/roles?startPosition=6&count=4").get("priorUri").stringValue())
                .as("at the end exactly").endsWith("startPosition=2&count=4");
        assertThat(a.admin.get(a.base + "/roles?startPosition=5&count=2").get("priorUri").stringValue())
                .as("within the list, count positions back as before").endsWith("startPosition=3&count=2");

        assertThat(a.admin.get(a.base + "/users?startPosition=50&count=10").get("priorUri").stringValue())
                .as("one user, the admin").endsWith("startPosition=0&count=10");
        JsonNode noRooms = a.admin.get(a.base + "/rooms?startPosition=50&count=10").json();
        assertThat(noRooms.get("totalRowCount").intValue()).isZero();
        assertThat(noRooms.has("priorUri")).as("an empty list has no page to go back to").isFalse();
        assertThat(noRooms.has("nextUri")).isFalse();
    }

    @Test
    void gatehouseIdsBeyond32Bits_areRefusedClearly() {
        try (TestNode big = TestNode.start()) {
            try (var c = TestDatabase.connect(big.databaseUrl());
                 var st = c.createStatement()) {
                st.execute("ALTER TABLE roles ALTER COLUMN id RESTART WITH 3000000000");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            RoomsAccount a = new RoomsAccount(big, new Fixtures(big));
            error(a.admin.get(a.base + "/roles"), 409, "ID_OUT_OF_RANGE", "role 3000000000", "32-bit");
            error(a.admin.post(a.base + "/roles", Map.of("name", "Huge")), 409, "ID_OUT_OF_RANGE");
        }
    }

    // ---------------------------------------------------------------- users

    /** A JSON body under construction. */
    /**
     * A role listed as assignable is one the caller can give: listing the assignable roles and inviting with any of
     * them succeeds. A role granting a room permission the caller lacks (Agent, for a member manager) was listed by
     * the company-permissions context and then refused by {@code invite_user} (403 {@code PRIVILEGE_ESCALATION}); the
     * default admin role, whose users are at Admin, is not listed for a caller below that level either.
     */
    @Test
    void assignableRoles_areThoseTheCallerCanInviteWith_inEveryContext() {
        RoomsAccount a = new RoomsAccount(node, fx);
        a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms");
        a.role("Clerk", false, "canAddMemberAndSetRoleLowerAccessLevel");
        int hrRole = a.role("HR", false, "canAddMemberAndSetRoleSameAccessLevel",
                "canAddMemberAndSetRoleLowerAccessLevel");
        Http.Res all = a.admin.post(a.base + "/roles", Map.of("name", "Everything", "permissions",
                a.admin.get(a.base + "/roles/" + a.defaultAdminRole()).get("permissions")));
        assertThat(all.status()).as(all.toString()).isEqualTo(201);
        Http hr = a.as(a.user("Hana", hrRole, "Office"));
        Http boss = a.as(a.user("Boss", all.get("roleId").intValue(), "Company"));
        int invited = 0;
        for (String context : List.of("onlyAssignable=true", "filterContext=AssignableRolesBasedOnCompanyPermissions",
                "filterContext=AssignableRolesBasedOnAllPermissions")) {
            JsonNode hrs = hr.get(a.base + "/roles?" + context).get("roles");
            assertThat(hrs).extracting(r -> r.get("name").stringValue()).as(context).containsExactly("Clerk", "HR");
            JsonNode boss_ = boss.get(a.base + "/roles?" + context).get("roles");
            assertThat(boss_).extracting(r -> r.get("name").stringValue()).as(context)
                    .containsExactly("Agent", "Clerk", "HR", "Everything");
            for (JsonNode role : hrs) {
                Http.Res res = hr.post(a.base + "/users/invite_user", invitee("h" + ++invited,
                        role.get("roleId").intValue(), "Contributor"));
                assertThat(res.status()).as(res.toString()).isEqualTo(201);
            }
            for (JsonNode role : boss_) {
                Http.Res res = boss.post(a.base + "/users/invite_user", invitee("b" + ++invited,
                        role.get("roleId").intValue(), "Contributor"));
                assertThat(res.status()).as(res.toString()).isEqualTo(201);
            }
        }
        int agent = a.role("Agent2", false, "canCreateRooms");
        error(hr.post(a.base + "/users/invite_user", invitee("x1", agent, "Contributor")), 403,
                "PRIVILEGE_ESCALATION", "canCreateRooms");
        error(boss.post(a.base + "/users/invite_user", invitee("x2", a.defaultAdminRole(), "Admin")), 403,
                "ACCESS_LEVEL_TOO_HIGH");
        assertThat(a.admin.get(a.base + "/roles?onlyAssignable=true").get("roles")).as("the Default Admin: every role")
                .hasSize(6);
    }

    static final class Body extends java.util.LinkedHashMap<String, Object> {
        Body with(String field, Object value) {
            put(field, value);
            return this;
        }
    }

    static Body invitee(String name, int roleId, String accessLevel) {
        return new Body().with("firstName", name).with("lastName", "Test").with("email", name + "@acme.test")
                .with("roleId", roleId).with("accessLevel", accessLevel);
    }

    @Test
    void inviting_needsTheAddMemberPermissionOfTheInviteesAccessLevel() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int lower = a.role("Lower", false, "canAddMemberAndSetRoleLowerAccessLevel", "canCreateRooms");
        int same = a.role("Same", false, "canAddMemberAndSetRoleSameAccessLevel", "canCreateRooms");
        Http bob = a.as(a.user("Bob", agent, "Company"));
        Http lea = a.as(a.user("Lea", lower, "Company"));
        Http sam = a.as(a.user("Sam", same, "Company"));
        error(bob.post(a.base + "/users/invite_user", invitee("x1", agent, "Contributor")), 403, "PERMISSION_REQUIRED",
                "canAddMemberAndSetRoleLowerAccessLevel");
        assertThat(lea.post(a.base + "/users/invite_user", invitee("x2", agent, "Contributor")).status()).isEqualTo(201);
        error(lea.post(a.base + "/users/invite_user", invitee("x3", agent, "Company")), 403, "PERMISSION_REQUIRED",
                "canAddMemberAndSetRoleSameAccessLevel");
        assertThat(sam.post(a.base + "/users/invite_user", invitee("x4", agent, "Company")).status()).isEqualTo(201);
        assertThat(sam.post(a.base + "/users/invite_user", invitee("x5", agent, "Office")
                .with("offices", List.of(a.office))).status()).isEqualTo(201);
        error(sam.post(a.base + "/users/invite_user", invitee("x6", agent, "Admin")), 403, "ACCESS_LEVEL_TOO_HIGH",
                "Admin", "Company");
        int bigger = a.role("Bigger", false, "canManageAccount");
        error(sam.post(a.base + "/users/invite_user", invitee("x7", bigger, "Contributor")), 403,
                "PRIVILEGE_ESCALATION", "canManageAccount");
        error(sam.post(a.base + "/users/invite_user", invitee("x8", a.defaultAdminRole(), "Contributor")), 403,
                "ACCESS_LEVEL_TOO_HIGH", "Admin", "Company");
    }

    /**
     * Re-inviting a Pending user is gated like inviting it with its company role, by the member gate every other write
     * on a user passes: a user whose role grants what the caller's lacks is beyond it (403 PRIVILEGE_ESCALATION), as
     * locking, updating or removing it is. Re-inviting once answered 204 for such a user, and recorded the invitation.
     */
    @Test
    void reinviting_aUserHoldingMoreThanTheCaller_isAPrivilegeEscalation_likeEveryOtherWriteOnIt() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int hr = a.role("People", false, "canAddMemberAndSetRoleSameAccessLevel",
                "canAddMemberAndSetRoleLowerAccessLevel", "canManageMemberSameAccessLevel",
                "canManageMemberLowerAccessLevel", "canRemoveCompanyMemberSameAccessLevel",
                "canRemoveCompanyMemberLowerAccessLevel", "canCreateRooms");
        int logo = a.role("Brand", false, "canManageLogo");
        int plain = a.role("Plain", false, "canCreateRooms");
        Http pia = a.as(a.user("Pia", hr, "Company"));
        int brand = a.invited("Bea", logo, "Contributor");
        int other = a.invited("Otto", plain, "Contributor");
        String events = a.org.path() + "/events?object_type=rooms_profile&object_id=" + brand;
        int recorded = node.service().get(events).get("items").size();

        error(pia.post(a.base + "/users/invite_user", Map.of("firstName", "Cy", "lastName", "Test", "email",
                "cy@acme.test", "roleId", logo, "accessLevel", "Contributor")), 403, "PRIVILEGE_ESCALATION",
                "canManageLogo");
        error(pia.post(a.base + "/users/" + brand + "/lock", Map.of("reason", "x")), 403, "PRIVILEGE_ESCALATION",
                "user " + brand, "canManageLogo");
        error(pia.post(a.base + "/users/" + brand + "/reinvite", Map.of()), 403, "PRIVILEGE_ESCALATION",
                "re-inviting a user", "user " + brand, "canManageLogo");
        assertThat(node.service().get(events).get("items")).as("nothing recorded").hasSize(recorded);

        assertThat(pia.post(a.base + "/users/" + other + "/reinvite", Map.of()).status()).isEqualTo(204);
        assertThat(a.admin.post(a.base + "/users/" + brand + "/reinvite", Map.of()).status()).isEqualTo(204);
        assertThat(node.service().post(a.base + "/users/" + brand + "/reinvite", Map.of()).status()).isEqualTo(204);
    }

    /**
     * The default admin role puts its holder at the Admin level, whatever level the invitation asks: a user asked at
     * another level is refused (400 naming {@code accessLevel}, no one added), never created at a level it was not
     * asked for.
     */
    @Test
    void invitingWithTheDefaultAdminRole_atAnotherLevel_isRefused_notAnsweredAdmin() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int admin = a.defaultAdminRole();
        int usersBefore = a.admin.get(a.base + "/users").get("totalRowCount").intValue();
        for (String level : List.of("Contributor", "Office", "Region", "Company")) {
            error(a.admin.post(a.base + "/users/invite_user", invitee("d" + level, admin, level)
                    .with("offices", List.of(a.office)).with("regions", List.of(a.region))), 400, "INVALID_INPUT",
                    "accessLevel", "Admin", level);
        }
        assertThat(a.admin.get(a.base + "/users").get("totalRowCount").intValue()).isEqualTo(usersBefore);
        Http.Res asked = a.admin.post(a.base + "/users/invite_user", invitee("dAdmin", admin, "Admin"));
        assertThat(asked.status()).as(asked.toString()).isEqualTo(201);
        assertThat(asked.get("accessLevel").stringValue()).isEqualTo("Admin");
        int agent = a.role("Agent", false, "canCreateRooms");
        for (String level : List.of("Contributor", "Company", "Admin")) {
            Http.Res res = a.admin.post(a.base + "/users/invite_user", invitee("a" + level, agent, level));
            assertThat(res.status()).as(res.toString()).isEqualTo(201);
            assertThat(res.get("accessLevel").stringValue()).as("the level asked, as shown").isEqualTo(level);
            assertThat(a.admin.get(a.base + "/users/" + res.get("userId").intValue()).get("accessLevel").stringValue())
                    .isEqualTo(level);
        }
    }

    /**
     * A user below the Admin level cannot make an Admin-level user through {@code invite_user} by asking a lower
     * level with the default admin role, even holding every permission of that role (so no permission is beyond
     * it): the gate judges the level the user would have, as the native API does (403, no one added).
     */
    @Test
    void inviting_cannotMakeAUserAboveTheCallersLevel_byAskingALowerOne() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int admin = a.defaultAdminRole();
        Map<String, Object> everything = new java.util.LinkedHashMap<>();
        a.admin.get(a.base + "/roles/" + admin).get("permissions").properties()
                .forEach(p -> everything.put(p.getKey(), p.getValue().booleanValue()));
        Http.Res deputyRole = a.admin.post(a.base + "/roles", Map.of("name", "Deputy", "permissions", everything));
        assertThat(deputyRole.status()).as(deputyRole.toString()).isEqualTo(201);
        Http deb = a.as(a.user("Deb", deputyRole.get("roleId").intValue(), "Company"));
        int usersBefore = a.admin.get(a.base + "/users").get("totalRowCount").intValue();
        for (String level : List.of("Contributor", "Company", "Admin")) {
            error(deb.post(a.base + "/users/invite_user", invitee("e" + level, admin, level)), 403,
                    "ACCESS_LEVEL_TOO_HIGH", "Admin", "Company");
        }
        assertThat(a.admin.get(a.base + "/users").get("totalRowCount").intValue()).isEqualTo(usersBefore);
        assertThat(deb.post(a.base + "/users/invite_user", invitee("eOk", a.role("Agent", false, "canCreateRooms"),
                "Company")).status()).isEqualTo(201);
    }

    @Test
    void inviteBodies_areValidated() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        error(a.admin.post(a.base + "/users/invite_user", Map.of()), 400, "INVALID_INPUT", "firstName", "lastName",
                "email", "roleId", "accessLevel");
        error(a.admin.post(a.base + "/users/invite_user", invitee("y", agent, "Boss")), 400, "INVALID_INPUT",
                "accessLevel");
        error(a.admin.post(a.base + "/users/invite_user", invitee("y", agent, "Region")), 400, "INVALID_INPUT", "regions");
        error(a.admin.post(a.base + "/users/invite_user", invitee("y", agent, "Office")), 400, "INVALID_INPUT", "offices");
        error(a.admin.post(a.base + "/users/invite_user", invitee("y", agent, "Contributor").with("email", "nope")), 400,
                "INVALID_INPUT", "email");
        error(a.admin.post(a.base + "/users/invite_user", invitee("y", buyer, "Contributor")), 400, "INVALID_INPUT",
                "external");
        error(a.admin.post(a.base + "/users/invite_user", invitee("y", 999999, "Contributor")), 400, "INVALID_INPUT",
                "not found");
        assertThat(a.admin.post(a.base + "/users/invite_user", invitee("y", agent, "Contributor")).status()).isEqualTo(201);
        error(a.admin.post(a.base + "/users/invite_user", invitee("y", agent, "Contributor")), 409, "MEMBER_EXISTS");
    }

    @Test
    void managingUsers_needsTheManagePermissionOfTheirAccessLevel() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int manager = a.role("Manager", false, "canManageMemberLowerAccessLevel", "canCreateRooms");
        int target = a.user("Tom", agent, "Contributor");
        int peer = a.user("Pat", agent, "Office");
        Http bob = a.as(a.user("Bob", agent, "Office"));
        Http max = a.as(a.user("Max", manager, "Office"));
        error(bob.put(a.base + "/users/" + target, Map.of("defaultOfficeId", a.office)), 403, "PERMISSION_REQUIRED",
                "canManageMemberLowerAccessLevel");
        error(bob.post(a.base + "/users/" + target + "/lock", Map.of("reason", "x")), 403, "PERMISSION_REQUIRED");
        error(bob.post(a.base + "/users/" + target + "/unlock", Map.of()), 403, "PERMISSION_REQUIRED");
        assertThat(max.put(a.base + "/users/" + target, Map.of("defaultOfficeId", a.office)).get("defaultOfficeId")
                .intValue()).isEqualTo(a.office);
        error(max.put(a.base + "/users/" + peer, Map.of("defaultOfficeId", a.office)), 403, "PERMISSION_REQUIRED",
                "canManageMemberSameAccessLevel");
        error(max.put(a.base + "/users/" + target, Map.of()), 400, "INVALID_INPUT", "defaultOfficeId");
        assertThat(max.post(a.base + "/users/" + target + "/lock", Map.of("reason", "audit")).status()).isEqualTo(204);
        assertThat(max.post(a.base + "/users/" + target + "/lock", Map.of("reason", "again")).status()).isEqualTo(204);
        assertThat(a.admin.get(a.base + "/users/" + target).get("isLockedOut").booleanValue()).isTrue();
    }

    /**
     * A holder of the default admin role is at the Admin level however it got the role: a user promoted to it keeps
     * the profile of its old level, which must not leave it within a Contributor-level user manager's reach.
     */
    @Test
    void aUserPromotedToDefaultAdmin_isAtTheAdminLevel() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int manager = a.role("User manager", false, "canManageMemberSameAccessLevel",
                "canManageMemberLowerAccessLevel");
        int pat = a.user("Pat", agent, "Contributor");
        assertThat(node.service().patch(a.org.path() + "/members/" + pat, Map.of("role_id", a.defaultAdminRole()))
                .status()).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/users/" + pat).get("accessLevel").stringValue()).isEqualTo("Admin");
        Http max = a.as(a.user("Max", manager, "Contributor"));
        error(max.post(a.base + "/users/" + pat + "/lock", Map.of("reason", "x")), 403, "ACCESS_LEVEL_TOO_HIGH");
        Http.Res demoted = max.patch(a.org.path() + "/members/" + pat, Map.of("role_id", manager));
        assertThat(demoted.status()).as("%s", demoted).isEqualTo(403);
        assertThat(demoted.get("code").stringValue()).isEqualTo("access_level_too_high");
        assertThat(a.admin.get(a.base + "/users/" + pat).get("isLockedOut").booleanValue()).isFalse();
    }

    /**
     * Both SDKs treat LockedOutDetails as optional (the Java SDK's {@code lockUser(account, id, null)} sends no body):
     * a lock without a reason — no body, {@code {}}, {@code "reason": null} — locks, an active user as a Pending one.
     * A blank reason is refused as every blank optional string of the dialect is (400 naming it), changing nothing.
     */
    @Test
    void lock_withoutAReason_locks_andABlankReasonIsRefused() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int ann = a.user("Ann", agent, "Contributor");
        int bob = a.user("Bob", agent, "Contributor");
        int pia = a.invited("Pia", agent, "Contributor");
        int cal = a.user("Cal", agent, "Contributor");
        long before = node.appliedRevision();
        for (String blank : List.of("", "  ")) {
            error(a.admin.post(a.base + "/users/" + cal + "/lock", Map.of("reason", blank)), 400, "INVALID_INPUT",
                    "reason: must not be blank");
        }
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(a.admin.get(a.base + "/users/" + cal).get("isLockedOut").booleanValue()).isFalse();

        assertThat(a.admin.raw("POST", a.base + "/users/" + ann + "/lock", "", null).status()).isEqualTo(204);
        assertThat(a.admin.post(a.base + "/users/" + bob + "/lock", Map.of()).status()).isEqualTo(204);
        assertThat(a.admin.raw("POST", a.base + "/users/" + pia + "/lock", "{\"reason\": null}", "application/json")
                .status()).isEqualTo(204);
        for (int user : List.of(ann, bob, pia)) {
            assertThat(a.admin.get(a.base + "/users/" + user).get("isLockedOut").booleanValue()).as("user %s", user)
                    .isTrue();
        }
        assertThat(a.admin.get(a.base + "/users/" + pia).get("status").stringValue()).isEqualTo("Pending");
        assertThat(a.admin.post(a.org.path() + "/members/" + pia + "/accept", Map.of()).status())
                .as("a Pending user locked without a reason is locked").isEqualTo(409);
        assertThat(a.admin.post(a.base + "/users/" + pia + "/unlock", Map.of()).status()).isEqualTo(204);
        assertThat(a.admin.get(a.base + "/users/" + pia).get("isLockedOut").booleanValue()).isFalse();
    }

    /**
     * Re-inviting a Pending user who is locked would record an invitation its accept refuses (409 member_locked):
     * a 409 USER_LOCKED saying to unlock it first, changing nothing; once unlocked, it is re-invited.
     */
    @Test
    void reinvite_ofALockedPendingUser_isRefused_untilUnlocked() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int pia = a.invited("Pia", agent, "Contributor");
        assertThat(a.admin.post(a.base + "/users/" + pia + "/lock", Map.of("reason", "away")).status()).isEqualTo(204);
        long before = node.appliedRevision();
        error(a.admin.post(a.base + "/users/" + pia + "/reinvite", Map.of()), 409, "USER_LOCKED",
                "user " + pia + " is locked", "/unlock");
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(a.admin.post(a.base + "/users/" + pia + "/unlock", Map.of()).status()).isEqualTo(204);
        assertThat(a.admin.post(a.base + "/users/" + pia + "/reinvite", Map.of()).status()).isEqualTo(204);
        assertThat(a.admin.post(a.org.path() + "/members/" + pia + "/accept", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void lockedUsers_cannotAct_andTheLastAdminCannotBeLockedOrRemoved() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bobId = a.user("Bob", agent, "Contributor");
        Http bob = a.as(bobId);
        assertThat(bob.get(a.base + "/roles").status()).isEqualTo(200);
        a.admin.post(a.base + "/users/" + bobId + "/lock", Map.of("reason", "gone"));
        error(bob.get(a.base + "/roles"), 401, "KEY_REVOKED");
        a.admin.post(a.base + "/users/" + bobId + "/unlock", Map.of());
        error(bob.get(a.base + "/roles"), 401, "KEY_REVOKED");
        assertThat(a.as(bobId).get(a.base + "/roles").status()).as("a key issued after the unlock").isEqualTo(200);
        // Rooms locks a user where Gatehouse deactivates a member: the refusal says "locked", never "deactivated"
        Http.Res lock = a.admin.post(a.base + "/users/" + a.org.adminId() + "/lock", Map.of("reason", "me"));
        error(lock, 409, "LAST_ROLE_MANAGER", "user " + a.org.adminId() + " is the last active user of account "
                + a.org.accountId(), "it cannot be locked");
        assertThat(lock.get("message").stringValue()).doesNotContain("deactivated", "member");
        error(a.admin.delete(a.base + "/users/" + a.org.adminId()), 409, "LAST_ROLE_MANAGER", "cannot be removed");
    }

    /**
     * The gate of acting on a user names the user's access level as the user's: "adding a user to an office with
     * access level Contributor" once read as the office's level.
     */
    @Test
    void addingAUserToAnOffice_refused_namesTheUsersAccessLevel_asTheUsers() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bob = a.user("Bob", agent, "Contributor");
        Http cal = a.as(a.user("Cal", agent, "Company"));
        Http dee = a.as(a.user("Dee", agent, "Contributor"));
        Http.Res unpermitted = cal.post(a.base + "/users/" + bob + "/add_to_office", Map.of("officeId", a.office));
        error(unpermitted, 403, "PERMISSION_REQUIRED", "adding a user to an office (the user's access level: "
                + "Contributor) needs \"canManageMemberLowerAccessLevel\"");
        Http.Res above = dee.post(a.base + "/users/" + a.org.adminId() + "/add_to_office", Map.of("officeId",
                a.office));
        error(above, 403, "ACCESS_LEVEL_TOO_HIGH", "adding a user to an office: the user's access level Admin is "
                + "above the caller's own access level Contributor");
        for (Http.Res refused : List.of(unpermitted, above)) {
            assertThat(refused.get("message").stringValue()).doesNotContain("office with access level");
        }
    }

    /**
     * An unlock is gated by managing the user (its access level), not by the rooms it holds roles in: the Default
     * Admin, which holds no role in a user's room, unlocks it, its room role counting again; so it does a Pending
     * user's, whose room role counts once it accepts.
     */
    @Test
    void theDefaultAdmin_unlocksAUserOfARoomItHasNoRoleIn() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canViewRoomDetails", "canAddUsersToRooms",
                "canDeleteOwnedRooms", "canManageInvitedUserRoomAccess");
        int annId = a.user("Ann", agent, "Contributor");
        int room = a.room(a.as(annId), "Ann's", agent);
        int piaId = a.invited("Pia", agent, "Contributor");
        a.invite(a.as(annId), room, "pia@acme.test", agent);
        for (int user : List.of(annId, piaId)) {
            assertThat(a.admin.post(a.base + "/users/" + user + "/lock", Map.of("reason", "away")).status())
                    .isEqualTo(204);
        }

        Http.Res unlocked = a.admin.post(a.base + "/users/" + annId + "/unlock", Map.of());
        assertThat(unlocked.status()).as("%s", unlocked).isEqualTo(204);
        assertThat(a.allowed(annId, "canViewRoomDetails", room)).isTrue();
        Http.Res pending = a.admin.post(a.base + "/users/" + piaId + "/unlock", Map.of());
        assertThat(pending.status()).as("%s", pending).isEqualTo(204);
        assertThat(a.admin.post(a.org.path() + "/members/" + piaId + "/accept", Map.of()).status()).isEqualTo(200);
        assertThat(a.allowed(piaId, "canViewRoomDetails", room)).isTrue();
    }

    /**
     * An unlock refused because of a room role the user holds names that room, by its room id, and the role to a
     * caller that sees the room (as the native API does, in its words), and names no room to one that does not: before,
     * both read "on a resource".
     */
    @Test
    void anUnlockRefusedForARoomRole_namesTheRoomOnlyToACallerSeeingIt() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int plain = a.role("Plain", false, "canCreateRooms");
        int editor = a.role("Editor", false, "canCreateRooms", "canViewRoomDetails", "canAddUsersToRooms");
        int annId = a.user("Ann", plain, "Contributor");
        int room = a.room(a.admin, "Deal", a.defaultAdminRole());
        a.invite(a.admin, room, "ann@acme.test", editor);
        Http max = a.as(a.user("Max", a.role("Members", false, "canCreateRooms", "canManageMemberLowerAccessLevel"),
                "Office"));
        Http mia = a.as(a.user("Mia", a.role("Members seeing rooms", false, "canCreateRooms",
                "canManageMemberLowerAccessLevel", "autoAccessToRooms"), "Office"));
        assertThat(a.admin.post(a.base + "/users/" + annId + "/lock", Map.of("reason", "away")).status())
                .isEqualTo(204);

        Http.Res seen = mia.post(a.base + "/users/" + annId + "/unlock", Map.of());
        error(seen, 403, "PRIVILEGE_ESCALATION", "user " + annId + "'s room role \"Editor\" in room " + room
                + " would count again", "canViewRoomDetails");
        Http.Res patched = mia.patch(a.org.path() + "/members/" + annId, Map.of("status", "active"));
        assertThat(patched.status()).as("%s", patched).isEqualTo(403);
        assertThat(patched.get("detail").stringValue()).contains("member " + annId + "'s role \"Editor\" on room "
                + room + " would count again");
        Http.Res unseen = max.post(a.base + "/users/" + annId + "/unlock", Map.of());
        error(unseen, 403, "PRIVILEGE_ESCALATION", "user " + annId + "'s role \"Editor\" on a resource would count "
                + "again", "canViewRoomDetails");
        assertThat(unseen.get("message").stringValue()).doesNotContain("room " + room);
        assertThat(a.admin.get(a.base + "/users/" + annId).get("isLockedOut").booleanValue()).isTrue();
    }

    @Test
    void removingUsers_needsTheRemovePermissionOfTheirAccessLevel() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int remover = a.role("Remover", false, "canRemoveCompanyMemberSameAccessLevel", "canCreateRooms");
        int target = a.user("Tom", agent, "Company");
        Http bob = a.as(a.user("Bob", agent, "Company"));
        Http ria = a.as(a.user("Ria", remover, "Company"));
        error(bob.delete(a.base + "/users/" + target), 403, "PERMISSION_REQUIRED", "canRemoveCompanyMember");
        assertThat(ria.delete(a.base + "/users/" + target).status()).isEqualTo(204);
        error(ria.delete(a.base + "/users/" + target), 404, "USER_NOT_FOUND");
    }

    @Test
    void users_areCompanyMembersOnly_andQueriesAreValidated() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int carl = a.invite(a.admin, room, "carl@buyer.test", buyer);
        error(a.admin.get(a.base + "/users/" + carl), 404, "USER_NOT_FOUND");
        assertThat(a.admin.get(a.base + "/users").get("userSummaries")).hasSize(1);
        error(a.admin.get(a.base + "/users?sort=Age"), 400, "INVALID_REQUEST_PARAMETER", "sort");
        error(a.admin.get(a.base + "/users?status=Gone"), 400, "INVALID_REQUEST_PARAMETER", "status");
        error(a.admin.get(a.base + "/users?accessLevel=God"), 400, "INVALID_REQUEST_PARAMETER", "accessLevel");
        error(a.admin.get(a.base + "/users?lockedOnly=yes"), 400, "INVALID_REQUEST_PARAMETER", "lockedOnly");
        error(a.admin.get(a.base + "/users?roleId=x"), 400, "INVALID_REQUEST_PARAMETER", "roleId");
        assertThat(a.admin.get(a.base + "/users?filter=%25").get("userSummaries")).isEmpty();

        // the filter is folded by the database, as the names it is compared with: Java's folding gave ς for a final Σ
        Http.Res greek = a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Νίκος", "lastName",
                "ΠΑΠΑΣ", "email", "nikos@acme.test", "roleId", a.role("Seller", false, "canCreateRooms"),
                "accessLevel", "Contributor"));
        assertThat(greek.status()).as(greek.toString()).isEqualTo(201);
        String filter = java.net.URLEncoder.encode("ΠΑΠΑΣ", java.nio.charset.StandardCharsets.UTF_8);
        assertThat(a.admin.get(a.base + "/users?filter=" + filter).get("userSummaries")).hasSize(1);
    }

    // ---------------------------------------------------------------- rooms

    @Test
    void creatingRooms_needsCanCreateRooms_andARoleWithinTheCallersOwn() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int viewer = a.role("Viewer", false, "canViewRoomDetails");
        int agent = a.role("Agent", false, "canCreateRooms", "canViewRoomDetails", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        Http vic = a.as(a.user("Vic", viewer, "Contributor"));
        Http bob = a.as(a.user("Bob", agent, "Contributor"));
        error(vic.post(a.base + "/rooms", Map.of("name", "R", "roleId", viewer)), 403, "PERMISSION_REQUIRED",
                "canCreateRooms");
        error(bob.post(a.base + "/rooms", Map.of("name", "R", "roleId", a.defaultAdminRole())), 403,
                "PRIVILEGE_ESCALATION");
        error(bob.post(a.base + "/rooms", Map.of()), 400, "INVALID_INPUT", "name", "roleId");
        error(bob.post(a.base + "/rooms", Map.of("name", "R", "roleId", 999999)), 400, "INVALID_INPUT", "not found");
        error(bob.post(a.base + "/rooms", Map.of("name", "R", "roleId", agent, "listingSource", "Rumour")), 400,
                "INVALID_INPUT", "listingSource");
        error(a.admin.post(a.base + "/rooms", Map.of("name", "R", "roleId", agent, "ownerId", 999999)), 400,
                "INVALID_INPUT", "ownerId");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int carl = a.invite(a.admin, room, "carl@buyer.test", buyer);
        error(a.admin.post(a.base + "/rooms", Map.of("name", "R", "roleId", buyer, "ownerId", carl)), 400,
                "INVALID_INPUT", "external");
        assertThat(bob.post(a.base + "/rooms", Map.of("name", "Mine", "roleId", agent)).status()).isEqualTo(201);
    }

    /**
     * A room's owner keeps its access and stays in the company while it owns the room, so naming another user as the
     * owner needs the caller's power over that user — the gate of managing it at its access level, and nothing it
     * holds beyond the caller — and the owner must be an active company user. Anyone allowed to create rooms once made
     * a Pending or locked user, or the Default Admin, the owner of a room nobody else could reach, and that user could
     * then not be removed (409 ROOM_OWNER) but with a service key.
     */
    @Test
    void creatingRooms_withAnotherOwner_needsPowerOverThatUser_whoMustBeActive() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess");
        int lead = a.role("Lead", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess", "canManageMemberLowerAccessLevel");
        int big = a.role("Big", false, "canManageAccount");
        int annId = a.user("Ann", agent, "Contributor");
        int calId = a.user("Cal", agent, "Contributor");
        int bigId = a.user("Bo", big, "Contributor");
        int patId = a.invited("Pat", agent, "Contributor");
        int louId = a.user("Lou", agent, "Contributor");
        assertThat(a.admin.post(a.base + "/users/" + louId + "/lock", Map.of("reason", "gone")).status())
                .isEqualTo(204);
        Http ann = a.as(annId);
        Http lea = a.as(a.user("Lea", lead, "Office"));
        String rooms = a.base + "/rooms";

        error(ann.post(rooms, Map.of("name", "Trap", "roleId", agent, "ownerId", a.org.adminId())), 403,
                "ACCESS_LEVEL_TOO_HIGH", "user " + a.org.adminId());
        error(ann.post(rooms, Map.of("name", "Trap", "roleId", agent, "ownerId", calId)), 403,
                "PERMISSION_REQUIRED", "canManageMemberSameAccessLevel");
        error(lea.post(rooms, Map.of("name", "Trap", "roleId", agent, "ownerId", bigId)), 403,
                "PRIVILEGE_ESCALATION", "canManageAccount");
        for (Http caller : List.of(ann, lea, a.admin, node.service())) {
            error(caller.post(rooms, Map.of("name", "Trap", "roleId", agent, "ownerId", patId)), 400,
                    "INVALID_INPUT", "ownerId", "user " + patId + " is pending");
            error(caller.post(rooms, Map.of("name", "Trap", "roleId", agent, "ownerId", louId)), 400,
                    "INVALID_INPUT", "ownerId", "user " + louId + " is locked");
        }
        assertThat(a.admin.get(rooms).get("totalRowCount").intValue()).as("no room created").isZero();
        assertThat(a.admin.delete(a.base + "/users/" + patId).status()).isEqualTo(204);
        assertThat(node.service().delete(a.org.path() + "/members/" + louId).status()).isEqualTo(204);

        Http.Res own = ann.post(rooms, Map.of("name", "Mine", "roleId", agent, "ownerId", annId));
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        Http.Res managed = lea.post(rooms, Map.of("name", "Cal's", "roleId", agent, "ownerId", calId));
        assertThat(managed.status()).as(managed.toString()).isEqualTo(201);
        assertThat(managed.get("roomOwnerIds")).extracting(JsonNode::intValue).containsExactly(calId);
        error(a.admin.post(rooms, Map.of("name", "Bo's", "roleId", big, "ownerId", bigId)), 409, "ROOM_OWNER",
                "canDeleteOwnedRooms");
        assertThat(a.admin.post(rooms, Map.of("name", "Bo's", "roleId", agent, "ownerId", bigId)).status())
                .isEqualTo(201);
    }

    /**
     * A room's owner gets a room role that lets it manage access to the room and delete it, whoever creates the room,
     * the owner itself included: before, a user creating its own room chose any role, and one such as an external
     * Client (canViewRoomDetails alone) left a room nobody but a service key could delete or add anyone to, and an
     * owner nobody could remove from the company (409 ROOM_OWNER: delete the room first). A service key gives any role.
     */
    @Test
    void creatingOnesOwnRoom_withARoleLackingTheOwnersPowers_isRefused() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess", "canEditInvitedRoomRole", "canViewRoomDetails");
        int client = a.role("Client", true, "canViewRoomDetails");
        int deleter = a.role("Deleter", false, "canDeleteOwnedRooms", "canViewRoomDetails");
        int alId = a.user("Al", agent, "Contributor");
        Http al = a.as(alId);
        String rooms = a.base + "/rooms";

        error(al.post(rooms, Map.of("name", "Stuck", "roleId", client)), 409, "ROOM_OWNER", "user " + alId,
                "role " + client, "canDeleteOwnedRooms", "canManageInvitedUserRoomAccess");
        error(al.post(rooms, Map.of("name", "Stuck", "roleId", deleter, "ownerId", alId)), 409, "ROOM_OWNER",
                "role " + deleter, "canManageInvitedUserRoomAccess");
        assertThat(a.admin.get(rooms).get("totalRowCount").intValue()).as("no room created").isZero();

        int room = a.room(al, "Al's", agent);
        Http.Res setUp = node.service().post(rooms, Map.of("name", "Set up", "roleId", client, "ownerId", alId));
        assertThat(setUp.status()).as("a service key gives any role: %s", setUp).isEqualTo(201);
        assertThat(al.delete(rooms + "/" + room).status()).as("the owner gets out").isEqualTo(204);
    }

    /**
     * A room user whose room role grants canDeleteOwnedRooms may not delete a room it does not own, and the refusal says
     * so: before, it said the user had neither permission, though its role granted one.
     */
    @Test
    void deletingARoomOneDoesNotOwn_withCanDeleteOwnedRooms_saysItIsNotTheOwner() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess", "canViewRoomDetails");
        int alId = a.user("Al", agent, "Contributor");
        int boId = a.user("Bo", agent, "Contributor");
        int room = a.room(a.as(alId), "Al's", agent);
        assertThat(a.invite(a.as(alId), room, "bo@acme.test", agent)).isEqualTo(boId);

        error(a.as(boId).delete(a.base + "/rooms/" + room), 403, "PERMISSION_REQUIRED",
                "user " + boId + " holds \"canDeleteOwnedRooms\" but does not own the room");
        assertThat(a.admin.get(a.base + "/rooms/" + room).status()).as("the room stays").isEqualTo(200);
    }

    /**
     * A room refused for its owner's role is not created, and the refusal names no room: before, the room was stored
     * before its owner's role was judged, and the refusal named the id it had been given ("which owns room 18"), a
     * room rolled back with it that never exists.
     */
    @Test
    void creatingARoom_refusedForItsOwnersRole_namesNoRoom() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess", "canViewRoomDetails");
        int manager = a.role("Manager", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess", "canViewRoomDetails", "canManageMemberLowerAccessLevel");
        int client = a.role("Client", true, "canViewRoomDetails");
        int alId = a.user("Al", agent, "Contributor");
        Http mia = a.as(a.user("Mia", manager, "Company"));
        String rooms = a.base + "/rooms";

        for (Http caller : List.of(mia, a.as(alId))) {
            Http.Res refused = caller.post(rooms, Map.of("name", "For Al", "roleId", client, "ownerId", alId));
            error(refused, 409, "ROOM_OWNER", "creating a room", "user " + alId + ", the room's owner",
                    "role " + client);
            assertThat(refused.get("message").stringValue()).doesNotContainPattern("room \\d");
        }
        assertThat(a.admin.get(rooms).get("totalRowCount").intValue()).as("no room created").isZero();
        Http.Res created = mia.post(rooms, Map.of("name", "For Al", "roleId", agent, "ownerId", alId));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    /** Rooms' ids are positive int32s: a template id of 0 or below names no template, and creates no room. */
    @Test
    void creatingRooms_refusesATemplateIdThatIsNoId() {
        RoomsAccount a = new RoomsAccount(node, fx);
        for (int templateId : new int[] {0, -1, Integer.MIN_VALUE}) {
            error(a.admin.post(a.base + "/rooms", Map.of("name", "R", "roleId", a.defaultAdminRole(),
                    "templateId", templateId)), 400, "INVALID_INPUT", "templateId", "got " + templateId);
        }
        assertThat(a.admin.get(a.base + "/rooms").get("totalRowCount").intValue()).isZero();
        Http.Res created = a.admin.post(a.base + "/rooms", Map.of("name", "R", "roleId", a.defaultAdminRole(),
                "templateId", 1));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @Test
    void rooms_areSeenOnlyByTheirUsers_orWithAutoAccess() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canViewRoomDetails", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess");
        Http bob = a.as(a.user("Bob", agent, "Contributor"));
        int adminRoom = a.room(a.admin, "Admin's", a.defaultAdminRole());
        int bobRoom = a.room(bob, "Bob's", agent);
        error(bob.get(a.base + "/rooms/" + adminRoom), 404, "ROOM_NOT_FOUND");
        error(bob.get(a.base + "/rooms/" + adminRoom + "/users"), 404, "ROOM_NOT_FOUND");
        error(bob.get(a.base + "/rooms/" + adminRoom + "/assignable_roles"), 404, "ROOM_NOT_FOUND");
        assertThat(bob.get(a.base + "/rooms").get("rooms")).extracting(r -> r.get("roomId").intValue())
                .containsExactly(bobRoom);
        assertThat(a.admin.get(a.base + "/rooms").get("rooms")).hasSize(2);
        assertThat(a.admin.get(a.base + "/rooms/" + bobRoom).status()).isEqualTo(200);
        error(a.admin.get(a.base + "/rooms/999999"), 404, "ROOM_NOT_FOUND");
        RoomsAccount other = new RoomsAccount(node, fx);
        error(other.admin.get(other.base + "/rooms/" + bobRoom), 404, "ROOM_NOT_FOUND");
        error(a.admin.get(a.base + "/rooms?roomStatus=archived"), 400, "INVALID_REQUEST_PARAMETER", "roomStatus");
        error(a.admin.get(a.base + "/rooms?fieldDataChangedStartDate=yesterday"), 400, "INVALID_REQUEST_PARAMETER",
                "fieldDataChangedStartDate");
        assertThat(a.admin.get(a.base + "/rooms?roomStatus=closed").get("rooms")).isEmpty();
        assertThat(a.admin.get(a.base + "/rooms?roomStatus=open").get("rooms")).hasSize(2);
        assertThat(a.admin.get(a.base + "/rooms?roomClosedStartDate=2020-01-01").get("rooms")).isEmpty();
        assertThat(a.admin.get(a.base + "/rooms?fieldDataChangedStartDate=2000-01-01T00:00:00Z").get("rooms")).hasSize(2);
        assertThat(a.admin.get(a.base + "/rooms?fieldDataChangedEndDate=2000-01-01").get("rooms")).isEmpty();
    }

    /** Every item of the roomStatus list is a status: an empty one is refused wherever it stands, never read as none. */
    @Test
    void roomStatus_withAnEmptyItem_isRefused() {
        RoomsAccount a = new RoomsAccount(node, fx);
        a.room(a.admin, "R", a.defaultAdminRole());
        for (String list : List.of(",", ",,", "active,", ",active", "active,,closed", "active,%20")) {
            error(a.admin.get(a.base + "/rooms?roomStatus=" + list), 400, "INVALID_REQUEST_PARAMETER", "roomStatus");
        }
        assertThat(a.admin.get(a.base + "/rooms?roomStatus=active,%20pending").get("rooms")).hasSize(1);
        assertThat(a.admin.get(a.base + "/rooms?roomStatus=").get("rooms")).as("empty: the default, active")
                .hasSize(1);
    }

    @Test
    void deletingRooms_needsDeleteRightsInTheCallersRoomRole() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int owner = a.role("Owner", false, "canCreateRooms", "canDeleteOwnedRooms", "canManageInvitedUserRoomAccess");
        int plain = a.role("Plain", false, "canCreateRooms");
        int deleter = a.role("Deleter", false, "canDeleteRooms");
        int ownerId = a.user("Olga", owner, "Contributor");
        int plainId = a.user("Paul", plain, "Contributor");
        Http olga = a.as(ownerId);
        Http paul = a.as(plainId);
        int olgas = a.room(olga, "Olga's", owner);
        // a room whose owner may not delete it is one only a service key sets up: a user may not give itself that role
        Http.Res paulsRoom = node.service().post(a.base + "/rooms", Map.of("name", "Paul's", "roleId", plain,
                "ownerId", plainId));
        assertThat(paulsRoom.status()).as(paulsRoom.toString()).isEqualTo(201);
        int pauls = paulsRoom.get("roomId").intValue();
        error(paul.delete(a.base + "/rooms/" + pauls), 403, "PERMISSION_REQUIRED", "canDeleteOwnedRooms");
        a.invite(node.service(), pauls, "olga@acme.test", owner);
        error(olga.delete(a.base + "/rooms/" + pauls), 403, "PERMISSION_REQUIRED");
        assertThat(olga.delete(a.base + "/rooms/" + olgas).status()).isEqualTo(204);
        // the admin sees every room (autoAccessToRooms) but acts only where it holds a room role: a service key does
        error(a.admin.put(a.base + "/rooms/" + pauls + "/users/" + plainId, Map.of("roleId", deleter)), 403,
                "PERMISSION_REQUIRED", "canEditAnyRoomRole");
        assertThat(node.service().put(a.base + "/rooms/" + pauls + "/users/" + plainId, Map.of("roleId", deleter))
                .status()).isEqualTo(200);
        assertThat(paul.delete(a.base + "/rooms/" + pauls).status()).isEqualTo(204);
        error(a.admin.delete(a.base + "/rooms/" + pauls), 404, "ROOM_NOT_FOUND");
    }

    @Test
    void inviting_needsCanAddUsersToRoomsInTheRoomRole_notTheCompanyRole() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canViewRoomDetails");
        int reviewer = a.role("Reviewer", false, "canViewRoomDetails");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int bobId = a.user("Bob", agent, "Contributor");
        Http bob = a.as(bobId);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "bob@acme.test", reviewer);
        error(bob.post(a.base + "/rooms/" + room + "/users", Map.of("email", "x@y.test", "firstName", "X",
                "lastName", "Y", "roleId", buyer)), 403, "PERMISSION_REQUIRED", "canAddUsersToRooms", "room role");
        a.admin.put(a.base + "/rooms/" + room + "/users/" + bobId, Map.of("roleId", agent));
        assertThat(a.invite(bob, room, "x@y.test", buyer)).isPositive();
    }

    @Test
    void roomInvites_areValidated() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String users = a.base + "/rooms/" + room + "/users";
        error(a.admin.post(users, Map.of()), 400, "INVALID_INPUT", "email", "firstName", "lastName", "roleId");
        error(a.admin.post(users, Map.of("email", "out@side.test", "firstName", "O", "lastName", "S", "roleId", agent)),
                400, "INVALID_INPUT", "external");
        int out = a.invite(a.admin, room, "out@side.test", buyer);
        error(a.admin.post(users, Map.of("email", "z@side.test", "firstName", "Z", "lastName", "S", "roleId", buyer,
                "transactionSideId", "both")), 400, "INVALID_INPUT", "transactionSideId", "buy", "sell", "listbuy", "refi");
        assertThat(a.admin.get(users).get("users")).hasSize(2);
        Http.Res side = a.admin.post(users, Map.of("email", "s@side.test", "firstName", "S", "lastName", "S",
                "roleId", buyer, "transactionSideId", "ListBuy"));
        assertThat(side.status()).as(side.toString()).isEqualTo(201);
        assertThat(side.get("transactionSideId").stringValue()).isEqualTo("listbuy");
        error(a.admin.put(users + "/" + side.get("userId").intValue(), Map.of("transactionSideId", "seller")), 400,
                "INVALID_INPUT", "transactionSideId");
        error(a.admin.post(a.base + "/rooms", Map.of("name", "S", "roleId", a.defaultAdminRole(),
                "transactionSideId", "x")), 400, "INVALID_INPUT", "transactionSideId");

        // inviting someone already in the room answers the user as it is there (200), changing nothing
        int seller = a.role("Seller", true, "canViewRoomDetails", "canAddDocuments");
        Http.Res again = a.admin.post(users, Map.of("email", "OUT@side.test", "firstName", "O", "lastName", "S",
                "roleId", seller, "transactionSideId", "sell"));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.get("userId").intValue()).isEqualTo(out);
        assertThat(again.get("roleId").intValue()).as("the role it holds, unchanged").isEqualTo(buyer);
        assertThat(again.json().has("transactionSideId")).isFalse();
        assertThat(again.header("Gatehouse-Revision")).isNotNull();
        assertThat(a.allowed(out, "canAddDocuments", room)).isFalse();
        a.admin.post(users + "/" + out + "/revoke_access", Map.of());
        error(a.admin.post(users, Map.of("email", "out@side.test", "firstName", "O", "lastName", "S", "roleId", buyer)),
                409, "ROOM_ACCESS_REVOKED", String.valueOf(out), "restore");
        error(a.admin.post(a.base + "/rooms/999999/users", Map.of("email", "z@z.test", "firstName", "Z", "lastName",
                "Z", "roleId", buyer)), 404, "ROOM_NOT_FOUND");
    }

    /**
     * A new invitee given a company role is refused in words about the invitee: the message named "user 16", the
     * member the invitation would have added, which the refusal rolled back — an id the account never had.
     */
    @Test
    void aNewInviteeWithACompanyRole_isRefused_inWordsAboutTheInvitee() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String users = a.base + "/rooms/" + room + "/users";
        long before = node.appliedRevision();
        Http.Res refused = a.admin.post(users, Map.of("email", "new@ext.test", "firstName", "N", "lastName", "E",
                "roleId", agent));
        error(refused, 400, "INVALID_INPUT", "roleId: a new invitee joins as an outsider and may hold only external "
                + "roles", "role " + agent + " (\"Agent\") is internal");
        assertThat(refused.get("message").stringValue()).doesNotContainPattern("user \\d+");
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(a.admin.get(users).get("users")).hasSize(1);
    }

    /**
     * A transaction side is one of Rooms' four ids (in any case), taken as sent: one with blanks around it was
     * trimmed and taken, while one with a no-break space was refused.
     */
    @Test
    void transactionSides_areTakenAsSent_neverTrimmed() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String users = a.base + "/rooms/" + room + "/users";
        int out = a.invite(a.admin, room, "out@side.test", buyer);
        for (String side : List.of("sell ", "buy\n", " buy", "\tsell", "\u00a0buy", "refi\u00a0", "", " ")) {
            error(a.admin.post(a.base + "/rooms", Map.of("name", "S", "roleId", a.defaultAdminRole(),
                    "transactionSideId", side)), 400, "INVALID_INPUT", "transactionSideId");
            error(a.admin.post(users, Map.of("email", "z@side.test", "firstName", "Z", "lastName", "S",
                    "roleId", buyer, "transactionSideId", side)), 400, "INVALID_INPUT", "transactionSideId");
            error(a.admin.put(users + "/" + out, Map.of("transactionSideId", side)), 400, "INVALID_INPUT",
                    "transactionSideId");
        }
        assertThat(a.admin.get(a.base + "/rooms").get("totalRowCount").intValue()).isEqualTo(1);
        assertThat(a.admin.get(users).get("users")).hasSize(2);
        Http.Res upper = a.admin.put(users + "/" + out, Map.of("transactionSideId", "SELL"));
        assertThat(upper.status()).as(upper.toString()).isEqualTo(200);
        assertThat(upper.get("transactionSideId").stringValue()).isEqualTo("sell");
    }

    @Test
    void changingRoomRoles_needsEditAny_orEditInvitedForOnesOwnInvitees() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int host = a.role("Host", false, "canAddUsersToRooms", "canEditInvitedRoomRole", "canViewRoomDetails");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int seller = a.role("Seller", true, "canViewRoomDetails");
        int hanaId = a.user("Hana", host, "Contributor");
        Http hana = a.as(hanaId);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "hana@acme.test", host);
        int byAdmin = a.invite(a.admin, room, "one@out.test", buyer);
        int byHana = a.invite(hana, room, "two@out.test", buyer);
        error(hana.put(a.base + "/rooms/" + room + "/users/" + byAdmin, Map.of("roleId", seller)), 403,
                "PERMISSION_REQUIRED", "canEditAnyRoomRole", "canEditInvitedRoomRole");
        Http.Res changed = hana.put(a.base + "/rooms/" + room + "/users/" + byHana, Map.of("roleId", seller));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.get("invitedByUserId").intValue()).isEqualTo(hanaId);
        error(a.admin.put(a.base + "/rooms/" + room + "/users/" + byHana, Map.of("roleId", 999999)), 400, "INVALID_INPUT");
        error(a.admin.put(a.base + "/rooms/" + room + "/users/" + a.org.adminId() + 999, Map.of("roleId", buyer)),
                404, "ROOM_USER_NOT_FOUND");
    }

    /**
     * A refused change of a room user names what was asked: before, a change of its transaction side alone was
     * refused as "changing the role of user …".
     */
    @Test
    void changingARoomUser_isRefused_inWordsOfWhatWasAsked() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int host = a.role("Host", false, "canAddUsersToRooms", "canViewRoomDetails");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int hanaId = a.user("Hana", host, "Contributor");
        Http hana = a.as(hanaId);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "hana@acme.test", host);
        int carl = a.invite(a.admin, room, "carl@out.test", buyer);
        String user = a.base + "/rooms/" + room + "/users/" + carl;
        String where = "user " + carl + " in room " + room;

        Http.Res side = hana.put(user, Map.of("transactionSideId", "buy"));
        error(side, 403, "PERMISSION_REQUIRED", "changing the transaction side of " + where);
        assertThat(side.get("message").stringValue()).doesNotContain("role of");
        error(hana.put(user, Map.of("roleId", buyer)), 403, "PERMISSION_REQUIRED", "changing the role of " + where);
        error(hana.put(user, Map.of("roleId", buyer, "transactionSideId", "buy")), 403, "PERMISSION_REQUIRED",
                "changing the role and transaction side of " + where);
    }

    @Test
    void aUserManagingRoomAccess_cannotTakeAwayARoomRoleGrantingMoreThanItsOwn() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int host = a.role("Host", false, "canAddUsersToRooms", "canEditAnyRoomRole", "canManageAnyUserRoomAccess",
                "canViewRoomDetails");
        int closer = a.role("Closer", false, "canViewRoomDetails", "canCloseRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int hanaId = a.user("Hana", host, "Contributor");
        Http hana = a.as(hanaId);
        int boss = a.user("Boss", closer, "Contributor");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "hana@acme.test", host);
        a.invite(a.admin, room, "boss@acme.test", closer);
        int out = a.invite(a.admin, room, "out@buyer.test", buyer);
        String path = a.base + "/rooms/" + room + "/users/";

        // Hana's room role lets it change any room role and revoke anyone's access, but not past its own powers
        for (Http.Res res : List.of(hana.put(path + boss, Map.of("roleId", host)),
                hana.post(path + boss + "/revoke_access", Map.of()),
                hana.post(path + boss + "/revoke_access", Map.of("revocationDate", "2999-01-01T00:00:00Z")))) {
            error(res, 403, "PRIVILEGE_ESCALATION", "user " + boss, "canCloseRooms");
        }
        Http.Res viaV1 = hana.delete(a.org.path() + "/resources/room/" + room + "/assignments/" + boss);
        assertThat(viaV1.status()).as("%s", viaV1).isEqualTo(403);
        assertThat(viaV1.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(a.allowed(boss, "canCloseRooms", room)).isTrue();
        JsonNode end = node.service().get(a.org.path() + "/resources/room/" + room + "/assignments/" + boss).json()
                .get("expires_at");
        assertThat(end == null || end.isNull()).as("no revocation scheduled: %s", end).isTrue();

        assertThat(hana.post(path + out + "/revoke_access", Map.of()).status()).isEqualTo(204);
        assertThat(a.admin.post(path + boss + "/revoke_access", Map.of()).status()).isEqualTo(204);
    }

    @Test
    void revokingAccess_needsManageAccess_andKeepsTheRoleForRestore() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int host = a.role("Host", false, "canAddUsersToRooms", "canManageInvitedUserRoomAccess", "canViewRoomDetails");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        Http hana = a.as(a.user("Hana", host, "Contributor"));
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "hana@acme.test", host);
        int byAdmin = a.invite(a.admin, room, "one@out.test", buyer);
        int byHana = a.invite(hana, room, "two@out.test", buyer);
        String path = a.base + "/rooms/" + room + "/users/";
        error(hana.post(path + byAdmin + "/revoke_access", Map.of()), 403, "PERMISSION_REQUIRED",
                "canManageAnyUserRoomAccess");
        assertThat(hana.post(path + byHana + "/revoke_access", Map.of()).status()).isEqualTo(204);
        assertThat(a.allowed(byHana, "canViewRoomDetails", room)).isFalse();
        error(hana.post(path + byHana + "/revoke_access", Map.of()), 409, "ROOM_ACCESS_REVOKED");
        error(a.admin.post(path + byAdmin + "/restore_access", Map.of()), 409, "ROOM_ACCESS_NOT_REVOKED");
        assertThat(a.admin.post(path + byAdmin + "/revoke_access", Map.of("revocationDate", "2999-01-01T00:00:00Z"))
                .status()).as("a later date schedules the revocation").isEqualTo(204);
        assertThat(a.allowed(byAdmin, "canViewRoomDetails", room)).as("access until then").isTrue();
        error(a.admin.post(path + byAdmin + "/revoke_access", Map.of("revocationDate", "+10001-01-01T00:00:00Z")),
                400, "INVALID_INPUT", "revocationDate: must lie within years 1 to 9999");
        // a body field, so INVALID_INPUT and "field: reason" like every other body field (not a query parameter's code)
        error(a.admin.post(path + byAdmin + "/revoke_access", Map.of("revocationDate", "soon")), 400,
                "INVALID_INPUT", "revocationDate: must be a date-time", "got \"soon\"");
        assertThat(a.allowed(byAdmin, "canViewRoomDetails", room)).as("a refused date changes nothing").isTrue();
        // a blank date is no date: refused, never read as "now" (which revoked at once)
        for (String blank : List.of("", "  ", "\t")) {
            error(a.admin.post(path + byAdmin + "/revoke_access", Map.of("revocationDate", blank)), 400,
                    "INVALID_INPUT", "revocationDate: must not be blank");
            assertThat(a.allowed(byAdmin, "canViewRoomDetails", room)).as("%s changes nothing", blank).isTrue();
        }
        assertThat(a.admin.post(path + byAdmin + "/revoke_access", Map.of("revocationDate", "2020-01-01T00:00:00Z"))
                .status()).isEqualTo(204);
        error(a.admin.post(path + "999999/revoke_access", Map.of()), 404, "ROOM_USER_NOT_FOUND");
        assertThat(hana.post(path + byHana + "/restore_access", Map.of()).status()).isEqualTo(204);
        assertThat(a.allowed(byHana, "canViewRoomDetails", room)).isTrue();
        assertThat(a.admin.get(a.base + "/rooms/" + room + "/users").get("users"))
                .extracting(u -> u.get("userId").intValue()).contains(byHana).doesNotContain(byAdmin);
        Map<String, Object> asNull = new java.util.HashMap<>();
        asNull.put("revocationDate", null);
        assertThat(hana.post(path + byHana + "/revoke_access", asNull).status()).as("null is now, as absent")
                .isEqualTo(204);
        assertThat(a.allowed(byHana, "canViewRoomDetails", room)).isFalse();
    }

    /**
     * An owner keeps its access to its room: revoking it (by itself, by anyone who may revoke, now or later, through
     * Rooms or /v1, a service key too) is a 409 that changes nothing. Before, an owner could revoke itself and leave the
     * room with nobody in it, whom not even the Default Admin could restore (acting in a room needs a role there).
     */
    @Test
    void aRoomOwnersAccess_isNotRevoked_byAnyoneOrAnyRoute() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int keeper = a.role("Keeper", false, "canManageAnyUserRoomAccess", "canViewRoomDetails");
        Http kim = a.as(a.user("Kim", keeper, "Contributor"));
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int kimId = a.invite(a.admin, room, "kim@acme.test", keeper);
        long owner = a.org.adminId();
        String path = a.base + "/rooms/" + room + "/users/" + owner + "/revoke_access";
        String v1 = a.org.path() + "/resources/room/" + room + "/assignments/id:" + owner;
        error(a.admin.post(path, Map.of()), 409, "ROOM_OWNER", "user " + owner, "room " + room, "owns");
        error(kim.post(path, Map.of()), 409, "ROOM_OWNER");
        error(a.admin.post(path, Map.of("revocationDate", "2999-01-01T00:00:00Z")), 409, "ROOM_OWNER");
        Http.Res removed = node.service().delete(v1);
        assertThat(removed.status()).as("%s", removed).isEqualTo(409);
        assertThat(removed.get("code").stringValue()).isEqualTo("room_owner");
        Http.Res ended = node.service().put(v1, Map.of("role_id", a.defaultAdminRole(),
                "expires_at", "2999-01-01T00:00:00Z"));
        assertThat(ended.status()).as("%s", ended).isEqualTo(409);
        Http.Res cleared = node.service().delete(a.org.path() + "/resources/room/" + room + "/assignments");
        assertThat(cleared.status()).as("%s", cleared).isEqualTo(409);
        assertThat(a.allowed(owner, "canManageAnyUserRoomAccess", room)).isTrue();
        assertThat(node.service().get(v1).json().has("expires_at")
                && !node.service().get(v1).get("expires_at").isNull()).isFalse();
        assertThat(a.admin.get(a.base + "/rooms/" + room + "/users").get("users"))
                .extracting(u -> u.get("userId").longValue()).containsExactlyInAnyOrder(owner, (long) kimId);
        assertThat(kim.post(a.base + "/rooms/" + room + "/users/" + kimId + "/revoke_access", Map.of()).status())
                .as("anyone else's access is revoked as before").isEqualTo(204);
    }

    /**
     * Nor does an owner leave the company while it owns a room, whatever route removes it: the room would be left to
     * nobody who could act in it (its only user gone; the Default Admin needs a role there). Before, removing the
     * owner left such a room, still naming it among its owners. Deleting the room first is the way.
     */
    @Test
    void aRoomOwner_isNotRemovedFromTheCompany_untilItsRoomIsDeleted() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canDeleteOwnedRooms", "canViewRoomDetails",
                "canManageInvitedUserRoomAccess");
        int danId = a.user("Dan", agent, "Contributor");
        Http dan = a.as(danId);
        int room = a.room(dan, "Dan's room", agent);
        error(a.admin.delete(a.base + "/users/" + danId), 409, "ROOM_OWNER", "user " + danId, "room " + room);
        Http.Res patched = node.service().delete(a.org.path() + "/members/" + danId);
        assertThat(patched.status()).as("%s", patched).isEqualTo(409);
        assertThat(patched.get("code").stringValue()).isEqualTo("room_owner");
        assertThat(a.admin.get(a.base + "/users/" + danId).status()).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/rooms/" + room + "/users").get("users"))
                .extracting(u -> u.get("userId").intValue()).containsExactly(danId);

        assertThat(dan.delete(a.base + "/rooms/" + room).status()).isEqualTo(204);
        assertThat(a.admin.delete(a.base + "/users/" + danId).status()).isEqualTo(204);
        assertThat(a.admin.get(a.base + "/users/" + danId).status()).isEqualTo(404);
    }

    /**
     * The refusal to remove a room's owner names the room only to a caller who sees it: a member manager without
     * autoAccessToRooms and no role in the room is refused all the same, without its id. Before, it named the room
     * that every other route answers 404 for.
     */
    @Test
    void removingARoomOwner_namesTheRoomOnlyToWhoSeesIt() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canDeleteOwnedRooms", "canManageInvitedUserRoomAccess");
        int manager = a.role("User manager", false, "canManageMemberSameAccessLevel",
                "canManageMemberLowerAccessLevel", "canRemoveCompanyMemberLowerAccessLevel", "canCreateRooms",
                "canDeleteOwnedRooms", "canManageInvitedUserRoomAccess");
        int danId = a.user("Dan", agent, "Contributor");
        Http mo = a.as(a.user("Mo", manager, "Office"));
        Http.Res created = a.admin.post(a.base + "/rooms", Map.of("name", "Dan's", "roleId", agent, "ownerId", danId));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        int room = created.get("roomId").intValue();
        error(mo.get(a.base + "/rooms/" + room), 404, "ROOM_NOT_FOUND");

        Http.Res refused = mo.delete(a.base + "/users/" + danId);
        error(refused, 409, "ROOM_OWNER", "user " + danId, "a room it owns");
        assertThat(refused.get("message").stringValue()).doesNotContain("room " + room);
        Http.Res patched = mo.delete(a.org.path() + "/members/" + danId);
        assertThat(patched.status()).as("%s", patched).isEqualTo(409);
        assertThat(patched.get("code").stringValue()).isEqualTo("room_owner");
        assertThat(patched.get("detail").stringValue()).doesNotContain("room " + room);
        error(a.admin.delete(a.base + "/users/" + danId), 409, "ROOM_OWNER", "room " + room + ", which it owns");
        assertThat(mo.get(a.base + "/users/" + danId).status()).isEqualTo(200);
    }

    /**
     * A scheduled revocation is lifted only by who may restore access, whatever the route: through /v1, giving the
     * role again without an end (or a later one) is restoring access, as Rooms' restore_access is.
     */
    @Test
    void liftingAScheduledRevocation_needsManageAccess_throughV1Too() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int editor = a.role("Editor", false, "canEditAnyRoomRole", "canViewRoomDetails");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        Http ed = a.as(a.user("Ed", editor, "Contributor"));
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "ed@acme.test", editor);
        int guest = a.invite(a.admin, room, "guest@out.test", buyer);
        String path = a.base + "/rooms/" + room + "/users/" + guest;
        assertThat(a.admin.post(path + "/revoke_access", Map.of("revocationDate", "2999-01-01T00:00:00Z")).status())
                .isEqualTo(204);
        error(ed.post(path + "/restore_access", Map.of()), 403, "PERMISSION_REQUIRED");
        String v1 = a.org.path() + "/resources/room/" + room + "/assignments/id:" + guest;
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("role_id", buyer),
                Map.of("role_id", buyer, "expires_at", "3000-01-01T00:00:00Z"))) {
            Http.Res lifted = ed.put(v1, body);
            assertThat(lifted.status()).as("%s", lifted).isEqualTo(403);
            assertThat(lifted.get("detail").stringValue()).contains("canManageAnyUserRoomAccess");
        }
        assertThat(node.service().get(v1).get("expires_at").stringValue()).startsWith("2999-01-01");
    }

    /**
     * The end of a room role is a revocation of the user's access, whatever the route: through /v1 or an import, an
     * end given where there was none, or brought nearer, needs what revoke_access needs (canEditAnyRoomRole alone
     * revoked access that way, the user then refused re-adding with 409 ROOM_ACCESS_REVOKED once the end passed).
     */
    @Test
    void endingARoomRole_needsManageAccess_throughV1AndImportsToo() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int editor = a.role("Editor", false, "canAddUsersToRooms", "canEditAnyRoomRole", "canViewRoomDetails");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        Http ed = a.as(a.user("Ed", editor, "Contributor"));
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "ed@acme.test", editor);
        int guest = a.invite(a.admin, room, "guest@out.test", buyer);
        String path = a.base + "/rooms/" + room + "/users/" + guest;
        error(ed.post(path + "/revoke_access", Map.of("revocationDate", "2999-01-01T00:00:00Z")), 403,
                "PERMISSION_REQUIRED");
        String v1 = a.org.path() + "/resources/room/" + room + "/assignments/id:" + guest;

        Http.Res firstEnd = ed.put(v1, Map.of("role_id", buyer, "expires_at", "2999-01-01T00:00:00Z"));
        assertThat(firstEnd.status()).as("%s", firstEnd).isEqualTo(403);
        assertThat(firstEnd.get("code").stringValue()).isEqualTo("permission_required");
        assertThat(firstEnd.get("detail").stringValue()).contains("canManageAnyUserRoomAccess", "revoking access");
        String guestUserId = node.service().get(a.org.path() + "/members/" + guest).get("user_id").stringValue();
        Http.Res imported = ed.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "assignment",
                "resource", Map.of("type", "room", "id", String.valueOf(room)), "user_id", guestUserId,
                "role_id", buyer, "expires_at", "2999-01-01T00:00:00Z")) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(403);
        assertThat(imported.get("code").stringValue()).isEqualTo("permission_required");
        assertThat(node.service().get(v1).get("expires_at").isNull()).as("no end was set").isTrue();

        String cy = a.org.path() + "/resources/room/" + room + "/assignments/id:" + a.user("Cy", editor, "Contributor");
        Http.Res addedWithEnd = ed.put(cy, Map.of("role_id", buyer, "expires_at", "2999-01-01T00:00:00Z"));
        assertThat(addedWithEnd.status()).as("a role given with an end: %s", addedWithEnd).isEqualTo(403);
        assertThat(ed.put(cy, Map.of("role_id", buyer)).status()).as("the role alone").isEqualTo(200);

        assertThat(a.admin.post(path + "/revoke_access", Map.of("revocationDate", "2999-01-01T00:00:00Z")).status())
                .isEqualTo(204);
        Http.Res nearer = ed.put(v1, Map.of("role_id", buyer, "expires_at", "2998-01-01T00:00:00Z"));
        assertThat(nearer.status()).as("bringing the end nearer is revoking sooner: %s", nearer).isEqualTo(403);
        assertThat(nearer.get("detail").stringValue()).contains("canManageAnyUserRoomAccess");
        assertThat(node.service().get(v1).get("expires_at").stringValue()).startsWith("2999-01-01");
        assertThat(ed.put(v1, Map.of("role_id", buyer, "expires_at", "2999-01-01T00:00:00Z")).status())
                .as("the end as it is: no change of access").isEqualTo(200);
        assertThat(a.admin.put(v1, Map.of("role_id", buyer, "expires_at", "2998-01-01T00:00:00Z")).status())
                .as("who may revoke access may bring it nearer").isEqualTo(200);
    }

    /**
     * A user given a role in a room where it had none is the caller's invitee for every gate of the write that adds
     * it: an end given with the role is judged by the caller's {@code canManageInvitedUserRoomAccess}, as the next
     * write is (a member refused the role with an end in one step was let do it in two). A user whose row remembers
     * another inviter (its role taken away through /v1) is that inviter's, in one step as in two.
     */
    @Test
    void aRoleWithAnEnd_givenToAUserNewToTheRoom_isTheCallersInvitee() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canViewRoomDetails", "canAddUsersToRooms", "canEditInvitedRoomRole",
                "canManageInvitedUserRoomAccess");
        int viewer = a.role("Viewer", false, "canViewRoomDetails");
        int ruthId = a.user("Ruth", agent, "Contributor");
        Http ruth = a.as(ruthId);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "ruth@acme.test", agent);
        String v1 = a.org.path() + "/resources/room/" + room + "/assignments/id:";
        Map<String, Object> withEnd = Map.of("role_id", viewer, "expires_at", "2999-01-01T00:00:00Z");

        int nu = a.user("Nu", viewer, "Contributor");
        Http.Res added = ruth.put(v1 + nu, withEnd);
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(node.service().get(v1 + nu).get("expires_at").stringValue()).startsWith("2999-01-01");
        Http.Res asInvitee = ruth.put(a.base + "/rooms/" + room + "/users/" + nu, Map.of("roleId", viewer));
        assertThat(asInvitee.status()).as("%s", asInvitee).isEqualTo(200);
        assertThat(asInvitee.get("invitedByUserId").intValue()).isEqualTo(ruthId);

        int mo = a.user("Mo", viewer, "Contributor");
        String moUserId = node.service().get(a.org.path() + "/members/" + mo).get("user_id").stringValue();
        Http.Res imported = ruth.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "assignment",
                "resource", Map.of("type", "room", "id", String.valueOf(room)), "user_id", moUserId,
                "role_id", viewer, "expires_at", "2999-01-01T00:00:00Z")) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("an import's line: %s", imported).isEqualTo(200);
        assertThat(node.service().get(v1 + mo).get("expires_at").stringValue()).startsWith("2999-01-01");

        int ex = a.user("Ex", viewer, "Contributor");
        a.invite(a.admin, room, "ex@acme.test", viewer);
        assertThat(a.admin.delete(v1 + ex).status()).isEqualTo(204);
        Http.Res remembered = ruth.put(v1 + ex, withEnd);
        assertThat(remembered.status()).as("invited by the admin: %s", remembered).isEqualTo(403);
        assertThat(remembered.get("detail").stringValue()).contains("canManageAnyUserRoomAccess");
        assertThat(ruth.put(v1 + ex, Map.of("role_id", viewer)).status()).as("the role alone").isEqualTo(200);
        assertThat(ruth.put(v1 + ex, withEnd).status()).as("then the end").isEqualTo(403);
    }

    /**
     * Lifting a scheduled revocation hands the room role out for longer: the caller must hold all it grants, as for
     * giving it. A member that may manage room access, but could neither give nor take the role, made an ending role
     * permanent.
     */
    @Test
    void liftingAScheduledRevocation_needsAllTheRoleGrants() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int access = a.role("Access", false, "canManageAnyUserRoomAccess", "canEditAnyRoomRole",
                "canAddUsersToRooms", "canViewRoomDetails");
        int boss = a.role("Boss", false, "canManageAnyUserRoomAccess", "canDeleteRooms", "canViewRoomDetails");
        Http al = a.as(a.user("Al", access, "Contributor"));
        a.user("Xi", boss, "Contributor");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "al@acme.test", access);
        int xi = a.invite(a.admin, room, "xi@acme.test", boss);
        String path = a.base + "/rooms/" + room + "/users/" + xi;
        assertThat(a.admin.post(path + "/revoke_access", Map.of("revocationDate", "2999-01-01T00:00:00Z")).status())
                .isEqualTo(204);

        error(al.post(path + "/restore_access", Map.of()), 403, "PRIVILEGE_ESCALATION", "canDeleteRooms");
        String v1 = a.org.path() + "/resources/room/" + room + "/assignments/id:" + xi;
        assertThat(node.service().get(v1).get("expires_at").stringValue()).startsWith("2999-01-01");
        assertThat(a.admin.post(path + "/restore_access", Map.of()).status()).isEqualTo(204);
        assertThat(node.service().get(v1).get("expires_at").isNull()).isTrue();
    }

    /**
     * A room owner keeps a room role that lets it manage access to its room and delete it, whoever changes it and
     * however: before, an owner demoted to a Guest role (by itself, as its own inviter; by a user editing any room
     * role; or at the room's creation) left a room nobody but a service key could act in, delete or be removed from.
     */
    @Test
    void aRoomOwner_keepsARoleThatManagesAndDeletesItsRoom_onEveryPath() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canEditInvitedRoomRole", "canManageInvitedUserRoomAccess", "canViewRoomDetails",
                "canViewAndEditRoomDetails");
        int guest = a.role("Guest", true);
        int lead = a.role("Lead", false, "canDeleteRooms", "canManageAnyUserRoomAccess", "canViewRoomDetails");
        int editor = a.role("Editor", false, "canEditAnyRoomRole", "canViewRoomDetails");
        int alId = a.user("Al", agent, "Contributor");
        Http al = a.as(alId);
        int room = a.room(al, "Al's", agent);
        int eveId = a.user("Eve", editor, "Contributor");
        a.invite(node.service(), room, "eve@acme.test", editor);
        String alInRoom = a.base + "/rooms/" + room + "/users/" + alId;

        error(al.put(alInRoom, Map.of("roleId", guest)), 409, "ROOM_OWNER", "owns room " + room,
                "canDeleteOwnedRooms", "canManageInvitedUserRoomAccess");
        Http eve = a.as(eveId);
        error(eve.put(alInRoom, Map.of("roleId", guest)), 409, "ROOM_OWNER");
        String v1 = a.org.path() + "/resources/room/" + room + "/assignments/id:" + alId;
        Http.Res put = eve.put(v1, Map.of("role_id", guest));
        assertThat(put.status()).as("%s", put).isEqualTo(409);
        assertThat(put.get("code").stringValue()).isEqualTo("room_owner");
        Http.Res imported = eve.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type",
                "assignment", "resource", Map.of("type", "room", "id", String.valueOf(room)), "user_id",
                node.service().get(a.org.path() + "/members/" + alId).get("user_id").stringValue(), "role_id", guest))
                + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(409);
        assertThat(node.service().get(v1).get("role_id").intValue()).isEqualTo(agent);
        error(a.admin.post(a.base + "/rooms", Map.of("name", "trap", "roleId", guest, "ownerId", eveId)), 409,
                "ROOM_OWNER");

        assertThat(node.service().put(v1, Map.of("role_id", lead)).status()).as("a role that keeps them")
                .isEqualTo(200);
        assertThat(al.delete(a.base + "/rooms/" + room).status()).as("the owner gets out").isEqualTo(204);
    }

    /**
     * A room owner keeps those powers when its room role is narrowed rather than replaced: before, a member managing
     * roles took canManageInvitedUserRoomAccess and canDeleteOwnedRooms from the role an owner held in its room
     * (through Rooms, /v1 or an import's role line), and neither the owner nor the Default Admin could then manage
     * or delete the room. A role no owner holds in its room narrows freely, and a service key may.
     */
    @Test
    void aRoomOwnersRole_isNotNarrowedBelowManagingAndDeletingItsRoom_onEveryPath() {
        RoomsAccount a = new RoomsAccount(node, fx);
        String[] powers = {"canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess", "canEditInvitedRoomRole", "canViewRoomDetails"};
        int agent = a.role("Agent", false, powers);
        int helper = a.role("Helper", false, powers);
        int lead = a.role("Lead", false, "canManageAccount", "canCreateRooms", "canAddUsersToRooms",
                "canDeleteOwnedRooms", "canManageInvitedUserRoomAccess", "canEditInvitedRoomRole",
                "canViewRoomDetails");
        int seller = a.role("Seller", true);
        int alId = a.user("Al", agent, "Contributor");
        Http al = a.as(alId);
        int room = a.room(al, "Al's", agent);
        int boId = a.user("Bo", helper, "Contributor");
        a.invite(al, room, "bo@acme.test", helper);
        int sam = a.invite(al, room, "sam@ext.test", seller);
        Http lea = a.as(a.user("Lea", lead, "Company"));
        Map<String, Boolean> narrowed = Map.of("canCreateRooms", true, "canAddUsersToRooms", true,
                "canEditInvitedRoomRole", true);
        List<String> narrowedV1 = List.of("canCreateRooms", "canAddUsersToRooms", "canEditInvitedRoomRole");

        // the room is named only to a caller that sees it (Lea has no autoAccessToRooms; the Default Admin has)
        Http.Res unnamed = lea.put(a.base + "/roles/" + agent, Map.of("permissions", narrowed));
        error(unnamed, 409, "ROOM_OWNER", "role " + agent, "a room owner holding it",
                "canManageInvitedUserRoomAccess", "canDeleteOwnedRooms");
        assertThat(unnamed.toString()).doesNotContain("room " + room, "user " + alId);
        error(a.admin.put(a.base + "/roles/" + agent, Map.of("permissions", narrowed)), 409, "ROOM_OWNER",
                "user " + alId, "owns room " + room);
        Http.Res patched = lea.patch(a.org.path() + "/roles/" + agent, Map.of("permissions", narrowedV1));
        assertThat(patched.status()).as("%s", patched).isEqualTo(409);
        assertThat(patched.get("code").stringValue()).isEqualTo("room_owner");
        Http.Res imported = lea.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "role",
                "name", "Agent", "permissions", narrowedV1)) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(409);
        assertThat(imported.get("code").stringValue()).isEqualTo("room_owner");
        assertThat(node.service().get(a.org.path() + "/roles/" + agent).get("permissions"))
                .extracting(JsonNode::stringValue).contains("canDeleteOwnedRooms", "canManageInvitedUserRoomAccess");

        assertThat(lea.put(a.base + "/roles/" + agent, Map.of("permissions", Map.of("canCreateRooms", true,
                "canAddUsersToRooms", true, "canDeleteOwnedRooms", true, "canManageInvitedUserRoomAccess", true,
                "canEditInvitedRoomRole", true))).status()).as("a change keeping both powers").isEqualTo(200);
        assertThat(lea.put(a.base + "/roles/" + helper, Map.of("permissions", narrowed)).status())
                .as("a role held in the room by a user that does not own it").isEqualTo(200);
        assertThat(al.post(a.base + "/rooms/" + room + "/users/" + sam + "/revoke_access", Map.of()).status())
                .as("the owner still manages access").isEqualTo(204);
        assertThat(node.service().patch(a.org.path() + "/roles/" + agent, Map.of("permissions", narrowedV1))
                .status()).as("a service key may").isEqualTo(200);
        assertThat(a.allowed(boId, "canDeleteOwnedRooms", room)).isFalse();
    }

    /**
     * The room role's permissions about details, sides and hiding hold in the Rooms dialect as decisions answer them:
     * a Guest without canViewRoomDetails read the room's field data, a user without canEditRoomSide changed a side,
     * and users whose role is hidden in the room (the Default Admin's) were listed to every participant.
     */
    @Test
    void roomDetails_sides_andHiddenUsers_followTheCallersRoomRole() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int guest = a.role("Guest", true);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int editor = a.role("Editor", false, "canEditAnyRoomRole", "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String details = a.base + "/rooms/" + room + "/field_data";
        assertThat(a.admin.put(details, Map.of("data", Map.of("city", "Boston"))).status()).isEqualTo(200);
        int gusId = a.invite(a.admin, room, "gus@out.test", guest);
        int beaId = a.invite(a.admin, room, "bea@out.test", buyer);
        Http gus = a.as(gusId);
        assertThat(a.allowed(gusId, "canViewRoomDetails", room)).isFalse();

        error(gus.get(details), 403, "PERMISSION_REQUIRED", "canViewRoomDetails");
        assertThat(gus.get(a.base + "/rooms/" + room + "?includeFieldData=true").get("fieldData").get("data")
                .isEmpty()).isTrue();
        assertThat(a.as(beaId).get(details).get("data").get("city").stringValue()).isEqualTo("Boston");

        int edId = a.user("Ed", editor, "Contributor");
        a.invite(a.admin, room, "ed@acme.test", editor);
        String bea = a.base + "/rooms/" + room + "/users/" + beaId;
        error(a.as(edId).put(bea, Map.of("transactionSideId", "buy")), 403, "PERMISSION_REQUIRED",
                "canEditRoomSide");
        assertThat(a.as(edId).put(bea, Map.of("roleId", guest)).status()).as("its role, no side").isEqualTo(200);
        assertThat(a.admin.put(bea, Map.of("transactionSideId", "buy")).get("transactionSideId").stringValue())
                .isEqualTo("buy");

        String users = a.base + "/rooms/" + room + "/users";
        assertThat(gus.get(users).get("users")).extracting(u -> u.get("userId").longValue())
                .containsExactlyInAnyOrder((long) gusId, (long) beaId, (long) edId);
        assertThat(gus.get(users).get("totalRowCount").intValue()).isEqualTo(3);
        assertThat(a.admin.get(users).get("users")).extracting(u -> u.get("userId").longValue())
                .contains(a.org.adminId()).hasSize(4);
    }

    /**
     * A user whose room role has isHiddenInRoom answers, to a participant who may not see it (no
     * canManageAnyUserRoomAccess in its room role), as a user not in the room, through /v1 as through Rooms: left out
     * of the lists by resource and by member, 404 alone, 404 ROOM_USER_NOT_FOUND to a change or revocation, an
     * invitation or a role given answered as for a user not in the room and changing nothing. Before, only Rooms'
     * room-user list hid it: /v1 listed it to every participant, and Rooms' invitation, a change of side and an import
     * line each confirmed it was there.
     */
    @Test
    void aHiddenRoomUser_answersAsAUserNotInTheRoom_toWhoMayNotSeeIt() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess", "canEditInvitedRoomRole");
        int seller = a.role("Seller", true);
        int ghost = a.role("Ghost", true, "isHiddenInRoom");
        int keeper = a.role("Keeper", false, "canManageAnyUserRoomAccess");
        int agentId = a.user("Al", agent, "Contributor");
        Http al = a.as(agentId);
        int room = a.room(al, "R", agent);
        int sellerId = a.invite(node.service(), room, "seller@out.test", seller);
        int ghostId = a.invite(node.service(), room, "ghost@out.test", ghost);
        int kimId = a.user("Kim", keeper, "Contributor");
        a.invite(node.service(), room, "kim@acme.test", keeper);
        int outsiderId = a.invite(node.service(), a.room(al, "Other", agent), "out@out.test", seller);
        String onRoom = a.org.path() + "/resources/room/" + room + "/assignments";
        String ghostOnRoom = onRoom + "/id:" + ghostId;
        String ghostsRoles = a.org.path() + "/members/id:" + ghostId + "/assignments";

        for (Http blind : List.of(al, a.as(sellerId))) {
            assertThat(blind.get(onRoom).get("items")).extracting(i -> i.get("member_id").longValue())
                    .containsExactlyInAnyOrder((long) agentId, (long) sellerId, (long) kimId);
        }
        for (Http seeing : List.of(node.service(), a.as(kimId))) {
            assertThat(seeing.get(onRoom).get("items")).extracting(i -> i.get("member_id").longValue())
                    .contains((long) ghostId).hasSize(4);
            assertThat(seeing.get(ghostOnRoom).get("role_id").intValue()).isEqualTo(ghost);
        }
        Http.Res one = al.get(ghostOnRoom);
        assertThat(one.status()).as("%s", one).isEqualTo(404);
        assertThat(one.get("code").stringValue()).isEqualTo("assignment_not_found");
        assertThat(al.get(ghostsRoles).get("items").isEmpty()).isTrue();
        assertThat(a.as(ghostId).get(ghostOnRoom).get("role_id").intValue()).as("itself").isEqualTo(ghost);
        assertThat(a.as(ghostId).get(ghostsRoles).get("items")).hasSize(1);
        assertThat(a.as(kimId).get(ghostsRoles).get("items")).hasSize(1);

        Http.Res invited = al.post(a.base + "/rooms/" + room + "/users", Map.of("email", "ghost@out.test",
                "firstName", "x", "lastName", "y", "roleId", seller));
        assertThat(invited.status()).as("as a user not in the room: %s", invited).isEqualTo(201);
        assertThat(invited.get("userId").intValue()).isEqualTo(ghostId);
        assertThat(invited.get("roleId").intValue()).isEqualTo(seller);
        String users = a.base + "/rooms/" + room + "/users/";
        for (int absent : List.of(ghostId, outsiderId)) {
            error(al.put(users + absent, Map.of("transactionSideId", "buy")), 404, "ROOM_USER_NOT_FOUND");
            error(al.post(users + absent + "/revoke_access", Map.of()), 404, "ROOM_USER_NOT_FOUND");
        }
        Http.Res put = al.put(ghostOnRoom, Map.of("role_id", seller));
        assertThat(put.status()).as("%s", put).isEqualTo(200);
        Http.Res imported = al.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "assignment",
                "resource", Map.of("type", "room", "id", String.valueOf(room)), "user_id",
                node.service().get(a.org.path() + "/members/" + ghostId).get("user_id").stringValue(),
                "role_id", seller)) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("judged as adding a user: %s", imported).isEqualTo(200);
        Http.Res removed = al.delete(ghostOnRoom);
        assertThat(removed.status()).as("%s", removed).isEqualTo(404);
        assertThat(removed.get("code").stringValue()).isEqualTo("assignment_not_found");
        assertThat(node.service().get(ghostOnRoom).get("role_id").intValue()).as("left as it is").isEqualTo(ghost);
        assertThat(node.service().get(a.base + "/rooms/" + room + "/users").get("users"))
                .filteredOn(u -> u.get("userId").intValue() == ghostId)
                .extracting(u -> u.get("roleId").intValue()).containsExactly(ghost);
    }

    /**
     * A hidden user whose access to the room is revoked is hidden by the role remembered for its restore as by the role
     * it held: to a participant without canManageAnyUserRoomAccess, a /v1 PUT, a preview of it and an import line giving
     * it a role answer as giving one to a user not in the room, and write nothing (its access stays revoked, its role
     * remembered); a caller that sees it is told to restore it (409). Before, each answered 409 ROOM_ACCESS_REVOKED
     * to the participant, naming a user it may not see in the room.
     */
    @Test
    void aRevokedHiddenRoomUser_answersAsAUserNotInTheRoom_toWhoMayNotSeeIt() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess");
        int seller = a.role("Seller", true);
        int ghost = a.role("Ghost", true, "isHiddenInRoom");
        int keeper = a.role("Keeper", false, "canAddUsersToRooms", "canManageAnyUserRoomAccess");
        Http al = a.as(a.user("Al", agent, "Contributor"));
        int room = a.room(al, "R", agent);
        int ghostId = a.invite(node.service(), room, "ghost@out.test", ghost);
        Http kim = a.as(a.user("Kim", keeper, "Contributor"));
        a.invite(node.service(), room, "kim@acme.test", keeper);
        String users = a.base + "/rooms/" + room + "/users/";
        assertThat(node.service().post(users + ghostId + "/revoke_access", Map.of()).status()).isEqualTo(204);
        String ghostOnRoom = a.org.path() + "/resources/room/" + room + "/assignments/id:" + ghostId;
        Map<String, Object> preview = Map.of("assignment", Map.of("resource", Map.of("type", "room", "id",
                String.valueOf(room)), "member_id", ghostId, "role_id", seller));
        String importLine = Json.writeString(Map.of("type", "assignment", "resource", Map.of("type", "room", "id",
                String.valueOf(room)), "user_id", node.service().get(a.org.path() + "/members/" + ghostId)
                .get("user_id").stringValue(), "role_id", seller)) + "\n";

        error(al.post(users + ghostId + "/restore_access", Map.of()), 404, "ROOM_USER_NOT_FOUND");
        Http.Res put = al.put(ghostOnRoom, Map.of("role_id", seller));
        assertThat(put.status()).as("as a user not in the room: %s", put).isEqualTo(200);
        assertThat(put.get("role_id").intValue()).isEqualTo(seller);
        Http.Res previewed = al.post(a.org.path() + "/preview", preview);
        assertThat(previewed.status()).as("%s", previewed).isEqualTo(200);
        Http.Res imported = al.raw("POST", a.org.path() + "/import", importLine, "application/x-ndjson");
        assertThat(imported.status()).as("judged as adding a user: %s", imported).isEqualTo(200);
        assertThat(node.service().get(ghostOnRoom).status()).as("no role given").isEqualTo(404);
        assertThat(node.service().get(a.base + "/rooms/" + room + "/users").get("users"))
                .extracting(u -> u.get("userId").intValue()).doesNotContain(ghostId);

        for (Http.Res seen : List.of(kim.put(ghostOnRoom, Map.of("role_id", seller)),
                kim.post(a.org.path() + "/preview", preview),
                kim.raw("POST", a.org.path() + "/import", importLine, "application/x-ndjson"))) {
            assertThat(seen.status()).as("%s", seen).isEqualTo(409);
            assertThat(seen.get("code").stringValue()).isEqualTo("room_access_revoked");
            assertThat(seen.get("detail").stringValue()).contains("restore it instead");
        }
        assertThat(node.service().post(users + ghostId + "/restore_access", Map.of()).status())
                .as("still revoked").isEqualTo(204);
        assertThat(node.service().get(ghostOnRoom).get("role_id").intValue()).as("its role remembered")
                .isEqualTo(ghost);
    }

    /**
     * A room's owners (roomOwnerIds) are those the caller may see in the room: an owner whose room role is hidden there
     * (the Default Admin's) is left out for a participant without canManageAnyUserRoomAccess, as it is left out of the
     * room's users. Before, every participant read the hidden owner's id in the room. The creator (createdByUserId) is
     * the room's history and stays.
     */
    @Test
    void aHiddenRoomOwner_isNotNamedAmongTheOwners_toWhoMayNotSeeIt() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int keeper = a.role("Keeper", false, "canManageAnyUserRoomAccess", "canCreateRooms", "canDeleteOwnedRooms");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int bobId = a.invite(a.admin, room, "bob@out.test", buyer);
        int kimId = a.user("Kim", keeper, "Contributor");
        a.invite(a.admin, room, "kim@acme.test", keeper);
        String path = a.base + "/rooms/" + room;

        JsonNode blind = a.as(bobId).get(path).json();
        assertThat(blind.get("roomOwnerIds").isEmpty()).as("%s", blind).isTrue();
        assertThat(blind.get("createdByUserId").longValue()).isEqualTo(a.org.adminId());
        assertThat(a.as(bobId).get(path + "/users").get("users")).extracting(u -> u.get("userId").longValue())
                .doesNotContain(a.org.adminId());
        for (Http seeing : List.of(a.admin, a.as(kimId), node.service())) {
            assertThat(seeing.get(path).get("roomOwnerIds")).extracting(JsonNode::longValue)
                    .containsExactly(a.org.adminId());
        }
        Http.Res created = a.as(kimId).post(a.base + "/rooms", Map.of("name", "Kim's", "roleId", keeper));
        assertThat(created.get("roomOwnerIds")).as("an owner sees itself").extracting(JsonNode::longValue)
                .containsExactly((long) kimId);
    }

    /**
     * A room owner hidden in its room (its room role has isHiddenInRoom) is, to a participant without
     * canManageAnyUserRoomAccess there, a user not in the room, for the owner rules too: inviting it, giving it a role
     * through /v1, a preview or an import line answers as for a user not in the room and changes nothing, giving it an
     * end the 403 such a user gets; narrowing the role it holds there and removing it from the company are refused
     * all the same, naming neither it nor that room. A caller that sees it gets the 409s naming both. Before, each
     * answered a 409 ROOM_OWNER naming the owner and its room to a caller shown no owner and no such user there.
     */
    @Test
    void aRoomOwnerHiddenFromTheCaller_isAUserNotInTheRoom_forTheOwnerRules() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int coordinator = a.role("Coordinator", false, "canManageAccount", "canAddUsersToRooms",
                "canViewRoomDetails", "isHiddenInRoom", "canManageAnyUserRoomAccess", "canDeleteRooms",
                "canRemoveCompanyMemberLowerAccessLevel");
        int helper = a.role("Helper", false, "canAddUsersToRooms", "canViewRoomDetails");
        int keeper = a.role("Keeper", false, "canManageAccount", "canAddUsersToRooms", "canEditAnyRoomRole",
                "canManageAnyUserRoomAccess", "canViewRoomDetails", "isHiddenInRoom", "canDeleteRooms",
                "canRemoveCompanyMemberLowerAccessLevel");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int guest = a.role("Guest", true);
        int scout = a.role("Scout", true, "canAddUsersToRooms");
        int quietOwner = a.role("Quiet owner", false, "isHiddenInRoom", "canManageAnyUserRoomAccess",
                "canDeleteRooms");
        long owner = a.org.adminId();
        int room = a.room(a.admin, "Deal", a.defaultAdminRole());
        int coId = a.user("Co", coordinator, "Company");
        a.invite(node.service(), room, "co@acme.test", helper);
        int kimId = a.user("Kim", keeper, "Company");
        a.invite(node.service(), room, "kim@acme.test", keeper);
        int scoutId = a.invite(node.service(), room, "scout@out.test", scout);
        int nedId = a.user("Ned", helper, "Contributor");
        Http co = a.as(coId);
        Http kim = a.as(kimId);
        String path = a.base + "/rooms/" + room;
        assertThat(co.get(path).get("roomOwnerIds").isEmpty()).isTrue();
        assertThat(co.get(path + "/users").get("users")).extracting(u -> u.get("userId").longValue())
                .doesNotContain(owner);

        // A1: an invitation of the hidden owner, by a company user or an outsider, is that of a user not in the room
        String ownerEmail = node.service().get(a.org.path() + "/members/" + owner).get("email").stringValue();
        for (Http blind : List.of(co, a.as(scoutId))) {
            Http.Res invited = blind.post(path + "/users", Map.of("email", ownerEmail, "firstName", "x",
                    "lastName", "y", "roleId", guest));
            assertThat(invited.status()).as("as a user not in the room: %s", invited).isEqualTo(201);
            assertThat(invited.get("userId").longValue()).isEqualTo(owner);
        }
        // A2: a /v1 put, its preview and an import line answer as for a user not in the room (Ned)
        String v1 = a.org.path() + "/resources/room/" + room + "/assignments/id:";
        for (long user : List.of(owner, (long) nedId)) {
            Http.Res previewed = co.post(a.org.path() + "/preview", Map.of("assignment", Map.of("resource",
                    Map.of("type", "room", "id", String.valueOf(room)), "member_id", user, "role_id", buyer)));
            assertThat(previewed.status()).as("%s", previewed).isEqualTo(200);
            Http.Res put = co.put(v1 + user, Map.of("role_id", buyer));
            assertThat(put.status()).as("%s", put).isEqualTo(200);
        }
        Http.Res imported = co.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "assignment",
                "resource", Map.of("type", "room", "id", String.valueOf(room)), "user_id",
                node.service().get(a.org.path() + "/members/" + owner).get("user_id").stringValue(),
                "role_id", buyer)) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("judged as adding a user: %s", imported).isEqualTo(200);
        assertThat(node.service().get(v1 + owner).get("role_id").intValue()).as("left as it is")
                .isEqualTo(a.defaultAdminRole());
        Http.Res seen = kim.put(v1 + owner, Map.of("role_id", buyer));
        assertThat(seen.status()).as("%s", seen).isEqualTo(409);
        assertThat(seen.get("code").stringValue()).isEqualTo("room_owner");
        assertThat(seen.get("detail").stringValue()).contains("user " + owner, "owns room " + room);

        // C: an owner hidden by a role of the account's own, in a room the caller is in
        int quietId = a.user("Quiet", helper, "Contributor");
        Http.Res created = node.service().post(a.base + "/rooms", Map.of("name", "Quiet", "roleId", quietOwner,
                "ownerId", quietId));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        int quiet = created.get("roomId").intValue();
        a.invite(node.service(), quiet, "co@acme.test", helper);
        a.invite(node.service(), quiet, "kim@acme.test", keeper);
        assertThat(co.get(a.base + "/rooms/" + quiet).get("roomOwnerIds").isEmpty()).isTrue();

        // C2: an end given to it is the 403 of ending the access of a user not in the room (Ned)
        String onQuiet = a.org.path() + "/resources/room/" + quiet + "/assignments/id:";
        for (long user : List.of((long) quietId, (long) nedId)) {
            Http.Res ended = co.put(onQuiet + user, Map.of("role_id", helper, "expires_at", "2999-01-01T00:00:00Z"));
            assertThat(ended.status()).as("%s", ended).isEqualTo(403);
            assertThat(ended.get("code").stringValue()).isEqualTo("permission_required");
        }
        Http.Res endedSeen = kim.put(onQuiet + quietId, Map.of("role_id", quietOwner,
                "expires_at", "2999-01-01T00:00:00Z"));
        assertThat(endedSeen.status()).as("%s", endedSeen).isEqualTo(409);
        assertThat(endedSeen.get("detail").stringValue()).contains("user " + quietId, "room " + quiet, "owns");

        // C1: narrowing its role is refused, naming neither it nor the room
        List<String> narrowed = List.of("isHiddenInRoom", "canManageAnyUserRoomAccess");
        Http.Res unnamed = co.patch(a.org.path() + "/roles/" + quietOwner, Map.of("permissions", narrowed));
        assertThat(unnamed.status()).as("%s", unnamed).isEqualTo(409);
        assertThat(unnamed.get("code").stringValue()).isEqualTo("room_owner");
        assertThat(unnamed.get("detail").stringValue()).contains("a room owner holding it")
                .doesNotContain("user " + quietId, "room " + quiet);
        Http.Res named = kim.patch(a.org.path() + "/roles/" + quietOwner, Map.of("permissions", narrowed));
        assertThat(named.status()).as("%s", named).isEqualTo(409);
        assertThat(named.get("detail").stringValue()).contains("user " + quietId, "owns room " + quiet);

        // C3: removing it from the company is refused, naming no room, through /v1 and Rooms
        Http.Res removed = co.delete(a.org.path() + "/members/id:" + quietId);
        assertThat(removed.status()).as("%s", removed).isEqualTo(409);
        assertThat(removed.get("code").stringValue()).isEqualTo("room_owner");
        assertThat(removed.get("detail").stringValue()).contains("a room it owns").doesNotContain("room " + quiet);
        Http.Res removedRooms = co.delete(a.base + "/users/" + quietId);
        error(removedRooms, 409, "ROOM_OWNER", "user " + quietId, "a room it owns");
        assertThat(removedRooms.get("message").stringValue()).doesNotContain("room " + quiet);
        error(kim.delete(a.base + "/users/" + quietId), 409, "ROOM_OWNER", "room " + quiet + ", which it owns");
        assertThat(node.service().get(onQuiet + quietId).get("role_id").intValue()).isEqualTo(quietOwner);
        assertThat(node.service().get(a.org.path() + "/roles/" + quietOwner).get("permissions"))
                .extracting(JsonNode::stringValue).contains("canDeleteRooms");
    }

    /**
     * Removing every role on a room leaves out, as the lists do, the users the caller may not see there: the hidden
     * Default Admin, which owns the room, and a hidden user that does not. Each role it sees is gated as removing that
     * user's role would be: an agent invited by the admin, with canManageInvitedUserRoomAccess only, may not take its
     * own role away (403, naming neither hidden user), and a user seeing the room through autoAccessToRooms but no
     * holder in it removes nothing (200, none removed). Before, the owner it may not see made it a 409 room_owner
     * naming that user, and a caller passing the gate for everyone's roles would have removed the hidden ones too.
     */
    @Test
    void removingEveryRoleOnARoom_leavesTheHiddenUsersOut() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canAddUsersToRooms", "canManageInvitedUserRoomAccess",
                "canEditInvitedRoomRole");
        int seller = a.role("Seller", true);
        int ghost = a.role("Ghost", true, "isHiddenInRoom");
        int watcher = a.role("Watcher", false, "autoAccessToRooms");
        long owner = a.org.adminId();
        int agentId = a.user("Al", agent, "Contributor");
        Http al = a.as(agentId);
        Http wes = a.as(a.user("Wes", watcher, "Contributor"));
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "al@acme.test", agent);
        int sellerId = a.invite(al, room, "seller@out.test", seller);
        int ghostId = a.invite(node.service(), room, "ghost@out.test", ghost);
        String onRoom = a.org.path() + "/resources/room/" + room + "/assignments";

        Http.Res refused = al.delete(onRoom);
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.get("code").stringValue()).isEqualTo("permission_required");
        assertThat(refused.get("detail").stringValue()).contains("member " + agentId)
                .doesNotContain("user " + owner, "user " + ghostId);
        assertThat(node.service().get(onRoom).get("items")).extracting(i -> i.get("member_id").longValue())
                .containsExactlyInAnyOrder(owner, (long) agentId, (long) sellerId, (long) ghostId);

        int other = a.room(a.admin, "Other", a.defaultAdminRole());
        a.invite(node.service(), other, "ghost@out.test", ghost);
        String onOther = a.org.path() + "/resources/room/" + other + "/assignments";
        assertThat(wes.get(onOther).get("items").isEmpty()).as("it sees the room, and no holder").isTrue();
        Http.Res cleared = wes.delete(onOther);
        assertThat(cleared.status()).as("%s", cleared).isEqualTo(200);
        assertThat(cleared.get("removed").intValue()).isZero();
        assertThat(node.service().get(onOther).get("items")).extracting(i -> i.get("member_id").longValue())
                .containsExactlyInAnyOrder(owner, (long) ghostId);
    }

    /**
     * A room user added through /v1 or an import was invited by whoever added it, as through Rooms: before, it had no
     * inviter, so the member who added it could not then change or revoke it with its "invited" permissions.
     */
    @Test
    void aRoomUserAddedThroughV1OrAnImport_isInvitedByWhoAddedIt() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int seller = a.role("Seller", true, "canViewRoomDetails");
        int inviter = a.role("Inviter", false, "canAddUsersToRooms", "canEditInvitedRoomRole",
                "canManageInvitedUserRoomAccess", "canViewRoomDetails");
        int inaId = a.user("Ina", inviter, "Contributor");
        Http ina = a.as(inaId);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        a.invite(a.admin, room, "ina@acme.test", inviter);
        for (String who : List.of("gil", "hal")) {
            assertThat(node.service().post(a.org.path() + "/members", Map.of("user_id", who, "email",
                    who + "@out.test", "external", true)).status()).isEqualTo(201);
        }
        long gil = node.service().get(a.org.path() + "/members/user:gil").get("id").longValue();
        long hal = node.service().get(a.org.path() + "/members/user:hal").get("id").longValue();
        assertThat(ina.put(a.org.path() + "/resources/room/" + room + "/assignments/id:" + gil,
                Map.of("role_id", buyer)).status()).isEqualTo(200);
        Http.Res imported = ina.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "assignment",
                "resource", Map.of("type", "room", "id", String.valueOf(room)), "user_id", "hal", "role_id", buyer))
                + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);

        for (long added : List.of(gil, hal)) {
            String path = a.base + "/rooms/" + room + "/users/" + added;
            Http.Res changed = ina.put(path, Map.of("roleId", seller));
            assertThat(changed.status()).as("%s", changed).isEqualTo(200);
            assertThat(changed.get("invitedByUserId").longValue()).isEqualTo(inaId);
            assertThat(ina.post(path + "/revoke_access", Map.of()).status()).isEqualTo(204);
        }
    }

    /**
     * A room's assignable roles are the roles the caller can assign to invitees (Rooms' GetAssignableRoles): the
     * external roles it may give, as GET /roles lists them for AssignableRolesBasedOnAllPermissions; a service key
     * sees all. Before, every external role was listed — one granting canDeleteRooms to a caller lacking it, and every
     * one to an outsider adding users to the room, who has no company role — and inviting with it was then 403
     * PRIVILEGE_ESCALATION.
     */
    @Test
    void assignableRoles_areOnlyTheExternalRolesTheCallerMayGive() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess", "canViewRoomDetails");
        int client = a.role("Client", true, "canViewRoomDetails");
        int vip = a.role("VIP", true, "canViewRoomDetails", "canDeleteRooms");
        int helper = a.role("Helper", true, "canAddUsersToRooms", "canViewRoomDetails");
        Http al = a.as(a.user("Al", agent, "Contributor"));
        int room = a.room(al, "Al's", agent);
        String path = a.base + "/rooms/" + room + "/assignable_roles";
        String users = a.base + "/rooms/" + room + "/users";

        JsonNode alsRoles = al.get(path).json();
        assertThat(alsRoles.get("roles")).extracting(r -> r.get("roleId").intValue()).containsExactly(client, helper);
        assertThat(alsRoles.get("totalRowCount").intValue()).isEqualTo(2);
        assertThat(al.get(a.base + "/roles?filterContext=AssignableRolesBasedOnAllPermissions").get("roles"))
                .as("GET /roles' judgement").filteredOn(r -> r.get("isExternal").booleanValue())
                .extracting(r -> r.get("roleId").intValue()).containsExactly(client, helper);
        error(al.post(users, Map.of("email", "vip@out.test", "firstName", "V", "lastName", "P", "roleId", vip)), 403,
                "PRIVILEGE_ESCALATION", "canDeleteRooms");
        assertThat(a.invite(al, room, "cli@out.test", client)).isPositive();

        Http hal = a.as(a.invite(node.service(), room, "hal@out.test", helper));
        JsonNode halsRoles = hal.get(path).json();
        assertThat(halsRoles.get("roles")).as("an outsider has no company role to give from").isEmpty();
        assertThat(halsRoles.get("totalRowCount").intValue()).isZero();
        error(hal.post(users, Map.of("email", "c2@out.test", "firstName", "C", "lastName", "T", "roleId", client)),
                403, "PRIVILEGE_ESCALATION");

        for (Http all : List.of(a.admin, node.service())) {
            assertThat(all.get(path).get("roles")).extracting(r -> r.get("roleId").intValue())
                    .containsExactly(client, vip, helper);
        }
    }

    /**
     * An outsider's assignable roles are the same in a room and in GET /roles' assignable contexts: the external roles
     * it may give, those granting nothing, whether or not it holds them — it reads only the roles it holds (GET
     * /roles/{id} of another: 404; the AllRoles list: its own), but names the others to invite with them. Before, the
     * role list's assignable context listed only the roles it held, while the room listed, and an invitation took,
     * "Unused", which it does not hold.
     */
    @Test
    void anOutsidersAssignableRoles_areTheSameInTheRoomAsInTheRoleList_theRolesItMayGive() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int inviter = a.role("Inviter", true, "canAddUsersToRooms", "canViewRoomDetails");
        int empty = a.role("Empty", true);
        int unused = a.role("Unused", true);
        a.role("Company role granting nothing", false);
        int roomOne = a.room(a.admin, "One", a.defaultAdminRole());
        int outsiderId = a.invite(node.service(), roomOne, "out1@out.test", inviter);
        a.invite(node.service(), a.room(a.admin, "Three", a.defaultAdminRole()), "out1@out.test", empty);
        Http outsider = a.as(outsiderId);
        error(outsider.get(a.base + "/roles/" + unused), 404, "ROLE_NOT_FOUND");
        assertThat(outsider.get(a.base + "/roles").get("roles")).extracting(r -> r.get("roleId").intValue())
                .containsExactly(inviter, empty);

        JsonNode inRoom = outsider.get(a.base + "/rooms/" + roomOne + "/assignable_roles").json();
        assertThat(inRoom.get("roles")).extracting(r -> r.get("roleId").intValue()).containsExactly(empty, unused);
        for (String context : List.of("AssignableRolesBasedOnAllPermissions",
                "AssignableRolesBasedOnCompanyPermissions")) {
            assertThat(outsider.get(a.base + "/roles?filterContext=" + context).get("roles")).as(context)
                    .extracting(r -> r.get("roleId").intValue()).containsExactly(empty, unused);
        }
        assertThat(a.invite(outsider, roomOne, "friend@out.test", unused)).isPositive();
        assertThat(node.service().get(a.base + "/rooms/" + roomOne + "/assignable_roles").get("roles"))
                .extracting(r -> r.get("roleId").intValue()).containsExactly(inviter, empty, unused);
    }

    /**
     * GET /roles/{roleId}?includeIsAssigned=true tells a caller that may manage roles (canManageAccount; a service
     * key) whether anyone holds the role, as deleting it would; any other caller only whether a holder it sees does:
     * a company user (outsiders: itself), or a room user in a room it sees whom the room does not hide from it. Before,
     * a member with no special permission was told that a role was held by a user hidden from it in its own room, and
     * by an outsider in a room it does not see. The role list has no isAssigned, as in Rooms.
     */
    @Test
    void isAssigned_tellsOfHoldersTheCallerSees_andOfEveryHolderToARoleManager() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms", "canAddUsersToRooms", "canDeleteOwnedRooms",
                "canManageInvitedUserRoomAccess");
        int manager = a.role("Manager", false, "canManageAccount");
        int ghost = a.role("Ghost", true, "isHiddenInRoom");
        int seen = a.role("Seen", true);
        int faraway = a.role("Faraway", true);
        int unused = a.role("Unused", true);
        Http al = a.as(a.user("Al", agent, "Contributor"));
        Http mia = a.as(a.user("Mia", manager, "Company"));
        int room = a.room(al, "Al's", agent);
        a.invite(node.service(), room, "ghost@out.test", ghost);
        a.invite(node.service(), room, "seen@out.test", seen);
        Http far = a.as(a.invite(node.service(), a.room(a.admin, "Elsewhere", a.defaultAdminRole()), "far@out.test",
                faraway));

        assertThat(isAssigned(al, a, agent)).as("its own company role").isTrue();
        assertThat(isAssigned(al, a, manager)).as("another user's company role").isTrue();
        assertThat(isAssigned(al, a, seen)).as("a room user it sees").isTrue();
        assertThat(isAssigned(al, a, ghost)).as("a room user hidden from it").isFalse();
        assertThat(isAssigned(al, a, faraway)).as("a room user in a room it does not see").isFalse();
        assertThat(isAssigned(al, a, unused)).isFalse();
        assertThat(isAssigned(far, a, faraway)).as("an outsider, of itself").isTrue();
        for (Http roleManager : List.of(mia, a.admin, node.service())) {
            for (int held : List.of(agent, manager, ghost, seen, faraway)) {
                assertThat(isAssigned(roleManager, a, held)).as("role %d", held).isTrue();
            }
            assertThat(isAssigned(roleManager, a, unused)).isFalse();
        }
        assertThat(al.get(a.base + "/roles?includeIsAssigned=true").get("roles"))
                .allSatisfy(r -> assertThat(r.has("isAssigned")).isFalse());
    }

    private static boolean isAssigned(Http caller, RoomsAccount a, int roleId) {
        Http.Res res = caller.get(a.base + "/roles/" + roleId + "?includeIsAssigned=true");
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        return res.get("isAssigned").booleanValue();
    }

    @Test
    void assignableRoles_areTheExternalRoles_withTheInviteesCompanyRoleForInternalCallers() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        a.role("Buyer", true, "canViewRoomDetails");
        a.role("Bystander", true);
        a.role("Seller", true, "canViewRoomDetails");
        a.user("Bob", agent, "Contributor");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String path = a.base + "/rooms/" + room + "/assignable_roles";
        JsonNode all = a.admin.get(path + "?assigneeEmail=bob@acme.test").json();
        assertThat(all.get("roles")).extracting(r -> r.get("name").stringValue())
                .containsExactly("Buyer", "Bystander", "Seller");
        assertThat(all.get("currentRoleId").intValue()).isEqualTo(agent);
        JsonNode filtered = a.admin.get(path + "?filter=b&count=1").json();
        assertThat(filtered.get("roles")).extracting(r -> r.get("name").stringValue()).containsExactly("Buyer");
        assertThat(filtered.get("totalRowCount").intValue()).isEqualTo(2);
        assertThat(filtered.get("nextUri").stringValue()).contains("filter=b", "startPosition=1");
        assertThat(a.admin.get(path + "?assigneeEmail=nobody@x.test").json().has("currentRoleId")).isFalse();
    }

    /**
     * A refusal names a role's name, kind or permissions only to a caller that may read the role, as
     * {@code GET roles/{roleId}} judges it: an outsider reads only the roles it holds. To an outsider adding users to
     * a room, a company role given to an outsider answers exactly as a role that does not exist, and a room role
     * granting more than it holds is refused without saying what, in an invitation and a change of a room user's
     * role alike; a role it holds is named as before. Before, each refusal named the company role and its kind
     * ("role 7 (\"SecretRole\") is internal") or listed the permissions of a role the outsider cannot read.
     */
    @Test
    void aRoleTheCallerMayNotRead_isNamedInNoRefusal() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int secret = a.role("SecretRole", false, "canCreateRooms");
        int agent = a.role("BuyerAgent", true, "canAddUsersToRooms", "canEditAnyRoomRole", "canViewRoomDetails");
        int ghost = a.role("GhostExt", true, "isHiddenInRoom");
        int plain = a.role("Plain", true);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        Http ext = a.as(a.invite(a.admin, room, "ext2@out.test", agent));
        int other = a.invite(a.admin, room, "other@out.test", plain);
        a.invite(a.admin, a.room(a.admin, "Elsewhere", a.defaultAdminRole()), "far@out.test", plain);
        error(ext.get(a.base + "/roles/" + secret), 404, "ROLE_NOT_FOUND");
        String users = a.base + "/rooms/" + room + "/users";
        long before = node.appliedRevision();

        for (String email : List.of("probe@r.test", "far@out.test")) {
            sameAsNoRole(secret, id -> ext.post(users, Map.of("email", email, "firstName", "x", "lastName", "y",
                    "roleId", id)));
        }
        sameAsNoRole(secret, id -> ext.put(users + "/" + other, Map.of("roleId", id)));
        for (Http.Res res : List.of(ext.post(users, Map.of("email", "probe@r.test", "firstName", "x", "lastName", "y",
                "roleId", ghost)), ext.put(users + "/" + other, Map.of("roleId", ghost)))) {
            error(res, 403, "PRIVILEGE_ESCALATION", "the role grants permissions the caller does not hold");
            assertThat(res.get("message").stringValue()).doesNotContain("isHiddenInRoom", "[");
        }
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);

        // taking away a role it may not read (replacing it) is refused without saying what that role grants
        int strong = a.role("StrongExt", true, "canDeleteOwnedRooms");
        int holder = a.invite(a.admin, room, "strong@out.test", strong);
        long held = node.appliedRevision();
        Http.Res takeAway = ext.put(users + "/" + holder, Map.of("roleId", plain));
        error(takeAway, 403, "PRIVILEGE_ESCALATION", "holds permissions or records");
        assertThat(takeAway.get("message").stringValue()).doesNotContain("canDeleteOwnedRooms", "[");
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(held);

        error(ext.put(users + "/" + other, Map.of("roleId", agent)), 403, "PRIVILEGE_ESCALATION",
                "the role grants permissions the caller does not hold: [", "canEditAnyRoomRole");
        error(a.admin.post(users, Map.of("email", "probe@r.test", "firstName", "x", "lastName", "y",
                "roleId", secret)), 400, "INVALID_INPUT", "role " + secret + " (\"SecretRole\") is internal");
        error(a.admin.put(users + "/" + other, Map.of("roleId", secret)), 400, "INVALID_INPUT",
                "role " + secret + " (\"SecretRole\") is internal");
    }

    /**
     * The rule of {@link #aRoleTheCallerMayNotRead_isNamedInNoRefusal} in the native API: an outsider's {@code /v1}
     * PUT of its own assignment in its room, with a company role, answers exactly as one with a role that does not exist,
     * and one with a room role granting more than it holds does not list what.
     */
    @Test
    void aRoleTheCallerMayNotRead_isNamedInNoRefusal_throughV1() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int secret = a.role("SecretRole", false, "canCreateRooms");
        int agent = a.role("BuyerAgent", true, "canAddUsersToRooms", "canEditAnyRoomRole", "canViewRoomDetails");
        int ghost = a.role("GhostExt", true, "isHiddenInRoom");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int extId = a.invite(a.admin, room, "ext2@out.test", agent);
        Http ext = a.as(extId);
        // an outsider finds no member but itself (GET /v1/…/members), so it changes its own room role
        String assignment = a.org.path() + "/resources/room/" + room + "/assignments/id:" + extId;

        Http.Res absent = ext.put(assignment, Map.of("role_id", 999999));
        Http.Res internal = ext.put(assignment, Map.of("role_id", secret));
        assertThat(internal.status()).as("%s", internal).isEqualTo(absent.status()).isEqualTo(400);
        assertThat(internal.get("code").stringValue()).isEqualTo(absent.get("code").stringValue());
        assertThat(internal.get("detail").stringValue().replace("role " + secret + " ", "role N "))
                .isEqualTo(absent.get("detail").stringValue().replace("role 999999 ", "role N "));
        Http.Res beyond = ext.put(assignment, Map.of("role_id", ghost));
        assertThat(beyond.status()).as("%s", beyond).isEqualTo(403);
        assertThat(beyond.get("detail").stringValue()).contains("the role grants permissions the caller does not hold")
                .doesNotContain("isHiddenInRoom");
    }

    /**
     * To an outsider a company role is a role that does not exist whoever receives it: given to an internal
     * participant, or to a company user it invites, through Rooms and {@code /v1}, and named by id or by name in an
     * import line. Before, only an outsider receiving it was answered so: an internal receiver's answer was a 403
     * (an empty company role was even given), and an import answered a company role's name with its id.
     */
    @Test
    void aCompanyRole_isARoleNotFound_toAnOutsider_whoeverReceivesIt_andInItsImports() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int secret = a.role("SecretRole", false, "canCreateRooms");
        int empty = a.role("EmptyRole", false);
        int agent = a.role("BuyerAgent", true, "canAddUsersToRooms", "canEditAnyRoomRole",
                "canManageAnyUserRoomAccess", "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        Http ext = a.as(a.invite(a.admin, room, "ext3@out.test", agent));
        int colleague = a.user("Colleague", empty, "Contributor");
        a.invite(a.admin, room, "colleague@acme.test", empty);
        a.user("Far", empty, "Contributor");
        String users = a.base + "/rooms/" + room + "/users";
        long before = node.appliedRevision();

        for (int role : List.of(secret, empty)) {
            sameAsNoRole(role, id -> ext.put(users + "/" + colleague, Map.of("roleId", id)));
            sameAsNoRole(role, id -> ext.post(users, Map.of("email", "far@acme.test", "firstName", "F", "lastName",
                    "T", "roleId", id)));
            Http.Res absent = ext.put(a.org.path() + "/resources/room/" + room + "/assignments/" + colleague,
                    Map.of("role_id", 999999));
            Http.Res internal = ext.put(a.org.path() + "/resources/room/" + room + "/assignments/" + colleague,
                    Map.of("role_id", role));
            assertThat(internal.status()).as("%s", internal).isEqualTo(absent.status()).isEqualTo(400);
            assertThat(internal.get("detail").stringValue().replace("role " + role + " ", "role N "))
                    .isEqualTo(absent.get("detail").stringValue().replace("role 999999 ", "role N "));
        }
        String line = "{\"type\": \"assignment\", \"resource\": {\"type\": \"room\", \"id\": \"" + room
                + "\"}, \"user_id\": \"ext3@out.test\", ";
        for (String[] names : new String[][] {{"\"role\": \"secretROLE\"", "\"role\": \"Nope\""},
                {"\"role_id\": " + secret, "\"role_id\": 999999"}}) {
            Http.Res internal = ext.raw("POST", a.org.path() + "/import", line + names[0] + "}\n",
                    "application/x-ndjson");
            Http.Res absent = ext.raw("POST", a.org.path() + "/import", line + names[1] + "}\n",
                    "application/x-ndjson");
            assertThat(internal.status()).as("%s", internal).isEqualTo(absent.status()).isEqualTo(400);
            assertThat(internal.get("code").stringValue()).isEqualTo(absent.get("code").stringValue());
            assertThat(internal.get("detail").stringValue().replace("secretROLE", "X").replace("" + secret, "X"))
                    .isEqualTo(absent.get("detail").stringValue().replace("Nope", "X").replace("999999", "X"));
        }
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
    }

    /**
     * Asserts that {@code request} answers for {@code roleId} exactly as for a role id the account does not have, the
     * id aside: status, error code and message.
     */
    private static void sameAsNoRole(int roleId, java.util.function.IntFunction<Http.Res> request) {
        Http.Res absent = request.apply(999999);
        Http.Res refused = request.apply(roleId);
        error(absent, 400, "INVALID_INPUT", "roleId: role 999999 not found in account");
        error(refused, absent.status(), absent.get("errorCode").stringValue());
        assertThat(refused.get("message").stringValue().replace("role " + roleId + " ", "role N "))
                .isEqualTo(absent.get("message").stringValue().replace("role 999999 ", "role N "));
    }
}
