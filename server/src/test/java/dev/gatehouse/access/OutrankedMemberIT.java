package dev.gatehouse.access;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member key acts on another member — changes, deactivates, demotes or removes it, reads or revokes its keys,
 * changes its grants — only when that member holds nothing beyond the caller: no permission of its company role or
 * grants, no record visibility the caller's role lacks (403 {@code privilege_escalation}), through every API that
 * reaches the member service (native, Close, Rooms) and in every built-in model. Service keys are exempt.
 */
class OutrankedMemberIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = OutrankedMemberIT.class.getResourceAsStream("/models/grants.json")) {
            assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static void refused(Http.Res res) {
        assertThat(res.status()).as("%s", res).isEqualTo(403);
        assertThat(res.get("code").stringValue()).isEqualTo("privilege_escalation");
    }

    // ---------------------------------------------------------------- native API, a custom model

    @Test
    void aMemberManager_cannotDeactivateDemoteOrRemoveTheAdmin_norTouchItsKeys() {
        var org = fx.org("grants");
        // members.manage without the admin's settings.edit (the model's role management) or room.delete
        long hrRole = fx.role(org, "HR", List.of("members.manage", "room.view"));
        long hr = fx.member(org, "hr", hrRole);
        Http hrKey = fx.keyFor(org, hr);
        // a second admin, so that the first is not the last able to manage roles (which nobody may deactivate)
        fx.member(org, "admin-2", fx.roleId(org, "Admin"));
        String admin = org.path() + "/members/" + org.adminId();
        String adminKey = node.service().get(admin + "/keys").json().get("items").get(0).get("id").stringValue();

        for (Http.Res res : List.of(hrKey.patch(admin, Map.of("status", "deactivated")),
                hrKey.patch(admin, Map.of("role_id", hrRole)),
                hrKey.patch(admin, Map.of("email", "taken-over@example.com")),
                hrKey.delete(admin),
                hrKey.get(admin + "/keys"),
                hrKey.delete(admin + "/keys/" + adminKey))) {
            refused(res);
            assertThat(res.get("detail").stringValue()).contains("member " + org.adminId(), "room.delete",
                    "settings.edit").doesNotContain("room.view");
        }
        JsonNode kept = node.service().get(admin).json();
        assertThat(kept.get("status").stringValue()).isEqualTo("active");
        assertThat(kept.get("email").stringValue()).isEqualTo(org.json().at("/admin_member/email").stringValue());
        assertThat(org.admin().get(admin).status()).as("the admin's key still works").isEqualTo(200);

        // A member holding no more than the caller is the caller's to manage, as before.
        long peer = fx.member(org, "peer", hrRole);
        Http.Res deactivated = hrKey.patch(org.path() + "/members/" + peer, Map.of("status", "deactivated"));
        assertThat(deactivated.status()).as("%s", deactivated).isEqualTo(200);
        assertThat(hrKey.delete(org.path() + "/members/" + peer).status()).isEqualTo(204);
        // The service key is above every member.
        assertThat(node.service().delete(admin + "/keys/" + adminKey).status()).isEqualTo(204);
    }

    @Test
    void aManagerGrantedMembersManage_cannotStripTheGrantsOfAManagerHoldingMore() {
        var org = fx.org("grants");
        long managerRole = fx.roleId(org, "Manager");
        long ann = fx.member(org, "ann", managerRole);
        long bob = fx.member(org, "bob", managerRole);
        long cal = fx.member(org, "cal", managerRole);
        grant(org, ann, List.of("members.manage"));
        grant(org, bob, List.of("members.manage", "room.delete"));
        grant(org, cal, List.of("members.manage"));
        Http annKey = fx.keyFor(org, ann);

        Http.Res strip = annKey.put(org.path() + "/members/" + bob + "/grants", Map.of("permissions", List.of()));
        refused(strip);
        assertThat(strip.get("detail").stringValue()).contains("[room.delete]");
        refused(annKey.patch(org.path() + "/members/" + bob, Map.of("status", "deactivated")));
        assertThat(node.service().get(org.path() + "/members/" + bob + "/grants").json().get("permissions"))
                .extracting(JsonNode::stringValue).containsExactly("members.manage", "room.delete");

        // Its own equal may be stripped.
        Http.Res equal = annKey.put(org.path() + "/members/" + cal + "/grants", Map.of("permissions", List.of()));
        assertThat(equal.status()).as("%s", equal).isEqualTo(200);
    }

