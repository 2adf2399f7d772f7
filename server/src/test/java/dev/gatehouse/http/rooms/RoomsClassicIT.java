package dev.gatehouse.http.rooms;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.http.rooms.RoomsAccount.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rooms v5 ("classic") companies over plain HTTP: the account summary, the fixed roles, the classic invitations and
 * their gates and bad input, the rooms a Manager manages through its offices, regions or the company, the v5 rules
 * on shared endpoints, v6-only calls refused, and a v6 company beside it unaffected.
 */
class RoomsClassicIT {

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
    void v5Company_saysV5_andHasTheThreeFixedRoles() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http.Res account = a.admin.get(a.base);
        assertThat(account.status()).isEqualTo(200);
        assertThat(account.get("companyVersion").stringValue()).isEqualTo("v5");
        JsonNode roles = a.admin.get(a.base + "/roles").get("roles");
        assertThat(roles).extracting(r -> r.get("name").stringValue()).containsExactly("Admin", "Manager", "Agent");
        assertThat(roles).filteredOn(r -> r.get("isDefaultForAdmin").booleanValue())
                .extracting(r -> r.get("name").stringValue()).containsExactly("Admin");
        JsonNode manager = a.admin.get(a.base + "/roles/" + a.role("Manager")).get("permissions");
        assertThat(manager.propertyNames()).hasSize(66).doesNotContain("canManageCompanyMembers");
        assertThat(manager.get("canEditAnyRoomRole").booleanValue()).isTrue();
        assertThat(manager.get("autoAccessToRooms").booleanValue()).isFalse();
    }

    @Test
    void classicInvitations_makeUsersWithTheirV5Fields() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http.Res admin = a.admin.post(a.base + "/users/invite_classic_admin", Map.of("firstName", "Ann",
                "lastName", "Admin", "email", "ann@classic.test"));
        assertThat(admin.status()).as(admin.toString()).isEqualTo(201);
        assertThat(admin.get("accessLevel").stringValue()).isEqualTo("Admin");
        assertThat(admin.get("roleId").intValue()).isEqualTo(a.role("Admin"));
        assertThat(admin.get("status").stringValue()).isEqualTo("Pending");
        assertThat(admin.get("permissions").get("canManageCompanyMembers").booleanValue()).isTrue();

        Http.Res manager = a.admin.post(a.base + "/users/invite_classic_manager", a.manager("Max", "Office",
                List.of(a.o1, a.o2), List.of(), "canManageCompanyRooms", "isOfficeManager"));
        assertThat(manager.status()).as(manager.toString()).isEqualTo(201);
        assertThat(manager.get("accessLevel").stringValue()).isEqualTo("Office");
        assertThat(manager.get("titleId").intValue()).isEqualTo(7);
        assertThat(manager.get("defaultOfficeId").intValue()).isEqualTo(a.o1);
        assertThat(manager.get("offices")).extracting(JsonNode::intValue).containsExactly(a.o1, a.o2);
        assertThat(manager.get("roleId").intValue()).isEqualTo(a.role("Manager"));
        JsonNode flags = manager.get("permissions");
        assertThat(flags.propertyNames()).hasSize(13);
        assertThat(flags.get("canManageCompanyRooms").booleanValue()).isTrue();
        assertThat(flags.get("isOfficeManager").booleanValue()).isTrue();
        assertThat(flags.get("canManageCompanyMembers").booleanValue()).isFalse();
        int managerId = manager.get("userId").intValue();
        // the flags are the member's grants in the native API, and what GET …/users/{id} shows
        JsonNode grants = node.service().get(a.org.path() + "/members/" + managerId + "/grants").json();
        assertThat(grants.get("permissions")).extracting(JsonNode::stringValue)
                .containsExactly("canManageCompanyRooms", "isOfficeManager");
        assertThat(a.admin.get(a.base + "/users/" + managerId).get("permissions")).isEqualTo(flags);

        Http.Res agent = a.admin.post(a.base + "/users/invite_classic_agent", Map.of("firstName", "Abe",
                "lastName", "Agent", "email", "abe@classic.test", "officeId", a.o3, "companyTypeId", "2"));
        assertThat(agent.status()).as(agent.toString()).isEqualTo(201);
        assertThat(agent.get("accessLevel").stringValue()).isEqualTo("Contributor");
        assertThat(agent.get("defaultOfficeId").intValue()).isEqualTo(a.o3);
        assertThat(agent.json().has("permissions")).isFalse();
        assertThat(agent.get("roleId").intValue()).isEqualTo(a.role("Agent"));
        assertThat(a.userCount()).isEqualTo(4);
    }

    @Test
    void managers_manageTheRoomsOfTheirOfficesRegionsOrCompany_throughTheHierarchy() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agentRole = a.role("Agent");
        int agent = a.acceptedAgent("Ada", a.o1);
        Http ada = a.as(agent);
        int r1 = a.room(ada, "In one", a.o1, agentRole);
        int r2 = a.room(ada, "In two", a.o2, agentRole);
        int r3 = a.room(ada, "In three", a.o3, agentRole);
        int office = a.acceptedManager("Olga", "Office", List.of(a.o1), List.of());
        int region = a.acceptedManager("Rita", "Region", List.of(), List.of(a.north));
        int company = a.acceptedManager("Carl", "Company", List.of(), List.of());
        int otherAgent = a.acceptedAgent("Bo", a.o1);

        String manage = "canEditAnyRoomRole";
        assertThat(List.of(a.allowed(office, manage, r1), a.allowed(office, manage, r2), a.allowed(office, manage, r3)))
                .containsExactly(true, false, false);
        assertThat(List.of(a.allowed(region, manage, r1), a.allowed(region, manage, r2), a.allowed(region, manage, r3)))
                .containsExactly(true, true, false);
        assertThat(List.of(a.allowed(company, manage, r1), a.allowed(company, manage, r2),
                a.allowed(company, manage, r3))).containsExactly(true, true, true);
        // the organization's first admin holds the Admin role on the company; an agent reaches only its own rooms
        assertThat(a.allowed(a.org.adminId(), "canDeleteRooms", r3)).isTrue();
        assertThat(a.allowed(otherAgent, "canViewRoomDetails", r1)).isFalse();
        assertThat(a.allowed(agent, "canViewRoomDetails", r1)).isTrue();

        JsonNode explained = node.service().post(a.org.path() + "/check", Map.of("member_id", region,
                "permission", manage, "resource", Map.of("type", "room", "id", String.valueOf(r2)), "explain", true))
                .get("explanation");
        assertThat(explained.get("path").stringValue()).isEqualTo("parent_resource_role");
        assertThat(explained.get("ancestor").get("type").stringValue()).isEqualTo("region");
        assertThat(explained.get("ancestor").get("id").stringValue()).isEqualTo(String.valueOf(a.north));

        // what the managers see in Rooms follows the same reach
        assertThat(roomIds(a, a.as(office))).containsExactly(r1);
        assertThat(roomIds(a, a.as(region))).containsExactly(r1, r2);
        assertThat(roomIds(a, a.as(company))).containsExactly(r1, r2, r3);

        // office and region membership move the reach at once
        assertThat(a.admin.post(a.base + "/users/" + office + "/add_to_office", Map.of("officeId", a.o3)).status())
                .isEqualTo(204);
        assertThat(a.admin.post(a.base + "/users/" + office + "/remove_from_office", Map.of("officeId", a.o1))
                .status()).isEqualTo(204);
        assertThat(List.of(a.allowed(office, manage, r1), a.allowed(office, manage, r3))).containsExactly(false, true);
        assertThat(a.admin.post(a.base + "/users/" + region + "/add_to_region", Map.of("regionId", a.south)).status())
                .isEqualTo(204);
        assertThat(a.allowed(region, manage, r3)).isTrue();

        // moving an office to another region is one write that every room beneath follows
        Http.Res moved = node.service().patch(a.org.path() + "/offices/" + a.o2, Map.of("region_id", a.south));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(a.admin.post(a.base + "/users/" + region + "/remove_from_region", Map.of("regionId", a.south))
                .status()).isEqualTo(204);
        assertThat(List.of(a.allowed(region, manage, r1), a.allowed(region, manage, r2))).containsExactly(true, false);
    }

    @Test
    void aManagerListingAnAgentsAssignments_seesThoseInRoomsWithinItsReach() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agentRole = a.role("Agent");
        int agent = a.acceptedAgent("Ann", a.o1);
        Http ann = a.as(agent);
        int r1 = a.room(ann, "Mine one", a.o1, agentRole);
        int r2 = a.room(ann, "Mine two", a.o2, agentRole);
        int r3 = a.room(ann, "Mine three", a.o1, agentRole);
        Http olga = a.as(a.acceptedManager("Oona", "Office", List.of(a.o1), List.of()));
        String assignments = a.org.path() + "/resources/room/%d/assignments/" + agent;
        assertThat(olga.get(assignments.formatted(r1)).status()).as("one by one").isEqualTo(200);
        assertThat(olga.get(assignments.formatted(r2)).status()).isEqualTo(404);

        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            Http.Res page = olga.get(a.org.path() + "/members/" + agent + "/assignments?limit=1"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.get("items").forEach(item -> listed.add(item.get("resource").get("type").stringValue() + ":"
                    + item.get("resource").get("id").stringValue()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").stringValue();
        } while (cursor != null);
        assertThat(listed).containsExactlyInAnyOrder("room:" + r1, "room:" + r3);
    }

    @Test
    void anAgentListingTheRoomsOfItsOffice_pagesThroughItsOwn_andNoCursorNamesAnother() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agentRole = a.role("Agent");
        Http ann = a.as(a.acceptedAgent("Ann", a.o1));
        Http bea = a.as(a.acceptedAgent("Bea", a.o1));
        List<Integer> others = new ArrayList<>();
        List<String> own = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            others.add(a.room(bea, "Hers " + i, a.o1, agentRole));
            own.add(String.valueOf(a.room(ann, "Mine " + i, a.o1, agentRole)));
            others.add(a.room(bea, "Hers too " + i, a.o1, agentRole));
        }

        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Res page = ann.get(a.org.path() + "/resources/office/" + a.o1 + "/children?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.get("items").forEach(item -> listed.add(item.get("id").stringValue()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").stringValue();
            if (cursor != null) {
                String position = new String(java.util.Base64.getUrlDecoder().decode(cursor),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(others).as("the cursor %s names a room Ann does not see", position)
                        .noneMatch(room -> position.endsWith("/" + room));
            }
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(listed).containsExactlyElementsOf(own.stream().sorted().toList());
        assertThat(node.service().get(a.org.path() + "/resources/office/" + a.o1 + "/children?limit=100")
                .get("items").size()).as("the service key sees all nine").isEqualTo(9);
    }

    @Test
    void autoAccessToCompanyRooms_letsAManagerSeeEveryRoom() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http ada = a.as(a.acceptedAgent("Ada", a.o3));
        int r3 = a.room(ada, "South room", a.o3, a.role("Agent"));
        Http plain = a.as(a.acceptedManager("Pia", "Office", List.of(a.o1), List.of()));
        Http seeing = a.as(a.acceptedManager("Sam", "Office", List.of(a.o1), List.of(), "autoAccessToCompanyRooms"));
        assertThat(roomIds(a, plain)).isEmpty();
        error(plain.get(a.base + "/rooms/" + r3), 404, "ROOM_NOT_FOUND");
        assertThat(roomIds(a, seeing)).containsExactly(r3);
        assertThat(seeing.get(a.base + "/rooms/" + r3).status()).isEqualTo(200);
    }

    @Test
    void classicInvitations_needAnAdminOrAManagerGrantedCanManageCompanyMembers() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http ada = a.as(a.acceptedAgent("Ada", a.o1));
        Http plain = a.as(a.acceptedManager("Pia", "Company", List.of(), List.of(), "canManageCompanyRooms"));
        Http members = a.as(a.acceptedManager("Mo", "Company", List.of(), List.of(), "canManageCompanyMembers"));
        int before = a.userCount();
        Map<String, Object> newAgent = Map.of("firstName", "New", "lastName", "Agent", "email", "new@classic.test",
                "officeId", a.o1);
        error(ada.post(a.base + "/users/invite_classic_agent", newAgent), 403, "PERMISSION_REQUIRED",
                "canManageCompanyMembers", "inviting an agent");
        error(plain.post(a.base + "/users/invite_classic_agent", newAgent), 403, "PERMISSION_REQUIRED",
                "canManageCompanyMembers");
        error(members.post(a.base + "/users/invite_classic_admin", Map.of("firstName", "New", "lastName", "Admin",
                "email", "boss@classic.test")), 403, "ACCESS_LEVEL_TOO_HIGH", "Admin");
        // no escalation: a manager grants only flags it holds itself
        error(members.post(a.base + "/users/invite_classic_manager", a.manager("Deb", "Office", List.of(a.o1),
                List.of(), "canDeleteCompanyRooms")), 403, "PRIVILEGE_ESCALATION", "canDeleteCompanyRooms");
        assertThat(a.userCount()).isEqualTo(before);
        Http.Res agent = members.post(a.base + "/users/invite_classic_agent", newAgent);
        assertThat(agent.status()).as(agent.toString()).isEqualTo(201);
        Http.Res manager = members.post(a.base + "/users/invite_classic_manager", a.manager("Dan", "Office",
                List.of(a.o1), List.of(), "canManageCompanyMembers"));
        assertThat(manager.status()).as(manager.toString()).isEqualTo(201);
        assertThat(a.userCount()).isEqualTo(before + 2);
    }

    @Test
    void classicInvitations_refuseBadInput_andChangeNothing() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int before = a.userCount();
        int events = events(a);
        String manager = a.base + "/users/invite_classic_manager";
        error(a.admin.post(a.base + "/users/invite_classic_admin", Map.of("lastName", "X")), 400, "INVALID_INPUT",
                "firstName", "email");
        error(a.admin.post(a.base + "/users/invite_classic_agent", Map.of("firstName", "A", "lastName", "B",
                "email", "a@classic.test")), 400, "INVALID_INPUT", "officeId");
        error(a.admin.post(a.base + "/users/invite_classic_agent", Map.of("firstName", "A", "lastName", "B",
                "email", "a@classic.test", "officeId", 999999)), 400, "INVALID_INPUT", "officeId", "999999");
        // companyTypeId is a string, as Rooms' SDKs declare and send it; it is checked so, and not kept
        error(a.admin.post(a.base + "/users/invite_classic_agent", Map.of("firstName", "A", "lastName", "B",
                "email", "a@classic.test", "officeId", a.o1, "companyTypeId", 2)), 400, "INVALID_INPUT",
                "companyTypeId", "must be a string");
        error(a.admin.post(manager, Map.of("firstName", "A", "lastName", "B", "email", "m@classic.test")), 400,
                "INVALID_INPUT", "defaultOfficeId", "titleId", "accessLevel", "permissions");
        for (String level : List.of("Admin", "Contributor", "Boss")) {
            error(a.admin.post(manager, with(a.manager("Lev", "Office", List.of(a.o1), List.of()), "accessLevel",
                    level)), 400, "INVALID_INPUT", "accessLevel", level);
        }
        error(a.admin.post(manager, a.manager("Off", "Office", List.of(), List.of())), 400, "INVALID_INPUT",
                "offices");
        error(a.admin.post(manager, with(a.manager("Reg", "Region", List.of(a.o1), List.of()), "regions", List.of())),
                400, "INVALID_INPUT", "regions");
        error(a.admin.post(manager, with(a.manager("Per", "Company", List.of(), List.of()), "permissions", List.of())),
                400, "INVALID_INPUT", "permissions");
        error(a.admin.post(manager, with(a.manager("Per", "Company", List.of(), List.of()), "permissions",
                Map.of("canManageCompanyRooms", "yes"))), 400, "INVALID_INPUT", "permissions.canManageCompanyRooms");
        error(a.admin.post(manager, a.manager("Gone", "Region", List.of(), List.of(424242))), 400, "INVALID_INPUT",
                "regions", "424242");
        // a flag sent with null is not a boolean: it was read as false, and the Manager invited
        Map<String, Boolean> nullFlag = ClassicAccount.flags();
        nullFlag.put("canManageCompanyRooms", null);
        error(a.admin.post(manager, with(a.manager("Nul", "Company", List.of(), List.of()), "permissions", nullFlag)),
                400, "INVALID_INPUT", "permissions.canManageCompanyRooms", "true or false");
        assertThat(a.userCount()).isEqualTo(before);
        assertThat(events(a)).isEqualTo(events);
    }

    /**
     * Unknown office and region ids are named all at once, in one 400: only {@code defaultOfficeId} was named, the
     * first one checked, when {@code offices} and {@code regions} were unknown too.
     */
    @Test
    void classicInvitations_nameEveryUnknownOfficeAndRegion_inOne400() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int before = a.userCount();
        int events = events(a);
        Map<String, Object> body = with(with(a.manager("Una", "Office", List.of(999998), List.of(999997)),
                "defaultOfficeId", 999999), "accessLevel", "Office");
        error(a.admin.post(a.base + "/users/invite_classic_manager", body), 400, "INVALID_INPUT",
                "defaultOfficeId: no office 999999 exists", "offices: no office 999998 exists",
                "regions: no region 999997 exists");
        error(a.admin.post(a.base + "/users/invite_classic_manager", with(body, "defaultOfficeId", a.o1)), 400,
                "INVALID_INPUT", "offices: no office 999998 exists", "regions: no region 999997 exists");
        error(a.admin.post(a.base + "/users/invite_classic_agent", Map.of("firstName", "A", "lastName", "B",
                "email", "una@classic.test", "officeId", 999996)), 400, "INVALID_INPUT",
                "officeId: no office 999996 exists");
        assertThat(a.userCount()).isEqualTo(before);
        assertThat(events(a)).isEqualTo(events);
    }

    /**
     * A manager's {@code offices} and {@code regions} are ids as its {@code defaultOfficeId} is: one out of range is
     * refused with the same range message, naming its field, and the users list's {@code defaultOfficeId} filter is
     * an id as its {@code roleId} is. Before, {@code [o1, -5]} answered "no office -5 exists here; create offices
     * first", and {@code ?defaultOfficeId=-4} answered 200 with no users.
     */
    @Test
    void classicManagerOfficesAndRegions_andTheUsersOfficeFilter_areCheckedAsIds() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int before = a.userCount();
        int events = events(a);
        String manager = a.base + "/users/invite_classic_manager";
        error(a.admin.post(manager, with(a.manager("Neg", "Office", List.of(a.o1), List.of()), "defaultOfficeId",
                -1)), 400, "INVALID_INPUT", "defaultOfficeId: must be between 1 and 2147483647, got -1");
        error(a.admin.post(manager, a.manager("Neg", "Office", List.of(a.o2, -5), List.of())), 400, "INVALID_INPUT",
                "offices: must be between 1 and 2147483647, got -5");
        error(a.admin.post(manager, a.manager("Zero", "Region", List.of(), List.of(0))), 400, "INVALID_INPUT",
                "regions: must be between 1 and 2147483647, got 0");
        assertThat(a.userCount()).isEqualTo(before);
        assertThat(events(a)).isEqualTo(events);
        error(a.admin.get(a.base + "/users?defaultOfficeId=-4"), 400, "INVALID_REQUEST_PARAMETER", "defaultOfficeId",
                "2147483647");
        error(a.admin.get(a.base + "/users?roleId=-4"), 400, "INVALID_REQUEST_PARAMETER", "roleId", "2147483647");
        assertThat(a.admin.get(a.base + "/users?defaultOfficeId=" + a.o1).status()).isEqualTo(200);
    }

    @Test
    void sharedEndpoints_followTheV5Rules() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int managerRole = a.role("Manager");
        int agentRole = a.role("Agent");
        int plainId = a.acceptedManager("Pia", "Office", List.of(a.o1), List.of());
        Http plain = a.as(plainId);
        Http runner = a.as(a.acceptedManager("Rae", "Office", List.of(a.o1), List.of(), "canManageCompanyRooms",
                "canDeleteCompanyRooms"));
        int adaId = a.acceptedAgent("Ada", a.o1);
        Http ada = a.as(adaId);

        // creating a room: an Admin, an Agent, or a Manager granted canManageCompanyRooms
        error(plain.post(a.base + "/rooms", Map.of("name", "No", "roleId", managerRole, "officeId", a.o1)), 403,
                "PERMISSION_REQUIRED", "canManageCompanyRooms");
        int managed = a.room(runner, "Managed", a.o1, managerRole);
        int own = a.room(ada, "Own", a.o1, agentRole);
        int other = a.room(ada, "Other", a.o1, agentRole);
        // a room lies in an office: the Admin has no default office, so it must name one
        error(a.admin.post(a.base + "/rooms", Map.of("name", "Nowhere", "roleId", a.role("Admin"))), 400,
                "INVALID_INPUT", "officeId");

        // changing a room user: its inviter, a room owner, or a manager of the room granted canManageCompanyRooms
        int bo = a.acceptedAgent("Bo", a.o2);
        assertThat(ada.post(a.base + "/rooms/" + own + "/users", Map.of("email", "bo@classic.test", "firstName",
                "Bo", "lastName", "Agent", "roleId", agentRole)).status()).isEqualTo(201);
        error(plain.put(a.base + "/rooms/" + own + "/users/" + bo, Map.of("transactionSideId", "buy")), 403,
                "PERMISSION_REQUIRED", "canManageCompanyRooms");
        assertThat(runner.put(a.base + "/rooms/" + own + "/users/" + bo, Map.of("transactionSideId", "buy"))
                .status()).isEqualTo(200);
        assertThat(ada.put(a.base + "/rooms/" + own + "/users/" + bo, Map.of("transactionSideId", "sell"))
                .status()).isEqualTo(200);

        // deleting a room: an Admin, a manager of the room granted canDeleteCompanyRooms, or its agent owner
        error(plain.delete(a.base + "/rooms/" + own), 403, "PERMISSION_REQUIRED", "canDeleteCompanyRooms");
        // an agent in the room that does not own it cannot delete it
        error(a.as(bo).delete(a.base + "/rooms/" + own), 403, "PERMISSION_REQUIRED", "agent owning it");
        assertThat(a.as(plainId).get(a.base + "/rooms/" + own).status()).isEqualTo(200);
        assertThat(runner.delete(a.base + "/rooms/" + own).status()).isEqualTo(204);
        assertThat(ada.delete(a.base + "/rooms/" + other).status()).isEqualTo(204);
        assertThat(a.admin.delete(a.base + "/rooms/" + managed).status()).isEqualTo(204);
        assertThat(node.service().get(a.org.path() + "/resources/room/" + own).status()).isEqualTo(404);

        // member management: canManageCompanyMembers
        error(plain.post(a.base + "/users/" + adaId + "/lock", Map.of("reason", "x")), 403, "PERMISSION_REQUIRED",
                "canManageCompanyMembers");
        error(ada.post(a.base + "/users/" + plainId + "/add_to_office", Map.of("officeId", a.o2)), 403,
                "PERMISSION_REQUIRED", "canManageCompanyMembers");
        Http members = a.as(a.acceptedManager("Mo", "Company", List.of(), List.of(), "canManageCompanyMembers"));
        assertThat(members.post(a.base + "/users/" + adaId + "/lock", Map.of("reason", "x")).status()).isEqualTo(204);
        assertThat(members.post(a.base + "/users/" + plainId + "/add_to_office", Map.of("officeId", a.o2)).status())
                .isEqualTo(204);
    }

    /**
     * A Manager granted canManageCompanyMembers places users — itself included — only where it manages: placing
     * anyone in another office would hand out the Manager role there, which assigning it through /v1 is refused.
     */
    @Test
    void aManager_placesUsersOnlyWhereItManages() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int selfId = a.acceptedManager("Sal", "Office", List.of(a.o1, a.o3), List.of(),
                "canManageCompanyMembers");
        Http self = a.as(selfId);
        int other = a.acceptedManager("Oli", "Office", List.of(a.o1), List.of());
        int elsewhere = a.room(a.as(a.acceptedAgent("Eve", a.o2)), "Elsewhere", a.o2, a.role("Agent"));
        int before = a.userCount();

        for (int user : List.of(selfId, other)) {
            error(self.post(a.base + "/users/" + user + "/add_to_office", Map.of("officeId", a.o2)), 403,
                    "PRIVILEGE_ESCALATION", "office " + a.o2);
        }
        error(self.post(a.base + "/users/invite_classic_manager", a.manager("Nia", "Office", List.of(a.o2),
                List.of())), 403, "PRIVILEGE_ESCALATION", "office " + a.o2);
        assertThat(a.userCount()).isEqualTo(before);
        assertThat(a.as(other).get(a.base + "/rooms/" + elsewhere).status()).as("nothing changed").isEqualTo(404);

        int third = a.acceptedManager("Tia", "Office", List.of(a.o2), List.of());
        assertThat(self.post(a.base + "/users/" + third + "/add_to_office", Map.of("officeId", a.o1)).status())
                .as("into an office it manages").isEqualTo(204);
        assertThat(self.post(a.base + "/users/" + selfId + "/remove_from_office", Map.of("officeId", a.o1))
                .status()).as("narrowing its own reach (it keeps another office)").isEqualTo(204);
    }

    /**
     * Unlocking (reactivating) a Manager gives back its reach — its roles on its offices — which only a caller managing
     * those places may give: an Office Manager granted canManageCompanyMembers revived another office's Manager it
     * could never have placed there, through Rooms' unlock, the native PATCH and an import alike.
     */
    @Test
    void reactivatingAManager_needsACallerManagingItsReach() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http amy = a.as(a.acceptedManager("Amy", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms"));
        int max = a.acceptedManager("Max", "Office", List.of(a.o2), List.of());
        int room = a.room(a.as(a.acceptedAgent("Eve", a.o2)), "In two", a.o2, a.role("Agent"));
        assertThat(a.admin.post(a.base + "/users/" + max + "/lock", Map.of("reason", "left")).status()).isEqualTo(204);

        error(amy.post(a.base + "/users/" + max + "/unlock", Map.of()), 403, "PRIVILEGE_ESCALATION",
                "would count again", "does not manage office " + a.o2);
        Http.Res patched = amy.patch(a.org.path() + "/members/id:" + max, Map.of("status", "active"));
        assertThat(patched.status()).as("%s", patched).isEqualTo(403);
        assertThat(patched.get("code").stringValue()).isEqualTo("privilege_escalation");
        JsonNode member = node.service().get(a.org.path() + "/members/" + max).json();
        Http.Res imported = amy.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "member",
                "user_id", member.get("user_id").stringValue(), "email", member.get("email").stringValue(),
                "role", "Manager", "status", "active")) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(403);
        assertThat(imported.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(node.service().get(a.org.path() + "/members/" + max).get("status").stringValue())
                .isEqualTo("deactivated");

        assertThat(a.admin.post(a.base + "/users/" + max + "/unlock", Map.of()).status()).as("the Admin may")
                .isEqualTo(204);
        assertThat(a.allowed(max, "canEditAnyRoomRole", room)).isTrue();
    }

    /**
     * A Manager's flags act wherever its reach does, so granting them is giving that reach new power, judged as an
     * unlock is: an Office Manager granted canManageCompanyMembers gave another office's Manager canDeleteCompanyRooms
     * through {@code /v1} (200), which then deleted a room of that office the granting Manager could not delete
     * itself. Refused through {@code /v1}, an import's grants line alike; granting a Manager of its own office, and
     * taking flags away (as locking), stay allowed.
     */
    @Test
    void grantingFlags_needsACallerManagingTheManagersReach() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http amy = a.as(a.acceptedManager("Amy", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms", "canDeleteCompanyRooms"));
        int max = a.acceptedManager("Max", "Office", List.of(a.o2), List.of(), "canManageCompanyRooms");
        int room = a.room(a.as(a.acceptedAgent("Eve", a.o2)), "In two", a.o2, a.role("Agent"));
        List<String> flags = List.of("canManageCompanyRooms", "canManageCompanyMembers", "canDeleteCompanyRooms");
        String grants = a.org.path() + "/members/" + max + "/grants";

        Http.Res put = amy.put(grants, Map.of("permissions", flags));
        assertThat(put.status()).as("%s", put).isEqualTo(403);
        assertThat(put.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(put.get("detail").stringValue()).contains("office " + a.o2, "does not manage office " + a.o2);
        JsonNode member = node.service().get(a.org.path() + "/members/" + max).json();
        Http.Res imported = amy.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "grants",
                "user_id", member.get("user_id").stringValue(), "permissions", flags)) + "\n",
                "application/x-ndjson");
        assertThat(imported.body()).as("%s", imported).contains("privilege_escalation");
        assertThat(node.service().get(grants).get("permissions")).extracting(JsonNode::stringValue)
                .as("nothing changed").containsExactly("canManageCompanyRooms");
        error(a.as(max).delete(a.base + "/rooms/" + room), 403, "PERMISSION_REQUIRED");

        int mo = a.acceptedManager("Mo", "Office", List.of(a.o1), List.of());
        Http.Res own = amy.put(a.org.path() + "/members/" + mo + "/grants", Map.of("permissions", flags));
        assertThat(own.status()).as("a Manager of its own office: %s", own).isEqualTo(200);
        Http.Res narrowed = amy.put(grants, Map.of("permissions", List.of()));
        assertThat(narrowed.status()).as("taking flags away, as locking: %s", narrowed).isEqualTo(200);
    }

    /**
     * Managing members is what an unlock needs, with the reach revived where the caller manages: an Office Manager
     * granted canManageCompanyMembers unlocks a Manager of its own office (which /v1 would not let it assign there,
     * that needing canManageAccount); its reach counts again.
     */
    @Test
    void anOfficeManagerManagingMembers_unlocksAManagerOfItsOwnOffice() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http amy = a.as(a.acceptedManager("Amy", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms"));
        int mo = a.acceptedManager("Mo", "Office", List.of(a.o1), List.of(), "canManageCompanyRooms");
        int room = a.room(a.as(a.acceptedAgent("Eve", a.o1)), "In one", a.o1, a.role("Agent"));
        assertThat(a.admin.post(a.base + "/users/" + mo + "/lock", Map.of("reason", "away")).status()).isEqualTo(204);

        Http.Res unlocked = amy.post(a.base + "/users/" + mo + "/unlock", Map.of());
        assertThat(unlocked.status()).as("%s", unlocked).isEqualTo(204);
        assertThat(a.allowed(mo, "canEditAnyRoomRole", room)).isTrue();
    }

    /**
     * A Pending user locked out is unlocked only by who may reactivate it, as an active one is: its reach counts once
     * its invitation is accepted. Before, an Office Manager granted canManageCompanyMembers unlocked (and then
     * accepted) a Pending Manager of another office that an Admin had locked, and so gave it back reach there that it
     * could not give, and /v1 or an import accepted it while it was locked, passing over the lock.
     */
    @Test
    void anOfficeManager_unlocksAPendingManagerOfItsOwnOffice_notAnotherOfficesOne() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http amy = a.as(a.acceptedManager("Amy", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms"));
        int mo = pendingManager(a, "Mo", a.o1);
        int max = pendingManager(a, "Max", a.o2);
        for (int locked : List.of(mo, max)) {
            assertThat(a.admin.post(a.base + "/users/" + locked + "/lock", Map.of("reason", "x")).status())
                    .isEqualTo(204);
        }
        String member = a.org.path() + "/members/" + max;

        // a Pending Manager's reach never counted: unlocking it would have it count, not count again
        Http.Res unlock = amy.post(a.base + "/users/" + max + "/unlock", Map.of());
        error(unlock, 403, "PRIVILEGE_ESCALATION", "would count:", "does not manage office " + a.o2);
        assertThat(unlock.get("message").stringValue()).doesNotContain("again");
        assertThat(a.admin.get(a.base + "/users/" + max).get("isLockedOut").booleanValue()).isTrue();
        Http.Res accepted = amy.post(member + "/accept", Map.of());
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(409);
        assertThat(accepted.get("code").stringValue()).isEqualTo("member_locked");
        Http.Res patched = amy.patch(member, Map.of("status", "active"));
        assertThat(patched.status()).as("%s", patched).isEqualTo(409);
        assertThat(patched.get("code").stringValue()).isEqualTo("member_locked");
        JsonNode stored = node.service().get(member).json();
        Http.Res imported = amy.raw("POST", a.org.path() + "/import", Json.writeString(Map.of("type", "member",
                "user_id", stored.get("user_id").stringValue(), "email", stored.get("email").stringValue(),
                "role", "Manager", "status", "active")) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(409);
        assertThat(imported.get("code").stringValue()).isEqualTo("member_locked");
        assertThat(node.service().get(member).get("status").stringValue()).isEqualTo("invited");

        Http.Res own = amy.post(a.base + "/users/" + mo + "/unlock", Map.of());
        assertThat(own.status()).as("%s", own).isEqualTo(204);
        assertThat(amy.post(a.org.path() + "/members/" + mo + "/accept", Map.of()).status()).isEqualTo(200);
        assertThat(a.admin.post(a.base + "/users/" + max + "/unlock", Map.of()).status()).as("the Admin may")
                .isEqualTo(204);
        assertThat(a.admin.get(a.base + "/users/" + max).get("status").stringValue()).isEqualTo("Pending");
    }

    /**
     * Accepting a Pending user's invitation is where its reach starts to count, so it is judged as its unlock is: an
     * Office Manager granted canManageCompanyMembers accepted (through /v1's accept or PATCH) the invitation of another
     * office's Manager, whom an Admin had invited, and so gave it reach there that it could not give; and it re-invited
     * that Manager (204), which inviting it into that office is refused. It accepts and re-invites a Manager of its own
     * office.
     */
    @Test
    void anOfficeManager_acceptsAndReinvitesAPendingManagerOfItsOwnOffice_notAnotherOfficesOne() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http amy = a.as(a.acceptedManager("Amy", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms"));
        int mo = pendingManager(a, "Mo", a.o1);
        int max = pendingManager(a, "Max", a.o2);
        int room = a.room(a.as(a.acceptedAgent("Eve", a.o2)), "In two", a.o2, a.role("Agent"));
        String member = a.org.path() + "/members/" + max;
        long before = node.appliedRevision();

        error(amy.post(a.base + "/users/" + max + "/reinvite", Map.of()), 403, "PRIVILEGE_ESCALATION",
                "does not manage office " + a.o2);
        for (Http.Res refused : List.of(amy.post(member + "/accept", Map.of()),
                amy.patch(member, Map.of("status", "active")))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(403);
            assertThat(refused.get("code").stringValue()).isEqualTo("privilege_escalation");
            assertThat(refused.get("detail").stringValue()).contains("does not manage office " + a.o2);
        }
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(node.service().get(member).get("status").stringValue()).isEqualTo("invited");
        assertThat(a.allowed(max, "canEditAnyRoomRole", room)).isFalse();

        assertThat(amy.post(a.base + "/users/" + mo + "/reinvite", Map.of()).status()).as("its own office's")
                .isEqualTo(204);
        assertThat(amy.post(a.org.path() + "/members/" + mo + "/accept", Map.of()).status()).isEqualTo(200);
        assertThat(a.admin.post(member + "/accept", Map.of()).status()).as("the Admin may").isEqualTo(200);
        assertThat(a.allowed(max, "canEditAnyRoomRole", room)).isTrue();
    }

    /** Invites (as the admin) a Manager of one office, left Pending; returns its user id. */
    private static int pendingManager(ClassicAccount a, String name, int office) {
        Http.Res invited = a.admin.post(a.base + "/users/invite_classic_manager", a.manager(name, "Office",
                List.of(office), List.of(), "canManageCompanyRooms"));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        return invited.get("userId").intValue();
    }

    /**
     * Giving a room role an end is revoking access at that date, on a v5 company too: a room-owning Agent, which may
     * change its room users' roles but not revoke one it did not invite, set such an end through /v1.
     */
    @Test
    void endingARoomRoleThroughV1_isJudgedAsRevokingAccess() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agentRole = a.role("Agent");
        Http ada = a.as(a.acceptedAgent("Ada", a.o1));
        int own = a.room(ada, "Own", a.o1, agentRole);
        int bo = a.acceptedAgent("Bo", a.o1);
        assertThat(a.admin.post(a.base + "/rooms/" + own + "/users", Map.of("email", "bo@classic.test", "firstName",
                "Bo", "lastName", "Agent", "roleId", agentRole)).status()).isEqualTo(201);
        error(ada.post(a.base + "/rooms/" + own + "/users/" + bo + "/revoke_access", Map.of("revocationDate",
                "2999-01-01T00:00:00Z")), 403, "PERMISSION_REQUIRED");

        String v1 = a.org.path() + "/resources/room/" + own + "/assignments/" + bo;
        Http.Res ended = ada.put(v1, Map.of("role_id", agentRole, "expires_at", "2999-01-01T00:00:00Z"));
        assertThat(ended.status()).as("%s", ended).isEqualTo(403);
        assertThat(ended.get("code").stringValue()).isEqualTo("permission_required");
        assertThat(ended.get("detail").stringValue()).contains("canManageAnyUserRoomAccess");
        assertThat(node.service().get(v1).get("expires_at").isNull()).isTrue();
        assertThat(ada.put(v1, Map.of("role_id", agentRole)).status()).as("the owner changes the role, no end")
                .isEqualTo(200);
    }

    /** A role held above a place counts as managing it only when it has every permission of the role handed out. */
    @Test
    void aLesserRoleAbove_doesNotLetAManagerPlaceManagersBeneath() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int selfId = a.acceptedManager("Sid", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers");
        Http self = a.as(selfId);
        Http.Res agentAbove = node.service().put(a.org.path() + "/resources/region/" + a.south + "/assignments/"
                + selfId, Map.of("role_id", a.role("Agent")));
        assertThat(agentAbove.status()).as(agentAbove.toString()).isIn(200, 201);
        int before = a.userCount();

        error(self.post(a.base + "/users/" + selfId + "/add_to_office", Map.of("officeId", a.o3)), 403,
                "PRIVILEGE_ESCALATION", "office " + a.o3);
        error(self.post(a.base + "/users/invite_classic_manager", a.manager("Noa", "Office", List.of(a.o3),
                List.of())), 403, "PRIVILEGE_ESCALATION", "office " + a.o3);
        assertThat(a.userCount()).isEqualTo(before);
        assertThat(node.service().get(a.org.path() + "/resources/office/" + a.o3 + "/assignments/" + selfId)
                .status()).as("no Manager role on the office").isEqualTo(404);
    }

    /**
     * An office's Manager may not override, in a room of its office, the role a region's Manager holds there through
     * its region when that Manager holds a flag it lacks ({@code canDeleteCompanyRooms}: the power to delete the room
     * would be gone) — through Rooms' invitation and {@code /v1}'s PUT alike; one holding nothing it lacks, it may.
     */
    @Test
    void anOfficesManager_doesNotOverrideInARoom_aRegionsManagerHoldingAFlagItLacks() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http mo = a.as(a.acceptedManager("Moe", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms"));
        int above = a.acceptedManager("Reg", "Region", List.of(), List.of(a.north), "canManageCompanyMembers",
                "canManageCompanyRooms", "canDeleteCompanyRooms");
        int peer = a.acceptedManager("Pia", "Region", List.of(), List.of(a.north), "canManageCompanyRooms");
        int room = a.room(mo, "Shield", a.o1, a.role("Manager"));
        long revision = node.revision();

        error(mo.post(a.base + "/rooms/" + room + "/users", Map.of("email", "reg@classic.test", "firstName", "Reg",
                "lastName", "Manager", "roleId", a.role("Agent"))), 403, "PRIVILEGE_ESCALATION", "user " + above,
                "canDeleteCompanyRooms");
        Http.Res put = mo.put(a.org.path() + "/resources/room/" + room + "/assignments/" + above,
                Map.of("role_id", a.role("Agent")));
        assertThat(put.status()).as(put.toString()).isEqualTo(403);
        assertThat(put.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        assertThat(a.allowed(above, "canEditAnyRoomRole", room)).as("still manages the room").isTrue();

        assertThat(mo.post(a.base + "/rooms/" + room + "/users", Map.of("email", "pia@classic.test", "firstName",
                "Pia", "lastName", "Manager", "roleId", a.role("Agent"))).status()).isEqualTo(201);
        assertThat(a.allowed(peer, "canEditAnyRoomRole", room)).as("the Agent role decides there").isFalse();
    }

    /**
     * Replacing a region's Manager's own room role is judged as overriding the one its region gives: an office's
     * Manager granted only canManageCompanyRooms gave, in a room of its office, the Agent role to a region's Manager
     * holding flags it lacks (200 through Rooms' PUT and /v1's alike) where inviting it with that role is refused.
     */
    @Test
    void anOfficesManager_doesNotReplaceInARoom_theRoomRoleOfARegionsManagerHoldingAFlagItLacks() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int moId = a.acceptedManager("Moe", "Office", List.of(a.o1), List.of(), "canManageCompanyRooms");
        Http mo = a.as(moId);
        int above = a.acceptedManager("Reg", "Region", List.of(), List.of(a.north), "canManageCompanyMembers",
                "canDeleteCompanyRooms");
        int peer = a.acceptedManager("Pia", "Region", List.of(), List.of(a.north), "canManageCompanyRooms");
        int room = a.room(mo, "Shield", a.o1, a.role("Manager"));
        for (String email : List.of("reg@classic.test", "pia@classic.test")) {
            Http.Res invited = a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", email,
                    "firstName", "In", "lastName", "Room", "roleId", a.role("Manager")));
            assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        }
        long revision = node.revision();

        error(mo.put(a.base + "/rooms/" + room + "/users/" + above, Map.of("roleId", a.role("Agent"))), 403,
                "PRIVILEGE_ESCALATION", "user " + above, "canDeleteCompanyRooms", "canManageCompanyMembers",
                "user " + moId + " does not hold");
        Http.Res put = mo.put(a.org.path() + "/resources/room/" + room + "/assignments/" + above,
                Map.of("role_id", a.role("Agent")));
        assertThat(put.status()).as(put.toString()).isEqualTo(403);
        assertThat(put.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(put.toString()).contains("canDeleteCompanyRooms");
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        assertThat(a.allowed(above, "canEditAnyRoomRole", room)).as("still manages the room").isTrue();

        assertThat(mo.put(a.base + "/rooms/" + room + "/users/" + peer, Map.of("roleId", a.role("Agent"))).status())
                .as("a Manager holding nothing it lacks").isEqualTo(200);
        assertThat(a.allowed(peer, "canEditAnyRoomRole", room)).as("the Agent role decides there").isFalse();
    }

    /**
     * Revoking a room user's access now is judged as removing its room role through /v1 is: an office's Manager took
     * the room role of another region's Manager holding flags it lacks, and lifted an Agent role the service key had
     * put on the company's Admin in its room, so that the Admin role decided there again — both 204, where the /v1
     * DELETE and a revocation at a later date were refused.
     */
    @Test
    void revokingARoomUsersAccessNow_isJudgedAsRemovingItsRoomRole() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int moId = a.acceptedManager("Mel", "Office", List.of(a.o1), List.of(), "canManageCompanyRooms");
        Http mo = a.as(moId);
        int elsewhere = a.acceptedManager("Rud", "Region", List.of(), List.of(a.south), "canManageCompanyMembers",
                "canDeleteCompanyRooms");
        int room = a.room(mo, "Guarded", a.o1, a.role("Manager"));
        assertThat(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", "rud@classic.test",
                "firstName", "In", "lastName", "Room", "roleId", a.role("Manager"))).status()).isEqualTo(201);
        long admin = a.org.adminId();
        String restricted = a.org.path() + "/resources/room/" + room + "/assignments/" + admin;
        assertThat(node.service().put(restricted, Map.of("role_id", a.role("Agent"))).status()).isIn(200, 201);
        assertThat(a.allowed(admin, "canDeleteRooms", room)).as("restricted in the room").isFalse();
        long revision = node.revision();

        error(mo.post(a.base + "/rooms/" + room + "/users/" + elsewhere + "/revoke_access", Map.of()), 403,
                "PRIVILEGE_ESCALATION", "user " + elsewhere, "canManageCompanyMembers");
        error(mo.post(a.base + "/rooms/" + room + "/users/" + admin + "/revoke_access", Map.of()), 403,
                "PRIVILEGE_ESCALATION", "would gain", "canDeleteRooms");
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        assertThat(a.allowed(elsewhere, "canEditAnyRoomRole", room)).as("still in the room").isTrue();
        assertThat(a.allowed(admin, "canDeleteRooms", room)).as("still restricted").isFalse();
    }

    /**
     * remove_from_office and remove_from_region take away the Manager role the Rooms profile gives there, and no
     * other: an Admin role an Admin gave through /v1 on the office or region is no part of the profile, and a Manager
     * whose own DELETE of it through /v1 is refused took it away so.
     */
    @Test
    void removingAUserFromAnOfficeOrRegion_takesAwayOnlyTheRoleItsProfileGives() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int adminRole = a.role("Admin");
        Http members = a.as(a.acceptedManager("Mia", "Company", List.of(), List.of(), "canManageCompanyMembers"));
        int officeUser = a.acceptedManager("Ona", "Office", List.of(a.o1, a.o2), List.of());
        int regionUser = a.acceptedManager("Rex", "Region", List.of(), List.of(a.north, a.south));
        String onOffice = a.org.path() + "/resources/office/" + a.o1 + "/assignments/" + officeUser;
        String onRegion = a.org.path() + "/resources/region/" + a.north + "/assignments/" + regionUser;
        for (String given : List.of(onOffice, onRegion)) {
            Http.Res put = a.admin.put(given, Map.of("role_id", adminRole));
            assertThat(put.status()).as(put.toString()).isIn(200, 201);
            assertThat(members.delete(given).status()).as("the Manager may not take it away through /v1")
                    .isEqualTo(403);
        }

        assertThat(members.post(a.base + "/users/" + officeUser + "/remove_from_office", Map.of("officeId", a.o1))
                .status()).isEqualTo(204);
        assertThat(members.post(a.base + "/users/" + regionUser + "/remove_from_region",
                Map.of("regionId", a.north)).status()).isEqualTo(204);
        for (String given : List.of(onOffice, onRegion)) {
            Http.Res held = node.service().get(given);
            assertThat(held.status()).as("the role given through /v1 stays: " + given).isEqualTo(200);
            assertThat(held.get("role_id").intValue()).isEqualTo(adminRole);
        }
        assertThat(a.admin.get(a.base + "/users/" + officeUser).get("offices")).extracting(JsonNode::intValue)
                .containsExactly(a.o2);
        assertThat(a.admin.get(a.base + "/users/" + regionUser).get("regions")).extracting(JsonNode::intValue)
                .containsExactly(a.south);

        // the profile's own Manager role is taken away as before
        assertThat(members.post(a.base + "/users/" + officeUser + "/add_to_office", Map.of("officeId", a.o3))
                .status()).isEqualTo(204);
        assertThat(members.post(a.base + "/users/" + officeUser + "/remove_from_office", Map.of("officeId", a.o2))
                .status()).isEqualTo(204);
        assertThat(node.service().get(a.org.path() + "/resources/office/" + a.o2 + "/assignments/" + officeUser)
                .status()).as("its Manager role on office two taken away").isEqualTo(404);
    }

    /**
     * An Admin added through /v1 holds the Admin company role but not the Admin role on the company until that is
     * assigned: the v5 refusals said it was no Admin, although Rooms shows it at access level Admin; they name the
     * missing role and the /v1 route that gives it.
     */
    @Test
    void anAdminAddedThroughV1_isToldItLacksTheAdminRoleOnTheCompany() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agent = a.acceptedAgent("Ada", a.o1);
        int room = a.room(a.as(agent), "Kept", a.o1, a.role("Agent"));
        Http.Res added = a.admin.post(a.org.path() + "/members", Map.of("user_id", "adm@classic.test",
                "email", "adm@classic.test", "role_id", a.role("Admin")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        int adminId = added.get("id").intValue();
        Http admin = a.as(adminId);
        assertThat(a.admin.get(a.base + "/users/" + adminId).get("accessLevel").stringValue()).isEqualTo("Admin");
        String route = "PUT /v1/orgs/{org}/resources/company/company/assignments/" + adminId;

        error(admin.delete(a.base + "/rooms/" + room), 403, "PERMISSION_REQUIRED", "user " + adminId,
                "Admin role held on the company", route);
        error(admin.put(a.base + "/rooms/" + room + "/users/" + agent, Map.of("transactionSideId", "buy")), 403,
                "PERMISSION_REQUIRED", "user " + adminId, "Admin role held on the company", route);

        Http.Res assigned = a.admin.put(a.org.path() + "/resources/company/company/assignments/" + adminId,
                Map.of("role_id", a.role("Admin")));
        assertThat(assigned.status()).as(assigned.toString()).isIn(200, 201);
        assertThat(admin.put(a.base + "/rooms/" + room + "/users/" + agent, Map.of("transactionSideId", "buy"))
                .status()).isEqualTo(200);
        assertThat(admin.delete(a.base + "/rooms/" + room).status()).isEqualTo(204);
    }

    /**
     * A place the user's profile lists but whose role it does not hold (taken away since) is judged as a new one: an
     * Office Manager editing the user once gave the role back there, in an office it does not manage.
     */
    @Test
    void aPlaceListedButNotHeld_isHandedOutOnlyByWhoManagesIt() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http self = a.as(a.acceptedManager("Ula", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers"));
        int other = a.acceptedManager("Vic", "Office", List.of(a.o3), List.of());
        String held = a.org.path() + "/resources/office/" + a.o3 + "/assignments/" + other;
        assertThat(node.service().delete(held).status()).as("its role on office three taken away").isEqualTo(204);

        error(self.post(a.base + "/users/" + other + "/add_to_office", Map.of("officeId", a.o1)), 403,
                "PRIVILEGE_ESCALATION", "office " + a.o3);
        assertThat(node.service().get(held).status()).as("not given back").isEqualTo(404);
        assertThat(a.admin.post(a.base + "/users/" + other + "/add_to_office", Map.of("officeId", a.o1)).status())
                .as("the Admin manages every office").isEqualTo(204);
        assertThat(node.service().get(held).status()).isEqualTo(200);
    }

    /**
     * A company role changed through {@code /v1} takes away the reach the old role gave: a Manager made an Agent kept
     * its roles on its regions and went on managing their rooms, an Admin made a Manager kept the company.
     */
    @Test
    void aCompanyRoleChangedThroughV1_takesAwayTheReachOfTheOldRole() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agentRole = a.role("Agent");
        int r1 = a.room(a.as(a.acceptedAgent("Ada", a.o1)), "In one", a.o1, agentRole);
        int rita = a.acceptedManager("Rita", "Region", List.of(), List.of(a.north), "canManageCompanyRooms");
        int ann = a.accept(a.admin.post(a.base + "/users/invite_classic_admin", Map.of("firstName", "Ann",
                "lastName", "Admin", "email", "ann@classic.test")));
        assertThat(List.of(a.allowed(rita, "canEditAnyRoomRole", r1), a.allowed(ann, "canDeleteRooms", r1)))
                .containsExactly(true, true);

        JsonNode preview = a.admin.post(a.org.path() + "/preview", Map.of("member", Map.of("member_id", rita,
                "role_id", agentRole))).json();
        List<String> lost = new ArrayList<>();
        preview.get("losses").forEach(l -> lost.add(l.get("permission").stringValue() + " on "
                + l.get("where").path("type").asString("") + " " + l.get("where").path("id").asString("")));
        assertThat(lost).as(preview.toString()).contains("canEditAnyRoomRole on region " + a.north);
        Http.Res demoted = a.admin.patch(a.org.path() + "/members/" + rita, Map.of("role_id", agentRole));
        assertThat(demoted.status()).as(demoted.toString()).isEqualTo(200);
        Http.Res toManager = a.admin.patch(a.org.path() + "/members/" + ann, Map.of("role_id", a.role("Manager")));
        assertThat(toManager.status()).as(toManager.toString()).isEqualTo(200);

        assertThat(List.of(a.allowed(rita, "canEditAnyRoomRole", r1), a.allowed(rita, "canViewRoomDetails", r1),
                a.allowed(ann, "canDeleteRooms", r1), a.allowed(ann, "canEditAnyRoomRole", r1)))
                .containsExactly(false, false, false, false);
        assertThat(node.service().get(a.org.path() + "/resources/region/" + a.north + "/assignments/" + rita)
                .status()).isEqualTo(404);
        assertThat(node.service().get(a.org.path() + "/resources/company/company/assignments/" + ann).status())
                .isEqualTo(404);
        // in Rooms both start where a user added with the new role through /v1 does: Contributor, reaching nothing
        assertThat(List.of(a.admin.get(a.base + "/users/" + rita).get("accessLevel").stringValue(),
                a.admin.get(a.base + "/users/" + ann).get("accessLevel").stringValue()))
                .containsExactly("Contributor", "Contributor");
        assertThat(roomIds(a, a.as(rita))).isEmpty();
    }

    /**
     * Before its first region a v5 company is not recorded, so there is no company to hold a role on: an Admin invited
     * then gets its role on the company when the company is recorded, as the organization's first Admin does. The
     * invitation was refused as an escalation.
     */
    @Test
    void beforeTheFirstRegion_anAdminIsInvited_andHoldsTheCompanyOnceRecorded() {
        Fixtures.Org org = fx.org("rooms_v5");
        Http admin = node.as(org.adminKey());
        String base = "/restapi/v2/accounts/" + org.accountId();
        Http.Res ann = admin.post(base + "/users/invite_classic_admin", Map.of("firstName", "Ann", "lastName", "Admin",
                "email", "ann@early.test"));
        assertThat(ann.status()).as(ann.toString()).isEqualTo(201);
        int annId = ann.get("userId").intValue();
        assertThat(node.service().post(org.path() + "/members/" + annId + "/accept", Map.of()).status())
                .isEqualTo(200);

        int north = admin.post(base + "/regions", Map.of("name", "North")).get("regionId").intValue();
        assertThat(north).isPositive();
        assertThat(node.service().get(org.path() + "/resources/company/company/assignments/" + annId).status())
                .as("the Admin role on the company, once recorded").isEqualTo(200);
    }

    /** A Manager's flags are its grants, part of the user: changed only by who may change that user. */
    @Test
    void aManagersFlags_areChangedOnlyByWhoMayChangeIt() {
        ClassicAccount a = new ClassicAccount(node, fx);
        Http low = a.as(a.acceptedManager("Lou", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms"));
        int high = a.acceptedManager("Hal", "Company", List.of(), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms");
        String grants = a.org.path() + "/members/" + high + "/grants";
        Http.Res stripped = low.put(grants, Map.of("permissions", List.of()));
        assertThat(stripped.status()).as("%s", stripped).isEqualTo(403);
        assertThat(stripped.get("code").stringValue()).isEqualTo("access_level_too_high");
        assertThat(node.service().get(grants).get("permissions")).hasSize(2);
    }

    /**
     * A user shows the ClassicManagerPermissions that take effect, whatever its access level: a Manager added through
     * /v1 is at Contributor, and the flag granted to it works (it locks an Agent), so it is shown; it was left out,
     * as for an Agent, because the level decided. Moved to Agent, the Manager keeps its grants, which then count for
     * nothing and are not shown; moved back, they count and are shown again.
     */
    @Test
    void aManagerAtContributor_showsTheFlagsItsGrantsGive() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agent = a.acceptedAgent("Ann", a.o1);
        Http.Res added = a.admin.post(a.org.path() + "/members", Map.of("user_id", "max@classic.test",
                "email", "max@classic.test", "role_id", a.role("Manager")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        int max = added.get("id").intValue();
        String grants = a.org.path() + "/members/" + max + "/grants";
        Http.Res granted = a.admin.put(grants, Map.of("permissions", List.of("canManageCompanyMembers")));
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);

        JsonNode shown = a.admin.get(a.base + "/users/" + max).json();
        assertThat(shown.get("accessLevel").stringValue()).isEqualTo("Contributor");
        assertThat(shown.get("permissions")).as(shown.toString()).isEqualTo(Json.readTree(
                Json.writeString(ClassicAccount.flags("canManageCompanyMembers"))));
        Http maxKey = a.as(max);
        assertThat(maxKey.post(a.base + "/users/" + agent + "/lock", Map.of("reason", "audit")).status())
                .as("the flag shown works").isEqualTo(204);
        assertThat(a.admin.get(a.base + "/users/" + agent).json().has("permissions")).as("an Agent has none").isFalse();

        Http.Res demoted = a.admin.patch(a.org.path() + "/members/" + max, Map.of("role_id", a.role("Agent")));
        assertThat(demoted.status()).as(demoted.toString()).isEqualTo(200);
        assertThat(node.service().get(grants).get("permissions")).as("kept").hasSize(1);
        assertThat(a.admin.get(a.base + "/users/" + max).json().has("permissions")).as("counting for nothing")
                .isFalse();
        assertThat(maxKey.post(a.base + "/users/" + agent + "/unlock", Map.of()).status()).isEqualTo(403);

        Http.Res promoted = a.admin.patch(a.org.path() + "/members/" + max, Map.of("role_id", a.role("Manager")));
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/users/" + max).get("permissions")).isEqualTo(shown.get("permissions"));
        assertThat(maxKey.post(a.base + "/users/" + agent + "/unlock", Map.of()).status()).isEqualTo(204);
    }

    @Test
    void v6OnlyCalls_onAV5Company_are400_andChangeNothing() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agentRole = a.role("Agent");
        int room = a.room(a.as(a.acceptedAgent("Ada", a.o1)), "Room", a.o1, agentRole);
        int users = a.userCount();
        error(a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "A", "lastName", "B", "email",
                "v6@classic.test", "roleId", agentRole, "accessLevel", "Contributor")), 400, "V6_COMPANY_ONLY",
                "invite_user", "invite_classic_agent");
        error(a.admin.post(a.base + "/roles", Map.of("name", "Custom")), 400, "V6_COMPANY_ONLY", "v5");
        error(a.admin.put(a.base + "/roles/" + agentRole, Map.of("name", "Renamed")), 400, "V6_COMPANY_ONLY");
        error(a.admin.delete(a.base + "/roles/" + agentRole), 400, "V6_COMPANY_ONLY");
        error(a.admin.get(a.base + "/rooms/" + room + "/assignable_roles"), 400, "V6_COMPANY_ONLY",
                "assignable_roles");
        assertThat(a.userCount()).isEqualTo(users);
        assertThat(a.admin.get(a.base + "/roles").get("roles")).extracting(r -> r.get("name").stringValue())
                .containsExactly("Admin", "Manager", "Agent");
    }

    @Test
    void v5Offices_lieInARegion() {
        ClassicAccount a = new ClassicAccount(node, fx);
        error(a.admin.post(a.base + "/offices", Map.of("name", "Lonely")), 400, "INVALID_INPUT", "regionId");
        Http.Res cleared = node.service().patch(a.org.path() + "/offices/" + a.o1,
                new LinkedHashMap<>(java.util.Collections.singletonMap("region_id", null)));
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(400);
        assertThat(node.service().get(a.org.path() + "/resources/office/" + a.o1).get("parent").get("id")
                .stringValue()).isEqualTo(String.valueOf(a.north));
    }

    /**
     * The native resource API cannot make the hierarchy contradict the company's offices and regions: moving an office
     * to another region there, taking it out, or recording an office, region or room that does not exist (which would
     * be reached once an object got that id) is refused and changes nothing; recording one where it lies is fine.
     * Before, an office moved there left its Manager's reach behind while Rooms still showed the old region, and one
     * taken out was out of even the Admin's reach.
     */
    @Test
    void theHierarchy_followsOfficesAndRegions_whateverTheNativeResourceApiIsAsked() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int mona = a.acceptedManager("Mona", "Region", List.of(), List.of(a.north), "canManageCompanyRooms");
        int room = a.room(a.admin, "R", a.o1, a.role("Admin"));
        String resources = a.org.path() + "/resources/";
        Http service = node.service();
        int before = events(a);

        Http.Res moved = service.put(resources + "office/" + a.o1, Map.of("parent",
                Map.of("type", "region", "id", String.valueOf(a.south))));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(409);
        assertThat(moved.get("code").stringValue()).isEqualTo("classic_hierarchy");
        assertThat(moved.get("detail").stringValue()).contains("under region " + a.north, "/offices/" + a.o1);
        for (String path : List.of("office/" + a.o1, "office/" + a.o2, "region/" + a.north, "room/" + room,
                "company/company")) {
            Http.Res out = service.delete(resources + path);
            assertThat(out.status()).as(path + ": " + out).isEqualTo(409);
        }
        for (String path : List.of("office/999999", "region/999999", "room/999999", "office/0" + a.o1,
                "company/other")) {
            Http.Res planted = service.put(resources + path, Map.of());
            assertThat(planted.status()).as(path + ": " + planted).isEqualTo(404);
        }
        Http.Res roomMoved = service.put(resources + "room/" + room, Map.of("parent",
                Map.of("type", "office", "id", String.valueOf(a.o3))));
        assertThat(roomMoved.status()).as(roomMoved.toString()).isEqualTo(409);
        assertThat(events(a)).as("refused writes record nothing").isEqualTo(before);
        assertThat(service.get(resources + "office/" + a.o1).get("parent").get("id").stringValue())
                .isEqualTo(String.valueOf(a.north));
        assertThat(a.allowed(mona, "canEditAnyRoomRole", room)).as("the north Manager still reaches the room").isTrue();

        Http.Res same = service.put(resources + "office/" + a.o1, Map.of("parent",
                Map.of("type", "region", "id", String.valueOf(a.north))));
        assertThat(same.status()).as("recording it where it lies: " + same).isEqualTo(200);
    }

    /**
     * Moving an office to another region changes whose reach decides in it and every room beneath, as a move through
     * the resource API does, and is judged the same way: a member allowed only to manage the company's offices
     * (canManageAccount) could otherwise make a Region Manager the manager of an office it could never hand out.
     */
    @Test
    void movingAnOfficeToAnotherRegion_isJudgedByTheReachItGives() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int northManager = a.acceptedManager("Nora", "Region", List.of(), List.of(a.north), "canManageCompanyRooms");
        int room = a.room(a.admin, "South room", a.o3, a.role("Admin"));
        long settings = fx.role(a.org, "Settings", List.of("canManageAccount"));
        Http clerk = fx.keyFor(a.org, fx.member(a.org, "clerk", settings));
        assertThat(a.allowed(northManager, "canEditAnyRoomRole", room)).isFalse();

        Http.Res moved = clerk.patch(a.org.path() + "/offices/" + a.o3, Map.of("region_id", a.north));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(403);
        assertThat(moved.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(a.allowed(northManager, "canEditAnyRoomRole", room)).isFalse();
        assertThat(node.service().get(a.org.path() + "/offices/" + a.o3).get("region_id").intValue())
                .isEqualTo(a.south);

        Http.Res byAdmin = a.admin.patch(a.org.path() + "/offices/" + a.o3, Map.of("region_id", a.north));
        assertThat(byAdmin.status()).as("the Admin manages every place: " + byAdmin).isEqualTo(200);
        assertThat(a.allowed(northManager, "canEditAnyRoomRole", room)).isTrue();
    }

    /**
     * Roles on the hierarchy are held only on what exists: a role on an office or region id that names none (through
     * /v1, even by a service key) is a 404 and changes nothing — it would make its holder a Manager of whatever office
     * later got that id — and deleting an office takes the roles held on it along.
     */
    @Test
    void rolesOnTheHierarchy_areHeldOnlyOnOfficesAndRegionsThatExist() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agent = a.acceptedAgent("Al", a.o1);
        int manager = a.role("Manager");
        String resources = a.org.path() + "/resources/";
        int before = events(a);
        for (String path : List.of("office/999999", "region/999999", "company/other", "office/0" + a.o1)) {
            Http.Res planted = node.service().put(resources + path + "/assignments/id:" + agent,
                    Map.of("role_id", manager));
            assertThat(planted.status()).as(path + ": " + planted).isEqualTo(404);
            assertThat(planted.get("code").stringValue()).isEqualTo("resource_not_found");
        }
        assertThat(events(a)).as("refused writes record nothing").isEqualTo(before);
        assertThat(node.service().get(a.org.path() + "/members/" + agent + "/assignments").get("items")).isEmpty();

        Http.Res spare = a.admin.post(a.base + "/offices", Map.of("name", "Spare", "regionId", a.south));
        String office = String.valueOf(spare.get("officeId").intValue());
        Http.Res held = node.service().put(resources + "office/" + office + "/assignments/id:" + agent,
                Map.of("role_id", manager));
        assertThat(held.status()).as(held.toString()).isEqualTo(200);
        assertThat(a.admin.delete(a.base + "/offices/" + office).status()).isEqualTo(204);
        assertThat(node.service().get(a.org.path() + "/members/" + agent + "/assignments").get("items"))
                .as("a deleted office takes its roles along").isEmpty();
    }

    /**
     * An office holding rooms is cleared by deleting them, the one way there is: the message said to move them to
     * another office, which no call does (Rooms has no room update; /v1 keeps a v5 room under its office).
     */
    @Test
    void anOfficeHoldingRooms_namesTheRemedyThereIs() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int office = a.admin.post(a.base + "/offices", Map.of("name", "Spare", "regionId", a.south)).get("officeId")
                .intValue();
        int room = a.room(a.admin, "Held", office, a.role("Admin"));
        error(a.admin.delete(a.base + "/offices/" + office), 409, "OFFICE_IN_USE",
                "office " + office + " still holds 1 room; delete the room first");
        assertThat(a.admin.put(a.base + "/rooms/" + room, Map.of("officeId", a.o3)).status()).isEqualTo(405);
        Http.Res moved = node.service().put(a.org.path() + "/resources/room/" + room, Map.of("parent",
                Map.of("type", "office", "id", String.valueOf(a.o3))));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(409);

        assertThat(a.admin.delete(a.base + "/rooms/" + room).status()).isEqualTo(204);
        assertThat(a.admin.delete(a.base + "/offices/" + office).status()).isEqualTo(204);
    }

    /**
     * A User's ClassicManagerPermissions are the member's grants, shown by the rule of the native grants read: to the
     * user itself and to a caller holding {@code canManageCompanyMembers}; to anyone else left out, as an Agent's are.
     */
    @Test
    void userPermissions_shownOnlyToWhoMayReadTheMembersGrants() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int boss = a.acceptedManager("Boss", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers",
                "canManageCompanyRooms", "canDeleteCompanyRooms");
        int plain = a.acceptedManager("Plain", "Office", List.of(a.o1), List.of(), "canManageCompanyRooms");
        int agent = a.acceptedAgent("Ada", a.o1);
        Http ada = a.as(agent);
        Http plainKey = a.as(plain);
        Http bossKey = a.as(boss);

        // the agent reads neither a manager's nor the admin's powers, as the native grants read refuses it
        assertThat(ada.get(a.org.path() + "/members/" + boss + "/grants").status()).isEqualTo(403);
        for (long other : List.of((long) boss, a.org.adminId())) {
            Http.Res shown = ada.get(a.base + "/users/" + other);
            assertThat(shown.status()).as(shown.toString()).isEqualTo(200);
            assertThat(shown.json().has("permissions")).as(shown.toString()).isFalse();
            assertThat(shown.get("accessLevel").stringValue()).isIn("Office", "Admin");
        }
        // a manager without canManageCompanyMembers reads its own, not another's
        assertThat(plainKey.get(a.base + "/users/" + plain).get("permissions").get("canManageCompanyRooms")
                .booleanValue()).isTrue();
        assertThat(plainKey.get(a.base + "/users/" + boss).json().has("permissions")).isFalse();
        // who may manage members reads them all, in reads and in the Users its writes answer
        assertThat(bossKey.get(a.base + "/users/" + plain).get("permissions").get("canManageCompanyRooms")
                .booleanValue()).isTrue();
        assertThat(bossKey.get(a.base + "/users/" + a.org.adminId()).get("permissions")
                .get("canManageCompanyMembers").booleanValue()).isTrue();
        Http.Res updated = bossKey.put(a.base + "/users/" + plain, Map.of("defaultOfficeId", a.o1));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.get("permissions").get("canManageCompanyRooms").booleanValue()).isTrue();
        Http.Res invited = bossKey.post(a.base + "/users/invite_classic_manager", a.manager("Newt", "Office",
                List.of(a.o1), List.of(), "canDeleteCompanyRooms"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        assertThat(invited.get("permissions").get("canDeleteCompanyRooms").booleanValue()).isTrue();
    }

    @Test
    void removingAnOfficeUsersLastOffice_namesTheV5Invitation() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int olga = a.acceptedManager("Olga", "Office", List.of(a.o1), List.of());
        Http.Res refused = a.admin.post(a.base + "/users/" + olga + "/remove_from_office", Map.of("officeId", a.o1));
        error(refused, 400, "INVALID_INPUT", "which needs at least one office (as invite_classic_manager requires)");
        assertThat(refused.get("message").stringValue()).doesNotContain("invite_user");
    }

    /**
     * The regions listed on an Office-level Manager give it no reach (its roles follow its offices): adding one is not
     * judged, and it adds neither the region's rooms to what the Manager manages nor its offices to the offices it
     * works in.
     */
    @Test
    void anOfficeManagersRegions_giveNoReach_norAccessibleOffices() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agentRole = a.role("Agent");
        int southRoom = a.room(a.as(a.acceptedAgent("Sam", a.o3)), "South", a.o3, agentRole);
        int olga = a.acceptedManager("Olga", "Office", List.of(a.o1), List.of(), "canManageCompanyMembers");
        Http olgaKey = a.as(olga);
        assertThat(olgaKey.post(a.base + "/users/" + olga + "/add_to_region", Map.of("regionId", a.south)).status())
                .isEqualTo(204);
        assertThat(olgaKey.get(a.base + "/users/" + olga).get("regions")).extracting(JsonNode::intValue)
                .containsExactly(a.south);
        assertThat(a.allowed(olga, "canEditAnyRoomRole", southRoom)).isFalse();
        assertThat(roomIds(a, olgaKey)).doesNotContain(southRoom);
        assertThat(RoomsOfficesIT.ids(olgaKey.get(a.base + "/offices?onlyAccessible=true").json(), "officeSummaries",
                "officeId")).containsExactly(a.o1);
        // a Region-level Manager works in its regions' offices, not in offices merely listed on it
        int rita = a.acceptedManager("Rita", "Region", List.of(), List.of(a.north));
        assertThat(a.admin.post(a.base + "/users/" + rita + "/add_to_office", Map.of("officeId", a.o3)).status())
                .isEqualTo(204);
        assertThat(a.allowed(rita, "canEditAnyRoomRole", southRoom)).isFalse();
        assertThat(RoomsOfficesIT.ids(a.as(rita).get(a.base + "/offices?onlyAccessible=true").json(),
                "officeSummaries", "officeId")).containsExactly(a.o1, a.o2);
    }

    /**
     * In a v5 company {@code managedOnly=true} lists the regions the caller manages through its access level: its
     * regions at Region, every region at Company and Admin (and for a service key), none at Office — the regions
     * listed on an Office-level Manager give it no reach — nor for an Agent; and pages through what it lists. Before,
     * the flag was ignored and every region listed to everyone.
     */
    @Test
    void managedOnly_listsTheRegionsTheCallerManages() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int west = a.admin.post(a.base + "/regions", Map.of("name", "West")).get("regionId").intValue();
        Http rita = a.as(a.acceptedManager("Rita", "Region", List.of(), List.of(a.north, west)));
        Http olga = a.as(a.acceptedManager("Olga", "Office", List.of(a.o1), List.of(a.south)));
        Http carl = a.as(a.acceptedManager("Carl", "Company", List.of(), List.of()));
        Http sam = a.as(a.acceptedAgent("Sam", a.o3));
        String managed = a.base + "/regions?managedOnly=true";

        assertThat(RoomsOfficesIT.ids(rita.get(managed).json(), "regionSummaries", "regionId"))
                .containsExactly(a.north, west);
        for (Http none : List.of(olga, sam)) {
            JsonNode page = none.get(managed).json();
            assertThat(RoomsOfficesIT.ids(page, "regionSummaries", "regionId")).isEmpty();
            assertThat(page.get("totalRowCount").intValue()).isZero();
            assertThat(RoomsOfficesIT.ids(none.get(a.base + "/regions").json(), "regionSummaries", "regionId"))
                    .as("without the flag, every region").containsExactly(a.north, a.south, west);
        }
        for (Http everywhere : List.of(carl, a.admin, node.service())) {
            assertThat(RoomsOfficesIT.ids(everywhere.get(managed).json(), "regionSummaries", "regionId"))
                    .containsExactly(a.north, a.south, west);
        }
        JsonNode first = rita.get(managed + "&count=1").json();
        assertThat(RoomsOfficesIT.ids(first, "regionSummaries", "regionId")).containsExactly(a.north);
        assertThat(first.get("resultSetSize").intValue()).isEqualTo(1);
        assertThat(first.get("totalRowCount").intValue()).isEqualTo(2);
        assertThat(first.get("nextUri").stringValue()).contains("managedOnly=true", "startPosition=1");
        JsonNode second = rita.get("/restapi" + first.get("nextUri").stringValue()).json();
        assertThat(RoomsOfficesIT.ids(second, "regionSummaries", "regionId")).containsExactly(west);
        assertThat(second.has("nextUri")).isFalse();
        assertThat(second.get("priorUri").stringValue()).contains("managedOnly=true", "startPosition=0");
    }

    @Test
    void aV6Company_isUnaffected() {
        RoomsAccount v6 = new RoomsAccount(node, fx);
        assertThat(v6.admin.get(v6.base).get("companyVersion").stringValue()).isEqualTo("v6");
        error(v6.admin.post(v6.base + "/users/invite_classic_manager", Map.of("firstName", "C")), 400,
                "CLASSIC_COMPANY_ONLY", "v6 company", "invite_user");
        int role = v6.role("Coordinator", false, "canCreateRooms");
        int user = v6.user("Vic", role, "Company");
        JsonNode shown = v6.admin.get(v6.base + "/users/" + user).json();
        assertThat(shown.has("permissions")).isFalse();
        assertThat(v6.admin.get(v6.base + "/roles/" + role).get("permissions").propertyNames()).hasSize(66);
        int room = v6.room(v6.admin, "No office needed", v6.defaultAdminRole());
        assertThat(v6.admin.get(v6.base + "/rooms/" + room + "/assignable_roles").status()).isEqualTo(200);
        assertThat(node.service().get(v6.org.path() + "/resources/room/" + room).status()).isEqualTo(404);
    }

    private static List<Integer> roomIds(ClassicAccount a, Http as) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode room : as.get(a.base + "/rooms").get("rooms")) {
            out.add(room.get("roomId").intValue());
        }
        return out;
    }

    private static int events(ClassicAccount a) {
        Http.Res page = node.service().get(a.org.path() + "/events?limit=1000");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        return page.get("items").size();
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(body);
        out.put(field, value);
        return out;
    }

    @Test
    void aRoomOwningAgent_cannotReplaceARoomRoleGrantingMoreThanItsOwn() {
        ClassicAccount a = new ClassicAccount(node, fx);
        int agentRole = a.role("Agent");
        int managerRole = a.role("Manager");
        Http ada = a.as(a.acceptedAgent("Ada", a.o1));
        int own = a.room(ada, "Own", a.o1, agentRole);
        int bo = a.acceptedAgent("Bo", a.o1);
        // the Manager role, not the Admin role, which hides its holder in the room from Ada (a 404 to her)
        Http.Res invited = a.admin.post(a.base + "/rooms/" + own + "/users", Map.of("email", "bo@classic.test",
                "firstName", "Bo", "lastName", "Agent", "roleId", managerRole));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);

        // a room owner may change its room users' roles (the v5 rule), but not take away one beyond its own
        error(ada.put(a.base + "/rooms/" + own + "/users/" + bo, Map.of("roleId", agentRole)), 403,
                "PRIVILEGE_ESCALATION", "user " + bo, "canEditAnyRoomRole");
        assertThat(a.allowed(bo, "canEditAnyRoomRole", own)).isTrue();
        assertThat(a.admin.put(a.base + "/rooms/" + own + "/users/" + bo, Map.of("roleId", agentRole)).status())
                .isEqualTo(200);
    }
}
