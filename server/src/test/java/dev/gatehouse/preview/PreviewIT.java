package dev.gatehouse.preview;

import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/orgs/{org}/preview} against the real server and database: exact gains and losses of each kind
 * of change on known fixtures (a {@code rooms} organization, whose rooms do not inherit company roles, and one on
 * the {@code docs} test model, whose documents do), that nothing is written, that a preview is refused exactly as
 * the write it previews, that it shows nothing the caller may not see, and bad input.
 */
class PreviewIT {

    static TestNode node;
    static Fixtures fx;
    static Fixtures.Org org;
    static long agent;
    static long viewer;
    static long guest;
    static long m1;
    static long m3;
    static String room;
    static Http m1Key;
    static Http m2Key;
    static Http roleManager;

    @BeforeAll
    static void scenario() {
        node = TestNode.start();
        fx = new Fixtures(node);
        org = fx.org("rooms");
        agent = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails", "canAddDocuments"));
        viewer = fx.role(org, "Viewer", List.of("canViewRoomDetails"));
        guest = fx.role(org, Map.of("name", "Guest", "permissions", List.of("canViewRoomDetails"), "external", true));
        m1 = fx.member(org, "m1", agent);
        long m2 = fx.member(org, "m2", agent);
        m3 = fx.member(org, "m3", viewer);
        fx.external(org, "g1");
        room = fx.room(org, "Elm Street", m1, agent);
        m1Key = fx.keyFor(org, m1);
        m2Key = fx.keyFor(org, m2);
        // Manages roles and may hand out the Agent's permissions, but sees no room it holds no role in.
        long manager = fx.role(org, "Role manager", List.of("canManageAccount", "canCreateRooms", "canViewRoomDetails",
                "canAddDocuments", "canDeleteRooms"));
        roleManager = fx.keyFor(org, fx.member(org, "manager", manager));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Http.Res preview(Http as, Fixtures.Org in, Map<String, Object> body) {
        return as.post(in.path() + "/preview", body);
    }

    /** "permission @ place: [user ids]" per effect, e.g. "canDeleteRooms @ room/1: [m1]". */
    static List<String> lines(JsonNode effects) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : effects) {
            JsonNode w = e.get("where");
            String place = switch (w.get("scope").stringValue()) {
                case "organization" -> "org";
                case "unassigned" -> w.get("type").stringValue() + "/*";
                default -> w.get("type").stringValue() + "/" + w.get("id").stringValue();
            };
            List<String> users = new ArrayList<>();
            e.get("members").get("items").forEach(m -> users.add(m.get("user_id").stringValue()));
            out.add(e.get("permission").stringValue() + " @ " + place + ": " + users);
        }
        return out;
    }

    static Map<String, Object> roleEdit(long roleId, List<String> permissions) {
        return Map.of("role", Map.of("id", roleId, "permissions", permissions));
    }

    @Test
    void roleEdit_showsGainsAndLosses_organizationWideAndInTheRoomsWhereTheRoleIsHeld() {
        Http.Res res = preview(org.admin(), org, roleEdit(agent, List.of("canCreateRooms", "canAddDocuments",
                "canDeleteRooms")));

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(lines(res.get("gains"))).containsExactly(
                "canDeleteRooms @ org: [m1, m2]",
                "canDeleteRooms @ room/" + room + ": [m1]");
        assertThat(lines(res.get("losses"))).containsExactly(
                "canViewRoomDetails @ org: [m1, m2]",
                "canViewRoomDetails @ room/" + room + ": [m1]");
        assertThat(res.get("members_gaining").intValue()).isEqualTo(2);
        assertThat(res.get("members_losing").intValue()).isEqualTo(2);
        assertThat(res.get("gains").get(0).get("members").get("count").intValue()).isEqualTo(2);
        assertThat(res.get("gains").get(0).get("members").get("complete").booleanValue()).isTrue();
        assertThat(res.get("revision").longValue()).isEqualTo(node.appliedRevision());
    }

    @Test
    void companyRoleChange_showsWhatTheNewRoleAdds() {
        Http.Res res = preview(org.admin(), org, Map.of("member", Map.of("member_id", m3, "role_id", agent)));

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(lines(res.get("gains"))).containsExactly(
                "canCreateRooms @ org: [m3]",
                "canAddDocuments @ org: [m3]");
        assertThat(res.get("losses")).isEmpty();
    }

    @Test
    void deactivation_losesTheCompanyRoleAndEveryRoomRole_andRevokesNoKey() {
        Http.Res res = preview(org.admin(), org, Map.of("member", Map.of("user_id", "m1", "status", "deactivated")));

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(lines(res.get("losses"))).containsExactly(
                "canCreateRooms @ org: [m1]",
                "canViewRoomDetails @ org: [m1]",
                "canAddDocuments @ org: [m1]",
                "canCreateRooms @ room/" + room + ": [m1]",
                "canViewRoomDetails @ room/" + room + ": [m1]",
                "canAddDocuments @ room/" + room + ": [m1]");
        // a model without record visibility has none to change (it said "1 member" of a member losing its role)
        assertThat(res.get("visibility_changed").get("count").intValue()).isZero();
        assertThat(res.get("visibility_changed").get("items")).isEmpty();
        // The write would have revoked m1's keys; the rehearsal was rolled back.
        assertThat(m1Key.get(org.path() + "/roles").status()).isEqualTo(200);
    }

    /**
     * The members a preview lists are as they are stored, not as the rehearsed write left them: a preview of
     * deactivating m1 once listed it deactivated, in a version and at a time of change that no stored m1 has (so a
     * client sending that version in If-Match got 412).
     */
    @Test
    void listedMembers_areAsStored_notAsTheRehearsalLeftThem() {
        Http.Res res = preview(org.admin(), org, Map.of("member", Map.of("user_id", "m1", "status", "deactivated")));
        Http.Res stored = org.admin().get(org.path() + "/members/m1");

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode listed = res.get("losses").get(0).get("members").get("items").get(0);
        assertThat(listed.get("user_id").stringValue()).isEqualTo("m1");
        for (String field : List.of("version", "status", "updated_at")) {
            assertThat(listed.get(field)).as(field).isEqualTo(stored.get(field));
        }
        assertThat(listed.get("status").stringValue()).isEqualTo("active");
    }

    @Test
    void assignment_putAndRemoval_changeOnlyThatRoom() {
        // The organization's admin holds no role in the room, which Rooms requires of whoever assigns there.
        Http.Res put = preview(node.service(), org, Map.of("assignment", Map.of("resource", Map.of("type", "room",
                "id", room), "user_id", "g1", "role_id", guest)));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(lines(put.get("gains"))).containsExactly("canViewRoomDetails @ room/" + room + ": [g1]");
        assertThat(put.get("losses")).isEmpty();

        // A room owner keeps its access to its room: removing its role is refused, as the write would be.
        Map<String, Object> ownerRemoval = new HashMap<>(Map.of("resource", Map.of("type", "room", "id", room),
                "member_id", m1));
        ownerRemoval.put("role_id", null);
        Http.Res refused = preview(node.service(), org, Map.of("assignment", ownerRemoval));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("room_owner");

        // Another member's role in a room of its own organization, so the shared scenario stays as it is.
        Fixtures.Org other = fx.org("rooms");
        long agentThere = fx.role(other, "Agent", List.of("canCreateRooms", "canViewRoomDetails", "canAddDocuments"));
        long owner = fx.member(other, "owner", agentThere);
        long joiner = fx.member(other, "joiner", agentThere);
        String house = fx.room(other, "Oak Lane", owner, agentThere);
        Http.Res joined = node.service().put(other.path() + "/resources/room/" + house + "/assignments/id:" + joiner,
                Map.of("role_id", agentThere));
        assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
        Map<String, Object> removal = new HashMap<>(Map.of("resource", Map.of("type", "room", "id", house),
                "member_id", joiner));
        removal.put("role_id", null);
        Http.Res removed = preview(node.service(), other, Map.of("assignment", removal));
        assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
        assertThat(lines(removed.get("losses"))).containsExactly(
                "canCreateRooms @ room/" + house + ": [joiner]",
                "canViewRoomDetails @ room/" + house + ": [joiner]",
                "canAddDocuments @ room/" + house + ": [joiner]");
    }

    @Test
    void invitedMember_isAllowedNothing_soOnlyAcceptingItsInvitationPreviewsAGain() {
        Fixtures.Org invitations = fx.org("rooms");
        long reader = fx.role(invitations, "Reader", List.of("canViewRoomDetails"));
        long owner = fx.member(invitations, "owner", fx.role(invitations, "Owner", List.of("canCreateRooms",
                "canViewRoomDetails")));
        String house = fx.room(invitations, "Oak Lane", owner, reader);
        Http.Res invited = node.service().post(invitations.path() + "/members", Map.of("user_id", "ivy",
                "email", "ivy@in.test", "role_id", reader, "status", "invited"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);

        Http.Res roomRole = preview(node.service(), invitations, Map.of("assignment", Map.of("resource",
                Map.of("type", "room", "id", house), "user_id", "ivy", "role_id", reader)));
        assertThat(roomRole.status()).as(roomRole.toString()).isEqualTo(200);
        assertThat(roomRole.get("gains")).as("an invited member is allowed nothing, in a room neither").isEmpty();

        Http.Res accepting = preview(invitations.admin(), invitations, Map.of("member", Map.of("user_id", "ivy",
                "status", "active")));
        assertThat(accepting.status()).as(accepting.toString()).isEqualTo(200);
        assertThat(lines(accepting.get("gains"))).containsExactly("canViewRoomDetails @ org: [ivy]");
        assertThat(accepting.get("losses")).isEmpty();
        assertThat(node.service().get(invitations.path() + "/members/" + invited.get("id").longValue())
                .get("status").stringValue()).as("rehearsed only").isEqualTo("invited");

        assertSameRefusal(preview(invitations.admin(), invitations, Map.of("member", Map.of("user_id", "owner",
                        "status", "invited"))),
                invitations.admin().patch(invitations.path() + "/members/" + owner, Map.of("status", "invited")),
                400);
    }

    @Test
    void timeBoundAssignment_previewsAsTheGainItIsUntilItsEnd_andAPastEndIsRefusedAsByTheWrite() {
        String tomorrow = Instant.now().plus(1, ChronoUnit.DAYS).toString();
        Http.Res put = preview(node.service(), org, Map.of("assignment", Map.of("resource", Map.of("type", "room",
                "id", room), "user_id", "g1", "role_id", guest, "expires_at", tomorrow)));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(lines(put.get("gains"))).containsExactly("canViewRoomDetails @ room/" + room + ": [g1]");

        assertSameRefusal(preview(node.service(), org, Map.of("assignment", Map.of("resource", Map.of("type", "room",
                        "id", room), "user_id", "g1", "role_id", guest, "expires_at", "2020-01-01T00:00:00Z"))),
                node.service().put(org.path() + "/resources/room/" + room + "/assignments/g1", Map.of("role_id", guest,
                        "expires_at", "2020-01-01T00:00:00Z")), 400);

        Map<String, Object> removal = new HashMap<>(Map.of("resource", Map.of("type", "room", "id", room),
                "user_id", "g1", "expires_at", tomorrow));
        removal.put("role_id", null);
        Http.Res ended = preview(node.service(), org, Map.of("assignment", removal));
        assertProblem(ended, 400, "invalid_input");
        assertThat(ended.json().at("/errors/assignment.expires_at").stringValue()).contains("removal");
    }

    /**
     * A refusal names a field where it lies in the preview's body, whether the preview's reading of the body refuses it
     * or the rehearsed write does: an end in the past was {@code expires_at} (the write's name), a malformed one
     * {@code assignment.expires_at}.
     */
    @Test
    void refusedFields_areNamedByTheirPathInThePreviewsBody_whoeverRefusesThem() {
        Map<String, Object> resource = Map.of("type", "room", "id", room);
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("2020-01-01T00:00:00Z", "must lie in the future");
        refusals.put("2030-01-01T00:00:00+01", "RFC 3339");
        refusals.forEach((end, why) -> {
            Http.Res res = preview(node.service(), org, Map.of("assignment", Map.of("resource", resource,
                    "user_id", "g1", "role_id", guest, "expires_at", end)));
            assertProblem(res, 400, "invalid_input");
            assertThat(res.json().get("errors").propertyNames()).as(end).containsExactly("assignment.expires_at");
            assertThat(res.json().at("/errors/assignment.expires_at").stringValue()).as(end).contains(why);
            assertThat(res.get("detail").stringValue()).as(end).startsWith("assignment.expires_at: ");
        });
        Http.Res badType = preview(node.service(), org, Map.of("assignment", Map.of("resource", Map.of("type", "vault",
                "id", room), "user_id", "g1", "role_id", guest)));
        assertProblem(badType, 400, "unknown_resource_type");
        assertThat(badType.json().get("errors").propertyNames()).containsExactly("assignment.resource.type");
    }

    @Test
    void inheritingResources_followTheCompanyRole_unlessAnAssignmentOverridesIt() throws IOException {
        try (InputStream in = PreviewIT.class.getResourceAsStream("/models/docs.json")) {
            Http.Res registered = node.service().post("/v1/models", Json.MAPPER.readTree(in));
            assertThat(registered.status()).as(registered.toString()).isIn(201, 409);
        }
        Fixtures.Org docs = fx.org("docs");
        long editor = fx.role(docs, "Editor", List.of("doc.read", "doc.write", "records.all"));
        long docViewer = fx.role(docs, "Viewer", List.of("doc.read", "records.all"));
        fx.member(docs, "alice", editor);
        fx.member(docs, "bob", docViewer);
        assertThat(node.service().put(docs.path() + "/resources/doc/d1/assignments/alice",
                Map.of("role_id", docViewer)).status()).isEqualTo(200);

        Http.Res edit = preview(node.service(), docs, roleEdit(docViewer, List.of("doc.read", "doc.delete",
                "records.all")));
        assertThat(edit.status()).as(edit.toString()).isEqualTo(200);
        assertThat(lines(edit.get("gains"))).containsExactly(
                "doc.delete @ org: [bob]",
                "doc.delete @ doc/*: [bob]",
                "doc.delete @ doc/d1: [alice]");

        Http.Res override = preview(node.service(), docs, Map.of("assignment", Map.of("resource",
                Map.of("type", "doc", "id", "d5"), "user_id", "alice", "role_id", docViewer)));
        assertThat(override.status()).as(override.toString()).isEqualTo(200);
        assertThat(lines(override.get("losses"))).containsExactly("doc.write @ doc/d5: [alice]");
        assertThat(override.get("gains")).isEmpty();
    }

    @Test
    void nothingIsWritten_theEngineTheLogAndTheTablesAreAsBefore() {
        String engineBefore = node.service().get("/v1/engine").body();
        String roleBefore = node.service().get(org.path() + "/roles/" + agent).body();
        String memberBefore = node.service().get(org.path() + "/members/" + m1).body();
        String roomBefore = node.service().get(org.path() + "/resources/room/" + room + "/assignments").body();
        String eventsBefore = node.service().get(org.path() + "/events?limit=1000").body();

        assertThat(preview(org.admin(), org, roleEdit(agent, List.of())).status()).isEqualTo(200);
        assertThat(preview(org.admin(), org, Map.of("member", Map.of("member_id", m1, "status", "deactivated",
                "role_id", viewer))).status()).isEqualTo(200);
        assertThat(preview(node.service(), org, Map.of("assignment", Map.of("resource", Map.of("type", "room",
                "id", room), "user_id", "g1", "role_id", guest))).status()).isEqualTo(200);

        assertThat(node.service().get("/v1/engine").body()).isEqualTo(engineBefore);
        assertThat(node.service().get(org.path() + "/roles/" + agent).body()).isEqualTo(roleBefore);
        assertThat(node.service().get(org.path() + "/members/" + m1).body()).isEqualTo(memberBefore);
        assertThat(node.service().get(org.path() + "/resources/room/" + room + "/assignments").body())
                .isEqualTo(roomBefore);
        assertThat(node.service().get(org.path() + "/events?limit=1000").body()).isEqualTo(eventsBefore);
    }

    @Test
    void refusedExactlyAsTheWrite_forACallerWhoCouldNotMakeTheChange() {
        // m1's Agent role cannot manage roles.
        assertSameRefusal(preview(m1Key, org, roleEdit(agent, List.of())),
                m1Key.patch(org.path() + "/roles/" + agent, Map.of("permissions", List.of())), 403);
        // m2 holds no role in the room and cannot see it: the room does not exist for m2.
        assertSameRefusal(preview(m2Key, org, Map.of("assignment", Map.of("resource", Map.of("type", "room",
                        "id", room), "user_id", "m3", "role_id", viewer))),
                m2Key.put(org.path() + "/resources/room/" + room + "/assignments/m3", Map.of("role_id", viewer)), 404);
        // Another organization looks nonexistent.
        Fixtures.Org other = fx.org("rooms");
        assertSameRefusal(preview(m1Key, other, roleEdit(agent, List.of())),
                m1Key.patch(other.path() + "/roles/" + agent, Map.of("permissions", List.of())), 404);
        // A stale version is the write's 412.
        assertSameRefusal(preview(org.admin(), org, Map.of("role", Map.of("id", agent, "version", 99,
                        "permissions", List.of()))),
                org.admin().header("If-Match", "\"99\"").patch(org.path() + "/roles/" + agent,
                        Map.of("permissions", List.of())), 412);
        // Escalation: the role manager cannot hand out canManageRoomOwners, which it lacks.
        assertSameRefusal(preview(roleManager, org, roleEdit(agent, List.of("canManageRoomOwners"))),
                roleManager.patch(org.path() + "/roles/" + agent, Map.of("permissions",
                        List.of("canManageRoomOwners"))), 403);
    }

    static void assertSameRefusal(Http.Res preview, Http.Res write, int status) {
        assertThat(write.status()).as(write.toString()).isEqualTo(status);
        assertThat(preview.status()).as(preview.toString()).isEqualTo(status);
        assertThat(preview.get("code")).isEqualTo(write.get("code"));
    }

    @Test
    void effectsOnRoomsTheCallerDoesNotSee_areLeftOut() {
        Http.Res res = preview(roleManager, org, roleEdit(agent, List.of("canCreateRooms", "canAddDocuments",
                "canDeleteRooms")));

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(lines(res.get("gains"))).containsExactly("canDeleteRooms @ org: [m1, m2]");
        assertThat(lines(res.get("losses"))).containsExactly("canViewRoomDetails @ org: [m1, m2]");
        assertThat(res.body()).doesNotContain("\"resource\"");
    }

    /**
     * A user hidden in a room (its room role has {@code isHiddenInRoom}) is not shown by a preview to a caller that
     * may not see it there — the assignment reads' concealment, as the room's users list and {@code /check} hide it —
     * nor counted; a caller with {@code canManageAnyUserRoomAccess} in its room role sees it. A what-if about that
     * member itself, by a member manager, answers the truth, as {@code /check} does for it.
     */
    @Test
    void hiddenRoomUsers_areNeitherListedNorCounted_forACallerWhoMayNotSeeThem() {
        Fixtures.Org rooms = fx.org("rooms");
        List<String> managing = List.of("canManageAccount", "canManageMemberSameAccessLevel", "canAddUsersToRooms",
                "canViewRoomDetails", "isHiddenInRoom");
        long coordinator = fx.role(rooms, "Coordinator", managing);
        long helper = fx.role(rooms, "Room helper", List.of("canAddUsersToRooms", "canViewRoomDetails"));
        long revealing = fx.role(rooms, "Room manager", List.of("canAddUsersToRooms", "canViewRoomDetails",
                "canManageAnyUserRoomAccess", "canManageInvitedUserRoomAccess", "canDeleteRooms"));
        long silent = fx.role(rooms, Map.of("name", "Silent observer", "external", true,
                "permissions", List.of("isHiddenInRoom", "canViewRoomDetails")));
        long coord = fx.member(rooms, "coord", coordinator);
        long boss = fx.member(rooms, "boss", coordinator);
        String deal = fx.room(rooms, "Deal", boss, revealing);
        fx.assign(rooms, deal, coord, helper);
        fx.assign(rooms, deal, fx.external(rooms, "spy"), silent);
        Http coordKey = fx.keyFor(rooms, coord);
        Map<String, Object> silenced = roleEdit(silent, List.of());

        Http.Res hidden = preview(coordKey, rooms, silenced);
        assertThat(hidden.status()).as(hidden.toString()).isEqualTo(200);
        assertThat(hidden.get("gains")).isEmpty();
        assertThat(hidden.get("losses")).isEmpty();
        assertThat(hidden.get("members_losing").intValue()).isZero();
        assertThat(hidden.body()).doesNotContain("spy");

        Http.Res seen = preview(fx.keyFor(rooms, boss), rooms, silenced);
        assertThat(seen.status()).as(seen.toString()).isEqualTo(200);
        assertThat(lines(seen.get("losses"))).containsExactlyInAnyOrder(
                "canViewRoomDetails @ room/" + deal + ": [spy]",
                "isHiddenInRoom @ room/" + deal + ": [spy]");
        assertThat(seen.get("members_losing").intValue()).isEqualTo(1);

        Http.Res deactivation = preview(coordKey, rooms, Map.of("member", Map.of("user_id", "spy",
                "status", "deactivated")));
        assertThat(deactivation.status()).as(deactivation.toString()).isEqualTo(200);
        assertThat(lines(deactivation.get("losses"))).contains("canViewRoomDetails @ room/" + deal + ": [spy]");
        assertThat(coordKey.post(rooms.path() + "/check", Map.of("user_id", "spy", "permission", "canViewRoomDetails",
                "resource", Map.of("type", "room", "id", deal))).get("allowed").booleanValue()).isTrue();
    }

    @Test
    void limit_listsTheFirstMembers_andAllListsEveryOne() {
        Fixtures.Org crowd = fx.org("rooms");
        long many = fx.role(crowd, "Many", List.of("canCreateRooms"));
        for (int i = 10; i < 22; i++) {
            fx.member(crowd, "c" + i, many);
        }
        Map<String, Object> change = Map.of("id", many, "permissions", List.of("canCreateRooms", "canAddDocuments"));

        JsonNode byDefault = preview(node.service(), crowd, Map.of("role", change)).get("gains").get(0).get("members");
        assertThat(byDefault.get("count").intValue()).isEqualTo(12);
        assertThat(byDefault.get("items")).hasSize(10);
        assertThat(byDefault.get("items").get(0).get("user_id").stringValue()).isEqualTo("c10");
        assertThat(byDefault.get("complete").booleanValue()).isFalse();

        JsonNode three = preview(node.service(), crowd, Map.of("role", change, "limit", 3)).get("gains").get(0)
                .get("members");
        assertThat(three.get("items")).hasSize(3);
        assertThat(three.get("count").intValue()).isEqualTo(12);

        JsonNode all = preview(node.service(), crowd, Map.of("role", change, "all", true)).get("gains").get(0)
                .get("members");
        assertThat(all.get("items")).hasSize(12);
        assertThat(all.get("complete").booleanValue()).isTrue();
    }

    /**
     * One answer lists at most {@link PreviewService#MAX_LISTED} members in all, whatever {@code all} or
     * {@code limit} ask: an organization-wide role edit once listed every holder under every permission (a
     * 25,000-member role given 40 permissions built a million member objects and ran the node out of memory). Past
     * the bound the effects list no more members, their counts stay exact, and the answer says it was cut.
     */
    @Test
    void allAndLimit_listAtMostTheBoundInAll_withExactCounts_andSayTheAnswerWasCut() {
        Fixtures.Org crowd = fx.org("rooms");
        int holders = 300;
        List<String> permissions = List.of("canViewRoomDetails", "canViewAndEditRoomDetails", "canAddDocuments",
                "canAddDocumentsFromFormGroups", "canAddDocumentsFromFormLibraries", "canDeleteOwnedDocuments",
                "canDeleteSignedDocuments", "canDeleteUnsignedDocuments", "canManageSharedDocs", "canManageFormGroups",
                "canShareDocsNotOwned", "canCreateFormTemplates", "canManageFormPackets", "canAddTasksToAnyTaskLists",
                "canEditEditableTasks", "canEditAnyTasks", "canDeleteDeletableTasks", "canDeleteAnyTasks",
                "canApplyTaskList", "canRemoveAnyTaskList", "canSubmitTaskList", "canAutoSubmitTaskList",
                "canReviewTaskList", "canAutoApproveTaskList", "canApplyRoomTemplates", "canAddTasksToRooms",
                "canReviewAnyTask", "canManageDocsOnAnyTask", "canCreateRooms", "canSubmitRoomsForReview",
                "canCloseRooms", "canReopenRooms", "canDeleteOwnedRooms", "canCopyRoomDetails", "canEditRoomSide",
                "canDeleteRooms", "canManageLogo", "canManageRoomDetails", "canManageRoomTemplates",
                "canExportCompanyUsageReport");
        assertThat(permissions.size() * holders).isGreaterThan(PreviewService.MAX_LISTED);
        StringBuilder lines = new StringBuilder("{\"type\": \"role\", \"name\": \"Crowd\", \"permissions\": []}\n");
        for (int i = 0; i < holders; i++) {
            lines.append("{\"type\": \"member\", \"user_id\": \"h").append(1000 + i).append("\", \"email\": \"h")
                    .append(i).append("@crowd.test\", \"role\": \"Crowd\"}\n");
        }
        Http.Res imported = node.service().raw("POST", crowd.path() + "/import", lines.toString(),
                "application/x-ndjson");
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        Map<String, Object> change = Map.of("id", fx.roleId(crowd, "Crowd"), "permissions", permissions);

        for (Map<String, Object> body : List.of(Map.of("role", change, "all", true),
                Map.<String, Object>of("role", change, "limit", 1000))) {
            Http.Res res = preview(node.service(), crowd, body);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            assertThat(res.get("members_gaining").intValue()).isEqualTo(holders);
            assertThat(res.get("gains")).hasSize(permissions.size());
            int listed = 0;
            for (JsonNode effect : res.get("gains")) {
                JsonNode members = effect.get("members");
                int items = members.get("items").size();
                assertThat(members.get("count").intValue()).isEqualTo(holders);
                assertThat(items).as(body.keySet() + ": listed before " + listed)
                        .isEqualTo(Math.min(holders, PreviewService.MAX_LISTED - listed));
                assertThat(members.get("complete").booleanValue()).isEqualTo(items == holders);
                listed += items;
            }
            assertThat(listed).isEqualTo(PreviewService.MAX_LISTED);
            assertThat(res.get("truncated").booleanValue()).isTrue();
        }

        Http.Res within = preview(node.service(), crowd, Map.of("role", change, "limit", 5));
        assertThat(within.status()).as(within.toString()).isEqualTo(200);
        assertThat(within.get("truncated").booleanValue()).isFalse();
        within.get("gains").forEach(e -> assertThat(e.get("members").get("items")).hasSize(5));
    }

    /**
     * One answer lists at most {@link PreviewService#MAX_EFFECTS} effects in all, gains then losses, whatever
     * {@code limit} or {@code all} ask: a role held on many resources reaches each of them once per permission (a
     * role held on 10,000 rooms of a 20,000-resource organization once answered 80,000 effects, 10 MB, with
     * {@code "truncated": false}). Past the bound the answer lists no more effects, counts them in
     * {@code gains_count} and {@code losses_count}, keeps every other count exact, and says it was cut.
     */
    @Test
    void effects_areListedUpToTheBoundInAll_theRestCounted_andTheAnswerSaysItWasCut() throws IOException {
        try (InputStream in = PreviewIT.class.getResourceAsStream("/models/docs.json")) {
            Http.Res registered = node.service().post("/v1/models", Json.MAPPER.readTree(in));
            assertThat(registered.status()).as(registered.toString()).isIn(201, 409);
        }
        Fixtures.Org spread = fx.org("docs");
        int rooms = 3_400;
        List<String> gained = List.of("doc.write", "doc.delete");
        assertThat((gained.size() + 1) * rooms).isGreaterThan(PreviewService.MAX_EFFECTS);
        assertThat(gained.size() * rooms).isLessThan(PreviewService.MAX_EFFECTS);
        StringBuilder lines = new StringBuilder()
                .append("{\"type\": \"role\", \"name\": \"Base\", \"permissions\": [\"records.all\"]}\n")
                .append("{\"type\": \"role\", \"name\": \"Spread\", \"permissions\": [\"doc.read\", \"records.all\"]}\n")
                .append("{\"type\": \"member\", \"user_id\": \"s1\", \"email\": \"s1@spread.test\", "
                        + "\"role\": \"Base\"}\n");
        for (int i = 1; i <= rooms; i++) {
            lines.append("{\"type\": \"assignment\", \"resource\": {\"type\": \"room\", \"id\": \"").append(i)
                    .append("\"}, \"user_id\": \"s1\", \"role\": \"Spread\"}\n");
        }
        Http.Res imported = node.service().raw("POST", spread.path() + "/import", lines.toString(),
                "application/x-ndjson");
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        long role = fx.roleId(spread, "Spread");

        // every room gains two permissions and loses one: 10,200 effects, the last 200 losses past the bound
        Map<String, Object> change = Map.of("id", role, "permissions", List.of("doc.write", "doc.delete",
                "records.all"));
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("role", change, "limit", 0),
                Map.of("role", change), Map.of("role", change, "all", true))) {
            Http.Res res = preview(node.service(), spread, body);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            assertThat(res.get("gains")).hasSize(gained.size() * rooms);
            assertThat(res.get("losses")).as(body.keySet().toString())
                    .hasSize(PreviewService.MAX_EFFECTS - gained.size() * rooms);
            assertThat(res.get("truncated").booleanValue()).isTrue();
            assertThat(res.get("gains_count").intValue()).isEqualTo(gained.size() * rooms);
            assertThat(res.get("losses_count").intValue()).isEqualTo(rooms);
            assertThat(res.get("members_gaining").intValue()).isEqualTo(1);
            assertThat(res.get("members_losing").intValue()).isEqualTo(1);
            JsonNode lastListed = res.get("losses").get(res.get("losses").size() - 1);
            assertThat(lastListed.get("where").get("id").stringValue())
                    .isEqualTo(String.valueOf(PreviewService.MAX_EFFECTS - gained.size() * rooms));
            assertThat(lastListed.get("members").get("count").intValue()).isEqualTo(1);
        }

        Http.Res within = preview(node.service(), spread, roleEdit(role, List.of("doc.read", "doc.write",
                "records.all")));
        assertThat(within.status()).as(within.toString()).isEqualTo(200);
        assertThat(within.get("truncated").booleanValue()).isFalse();
        assertThat(within.get("gains")).hasSize(rooms);
        assertThat(within.get("gains_count").intValue()).isEqualTo(rooms);
        assertThat(within.get("losses_count").intValue()).isZero();
    }

    /**
     * A preview holds its organization's lock only while it rehearses the write: what comes after — the what-if,
     * O(organization), seconds on a large one, and the reading of the members it lists — holds neither the lock nor
     * the rehearsal's connection, so writes of the organization do not wait for previews, and previews do not keep
     * connections from other organizations' writes. Here the test holds the members table, which the preview reads
     * only for the members it lists, so the preview stops there, after its what-if; while it is stopped, the
     * organization's row is not locked and a write of the organization is answered. (Previews once held both until
     * their answer: on an organization of 50,000 members a write waited for them 12–18 s, and eight of them took a
     * node's whole pool.)
     */
    @Test
    void aPreviewAtWorkAfterItsRehearsal_holdsUpNoWriteOfItsOrganization() throws Exception {
        Fixtures.Org busy = fx.org("rooms");
        long crowd = fx.role(busy, "Crowd", List.of("canViewRoomDetails"));
        fx.member(busy, "c1", crowd);
        Jdbi jdbi = node.node().core().store().jdbi();
        CompletableFuture<Http.Res> previewed;
        try (Handle holder = jdbi.open()) {
            holder.begin();
            holder.execute("LOCK TABLE members IN ACCESS EXCLUSIVE MODE");
            previewed = CompletableFuture.supplyAsync(() -> preview(node.service(), busy, roleEdit(crowd,
                    List.of("canViewRoomDetails", "canAddDocuments"))));
            // the preview has rehearsed and computed, and waits to read the member it lists
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_locks WHERE NOT granted "
                    + "AND relation = 'members'::regclass").mapTo(Integer.class).one()) == 0) {
                assertThat(previewed).as("the preview answered while the members table was held").isNotDone();
                assertThat(System.nanoTime()).as("the preview waiting for the members table").isLessThan(deadline);
                Thread.sleep(10);
            }
            boolean locked = jdbi.inTransaction(h -> {
                try {
                    h.createQuery("SELECT id FROM organizations WHERE id = :org FOR UPDATE NOWAIT")
                            .bind("org", busy.id()).mapTo(Long.class).one();
                    return false;
                } catch (UnableToExecuteStatementException e) {
                    return true;
                }
            });
            assertThat(locked).as("the organization's row locked by the preview").isFalse();
            Http.Res written = CompletableFuture.supplyAsync(() -> node.service().patch(busy.path() + "/roles/" + crowd,
                    Map.of("name", "Crowd, renamed while previewed"))).get(30, TimeUnit.SECONDS);
            assertThat(written.status()).as(written.toString()).isEqualTo(200);
            assertThat(previewed).isNotDone();
            holder.rollback();
        }
        Http.Res res = previewed.get(30, TimeUnit.SECONDS);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(lines(res.get("gains"))).containsExactly("canAddDocuments @ org: [c1]");
    }

    /**
     * Previews are bounded apart, per node: each what-if copies its organization's state under the lock the node
     * applies every write under, and twelve at once of a large organization once took other organizations' writes
     * from ~6 ms to ~1 s. On a node computing one preview at once, with none waiting, a preview held in its place
     * (the test holds the members table, which it reads to list its member) leaves another preview — of any
     * organization — a 503 {@code previews_busy} with {@code Retry-After} in the native problem shape, having
     * changed nothing; once the first answers, previews are answered again.
     */
    @Test
    void aPreviewBeyondTheNodesPlaces_isRefused503WithRetryAfter_andChangesNothing() throws Exception {
        Fixtures.Org busy = fx.org("rooms");
        long crowd = fx.role(busy, "Crowd", List.of("canViewRoomDetails"));
        fx.member(busy, "c1", crowd);
        Map<String, Object> edit = roleEdit(crowd, List.of("canViewRoomDetails", "canAddDocuments"));
        Jdbi jdbi = node.node().core().store().jdbi();
        try (TestNode bounded = TestNode.startOn(node.databaseUrl(), c -> c.withPreviews(PreviewSettings.DEFAULTS
                .withWhatIfsAtOnce(1).withWaiting(0, Duration.ZERO)))) {
            long before = latest(jdbi, busy.id(), -1);
            String role = bounded.service().get(busy.path() + "/roles/" + crowd).body();
            CompletableFuture<Http.Res> held;
            try (Handle holder = jdbi.open()) {
                holder.begin();
                holder.execute("LOCK TABLE members IN ACCESS EXCLUSIVE MODE");
                held = CompletableFuture.supplyAsync(() -> preview(bounded.service(), busy, edit));
                // the preview has rehearsed and computed in its place, and waits to read the member it lists
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (waitingForMembers(jdbi) == 0) {
                    assertThat(held).as("the preview answered while the members table was held").isNotDone();
                    assertThat(System.nanoTime()).as("the preview waiting for the members table").isLessThan(deadline);
                    Thread.sleep(10);
                }
                for (Fixtures.Org of : List.of(busy, org)) {
                    Map<String, Object> change = of == busy ? edit : roleEdit(agent, List.of("canCreateRooms"));
                    CompletableFuture<Http.Res> another = CompletableFuture.supplyAsync(() -> preview(
                            bounded.service(), of, change));
                    while (!another.isDone()) {
                        assertThat(waitingForMembers(jdbi)).as("previews computing at once on a node that computes "
                                + "one").isEqualTo(1);
                        assertThat(System.nanoTime()).as("the second preview answered").isLessThan(deadline);
                        Thread.sleep(10);
                    }
                    Http.Res refused = another.get();
                    assertProblem(refused, 503, "previews_busy");
                    assertThat(refused.header("Retry-After")).as(refused.toString()).isEqualTo("1");
                    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
                    assertThat(refused.get("status").intValue()).isEqualTo(503);
                    assertThat(refused.get("detail").stringValue()).contains("1 preview(s) at once", "retry");
                }
                assertThat(held).isNotDone();
                holder.rollback();
            }
            Http.Res first = held.get(30, TimeUnit.SECONDS);
            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            assertThat(lines(first.get("gains"))).containsExactly("canAddDocuments @ org: [c1]");
            Http.Res again = preview(bounded.service(), busy, edit);
            assertThat(again.status()).as(again.toString()).isEqualTo(200);
            assertThat(again.json()).isEqualTo(first.json());
            assertThat(preview(bounded.service(), org, roleEdit(agent, List.of("canCreateRooms"))).status())
                    .isEqualTo(200);
            assertThat(latest(jdbi, busy.id(), -1)).as("nothing recorded").isEqualTo(before);
            assertThat(bounded.service().get(busy.path() + "/roles/" + crowd).body()).isEqualTo(role);
        }
    }

    /**
     * A preview is answered as of one state of its organization: a write committed between its rehearsal (which
     * judged the caller) and the read of what it shows voids that attempt, and the preview is made again. Here a
     * member manager previews a hidden room user's deactivation — a what-if about that member, which answers the
     * truth, the room where it is hidden included — and is demoted after the rehearsal admitted it: the preview is
     * then refused as the write would be now. (Once the rehearsal judged the caller and the read showed a later
     * state, a caller no longer managing members got the truth about a member hidden from it; one whose hidden holder
     * lost its role meanwhile was shown holding it.) The node's change feed is held at a marker write so that the
     * preview waits, after its rehearsal, for this node to apply it, while the demotion commits.
     */
    @Test
    void aWriteBetweenTheRehearsalAndTheRead_isNotShownAsTheRehearsedCallerWouldSeeIt() throws Exception {
        Fixtures.Org rooms = fx.org("rooms");
        long coordinator = fx.role(rooms, "Coordinator", List.of("canManageAccount", "canManageMemberSameAccessLevel",
                "canAddUsersToRooms", "canViewRoomDetails", "isHiddenInRoom"));
        long helper = fx.role(rooms, "Room helper", List.of("canAddUsersToRooms", "canViewRoomDetails"));
        long silent = fx.role(rooms, Map.of("name", "Silent observer", "external", true,
                "permissions", List.of("isHiddenInRoom", "canViewRoomDetails")));
        long coord = fx.member(rooms, "coord", coordinator);
        String deal = fx.room(rooms, "Deal", fx.member(rooms, "boss", coordinator), helper);
        fx.assign(rooms, deal, coord, helper);
        fx.assign(rooms, deal, fx.external(rooms, "spy"), silent);
        Http coordKey = fx.keyFor(rooms, coord);
        Map<String, Object> deactivation = Map.of("member", Map.of("user_id", "spy", "status", "deactivated"));
        assertThat(lines(preview(coordKey, rooms, deactivation).get("losses")))
                .contains("canViewRoomDetails @ room/" + deal + ": [spy]");

        Jdbi jdbi = node.node().core().store().jdbi();
        CountDownLatch held = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        // holds this node's feed at the first record of the organization it applies from now on
        node.node().core().feed().addListener(record -> {
            if (record.orgId() != null && record.orgId() == rooms.id() && armed.getAndSet(false)) {
                try {
                    held.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        // the marker and the demotion are written through a second node, so that no write of this one waits for the feed
        try (TestNode other = TestNode.startOn(node.databaseUrl())) {
            long before = latest(jdbi, rooms.id(), -1);
            assertThat(other.service().post(rooms.path() + "/roles", Map.of("name", "Marker", "permissions",
                    List.of())).status()).isEqualTo(201);
            long marker = latest(jdbi, rooms.id(), before);
            CompletableFuture<Http.Res> previewed = CompletableFuture.supplyAsync(() -> preview(coordKey, rooms,
                    deactivation));
            // the preview has rehearsed (as a member manager) and waits for this node to apply the marker
            awaitPreviewWaitingForTheFeed(previewed);
            assertThat(other.service().patch(rooms.path() + "/members/" + coord, Map.of("role_id", helper)).status())
                    .isEqualTo(200);
            assertThat(latest(jdbi, rooms.id(), marker)).isGreaterThan(marker);
            assertThat(previewed).isNotDone();
            held.countDown();
            Http.Res res = previewed.get(30, TimeUnit.SECONDS);
            assertThat(res.status()).as(res.toString()).isEqualTo(403);
            assertThat(res.body()).doesNotContain("spy");
        } finally {
            armed.set(false);
            held.countDown();
        }
    }

    /** Transactions waiting for the members table, which a test holds. */
    private static int waitingForMembers(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_locks WHERE NOT granted "
                + "AND relation = 'members'::regclass").mapTo(Integer.class).one());
    }

    /** The organization's newest revision, {@code after} or past it once a write commits past {@code after}. */
    private static long latest(Jdbi jdbi, long orgId, long after) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            long latest = jdbi.withHandle(h -> h.createQuery("SELECT coalesce(max(revision), 0) FROM change_log "
                    + "WHERE org_id = :org").bind("org", orgId).mapTo(Long.class).one());
            if (latest > after || after < 0) {
                return latest;
            }
            assertThat(System.nanoTime()).as("a write of organization %s committed past %s", orgId, after)
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Returns once a thread of this process waits, in a preview, for its node to apply a revision. */
    private static void awaitPreviewWaitingForTheFeed(CompletableFuture<Http.Res> previewed)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Thread.getAllStackTraces().values().stream().map(List::of).noneMatch(frames ->
                frames.stream().anyMatch(f -> f.getClassName().equals(ChangeFeed.class.getName())
                        && f.getMethodName().equals("awaitRevision"))
                && frames.stream().anyMatch(f -> f.getClassName().equals(PreviewService.class.getName())))) {
            assertThat(previewed).as("the preview answered before waiting for the feed").isNotDone();
            assertThat(System.nanoTime()).as("the preview waiting for the feed").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void badInput_isA4xxNamingTheProblem() {
        assertProblem(preview(org.admin(), org, Map.of()), 400, "invalid_input");
        assertProblem(preview(org.admin(), org, Map.of("role", Map.of("id", agent), "member",
                Map.of("member_id", m1, "status", "active"))), 400, "invalid_input");
        assertProblem(preview(org.admin(), org, Map.of("role", Map.of("id", agent), "colour", "red")), 400,
                "invalid_input");
        assertProblem(preview(org.admin(), org, Map.of("role", "agent")), 400, "invalid_input");
        assertProblem(preview(org.admin(), org, roleEdit(agent, List.of("canFly"))), 400, "unknown_permission");
        assertProblem(preview(org.admin(), org, roleEdit(999_999, List.of())), 404, "role_not_found");
        assertProblem(preview(org.admin(), org, Map.of("member", Map.of("member_id", m1))), 400, "invalid_input");
        assertProblem(preview(org.admin(), org, Map.of("member", Map.of("member_id", m1, "status", "asleep"))), 400,
                "invalid_input");
        assertProblem(preview(org.admin(), org, Map.of("member", Map.of("user_id", "nobody", "status",
                "deactivated"))), 404, "member_not_found");
        assertProblem(preview(org.admin(), org, Map.of("assignment", Map.of("resource", Map.of("type", "room",
                "id", room), "user_id", "g1"))), 400, "invalid_input");
        assertProblem(preview(org.admin(), org, Map.of("assignment", Map.of("resource", Map.of("type", "desk",
                "id", "1"), "user_id", "g1", "role_id", guest))), 400, "unknown_resource_type");
        assertProblem(preview(org.admin(), org, Map.of("role", Map.of("id", agent), "limit", 5000)), 400,
                "invalid_input");
        Http.Res office = preview(org.admin(), org, Map.of("office", Map.of("name", "Downtown")));
        assertProblem(office, 400, "invalid_input");
        assertThat(office.json().at("/errors/office").stringValue()).contains("is not previewed", "rooms_v5");
        assertProblem(org.admin().header("Content-Type", "text/plain").post(org.path() + "/preview", "x"), 400,
                null);
        assertProblem(node.anonymous().post(org.path() + "/preview", roleEdit(agent, List.of())), 401,
                "unauthenticated");
    }

    /**
     * A change sent as {@code null} is absent, as an optional field's null is elsewhere: {@code {"role": {…},
     * "member": null}} once answered "give exactly one of role, member and assignment, got 2".
     */
    @Test
    void aChangeSentAsNull_isAbsent() {
        Map<String, Object> body = new java.util.HashMap<>(roleEdit(agent, List.of("canCreateRooms")));
        body.put("member", null);
        body.put("assignment", null);
        Http.Res res = preview(org.admin(), org, body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.json()).isEqualTo(preview(org.admin(), org, roleEdit(agent, List.of("canCreateRooms"))).json());

        Map<String, Object> none = new java.util.HashMap<>();
        none.put("role", null);
        none.put("member", null);
        Http.Res nothing = preview(org.admin(), org, none);
        assertProblem(nothing, 400, "invalid_input");
        assertThat(nothing.json().at("/errors/change").stringValue()).endsWith("got 0");
    }

    static void assertProblem(Http.Res res, int status, String code) {
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
        if (code != null) {
            assertThat(res.get("code").stringValue()).as(res.toString()).isEqualTo(code);
        }
    }
}