    private static void grant(Fixtures.Org org, long member, List<String> permissions) {
        Http.Res res = node.service().put(org.path() + "/members/" + member + "/grants", Map.of("permissions",
                permissions));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
    }

    // ---------------------------------------------------------------- close: the Close dialect and record visibility

    @Test
    void aCloseOrganizationManager_cannotDeactivateOrDemoteTheAdmin_throughCloseOrNative() {
        var org = fx.org("close");
        long orgManagerRole = fx.role(org, "Org manager", List.of("manage_organization", "calling",
                "view_all_leads"));
        long orgManager = fx.member(org, "om", orgManagerRole);
        Http close = closeClient(node.service().post(org.path() + "/members/" + orgManager + "/keys",
                Map.of("name", "close")).get("key").stringValue());
        String adminMembership = closeClient(org.adminKey()).get("/me/").json().get("memberships").get(0).get("id")
                .stringValue();

        for (Http.Res res : List.of(close.delete("/membership/" + adminMembership + "/"),
                close.put("/membership/" + adminMembership + "/", Map.of("role_id", "user")))) {
            assertThat(res.status()).as("%s", res).isEqualTo(403);
            assertThat(res.get("error").stringValue()).contains(adminMembership, "export")
                    .doesNotContain("member " + org.adminId());
        }
        refused(fx.keyFor(org, orgManager).patch(org.path() + "/members/" + org.adminId(),
                Map.of("status", "deactivated")));
        assertThat(node.service().get(org.path() + "/members/" + org.adminId()).json().get("status").stringValue())
                .isEqualTo("active");
        assertThat(node.service().get(org.path() + "/members/" + org.adminId()).json().get("role_id").longValue())
                .isEqualTo(fx.roleId(org, "Admin"));
    }

    @Test
    void aMemberWhoseRoleSeesMoreRecords_outranksAManagerWhoseRoleSeesFewer() {
        var org = fx.org("close");
        long narrowManager = fx.role(org, Map.of("name", "Lead manager", "permissions",
                List.of("manage_organization", "calling"), "visibility", visibility(List.of("owner"))));
        Http key = fx.keyFor(org, fx.member(org, "lm", narrowManager));
        long seesMore = fx.member(org, "caller", fx.role(org, Map.of("name", "Caller", "permissions",
                List.of("calling"), "visibility", visibility(List.of("owner", "rep")))));
        long seesOwn = fx.member(org, "own-caller", fx.role(org, Map.of("name", "Own caller", "permissions",
                List.of("calling"), "visibility", visibility(List.of("owner")))));

        Http.Res res = key.patch(org.path() + "/members/" + seesMore, Map.of("status", "deactivated"));
        refused(res);
        assertThat(res.get("detail").stringValue()).contains("[rep]").doesNotContain("permissions");
        assertThat(key.patch(org.path() + "/members/" + seesOwn, Map.of("status", "deactivated")).status())
                .isEqualTo(200);
    }

    /**
     * Close's {@code POST /membership/} with the email of a deactivated or invited member activates it: a change of
     * that member, gated as every other (the hole was a reactivation judged as an addition only).
     */
    @Test
    void aCloseLeadManager_cannotActivateAMemberWhoSeesMore_byAddingItsMembershipAgain() {
        var org = fx.org("close");
        long narrowManager = fx.role(org, Map.of("name", "Lead manager", "permissions",
                List.of("manage_organization", "calling"), "visibility", visibility(List.of("owner"))));
        long ownCaller = fx.role(org, Map.of("name", "Own caller", "permissions", List.of("calling"),
                "visibility", visibility(List.of("owner"))));
        Http close = closeClient(node.service().post(org.path() + "/members/" + fx.member(org, "lm", narrowManager)
                + "/keys", Map.of("name", "close")).get("key").stringValue());
        String ownCallerId = closeClient(org.adminKey()).get("/role/").json().get("data").valueStream()
                .filter(r -> r.get("name").stringValue().equals("Own caller")).findFirst().orElseThrow()
                .get("id").stringValue();
        long admin = fx.roleId(org, "Admin");
        long deactivated = fx.member(org, "gone-boss", admin);
        assertThat(node.service().patch(org.path() + "/members/" + deactivated, Map.of("status", "deactivated"))
                .status()).isEqualTo(200);
        long invited = node.service().post(org.path() + "/members", Map.of("user_id", "new-boss", "email",
                "new-boss@example.com", "role_id", admin, "status", "invited")).get("id").longValue();
        long peer = fx.member(org, "gone-peer", ownCaller);
        assertThat(node.service().patch(org.path() + "/members/" + peer, Map.of("status", "deactivated"))
                .status()).isEqualTo(200);

        for (String boss : List.of("gone-boss", "new-boss")) {
            Http.Res res = close.post("/membership/", Map.of("email", boss + "@example.com", "role_id", ownCallerId));
            assertThat(res.status()).as("%s", res).isEqualTo(403);
            assertThat(res.get("error").stringValue()).contains("export");
        }
        for (long id : List.of(deactivated, invited)) {
            JsonNode kept = node.service().get(org.path() + "/members/" + id).json();
            assertThat(kept.get("status").stringValue()).isIn("deactivated", "invited").isNotEqualTo("active");
            assertThat(kept.get("role_id").longValue()).isEqualTo(admin);
        }
        Http.Res back = close.post("/membership/", Map.of("email", "gone-peer@example.com", "role_id", ownCallerId));
        assertThat(back.status()).as("a member holding no more than the caller: %s", back).isEqualTo(200);
        assertThat(node.service().get(org.path() + "/members/" + peer).json().get("status").stringValue())
                .isEqualTo("active");
    }

