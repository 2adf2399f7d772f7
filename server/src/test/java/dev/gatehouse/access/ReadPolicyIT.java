package dev.gatehouse.access;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads have a policy (docs/security.md, "Reads"): an external member sees only itself and what it is assigned
 * to — not the member directory, other roles, groups or company users; a room (and its participants) is seen by
 * its users and with {@code autoAccessToRooms}, through every API; another member's keys only by a member
 * manager; Close's event log shows a member without {@code manage_organization} no other member's changes.
 * Whatever a caller may not read answers like something that does not exist.
 */
class ReadPolicyIT {

    static TestNode node;
    static Fixtures fx;
    static Fixtures.Org org;
    static String base;
    static long agentRole;
    static long guestRole;
    static long agent;
    static long guest;
    static Http agentKey;
    static Http guestKey;
    static String shared;
    static String hidden;
    static long group;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        org = fx.org("rooms");
        base = "/restapi/v2/accounts/" + org.accountId();
        agentRole = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails", "canAddUsersToRooms"));
        guestRole = fx.role(org, Map.of("name", "Buyer", "permissions", List.of("canViewRoomDetails"), "external", true));
        agent = fx.member(org, "agent", agentRole);
        guest = fx.external(org, "guest");
        agentKey = fx.keyFor(org, agent);
        guestKey = fx.keyFor(org, guest);
        shared = fx.room(org, "Shared", agent, agentRole);
        fx.assign(org, shared, guest, guestRole);
        hidden = fx.room(org);
        group = node.service().post(org.path() + "/groups", Map.of("name", "Team")).get("id").longValue();
        node.service().post(org.path() + "/groups/" + group + "/members", Map.of("member_id", agent));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void anExternalMember_seesOnlyItself_andWhatItIsAssignedTo() {
        assertThat(ids(guestKey.get(org.path() + "/members"), "id")).containsExactly(guest);
        assertThat(guestKey.get(org.path() + "/members/" + guest).status()).isEqualTo(200);
        for (String other : List.of(org.path() + "/members/" + agent, org.path() + "/members/" + org.adminId(),
                org.path() + "/members/agent", org.path() + "/members/" + agent + "/keys",
                org.path() + "/members/" + agent + "/assignments")) {
            Http.Res res = guestKey.get(other);
            assertThat(res.status()).as("%s: %s", other, res).isEqualTo(404);
            assertThat(res.get("code").stringValue()).isEqualTo("member_not_found");
        }
        assertThat(ids(guestKey.get(org.path() + "/roles"), "id")).containsExactly(guestRole);
        assertThat(guestKey.get(org.path() + "/roles/" + agentRole).status()).isEqualTo(404);
        assertThat(guestKey.get(org.path() + "/groups").json().get("items")).isEmpty();
        assertThat(guestKey.get(org.path() + "/groups/" + group).status()).isEqualTo(404);

        assertThat(ids(guestKey.get(org.path() + "/resources/room/" + shared + "/assignments"), "member_id"))
                .as("the participants of its own room").containsExactly(agent, guest);
        assertThat(guestKey.get(org.path() + "/resources/room/" + hidden + "/assignments").status()).isEqualTo(404);
        assertThat(ids(guestKey.get(org.path() + "/members/" + guest + "/assignments"), "member_id"))
                .containsExactly(guest);

        assertThat(guestKey.get(base + "/users").json().get("userSummaries")).isEmpty();
        assertThat(guestKey.get(base + "/users/" + agent).status()).isEqualTo(404);
        assertThat(guestKey.get(base + "/rooms").json().get("rooms")).extracting(r -> String.valueOf(r.get("roomId")
                .longValue())).containsExactly(shared);
        assertThat(guestKey.get(base + "/roles").json().get("roles")).extracting(r -> r.get("roleId").longValue())
                .containsExactly(guestRole);
    }

