package dev.gatehouse.http.rooms;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Rooms v5 ("classic") company — an organization on the {@code rooms_v5} model — with two regions and three
 * offices made through the Rooms dialect ({@code north} holds {@code o1} and {@code o2}, {@code south} holds
 * {@code o3}), and helpers to invite its users and drive it.
 */
final class ClassicAccount {

    final TestNode node;
    final Fixtures.Org org;
    final String base;
    final Http admin;
    final int north;
    final int south;
    final int o1;
    final int o2;
    final int o3;

    ClassicAccount(TestNode node, Fixtures fx) {
        this.node = node;
        this.org = fx.org("rooms_v5");
        this.base = "/restapi/v2/accounts/" + org.accountId();
        this.admin = node.as(org.adminKey());
        this.north = created(admin.post(base + "/regions", Map.of("name", "North")), "regionId");
        this.south = created(admin.post(base + "/regions", Map.of("name", "South")), "regionId");
        this.o1 = created(admin.post(base + "/offices", Map.of("name", "One", "regionId", north)), "officeId");
        this.o2 = created(admin.post(base + "/offices", Map.of("name", "Two", "regionId", north)), "officeId");
        this.o3 = created(admin.post(base + "/offices", Map.of("name", "Three", "regionId", south)), "officeId");
    }

    private static int created(Http.Res res, String idField) {
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.get(idField).intValue();
    }

    /** ClassicManagerPermissions with the given flags on (the others false). */
    static Map<String, Boolean> flags(String... on) {
        Map<String, Boolean> flags = new LinkedHashMap<>();
        for (String flag : List.of("isVisibleInTransactionRooms", "canDeleteCompanyRooms", "canDeleteCompanyDocuments",
                "canManageCompanyRooms", "canManageCompanyAccount", "canManageCompanySharedLibrary",
                "canManageCompanyMembers", "canCloseCompanyRooms", "canApproveCompanyChecklists",
                "isCompanySystemAdmin", "isRegionManager", "isOfficeManager", "autoAccessToCompanyRooms")) {
            flags.put(flag, List.of(on).contains(flag));
        }
        return flags;
    }

    /** A ClassicManagerToInvite body. */
    Map<String, Object> manager(String name, String level, List<Integer> offices, List<Integer> regions,
                                String... flags) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("firstName", name);
        body.put("lastName", "Manager");
        body.put("email", name.toLowerCase() + "@classic.test");
        body.put("defaultOfficeId", offices.isEmpty() ? o1 : offices.get(0));
        body.put("titleId", 7);
        body.put("accessLevel", level);
        body.put("permissions", flags(flags));
        body.put("offices", offices);
        body.put("regions", regions);
        return body;
    }

    /** Invites (as the admin) and accepts a manager; returns its user id. */
    int acceptedManager(String name, String level, List<Integer> offices, List<Integer> regions, String... flags) {
        return accept(admin.post(base + "/users/invite_classic_manager", manager(name, level, offices, regions, flags)));
    }

    /** Invites (as the admin) and accepts an agent of an office; returns its user id. */
    int acceptedAgent(String name, int office) {
        return accept(admin.post(base + "/users/invite_classic_agent", Map.of("firstName", name, "lastName", "Agent",
                "email", name.toLowerCase() + "@classic.test", "officeId", office)));
    }

    /** Marks an invited user accepted (the native call; Rooms has none); returns its id. */
    int accept(Http.Res invited) {
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        int id = invited.get("userId").intValue();
        Http.Res accepted = node.service().post(org.path() + "/members/" + id + "/accept", Map.of());
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        return id;
    }

    /** A Rooms client acting with a member's fresh key. */
    Http as(long memberId) {
        Http.Res res = node.service().post(org.path() + "/members/" + memberId + "/keys", Map.of("name", "rooms"));
        assertThat(res.status()).isEqualTo(201);
        return node.as(res.get("key").stringValue());
    }

    /** The id of one of the fixed roles (Admin, Manager, Agent). */
    int role(String name) {
        for (var role : admin.get(base + "/roles").get("roles")) {
            if (role.get("name").stringValue().equals(name)) {
                return role.get("roleId").intValue();
            }
        }
        throw new AssertionError("no role " + name);
    }

    /** A room created by {@code as} in {@code office}, in which it gets {@code roleId}. */
    int room(Http as, String name, int office, int roleId) {
        Http.Res res = as.post(base + "/rooms", Map.of("name", name, "roleId", roleId, "officeId", office));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.get("roomId").intValue();
    }

    /** The native decision: may the member do {@code permission} in the room? */
    boolean allowed(long memberId, String permission, int roomId) {
        Http.Res res = node.service().post(org.path() + "/check", Map.of("member_id", memberId, "permission", permission,
                "resource", Map.of("type", "room", "id", String.valueOf(roomId))));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.get("allowed").booleanValue();
    }

    int userCount() {
        return admin.get(base + "/users").get("totalRowCount").intValue();
    }
}
