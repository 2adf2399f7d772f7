package dev.gatehouse.http.rooms;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Rooms call that changes nothing records nothing — no change-log revision, no event, no webhook — as a native
 * write that changes nothing: a room's field data merged with what it holds, a room user given the side and role it
 * has, a company user given the default office it has.
 */
class RoomsNoOpWritesIT {

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
    void fieldDataMergedWithWhatTheRoomHolds_recordsNothing() {
        RoomsAccount a = new RoomsAccount(node, fx);
        Http.Res created = a.admin.post(a.base + "/rooms", Map.of("name", "12 Elm Street", "roleId",
                a.defaultAdminRole(), "fieldData", Map.of("data", Map.of("city", "Boston", "zipCode", "02118"))));
        String path = a.base + "/rooms/" + created.get("roomId").intValue() + "/field_data";
        long revision = node.revision();

        Map<String, Object> removingAbsent = new HashMap<>();
        removingAbsent.put("address1", null);
        for (Map<String, Object> data : List.of(Map.<String, Object>of(), Map.<String, Object>of("city", "Boston"),
                removingAbsent)) {
            Http.Res same = a.admin.put(path, Map.of("data", data));
            assertThat(same.status()).as(same.toString()).isEqualTo(200);
            assertThat(same.get("data").get("city").stringValue()).isEqualTo("Boston");
            assertThat(same.get("data").get("zipCode").stringValue()).isEqualTo("02118");
        }
        assertThat(node.revision()).as("merges that change nothing").isEqualTo(revision);

        assertThat(a.admin.put(path, Map.of("data", Map.of("city", "Cambridge"))).status()).isEqualTo(200);
        assertThat(node.revision()).as("a merge that changes a value").isGreaterThan(revision);
    }

    @Test
    void roomUserGivenTheSideAndRoleItHas_recordsNothing() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String users = a.base + "/rooms/" + room + "/users";
        Http.Res invited = a.admin.post(users, Map.of("email", "side@side.test", "firstName", "S", "lastName", "S",
                "roleId", buyer, "transactionSideId", "buy"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        String user = users + "/" + invited.get("userId").intValue();
        long revision = node.revision();

        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("transactionSideId", "buy"),
                Map.of("roleId", buyer), Map.of("roleId", buyer, "transactionSideId", "buy"))) {
            Http.Res same = a.admin.put(user, body);
            assertThat(same.status()).as(same.toString()).isEqualTo(200);
            assertThat(same.get("transactionSideId").stringValue()).isEqualTo("buy");
        }
        assertThat(node.revision()).as("a room user given what it holds").isEqualTo(revision);

        assertThat(a.admin.put(user, Map.of("transactionSideId", "sell")).status()).isEqualTo(200);
        assertThat(node.revision()).as("a new side").isGreaterThan(revision);
    }

    @Test
    void companyUserGivenTheDefaultOfficeItHas_recordsNothing() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        String user = a.base + "/users/" + a.user("Dana", agent, "Company");
        assertThat(a.admin.put(user, Map.of("defaultOfficeId", a.office)).status()).isEqualTo(200);
        long revision = node.revision();

        Http.Res same = a.admin.put(user, Map.of("defaultOfficeId", a.office));
        assertThat(same.status()).as(same.toString()).isEqualTo(200);
        assertThat(same.get("defaultOfficeId").intValue()).isEqualTo(a.office);
        assertThat(node.revision()).as("the default office it has").isEqualTo(revision);
    }
}