    /**
     * An external member reads one participant of its room as the room's listing shows it; a member the listing does
     * not show answers as one that does not exist.
     */
    @Test
    void anExternalMember_readsAParticipantOfItsRoom_andNoOtherMember() {
        String assignments = org.path() + "/resources/room/" + shared + "/assignments/";
        for (String name : List.of("id:" + agent, "user:agent", String.valueOf(agent))) {
            Http.Res read = guestKey.get(assignments + name);
            assertThat(read.status()).as("%s: %s", name, read).isEqualTo(200);
            assertThat(read.get("role_id").longValue()).isEqualTo(agentRole);
        }
        for (long other : List.of(org.adminId(), 999_999L)) {
            Http.Res read = guestKey.get(assignments + "id:" + other);
            assertThat(read.status()).as("member %s: %s", other, read).isEqualTo(404);
            assertThat(read.get("code").stringValue()).isEqualTo("member_not_found");
        }
        assertThat(guestKey.get(org.path() + "/resources/room/" + hidden + "/assignments/id:" + agent).status())
                .as("a room it is not in").isEqualTo(404);
    }

    /**
     * An external member changes a participant of its room through the native API as through Rooms — the room's
     * rules judge it — naming it as the room's listing shows it, for a write and its preview alike; a member the
     * listing does not show answers, to each of them, exactly as one that does not exist, even where Rooms would let
     * the same caller invite that member by its email.
     */
    @Test
    void anExternalMember_writesAParticipantOfItsRoom_asRoomsDoes_andNoOtherMember() {
        long inviterRole = fx.role(org, Map.of("name", "Inviter", "permissions", List.of("canViewRoomDetails",
                "canAddUsersToRooms", "canEditInvitedRoomRole", "canManageInvitedUserRoomAccess"), "external", true));
        // an external member holds no company permission: it hands out only roles granting none
        long inviteeRole = fx.role(org, Map.of("name", "Invitee", "permissions", List.of(), "external", true));
        long sellerRole = fx.role(org, Map.of("name", "Seller", "permissions", List.of(), "external", true));
        String room = fx.room(org, "Invitations", agent, agentRole);
        long inviter = fx.external(org, "inviter");
        fx.assign(org, room, inviter, inviterRole);
        Http inviterKey = fx.keyFor(org, inviter);
        long invited = invite(inviterKey, room, "brandnew@r.test", inviteeRole);
        long leaving = invite(inviterKey, room, "leaving@r.test", inviteeRole);
        String assignments = org.path() + "/resources/room/" + room + "/assignments/";

        Http.Res preview = inviterKey.post(org.path() + "/preview", Map.of("assignment", Map.of("resource",
                Map.of("type", "room", "id", room), "member_id", invited, "role_id", sellerRole)));
        Http.Res put = inviterKey.put(assignments + "id:" + invited, Map.of("role_id", sellerRole));
        Http.Res removed = inviterKey.delete(assignments + "user:leaving@r.test");
        assertThat(Map.of("preview", preview, "PUT", put, "DELETE", removed)).allSatisfy((asked, res) ->
                assertThat(res.status()).as("%s: %s", asked, res).isEqualTo(asked.equals("DELETE") ? 204 : 200));
        assertThat(put.get("role_id").longValue()).isEqualTo(sellerRole);
        assertThat(node.service().get(assignments + "id:" + leaving).status()).isEqualTo(404);
        Http.Res back = inviterKey.put(base + "/rooms/" + room + "/users/" + invited, Map.of("roleId", inviteeRole));
        assertThat(back.status()).as("the same change through Rooms: %s", back).isEqualTo(200);

        Http.Res refused = inviterKey.put(assignments + "id:" + agent, Map.of("role_id", sellerRole));
        assertThat(refused.status()).as("a participant it did not invite, as Rooms judges it: %s", refused)
                .isEqualTo(403);
        assertThat(inviterKey.put(base + "/rooms/" + room + "/users/" + agent, Map.of("roleId", sellerRole))
                .status()).as("the same change through Rooms").isEqualTo(403);

        long absent = 999_999L;
        Map<String, Http.Res> unseen = new LinkedHashMap<>();
        for (long other : List.of(org.adminId(), guest, absent)) {
            unseen.put("PUT " + other, inviterKey.put(assignments + "id:" + other, Map.of("role_id", inviteeRole)));
            unseen.put("DELETE " + other, inviterKey.delete(assignments + "id:" + other));
            unseen.put("preview " + other, inviterKey.post(org.path() + "/preview", Map.of("assignment", Map.of(
                    "resource", Map.of("type", "room", "id", room), "member_id", other, "role_id", inviteeRole))));
        }
        for (Map.Entry<String, Http.Res> e : unseen.entrySet()) {
            String asked = e.getKey();
            long other = Long.parseLong(asked.substring(asked.indexOf(' ') + 1));
            Http.Res res = e.getValue();
            Http.Res ofAbsent = unseen.get(asked.substring(0, asked.indexOf(' ')) + " " + absent);
            assertThat(res.status()).as("%s: %s", asked, res).isEqualTo(404);
            assertThat(res.get("code").stringValue()).isEqualTo("member_not_found");
            assertThat(res.body().replace("with id " + other + " ", "with id N "))
                    .as("%s answers as a member that does not exist", asked)
                    .isEqualTo(ofAbsent.body().replace("with id " + absent + " ", "with id N "));
        }
        assertThat(node.service().get(assignments + "id:" + guest).status()).as("nothing given").isEqualTo(404);
    }