    /**
     * Narrowing a role takes from every member holding it: a role manager may change a role's permissions or
     * visibility only when it could hand the role out as it stands. The hole: a lead manager narrowed the role of a
     * member who outranked it, through /v1 or Close, then deactivated that member as a peer (revoking its keys).
     */
    @Test
    void aRoleManager_cannotNarrowARoleThatHoldsMoreThanItself_throughNativeOrClose() {
        var org = fx.org("close");
        Map<String, Object> ownRecords = visibility(List.of("owner"));
        long narrowManager = fx.role(org, Map.of("name", "Lead manager", "permissions",
                List.of("manage_organization", "calling"), "visibility", ownRecords));
        long lm = fx.member(org, "lm", narrowManager);
        Http key = fx.keyFor(org, lm);
        long bossRole = fx.role(org, "Boss", List.of("manage_organization", "calling", "view_all_leads"));
        long boss = fx.member(org, "boss", bossRole);
        long ownCaller = fx.role(org, Map.of("name", "Own caller", "permissions", List.of("calling", "manage_organization"),
                "visibility", ownRecords));
        String boss2 = org.path() + "/roles/" + bossRole;
        Http close = closeClient(node.service().post(org.path() + "/members/" + lm + "/keys", Map.of("name", "close"))
                .get("key").stringValue());
        String bossCloseId = closeClient(org.adminKey()).get("/role/").json().get("data").valueStream()
                .filter(r -> r.get("name").stringValue().equals("Boss")).findFirst().orElseThrow()
                .get("id").stringValue();

        Http.Res nativeNarrowed = key.patch(boss2, Map.of("permissions", List.of("calling"), "visibility", ownRecords));
        refused(nativeNarrowed);
        assertThat(nativeNarrowed.get("detail").stringValue()).contains("role " + bossRole, "view_all_leads");
        Http.Res closeNarrowed = close.put("/role/" + bossCloseId + "/", Map.of("permissions", List.of("calling"),
                "visibility_user_lcf_ids", List.of("owner"), "visibility_user_lcf_behavior", "require_assignment"));
        assertThat(closeNarrowed.status()).as("%s", closeNarrowed).isEqualTo(403);
        assertThat(closeNarrowed.get("error").stringValue()).as("in Close's words and ids")
                .contains(bossCloseId, "view_all_leads").doesNotContain("role " + bossRole);
        JsonNode kept = node.service().get(boss2).json();
        assertThat(kept.get("permissions").toString()).contains("view_all_leads", "manage_organization");
        assertThat(kept.get("version").intValue()).isEqualTo(1);
        refused(key.patch(org.path() + "/members/" + boss, Map.of("status", "deactivated")));

        // Nor is it the caller's to rename (what it becomes is judged too); a role within its reach may be narrowed.
        refused(key.patch(boss2, Map.of("name", "Head")));
        Http.Res narrowed = key.patch(org.path() + "/roles/" + ownCaller, Map.of("permissions", List.of("calling")));
        assertThat(narrowed.status()).as("%s", narrowed).isEqualTo(200);
    }

