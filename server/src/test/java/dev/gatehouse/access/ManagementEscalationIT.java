package dev.gatehouse.access;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management plane's escalation paths, tried as a member key would, through the native API:
 *
 * <ul>
 *   <li>a model's rules hold whichever API is used — on a {@code rooms} organization, Rooms' access-level gates,
 *       room visibility and room-role gates apply to {@code /v1} members and assignments too, and room roles can
 *       be held only in rooms that exist;</li>
 *   <li>record visibility is part of the privilege — a member key cannot create, widen or hand out a role that
 *       sees more records than its own.</li>
 * </ul>
 */
class ManagementEscalationIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = ManagementEscalationIT.class.getResourceAsStream("/models/docs.json")) {
            assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A rooms organization with a Contributor-level member manager ("mm") and an Admin-level member ("ada"). */
    record Rooms(Fixtures.Org org, String base, long managerRole, long agentRole, long mm, Http mmKey, long ada) {
    }

    static Rooms rooms() {
        var org = fx.org("rooms");
        String base = "/restapi/v2/accounts/" + org.accountId();
        long managerRole = fx.role(org, "Member manager", List.of("canManageMemberSameAccessLevel",
                "canRemoveCompanyMemberSameAccessLevel", "canAddMemberAndSetRoleSameAccessLevel", "canAddUsersToRooms",
                "canCreateRooms", "canViewRoomDetails"));
        long agentRole = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails"));
        long mm = invite(base, "carl", managerRole, "Contributor");
        long ada = invite(base, "ada", agentRole, "Admin");
        for (long invited : List.of(mm, ada)) {
            assertThat(node.service().post(org.path() + "/members/" + invited + "/accept", Map.of()).status())
                    .as("accepting the invitation").isEqualTo(200);
        }
        return new Rooms(org, base, managerRole, agentRole, mm, fx.keyFor(org, mm), ada);
    }

    static long invite(String base, String name, long roleId, String level) {
        Http.Res res = node.service().post(base + "/users/invite_user", Map.of("firstName", name, "lastName", "Test",
                "email", name + "@acme.test", "roleId", roleId, "accessLevel", level));
        assertThat(res.status()).as("%s", res).isEqualTo(201);
        return res.get("userId").longValue();
    }

    // ---------------------------------------------------------------- a model's rules, through /v1

    @Test
    void accessLevels_gateNativeMemberChanges() {
        Rooms r = rooms();
        String ada = r.org().path() + "/members/" + r.ada();
        String adaKey = node.service().post(ada + "/keys", Map.of("name", "ada")).get("id").stringValue();
        for (Http.Res refused : List.of(
                r.mmKey().patch(ada, Map.of("status", "deactivated")),
                r.mmKey().patch(ada, Map.of("first_name", "Renamed")),
                r.mmKey().delete(ada),
                r.mmKey().get(ada + "/keys"),
                r.mmKey().delete(ada + "/keys/" + adaKey))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(403);
            assertThat(refused.get("code").stringValue()).isEqualTo("access_level_too_high");
            assertThat(refused.get("detail").stringValue()).contains("Admin", "Contributor");
        }
        JsonNode kept = node.service().get(ada).json();
        assertThat(kept.get("status").stringValue()).isEqualTo("active");
        assertThat(kept.get("first_name").stringValue()).isEqualTo("ada");

        // A new member through /v1 is judged at the access level its role gives it: the default admin role
        // makes an Admin, above the caller.
        Http.Res admin = r.mmKey().post(r.org().path() + "/members", Map.of("user_id", "boss", "email", "boss@acme.test",
                "role_id", fx.roleId(r.org(), "Default Admin")));
        assertThat(admin.status()).isEqualTo(403);
        assertThat(admin.get("code").stringValue()).isEqualTo("access_level_too_high");
        // Within its level, the same member manager may act.
        Http.Res peer = r.mmKey().post(r.org().path() + "/members", Map.of("user_id", "peer", "email", "peer@acme.test",
                "role_id", r.agentRole()));
        assertThat(peer.status()).as("%s", peer).isEqualTo(201);
        assertThat(r.mmKey().patch(r.org().path() + "/members/peer", Map.of("status", "deactivated")).status())
                .isEqualTo(200);
        assertThat(r.mmKey().delete(r.org().path() + "/members/peer").status()).isEqualTo(204);
    }