    /**
     * Invites {@code email} into {@code room} with {@code role} through Rooms, as the key's member; returns the
     * invitee's id.
     */
    private static long invite(Http as, String room, String email, long role) {
        Http.Res invited = as.post(base + "/rooms/" + room + "/users", Map.of("email", email, "firstName", "New",
                "lastName", "Invitee", "roleId", role));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        return invited.get("userId").longValue();
    }

    /**
     * The decision routes answer an external member's questions about any other member alike, whether that member
     * exists or not: they are no way around the directory it may not read.
     */
    @Test
    void anExternalMember_learnsNothingOfOthers_fromTheDecisionRoutes() {
        String missing = "999999";
        for (String other : List.of(String.valueOf(agent), "agent", String.valueOf(org.adminId()))) {
            for (String who : List.of(other, missing, "nobody")) {
                Map<String, String> answers = new LinkedHashMap<>();
                answers.put("permissions", answer(guestKey.get(org.path() + "/members/" + who + "/permissions")));
                answers.put("visibility-filter",
                        answer(guestKey.get(org.path() + "/members/" + who + "/visibility-filter")));
                answers.put("check", answer(guestKey.post(org.path() + "/check",
                        Map.of("user_id", who, "permission", "canViewRoomDetails"))));
                answers.put("lookup", answer(guestKey.post(org.path() + "/lookup/resources",
                        Map.of("user_id", who, "permission", "canViewRoomDetails", "type", "room"))));
                answers.put("batch", guestKey.post(org.path() + "/check/batch", Map.of("checks", List.of(
                        Map.of("user_id", who, "permission", "canViewRoomDetails")))).get("results").get(0)
                        .get("error").get("code").stringValue());
                assertThat(answers).as("about %s", who).containsOnly(
                        Map.entry("permissions", "403 permission_required"),
                        Map.entry("visibility-filter", "403 permission_required"),
                        Map.entry("check", "403 permission_required"),
                        Map.entry("lookup", "403 permission_required"),
                        Map.entry("batch", "permission_required"));
            }
        }
        assertThat(guestKey.get(org.path() + "/members/" + guest + "/permissions").status()).isEqualTo(200);
        assertThat(guestKey.post(org.path() + "/check", Map.of("user_id", "guest", "permission", "canViewRoomDetails"))
                .status()).isEqualTo(200);
    }

