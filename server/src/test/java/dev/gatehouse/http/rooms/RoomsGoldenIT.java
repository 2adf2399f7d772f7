package dev.gatehouse.http.rooms;

import dev.gatehouse.testing.Golden;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact shapes of the Rooms dialect's responses (property names, types, what is left out), compared with
 * golden files under src/test/resources/golden/rooms, none with an explicit null anywhere. One scenario on a
 * fresh node, so ids are stable.
 */
class RoomsGoldenIT {

    @Test
    void responses_matchTheGoldenFiles() {
        try (TestNode node = TestNode.start()) {
            Http.Res created = node.service().post("/v1/orgs", Map.of("name", "Acme Realty", "model", "rooms",
                    "admin", Map.of("user_id", "ada", "email", "ada@acme.test", "first_name", "Ada",
                            "last_name", "Admin")));
            assertThat(created.status()).isEqualTo(201);
            String account = created.get("account_id").stringValue();
            Golden golden = new Golden("rooms").replacing(account, "<accountId>");
            Http admin = node.as(created.get("admin_key").get("key").stringValue());
            String base = "/restapi/v2/accounts/" + account;

            golden.assertMatches("account", ok(admin.get(base)));
            JsonNode agent = created(admin.post(base + "/roles", Map.of("name", "Agent", "isExternal", false,
                    "permissions", Map.of("canCreateRooms", true, "canViewRoomDetails", true, "canAddDocuments", true))));
            golden.assertMatches("role-created", agent);
            int agentId = agent.get("roleId").intValue();
            int buyerId = created(admin.post(base + "/roles", Map.of("name", "Buyer", "isExternal", true,
                    "permissions", Map.of("canViewRoomDetails", true)))).get("roleId").intValue();
            golden.assertMatches("roles-list", ok(admin.get(base + "/roles?count=2")));
            golden.assertMatches("role-get", ok(admin.get(base + "/roles/" + agentId + "?includeIsAssigned=true")));

            JsonNode region = created(admin.post(base + "/regions", Map.of("name", "New England")));
            golden.assertMatches("region-created", region);
            int regionId = region.get("regionId").intValue();
            JsonNode office = created(admin.post(base + "/offices", Map.of("name", "Boston", "regionId", regionId,
                    "address1", "1 Beacon Street", "city", "Boston", "stateId", "MA", "postalCode", "02108",
                    "countryId", "US", "timeZoneId", "Eastern Standard Time", "phone", "+1 617 555 0100")));
            golden.assertMatches("office-created", office);
            int officeId = office.get("officeId").intValue();
            created(admin.post(base + "/offices", Map.of("name", "Cambridge")));
            golden.assertMatches("offices-list", ok(admin.get(base + "/offices?count=1")));
            golden.assertMatches("office-get", ok(admin.get(base + "/offices/" + officeId)));
            golden.assertMatches("regions-list", ok(admin.get(base + "/regions")));
            golden.assertMatches("region-get", ok(admin.get(base + "/regions/" + regionId)));
            golden.assertMatches("esign-permission-profiles", ok(admin.get(base + "/esign_permission_profiles")));

            JsonNode bob = created(admin.post(base + "/users/invite_user", Map.of("firstName", "Bob", "lastName",
                    "Broker", "email", "bob@acme.test", "roleId", agentId, "accessLevel", "Office", "offices",
                    List.of(officeId), "regions", List.of(regionId), "defaultOfficeId", officeId,
                    "eSignPermissionProfileId", "docusign_sender")));
            golden.assertMatches("user-invited", bob);
            golden.assertMatches("users-list", ok(admin.get(base + "/users?sort=EmailAsc")));
            golden.assertMatches("user-get", ok(admin.get(base + "/users/" + bob.get("userId").intValue())));

            int adminRole = ok(admin.get(base + "/roles")).get("roles").get(0).get("roleId").intValue();
            JsonNode room = created(admin.post(base + "/rooms", Map.of("name", "12 Elm Street", "roleId", adminRole,
                    "officeId", officeId, "transactionSideId", "sell", "fieldData", Map.of("data", Map.of("address1",
                            "12 Elm Street", "zipCode", "02134")))));
            golden.assertMatches("room-created", room);
            String roomPath = base + "/rooms/" + room.get("roomId").intValue();
            golden.assertMatches("room-get", ok(admin.get(roomPath + "?includeFieldData=true")));
            golden.assertMatches("rooms-list", ok(admin.get(base + "/rooms")));
            golden.assertMatches("room-invite", created(admin.post(roomPath + "/users", Map.of("email", "carl@buyer.test",
                    "firstName", "Carl", "lastName", "Client", "roleId", buyerId, "transactionSideId", "buy"))));
            created(admin.post(roomPath + "/users", Map.of("email", "bob@acme.test", "firstName", "Bob",
                    "lastName", "Broker", "roleId", agentId)));
            golden.assertMatches("room-users", ok(admin.get(roomPath + "/users?sort=firstNameAsc")));
            golden.assertMatches("room-user-updated", ok(admin.put(roomPath + "/users/" + bob.get("userId").intValue(),
                    Map.of("transactionSideId", "listbuy"))));
            golden.assertMatches("assignable-roles", ok(admin.get(roomPath + "/assignable_roles?assigneeEmail="
                    + "bob@acme.test")));

            golden.assertMatches("error-not-found", status(admin.get(base + "/roles/99999"), 404));
            golden.assertMatches("error-invalid", status(admin.post(base + "/rooms", Map.of("roleId", "x")), 400));
            golden.assertMatches("error-forbidden", status(node.as(created.get("admin_key").get("key").stringValue())
                    .put(base + "/roles/" + adminRole, Map.of("name", "Root")), 403));
            golden.assertMatches("error-unauthenticated", status(node.anonymous().get(base + "/roles"), 401));
        }
    }

    private static JsonNode ok(Http.Res res) {
        return status(res, 200);
    }

    private static JsonNode created(Http.Res res) {
        return status(res, 201);
    }

    private static JsonNode status(Http.Res res, int status) {
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
        assertThat(res.header("Content-Type")).startsWith("application/json");
        assertNoNulls(res.json(), "$", res.toString());
        return res.json();
    }

    /** Rooms leaves out what it has no value for: no property of any response is an explicit null. */
    static void assertNoNulls(JsonNode node, String path, String shown) {
        assertThat(node.isNull()).as(path + " is null in " + shown).isFalse();
        if (node.isObject()) {
            node.properties().forEach(e -> assertNoNulls(e.getValue(), path + "." + e.getKey(), shown));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                assertNoNulls(node.get(i), path + "[" + i + "]", shown);
            }
        }
    }
}