    /**
     * Changing a company user's role needs Rooms' {@code canChangeMemberRole…} beside {@code canManageMember…} (in the
     * member gate every API passes): the permission was in the model and decided nothing.
     */
    @Test
    void changingACompanyRole_needsTheChangeMemberRolePermission() {
        Rooms r = rooms();
        long viewer = fx.role(r.org(), "Viewer", List.of("canViewRoomDetails"));
        long peer = node.service().post(r.org().path() + "/members", Map.of("user_id", "peer", "email",
                "peer@acme.test", "role_id", r.agentRole())).get("id").longValue();
        Http.Res refused = r.mmKey().patch(r.org().path() + "/members/" + peer, Map.of("role_id", viewer));
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.get("detail").stringValue()).contains("canChangeMemberRoleSameAccessLevel");
        assertThat(node.service().get(r.org().path() + "/members/" + peer).get("role_id").longValue())
                .isEqualTo(r.agentRole());
        assertThat(r.mmKey().patch(r.org().path() + "/members/" + peer, Map.of("first_name", "Pat")).status())
                .as("other changes need only canManageMember…").isEqualTo(200);

        long changer = fx.role(r.org(), "Role changer", List.of("canManageMemberSameAccessLevel",
                "canChangeMemberRoleSameAccessLevel", "canAddUsersToRooms", "canCreateRooms", "canViewRoomDetails"));
        Http key = fx.keyFor(r.org(), node.service().post(r.org().path() + "/members", Map.of("user_id", "rc",
                "email", "rc@acme.test", "role_id", changer)).get("id").longValue());
        Http.Res changed = key.patch(r.org().path() + "/members/" + peer, Map.of("role_id", viewer));
        assertThat(changed.status()).as("%s", changed).isEqualTo(200);
    }

    @Test
    void aRoomTheCallerCannotSee_answersLikeOneThatDoesNotExist() {
        Rooms r = rooms();
        String hidden = fx.room(r.org(), "Hidden", r.ada(), r.agentRole());
        String assignments = r.org().path() + "/resources/room/" + hidden + "/assignments";
        String missing = r.org().path() + "/resources/room/999999/assignments";
        List<Http.Res> hiddenAnswers = List.of(r.mmKey().get(assignments), r.mmKey().get(assignments + "/" + r.ada()),
                r.mmKey().put(assignments + "/" + r.mm(), Map.of("role_id", r.agentRole())),
                r.mmKey().delete(assignments + "/" + r.ada()), r.mmKey().delete(assignments));
        List<Http.Res> missingAnswers = List.of(r.mmKey().get(missing), r.mmKey().get(missing + "/" + r.ada()),
                r.mmKey().put(missing + "/" + r.mm(), Map.of("role_id", r.agentRole())),
                r.mmKey().delete(missing + "/" + r.ada()), r.mmKey().delete(missing));
        for (int i = 0; i < hiddenAnswers.size(); i++) {
            Http.Res seen = hiddenAnswers.get(i);
            Http.Res none = missingAnswers.get(i);
            assertThat(seen.status()).as("%s", seen).isEqualTo(404);
            assertThat(seen.get("code").stringValue()).isEqualTo("room_not_found");
            assertThat(none.status()).isEqualTo(404);
            assertThat(seen.get("detail").stringValue().replace(hidden, "N"))
                    .isEqualTo(none.get("detail").stringValue().replace("999999", "N"));
        }
        assertThat(r.mmKey().get(r.org().path() + "/members/" + r.ada() + "/assignments").json().get("items"))
                .as("another member's roles in rooms the caller cannot see").isEmpty();
        Http.Res clearAll = r.mmKey().delete(r.org().path() + "/members/" + r.ada() + "/assignments");
        assertThat(clearAll.status()).isEqualTo(403);
        assertThat(clearAll.get("detail").stringValue()).doesNotContain(hidden);
        assertThat(node.service().get(assignments).json().get("items")).hasSize(1);
    }

    @Test
    void roomRoles_canBeHeldOnlyInRoomsThatExist_soNobodyWaitsInsideAFutureRoom() {
        Rooms r = rooms();
        int next = Integer.parseInt(fx.room(r.org(), "Now", r.ada(), r.agentRole())) + 1;
        String future = r.org().path() + "/resources/room/" + next + "/assignments/" + r.mm();
        for (Http key : List.of(r.mmKey(), node.service())) {
            Http.Res refused = key.put(future, Map.of("role_id", r.agentRole()));
            assertThat(refused.status()).as("%s", refused).isEqualTo(404);
            assertThat(refused.get("code").stringValue()).isEqualTo("room_not_found");
        }
        for (String notARoomId : List.of("r1", "007", "-1", "99999999999")) {
            assertThat(node.service().put(r.org().path() + "/resources/room/" + notARoomId + "/assignments/" + r.mm(),
                    Map.of("role_id", r.agentRole())).status()).as(notARoomId).isEqualTo(404);
        }
        String created = fx.room(r.org(), "Later", r.ada(), r.agentRole());
        assertThat(created).isEqualTo(String.valueOf(next));
        Http.Res inside = node.service().post(r.org().path() + "/check", Map.of("member_id", r.mm(),
                "permission", "canViewRoomDetails", "resource", Map.of("type", "room", "id", created)));
        assertThat(inside.get("allowed").booleanValue()).isFalse();
        assertThat(r.mmKey().get(r.base() + "/rooms/" + created).status()).isEqualTo(404);
    }

    @Test
    void roomRoleGates_applyToNativeAssignments() {
        Rooms r = rooms();
        long roomViewer = fx.role(r.org(), "Room viewer", List.of("canViewRoomDetails"));
        long guestRole = fx.role(r.org(), Map.of("name", "Guest", "permissions", List.of("canViewRoomDetails"),
                "external", true));
        long guest = fx.external(r.org(), "guest");
        // The member manager's company role may add users to rooms; its role in its own room may not.
        String own = fx.room(r.org(), "Own", r.mm(), roomViewer);
        String path = r.org().path() + "/resources/room/" + own + "/assignments/";
        Http.Res add = r.mmKey().put(path + guest, Map.of("role_id", guestRole));
        assertThat(add.status()).as("%s", add).isEqualTo(403);
        assertThat(add.get("detail").stringValue()).contains("canAddUsersToRooms", "room role");

        fx.assign(r.org(), own, guest, guestRole);
        Http.Res change = r.mmKey().put(path + guest, Map.of("role_id", guestRole));
        assertThat(change.status()).isEqualTo(403);
        assertThat(change.get("detail").stringValue()).contains("canEditAnyRoomRole");
        Http.Res remove = r.mmKey().delete(path + guest);
        assertThat(remove.status()).isEqualTo(403);
        assertThat(remove.get("detail").stringValue()).contains("canManageAnyUserRoomAccess");
        assertThat(node.service().get(path + guest).status()).isEqualTo(200);

        // With the room permissions in its room role, the same calls pass.
        long roomAdmin = fx.role(r.org(), "Room admin", List.of("canViewRoomDetails", "canAddUsersToRooms",
                "canEditAnyRoomRole", "canManageAnyUserRoomAccess"));
        long roomAdminId = fx.member(r.org(), "room-admin", roomAdmin);
        Http roomAdminKey = fx.keyFor(r.org(), roomAdminId);
        String theirs = fx.room(r.org(), "Theirs", roomAdminId, roomAdmin);
        String theirPath = r.org().path() + "/resources/room/" + theirs + "/assignments/";
        assertThat(roomAdminKey.put(theirPath + guest, Map.of("role_id", guestRole)).status()).isEqualTo(200);
        assertThat(roomAdminKey.put(theirPath + guest, Map.of("role_id", guestRole)).status()).isEqualTo(200);
        assertThat(roomAdminKey.delete(theirPath + guest).status()).isEqualTo(204);
    }

    // ---------------------------------------------------------------- record visibility is part of the privilege

    /** A close organization and its lead manager (by default seeing only leads naming it in {@code owner}). */
    record Leads(Fixtures.Org org, long leadManagerRole, long leadManager, Http key) {
    }

    static Leads leads() {
        return leads(visibility(List.of("owner"), "require_assignment"));
    }

    /** A close organization whose lead manager's role sees the records {@code visibility} says. */
    static Leads leads(Map<String, Object> visibility) {
        var org = fx.org("close");
        long role = fx.role(org, Map.of("name", "Lead manager", "permissions", List.of("manage_organization", "calling"),
                "visibility", visibility));
        long member = fx.member(org, "lm", role);
        return new Leads(org, role, member, fx.keyFor(org, member));
    }

    static Map<String, Object> visibility(List<String> fields, String unassigned) {
        return Map.of("user_field_ids", fields, "unassigned", unassigned);
    }

    static Map<String, Object> role(String name, Map<String, Object> visibility) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("permissions", List.of("calling"));
        body.put("visibility", visibility);
        return body;
    }

    @Test
    void aRoleManager_cannotCreateOrWidenRolesThatSeeMoreThanItsOwn() {
        Leads l = leads();
        for (Http.Res refused : List.of(
                l.key().post(l.org().path() + "/roles", role("More fields", visibility(List.of("owner", "rep"),
                        "require_assignment"))),
                l.key().post(l.org().path() + "/roles", role("Unassigned too", visibility(List.of("owner"),
                        "allow_unassigned"))),
                l.key().patch(l.org().path() + "/roles/" + l.leadManagerRole(), Map.of("visibility",
                        visibility(List.of("owner", "rep"), "require_assignment"))),
                l.key().patch(l.org().path() + "/roles/" + l.leadManagerRole(), Map.of("visibility",
                        visibility(List.of("owner"), "allow_unassigned"))))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(403);
            assertThat(refused.get("code").stringValue()).isEqualTo("privilege_escalation");
        }
        JsonNode own = node.service().get(l.org().path() + "/roles/" + l.leadManagerRole()).json();
        assertThat(own.at("/visibility/user_field_ids")).extracting(JsonNode::stringValue).containsExactly("owner");
        assertThat(own.at("/visibility/unassigned").stringValue()).isEqualTo("require_assignment");

        Http.Res within = l.key().post(l.org().path() + "/roles", role("Same view", visibility(List.of("owner"),
                "require_assignment")));
        assertThat(within.status()).as("%s", within).isEqualTo(201);

        // Fewer fields with allow_unassigned: a record naming nobody as owner but someone else as rep is seen by the
        // narrower role alone. A lead manager seeing both fields, unassigned records too, may not create or take one.
        Leads open = leads(visibility(List.of("owner", "rep"), "allow_unassigned"));
        Http.Res fewer = open.key().post(open.org().path() + "/roles", role("Fewer fields", visibility(List.of("owner"),
                "allow_unassigned")));
        assertThat(fewer.status()).as("%s", fewer).isEqualTo(403);
        assertThat(fewer.get("detail").stringValue()).contains("[rep]");
        long fewerRole = fx.role(open.org(), role("Fewer fields", visibility(List.of("owner"), "allow_unassigned")));
        assertThat(open.key().patch(open.org().path() + "/members/" + open.leadManager(), Map.of("role_id", fewerRole))
                .status()).as("nor take it").isEqualTo(403);
        assertThat(open.key().post(open.org().path() + "/roles", role("Same fields", visibility(List.of("rep", "owner"),
                "allow_unassigned"))).status()).isEqualTo(201);

        // Through the Close dialect, the same rule.
        Http.Res close = l.key().post("/api/v1/role/", Map.of("name", "Close wider", "permissions", List.of("calling"),
                "visibility_user_lcf_ids", List.of("owner", "rep"), "visibility_user_lcf_behavior", "require_assignment"));
        assertThat(close.status()).as("%s", close).isEqualTo(403);
    }

    /**
     * A refusal to act on a member whose role sees records the caller's does not says so once: the phrase for the
     * records already compares them with the caller's role, so no second "which member … does not" follows it.
     */
    @Test
    void actingOnAMemberWhoseRoleSeesMore_isRefusedInOneClause() {
        Leads open = leads(visibility(List.of("owner", "rep"), "allow_unassigned"));
        long fewerRole = fx.role(open.org(), role("Fewer fields", visibility(List.of("owner"), "allow_unassigned")));
        long s1 = fx.member(open.org(), "s1", fewerRole);
        Http.Res refused = open.key().patch(open.org().path() + "/members/" + s1, Map.of("first_name", "Z"));
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(refused.get("detail").stringValue()).contains("member " + s1 + " holds a role that sees records "
                + "naming nobody in [owner] (allow_unassigned) but someone else in [rep], which the caller's role does "
                + "not see; only a member holding all of it").doesNotContain("which member " + open.leadManager());
    }

    @Test
    void aMemberManager_cannotHandOutARoleThatSeesMoreThanItsOwn() {
        Leads l = leads();
        long wide = fx.role(l.org(), role("Wide", visibility(List.of("owner", "rep"), "require_assignment")));
        long open = fx.role(l.org(), role("Open", visibility(List.of("owner"), "allow_unassigned")));
        long narrow = fx.role(l.org(), role("Narrow", visibility(List.of("owner"), "require_assignment")));
        long member = fx.member(l.org(), "someone", narrow);
        for (long role : List.of(wide, open)) {
            Http.Res promote = l.key().patch(l.org().path() + "/members/" + member, Map.of("role_id", role));
            assertThat(promote.status()).as("%s", promote).isEqualTo(403);
            assertThat(promote.get("code").stringValue()).isEqualTo("privilege_escalation");
            Http.Res create = l.key().post(l.org().path() + "/members", Map.of("user_id", "new-" + role,
                    "email", "new" + role + "@example.com", "role_id", role));
            assertThat(create.status()).isEqualTo(403);
        }
        assertThat(l.key().patch(l.org().path() + "/members/" + l.leadManager(), Map.of("role_id", wide)).status())
                .as("not to itself either").isEqualTo(403);
        assertThat(node.service().get(l.org().path() + "/members/" + member).get("role_id").longValue()).isEqualTo(narrow);

        // On resources (a model with record visibility and resource types), the same.
        var docs = fx.org("docs");
        long manager = fx.role(docs, Map.of("name", "Doc manager", "permissions", List.of("members.manage", "doc.read"),
                "visibility", visibility(List.of("owner_id"), "require_assignment")));
        Http key = fx.keyFor(docs, fx.member(docs, "dm", manager));
        long wider = fx.role(docs, Map.of("name", "Wider reader", "permissions", List.of("doc.read"),
                "visibility", visibility(List.of("owner_id", "rep_id"), "require_assignment")));
        long same = fx.role(docs, Map.of("name", "Same reader", "permissions", List.of("doc.read"),
                "visibility", visibility(List.of("owner_id"), "require_assignment")));
        long reader = fx.member(docs, "reader", same);
        Http.Res assign = key.put(docs.path() + "/resources/doc/d1/assignments/" + reader, Map.of("role_id", wider));
        assertThat(assign.status()).as("%s", assign).isEqualTo(403);
        assertThat(assign.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(key.put(docs.path() + "/resources/doc/d1/assignments/" + reader, Map.of("role_id", same)).status())
                .isEqualTo(200);
    }

    /**
     * An external member holds no company role, only roles on resources: reactivating it makes them count again, so
     * it is judged by them as an internal member is (reactivating one was judged only when it held a company role).
     */
    @Test
    void reactivatingAnExternalMember_needsTheRolesOnResourcesItRevives() {
        var docs = fx.org("docs");
        long manager = fx.role(docs, Map.of("name", "Doc manager", "permissions", List.of("members.manage", "doc.read",
                "records.all")));
        Http key = fx.keyFor(docs, fx.member(docs, "dm", manager));
        long deleter = fx.role(docs, Map.of("name", "Outside deleter", "permissions", List.of("doc.read",
                "doc.delete", "records.all"), "external", true));
        long guest = fx.external(docs, "guest");
        assertThat(node.service().put(docs.path() + "/resources/doc/d1/assignments/" + guest,
                Map.of("role_id", deleter)).status()).isIn(200, 201);
        assertThat(node.service().patch(docs.path() + "/members/" + guest, Map.of("status", "deactivated")).status())
                .isEqualTo(200);

        Http.Res back = key.patch(docs.path() + "/members/" + guest, Map.of("status", "active"));
        assertThat(back.status()).as("%s", back).isEqualTo(403);
        assertThat(back.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(back.get("detail").stringValue()).contains("Outside deleter", "doc.delete");
        assertThat(node.service().get(docs.path() + "/members/" + guest).get("status").stringValue())
                .isEqualTo("deactivated");
    }

    /**
     * Accepting an invitation is where the roles the member holds on resources start to count, so the caller that
     * accepts it gives them out, as one reactivating a member does: a member manager accepted (through accept and
     * PATCH alike) the invitation of a member holding a role on a resource that grants what the manager lacks.
     */
    @Test
    void acceptingAnInvitation_needsTheRolesOnResourcesItMakesCount() {
        var docs = fx.org("docs");
        long manager = fx.role(docs, Map.of("name", "Doc manager", "permissions", List.of("members.manage", "doc.read",
                "records.all")));
        Http key = fx.keyFor(docs, fx.member(docs, "dm", manager));
        long reader = fx.role(docs, Map.of("name", "Doc reader", "permissions", List.of("doc.read", "records.all")));
        long deleter = fx.role(docs, Map.of("name", "Doc deleter", "permissions", List.of("doc.read", "doc.delete",
                "records.all")));
        long deleting = invitedHolding(docs, "deleting", reader, deleter);
        long reading = invitedHolding(docs, "reading", reader, reader);
        String member = docs.path() + "/members/" + deleting;

        for (Http.Res refused : List.of(key.post(member + "/accept", Map.of()),
                key.patch(member, Map.of("status", "active")))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(403);
            assertThat(refused.get("code").stringValue()).isEqualTo("privilege_escalation");
            assertThat(refused.get("detail").stringValue()).contains("Doc deleter", "doc.delete");
        }
        assertThat(node.service().get(member).get("status").stringValue()).isEqualTo("invited");

        Http.Res within = key.post(docs.path() + "/members/" + reading + "/accept", Map.of());
        assertThat(within.status()).as("roles within the caller's reach: %s", within).isEqualTo(200);
        assertThat(node.service().post(member + "/accept", Map.of()).status()).as("a service key may").isEqualTo(200);
    }

    /** Adds an invited member of company role {@code roleId} holding {@code onDoc} on doc d1; returns its id. */
    private long invitedHolding(Fixtures.Org org, String userId, long roleId, long onDoc) {
        Http.Res added = node.service().post(org.path() + "/members", Map.of("user_id", userId, "email",
                userId + "@example.com", "role_id", roleId, "status", "invited"));
        assertThat(added.status()).as("%s", added).isEqualTo(201);
        long id = added.get("id").longValue();
        assertThat(node.service().put(org.path() + "/resources/doc/d1/assignments/" + id, Map.of("role_id", onDoc))
                .status()).isIn(200, 201);
        return id;
    }
}