    /**
     * A bare number that is an external member's own id names it whether or not a member it cannot see holds that
     * number as its user id (and one that is its user id, whatever member has that id): the decision routes do not
     * tell whether such a member exists. An internal member, which sees that other member, is not taken to mean
     * itself by such a number (403, as for any other member).
     */
    @Test
    void anExternalMember_namesItselfByANumber_whetherOrNotAMemberItCannotSeeSharesIt() {
        List<Long> created = new ArrayList<>();
        try {
            long numbered = created(created, fx.external(org, "numbered"));
            long target = created(created, fx.member(org, "target", agentRole));
            long byTargetsNumber = created(created, fx.external(org, String.valueOf(target)));
            long colleague = created(created, fx.member(org, "colleague", agentRole));
            Http numberedKey = fx.keyFor(org, numbered);
            Http byTargetsNumberKey = fx.keyFor(org, byTargetsNumber);
            Http colleagueKey = fx.keyFor(org, colleague);
            for (boolean twinsExist : List.of(true, false)) {
                List<Long> twins = twinsExist ? List.of(fx.member(org, String.valueOf(numbered), agentRole),
                        fx.member(org, String.valueOf(colleague), agentRole)) : List.of();
                for (String route : List.of("/permissions", "/visibility-filter")) {
                    Http.Res byId = numberedKey.get(org.path() + "/members/" + numbered + route);
                    assertThat(byId.status()).as("%s by its id, twins %s: %s", route, twinsExist, byId)
                            .isEqualTo(200);
                    Http.Res byUserId = byTargetsNumberKey.get(org.path() + "/members/" + target + route);
                    assertThat(byUserId.status()).as("%s by its user id: %s", route, byUserId).isEqualTo(200);
                    Http.Res internal = colleagueKey.get(org.path() + "/members/" + colleague + route);
                    assertThat(answer(internal)).as("%s of an internal member, twins %s", route, twinsExist)
                            .isEqualTo(twinsExist ? "403 permission_required" : "200 ");
                }
                assertThat(numberedKey.get(org.path() + "/members/" + numbered + "/permissions").get("member_id")
                        .longValue()).isEqualTo(numbered);
                assertThat(byTargetsNumberKey.get(org.path() + "/members/" + target + "/permissions")
                        .get("member_id").longValue()).isEqualTo(byTargetsNumber);
                for (long twin : twins) {
                    assertThat(node.service().delete(org.path() + "/members/id:" + twin).status()).isEqualTo(204);
                }
            }
        } finally {
            created.forEach(member -> node.service().delete(org.path() + "/members/id:" + member));
        }
    }

    private static long created(List<Long> created, long member) {
        created.add(member);
        return member;
    }

    /** Rooms' calls that change a company user answer an outsider 404 for every user, existing or not. */
    @Test
    void anExternalMember_learnsNothingOfCompanyUsers_fromTheirChanges() {
        for (long user : List.of(agent, org.adminId(), 999_999L)) {
            String path = base + "/users/" + user;
            for (Http.Res res : List.of(guestKey.post(path + "/lock", Map.of("reason", "x")),
                    guestKey.post(path + "/unlock", Map.of()), guestKey.post(path + "/reinvite", Map.of()),
                    guestKey.put(path, Map.of("defaultOfficeId", 1)), guestKey.delete(path))) {
                assertThat(answer(res)).as("user %s: %s", user, res).startsWith("404");
            }
        }
    }

    private static String answer(Http.Res res) {
        return res.status() + " " + (res.json() == null || res.get("code") == null ? "" : res.get("code").stringValue());
    }