    /**
     * Deleting a role is judged as changing it: a role manager may delete only a role it could hand out. An unused
     * role takes nobody's access with it, but a manager holding less could remove what those above it defined and
     * never define again.
     */
    @Test
    void aRoleManager_cannotDeleteARoleThatHoldsMoreThanItself_throughNativeOrClose() {
        var org = fx.org("close");
        Map<String, Object> ownRecords = visibility(List.of("owner"));
        long narrowManager = fx.role(org, Map.of("name", "Lead manager", "permissions",
                List.of("manage_organization", "calling"), "visibility", ownRecords));
        long lm = fx.member(org, "lm", narrowManager);
        Http key = fx.keyFor(org, lm);
        Http close = closeClient(node.service().post(org.path() + "/members/" + lm + "/keys", Map.of("name", "close"))
                .get("key").stringValue());
        long bossRole = fx.role(org, "Boss", List.of("manage_organization", "calling", "view_all_leads"));
        long auditRole = fx.role(org, "Auditor", List.of("manage_organization", "view_all_leads"));
        long ownRole = fx.role(org, Map.of("name", "Caller", "permissions", List.of("calling"), "visibility",
                ownRecords));
        String auditCloseId = closeClient(org.adminKey()).get("/role/").json().get("data").valueStream()
                .filter(r -> r.get("name").stringValue().equals("Auditor")).findFirst().orElseThrow()
                .get("id").stringValue();

        Http.Res nativeDeleted = key.delete(org.path() + "/roles/" + bossRole);
        refused(nativeDeleted);
        assertThat(nativeDeleted.get("detail").stringValue()).contains("deleting role " + bossRole, "view_all_leads");
        Http.Res closeDeleted = close.delete("/role/" + auditCloseId + "/");
        assertThat(closeDeleted.status()).as("%s", closeDeleted).isEqualTo(403);
        assertThat(closeDeleted.get("error").stringValue()).as("in Close's words and ids")
                .contains("Deleting role " + auditCloseId, "view_all_leads").doesNotContain("role " + auditRole);
        for (long kept : List.of(bossRole, auditRole)) {
            assertThat(node.service().get(org.path() + "/roles/" + kept).status()).isEqualTo(200);
        }

        assertThat(key.delete(org.path() + "/roles/" + ownRole).status()).as("a role within its reach").isEqualTo(204);
        assertThat(node.service().delete(org.path() + "/roles/" + bossRole).status()).as("the service key")
                .isEqualTo(204);
    }

    private static Map<String, Object> visibility(List<String> fields) {
        return Map.of("user_field_ids", fields, "unassigned", "require_assignment");
    }

