package dev.gatehouse.http.rooms;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** A Rooms account (an organization on the rooms model) and helpers to drive it through the Rooms dialect. */
final class RoomsAccount {

    final TestNode node;
    final Fixtures.Org org;
    final String base;
    final Http admin;
    /** A region of the account, and an office in it, made through the Rooms dialect. */
    final int region;
    final int office;

    RoomsAccount(TestNode node, Fixtures fx) {
        this.node = node;
        this.org = fx.org("rooms");
        this.base = "/restapi/v2/accounts/" + org.accountId();
        this.admin = node.as(org.adminKey());
        Http.Res region = admin.post(base + "/regions", Map.of("name", "North"));
        assertThat(region.status()).as(region.toString()).isEqualTo(201);
        this.region = region.get("regionId").intValue();
        Http.Res office = admin.post(base + "/offices", Map.of("name", "Main Street", "regionId", this.region));
        assertThat(office.status()).as(office.toString()).isEqualTo(201);
        this.office = office.get("officeId").intValue();
    }

    /** A Rooms client acting with a member's fresh key. */
    Http as(long memberId) {
        Http.Res res = node.service().post(org.path() + "/members/" + memberId + "/keys", Map.of("name", "rooms"));
        assertThat(res.status()).isEqualTo(201);
        return node.as(res.get("key").stringValue());
    }

    int defaultAdminRole() {
        for (JsonNode role : admin.get(base + "/roles").get("roles")) {
            if (role.get("isDefaultForAdmin").booleanValue()) {
                return role.get("roleId").intValue();
            }
        }
        throw new AssertionError("no default admin role");
    }

    /** A role made through the Rooms dialect by the admin. */
    int role(String name, boolean external, String... permissions) {
        Map<String, Boolean> p = new java.util.LinkedHashMap<>();
        for (String permission : permissions) {
            p.put(permission, true);
        }
        Http.Res res = admin.post(base + "/roles", Map.of("name", name, "isExternal", external, "permissions", p));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.get("roleId").intValue();
    }

    /** A company user invited by the admin, who has accepted its invitation (so it is Active); returns its id. */
    int user(String name, int roleId, String accessLevel) {
        int id = invited(name, roleId, accessLevel);
        Http.Res accepted = node.service().post(org.path() + "/members/" + id + "/accept", Map.of());
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        return id;
    }

    /** A company user invited by the admin, still Pending (an invited member: no access yet); returns its id. */
    int invited(String name, int roleId, String accessLevel) {
        Http.Res res = admin.post(base + "/users/invite_user", Map.of("firstName", name, "lastName", "Test",
                "email", name.toLowerCase() + "@acme.test", "roleId", roleId, "accessLevel", accessLevel,
                "offices", List.of(office), "regions", List.of(region)));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        assertThat(res.get("status").stringValue()).isEqualTo("Pending");
        return res.get("userId").intValue();
    }

    /** A room created by {@code as}, which gets {@code roleId} in it. */
    int room(Http as, String name, int roleId) {
        Http.Res res = as.post(base + "/rooms", Map.of("name", name, "roleId", roleId));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.get("roomId").intValue();
    }

    /** Invites a user into a room (by the admin unless {@code as} is given); returns its user id. */
    int invite(Http as, int roomId, String email, int roleId) {
        Http.Res res = as.post(base + "/rooms/" + roomId + "/users", Map.of("email", email, "firstName", "In",
                "lastName", "Vited", "roleId", roleId));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.get("userId").intValue();
    }

    boolean allowed(long memberId, String permission, int roomId) {
        Http.Res res = node.service().post(org.path() + "/check", Map.of("member_id", memberId, "permission", permission,
                "resource", Map.of("type", "room", "id", String.valueOf(roomId))));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.get("allowed").booleanValue();
    }

    /** Asserts a Rooms error: status, errorCode, and a message containing each fragment. */
    static void error(Http.Res res, int status, String errorCode, String... fragments) {
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
        assertThat(res.header("Content-Type")).startsWith("application/json");
        assertThat(res.json().propertyNames()).containsExactly("errorCode", "message", "referenceId");
        assertThat(res.get("errorCode").stringValue()).as(res.toString()).isEqualTo(errorCode);
        if (fragments.length > 0) {
            assertThat(res.get("message").stringValue()).contains(List.of(fragments));
        }
        assertThat(res.get("referenceId").stringValue()).hasSize(36);
    }
}