    @Test
    void aRoom_andItsParticipants_areSeenByItsUsers_throughEveryApi() {
        assertThat(agentKey.get(org.path() + "/resources/room/" + shared + "/assignments").status()).isEqualTo(200);
        Http.Res hiddenRoom = agentKey.get(org.path() + "/resources/room/" + hidden + "/assignments");
        assertThat(hiddenRoom.status()).isEqualTo(404);
        assertThat(hiddenRoom.get("code").stringValue()).isEqualTo("room_not_found");
        assertThat(agentKey.get(base + "/rooms/" + hidden + "/users").status()).isEqualTo(404);
        assertThat(ids(agentKey.get(org.path() + "/members/" + org.adminId() + "/assignments"), "member_id"))
                .as("the admin's roles in rooms the agent cannot see are left out").isEmpty();
        assertThat(ids(node.service().get(org.path() + "/members/" + org.adminId() + "/assignments"), "member_id"))
                .hasSize(1);
        // With autoAccessToRooms, every room; the admin's role there (the Default Admin role, isHiddenInRoom) only
        // with canManageAnyUserRoomAccess in a room role of its own there: to anyone else it answers as no role.
        long viewAll = fx.role(org, "All rooms", List.of("autoAccessToRooms", "canViewRoomDetails"));
        Http all = fx.keyFor(org, fx.member(org, "all-rooms", viewAll));
        assertThat(all.get(org.path() + "/resources/room/" + hidden + "/assignments").status()).isEqualTo(200);
        assertThat(ids(all.get(org.path() + "/members/" + org.adminId() + "/assignments"), "member_id")).isEmpty();
        assertThat(ids(all.get(org.path() + "/members/" + guest + "/assignments"), "member_id")).hasSize(1);
    }

    /**
     * The history shows every room (a room's changes, with its field data; its users' places): reading it, or
     * subscribing a webhook to it, needs to see every room, as an export does — not the role management alone, with
     * which an account manager once read rooms it was refused.
     */
    @Test
    void theHistory_andWebhooks_needToSeeEveryRoom() {
        node.service().put(base + "/rooms/" + hidden + "/field_data", Map.of("data", Map.of("price", "secret-950")));
        long accountManager = fx.role(org, "Account manager", List.of("canManageAccount", "canViewRoomDetails",
                "canManageMemberSameAccessLevel"));
        Http key = fx.keyFor(org, fx.member(org, "acct", accountManager));
        assertThat(key.get(base + "/rooms/" + hidden).status()).isEqualTo(404);
        for (Http.Res refused : List.of(key.get(org.path() + "/events?object_type=room"),
                key.get(org.path() + "/events/1"), key.get(org.path() + "/webhooks"),
                key.post(org.path() + "/webhooks", Map.of("url", "https://hooks.example.com/gatehouse")))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(403);
            assertThat(refused.get("code").stringValue()).isEqualTo("permission_required");
            assertThat(refused.get("detail").stringValue()).contains("every room");
        }
        long seesAll = fx.role(org, "Account manager, every room", List.of("canManageAccount", "canViewRoomDetails",
                "autoAccessToRooms", "canManageMemberSameAccessLevel"));
        Http all = fx.keyFor(org, fx.member(org, "acct-all", seesAll));
        Http.Res events = all.get(org.path() + "/events?object_type=room");
        assertThat(events.status()).as("%s", events).isEqualTo(200);
        assertThat(events.json().toString()).contains("secret-950");
        assertThat(all.get(org.path() + "/webhooks").status()).isEqualTo(200);
    }