    /** A client of the Close dialect sending the key as Close's clients do (HTTP Basic, empty password). */
    private static Http closeClient(String key) {
        return new Http(node.baseUrl() + "/api/v1", null).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------- rooms and rooms_v5: the Rooms dialect

    @Test
    void aRoomsManagerOfTheSameAccessLevel_cannotLockOrRemoveAUserWhoseRoleHoldsMore() {
        var org = fx.org("rooms");
        String base = "/restapi/v2/accounts/" + org.accountId();
        long managerRole = fx.role(org, "Member manager", List.of("canManageMemberSameAccessLevel",
                "canRemoveCompanyMemberSameAccessLevel", "canViewRoomDetails"));
        long creatorRole = fx.role(org, "Creator", List.of("canViewRoomDetails", "canCreateRooms"));
        long viewerRole = fx.role(org, "Viewer", List.of("canViewRoomDetails"));
        long manager = accepted(org, node.service().post(base + "/users/invite_user", invitee("mm", managerRole)));
        long creator = accepted(org, node.service().post(base + "/users/invite_user", invitee("cr", creatorRole)));
        long viewer = accepted(org, node.service().post(base + "/users/invite_user", invitee("vi", viewerRole)));
        Http key = fx.keyFor(org, manager);

        for (Http.Res res : List.of(key.post(base + "/users/" + creator + "/lock", Map.of("reason", "no")),
                key.delete(base + "/users/" + creator))) {
            assertThat(res.status()).as("%s", res).isEqualTo(403);
            assertThat(res.get("errorCode").stringValue()).isEqualTo("PRIVILEGE_ESCALATION");
            assertThat(res.get("message").stringValue()).contains("canCreateRooms", "user " + creator);
        }
        assertThat(node.service().get(org.path() + "/members/" + creator).json().get("status").stringValue())
                .isEqualTo("active");
        assertThat(key.post(base + "/users/" + viewer + "/lock", Map.of("reason", "left")).status()).isEqualTo(204);
    }

    @Test
    void anAccountManager_cannotNarrowARoomRoleThatHoldsMoreThanItself() {
        var org = fx.org("rooms");
        String base = "/restapi/v2/accounts/" + org.accountId();
        long accountManager = fx.role(org, "Account manager", List.of("canManageAccount", "canViewRoomDetails"));
        long roomBoss = fx.role(org, "Room boss", List.of("canViewRoomDetails", "canAddUsersToRooms",
                "canEditAnyRoomRole", "canManageAnyUserRoomAccess", "canDeleteRooms"));
        Http key = fx.keyFor(org, fx.member(org, "am", accountManager));
        long holder = fx.member(org, "rb", roomBoss);
        String room = fx.room(org, "Deal", holder, roomBoss);

        Http.Res res = key.put(base + "/roles/" + roomBoss, Map.of("permissions", Map.of("canViewRoomDetails", true)));
        assertThat(res.status()).as("%s", res).isEqualTo(403);
        assertThat(res.get("errorCode").stringValue()).isEqualTo("PRIVILEGE_ESCALATION");
        Http.Res check = node.service().post(org.path() + "/check", Map.of("user_id", "rb", "permission",
                "canEditAnyRoomRole", "resource", Map.of("type", "room", "id", room)));
        assertThat(check.get("allowed").booleanValue()).as("the owner keeps its room role's powers").isTrue();
    }

    @Test
    void aClassicManagerWithMemberManagement_cannotLockTheAdminOrAManagerWithMoreFlags() {
        var org = fx.org("rooms_v5");
        String base = "/restapi/v2/accounts/" + org.accountId();
        Http admin = node.as(org.adminKey());
        int region = admin.post(base + "/regions", Map.of("name", "North")).get("regionId").intValue();
        int office = admin.post(base + "/offices", Map.of("name", "One", "regionId", region)).get("officeId")
                .intValue();
        long mo = accepted(org, admin.post(base + "/users/invite_classic_manager",
                classicManager("Mo", office, "canManageCompanyMembers")));
        long max = accepted(org, admin.post(base + "/users/invite_classic_manager",
                classicManager("Max", office, "canManageCompanyMembers", "canDeleteCompanyRooms")));
        long meg = accepted(org, admin.post(base + "/users/invite_classic_manager",
                classicManager("Meg", office, "canManageCompanyMembers")));
        Http key = fx.keyFor(org, mo);

        Http.Res lockAdmin = key.post(base + "/users/" + org.adminId() + "/lock", Map.of("reason", "no"));
        assertThat(lockAdmin.status()).as("%s", lockAdmin).isEqualTo(403);
        assertThat(lockAdmin.get("errorCode").stringValue()).isEqualTo("ACCESS_LEVEL_TOO_HIGH");
        for (Http.Res res : List.of(key.post(base + "/users/" + max + "/lock", Map.of("reason", "no")),
                key.delete(base + "/users/" + max))) {
            assertThat(res.status()).as("%s", res).isEqualTo(403);
            assertThat(res.get("errorCode").stringValue()).isEqualTo("PRIVILEGE_ESCALATION");
            assertThat(res.get("message").stringValue()).contains("canDeleteCompanyRooms");
        }
        assertThat(node.service().get(org.path() + "/members/" + max).json().get("status").stringValue())
                .isEqualTo("active");
        assertThat(key.post(base + "/users/" + meg + "/lock", Map.of("reason", "left")).status()).isEqualTo(204);
    }

    private static Map<String, Object> invitee(String name, long roleId) {
        return Map.of("firstName", name, "lastName", "Test", "email", name + "@rooms.test", "roleId", roleId,
                "accessLevel", "Company");
    }

    private static Map<String, Object> classicManager(String name, int office, String... flags) {
        Map<String, Boolean> on = new LinkedHashMap<>();
        for (String flag : flags) {
            on.put(flag, true);
        }
        return Map.of("firstName", name, "lastName", "Manager", "email", name.toLowerCase() + "@classic.test",
                "defaultOfficeId", office, "titleId", 7, "accessLevel", "Company", "permissions", on,
                "offices", List.of(), "regions", List.of());
    }

    /** Accepts the invitation of the user an invitation answer names; returns its id. */
    private static long accepted(Fixtures.Org org, Http.Res invited) {
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        long id = invited.get("userId").longValue();
        assertThat(node.service().post(org.path() + "/members/" + id + "/accept", Map.of()).status()).isEqualTo(200);
        return id;
    }
}