    /**
     * The history shows every member's grants, which another member reads only with the model's member-management
     * permission: reading the history, or subscribing a webhook to it, needs that permission too, as an export does.
     * An account manager seeing every room once read a v5 Manager's flags there that its own read of them refused.
     */
    @Test
    void theHistory_andWebhooks_needTheMemberManagementPermission_asItShowsEveryMembersGrants() {
        Fixtures.Org classic = fx.org("rooms_v5");
        long manager = fx.roleId(classic, "Manager");
        long flagged = fx.member(classic, "flagged", manager);
        assertThat(node.service().put(classic.path() + "/members/" + flagged + "/grants", Map.of("permissions",
                List.of("canManageCompanyRooms"))).status()).isEqualTo(200);
        long auditor = fx.role(classic, "Auditor", List.of("canManageAccount", "autoAccessToRooms"));
        Http key = fx.keyFor(classic, fx.member(classic, "auditor", auditor));
        assertThat(key.get(classic.path() + "/members/" + flagged + "/grants").status()).isEqualTo(403);
        for (Http.Res refused : List.of(key.get(classic.path() + "/events?object_type=member_grants"),
                key.get(classic.path() + "/events/1"), key.get(classic.path() + "/webhooks"),
                key.post(classic.path() + "/webhooks", Map.of("url", "https://hooks.example.com/gatehouse")))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(403);
            assertThat(refused.get("code").stringValue()).isEqualTo("permission_required");
            assertThat(refused.get("detail").stringValue()).contains("canManageCompanyMembers");
        }
        long both = fx.role(classic, "Auditor of members", List.of("canManageAccount", "autoAccessToRooms",
                "canManageCompanyMembers"));
        Http reader = fx.keyFor(classic, fx.member(classic, "reader", both));
        Http.Res events = reader.get(classic.path() + "/events?object_type=member_grants");
        assertThat(events.status()).as("%s", events).isEqualTo(200);
        assertThat(events.json().toString()).contains("canManageCompanyRooms");
    }

    /**
     * A member manager may ask about other members, but a room's participants are seen only where the room is: asking
     * about another member on a room it does not see is the same 404 as for a room that does not exist, and which
     * rooms another member may act on needs sight of every room. The decision routes once told who was in a room
     * whose user list the same caller was refused.
     */
    @Test
    void theDecisionRoutes_tellNoOneWhoIsInARoomItDoesNotSee() {
        long managerRole = fx.role(org, "Member manager", List.of("canManageMemberSameAccessLevel",
                "canViewRoomDetails"));
        long mm = fx.member(org, "mm", managerRole);
        Http key = fx.keyFor(org, mm);
        fx.assign(org, shared, mm, agentRole);
        String admin = "user:" + node.service().get(org.path() + "/members/" + org.adminId()).get("user_id")
                .stringValue();
        Map<String, Object> hiddenRoom = Map.of("type", "room", "id", hidden);
        for (Http.Res res : List.of(
                key.post(org.path() + "/check", Map.of("user_id", admin.substring(5), "permission",
                        "canViewRoomDetails", "resource", hiddenRoom)),
                key.post(org.path() + "/lookup/members", Map.of("permission", "canViewRoomDetails", "resource",
                        hiddenRoom)),
                key.get(org.path() + "/members/" + admin + "/permissions?resource_type=room&resource_id=" + hidden))) {
            assertThat(res.status()).as("%s", res).isEqualTo(404);
            assertThat(res.get("code").stringValue()).isEqualTo("room_not_found");
        }
        Http.Res rooms = key.post(org.path() + "/lookup/resources", Map.of("user_id", admin.substring(5),
                "permission", "canViewRoomDetails", "type", "room"));
        assertThat(rooms.status()).as("%s", rooms).isEqualTo(403);
        assertThat(rooms.get("code").stringValue()).isEqualTo("permission_required");
        // true in every model, whatever makes up the caller's view (on rooms_v5 the rooms beneath its office too)
        assertThat(rooms.get("detail").stringValue()).endsWith("needs to see every one of them, which member " + mm
                + " does not");

        // In a batch, each check is judged alone: the hidden room's, the seen room's, the same hidden room again.
        JsonNode batch = key.post(org.path() + "/check/batch", Map.of("checks", List.of(
                Map.of("user_id", admin.substring(5), "permission", "canViewRoomDetails", "resource", hiddenRoom),
                Map.of("member_id", agent, "permission", "canViewRoomDetails", "resource",
                        Map.of("type", "room", "id", shared)),
                Map.of("member_id", agent, "permission", "canViewRoomDetails", "resource", hiddenRoom))))
                .json().get("results");
        assertThat(batch.get(0).get("error").get("code").stringValue()).isEqualTo("room_not_found");
        assertThat(batch.get(1).get("allowed").booleanValue()).isTrue();
        assertThat(batch.get(2).get("error").get("code").stringValue()).isEqualTo("room_not_found");

        // A room it sees, and questions about itself, are answered as before.
        Http.Res seen = key.post(org.path() + "/check", Map.of("member_id", agent, "permission",
                "canViewRoomDetails", "resource", Map.of("type", "room", "id", shared)));
        assertThat(seen.status()).as("%s", seen).isEqualTo(200);
        assertThat(seen.get("allowed").booleanValue()).isTrue();
        Http.Res own = key.post(org.path() + "/check", Map.of("member_id", mm, "permission", "canViewRoomDetails",
                "resource", hiddenRoom));
        assertThat(own.status()).as("%s", own).isEqualTo(200);
        assertThat(own.get("allowed").booleanValue()).isFalse();
        assertThat(node.service().post(org.path() + "/lookup/members", Map.of("permission", "canViewRoomDetails",
                "resource", hiddenRoom)).status()).as("a service key sees every room").isEqualTo(200);
    }

    @Test
    void internalMembers_readTheDirectory_butOnlyMemberManagersReadOthersKeys() {
        assertThat(ids(agentKey.get(org.path() + "/members"), "id")).contains(org.adminId(), agent, guest);
        Http.Res keys = agentKey.get(org.path() + "/members/" + org.adminId() + "/keys");
        assertThat(keys.status()).isEqualTo(403);
        assertThat(agentKey.get(org.path() + "/members/" + agent + "/keys").status()).isEqualTo(200);
        assertThat(org.admin().get(org.path() + "/members/" + agent + "/keys").status()).isEqualTo(200);
    }

    @Test
    void closeEventLog_showsAMemberWithoutManageOrganization_noOtherMembersChanges() {
        var close = fx.org("close");
        long user = fx.roleId(close, "User");
        Http u = fx.keyFor(close, fx.member(close, "u1", user));
        long v = fx.member(close, "v1", user);
        node.service().patch(close.path() + "/members/" + v, Map.of("first_name", "Changed"));
        String theirs = fx.keyFor(close, v).get("/api/v1/me/").json().at("/memberships/0/id").stringValue();
        assertThat(close.admin().put("/api/v1/membership/" + theirs + "/", Map.of("role_id", "restricteduser"))
                .status()).isEqualTo(200);
        String mine = u.get("/api/v1/me/").json().at("/memberships/0/id").stringValue();

        List<JsonNode> seen = events(u);
        assertThat(seen).filteredOn(e -> e.get("object_type").stringValue().equals("membership"))
                .isNotEmpty().allSatisfy(e -> assertThat(e.get("object_id").stringValue()).isEqualTo(mine));
        assertThat(u.get("/api/v1/event/?object_type=role").get("data")).as("role changes stay readable").isNotEmpty();

        List<JsonNode> all = events(close.admin());
        List<JsonNode> others = all.stream().filter(e -> e.get("object_type").stringValue().equals("membership")
                && !e.get("object_id").stringValue().equals(mine)).toList();
        assertThat(others).as("a manager sees every membership's changes").isNotEmpty();
        for (JsonNode other : others) {
            assertThat(u.get("/api/v1/event/" + other.get("id").stringValue() + "/").status()).isEqualTo(404);
        }
    }

    private static List<JsonNode> events(Http key) {
        Http.Res res = key.get("/api/v1/event/?_limit=50");
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        res.get("data").forEach(out::add);
        return out;
    }

    private static List<Long> ids(Http.Res res, String field) {
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        List<Long> out = new ArrayList<>();
        res.get("items").forEach(item -> out.add(item.get(field).longValue()));
        return out;
    }
}
