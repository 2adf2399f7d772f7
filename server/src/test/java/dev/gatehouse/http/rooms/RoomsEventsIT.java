package dev.gatehouse.http.rooms;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history of Rooms' own objects, read over HTTP from the events API: each stored room user ({@code room_user})
 * and Rooms profile ({@code rooms_profile}) appears once as created, as updated when it changes and as deleted when it
 * goes — whichever path stores or removes it (Rooms, {@code /v1}, an import, a room's deletion, a member's removal) —
 * so that a reader mirroring them from events or webhooks never meets an object it was not told of, nor keeps one
 * that is gone.
 */
class RoomsEventsIT {

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
    void creatingARoom_recordsItsOwnerAsARoomUserCreated_afterTheRoom() {
        RoomsAccount a = new RoomsAccount(node, fx);
        long owner = a.org.adminId();
        long start = node.appliedRevision();
        Http.Res created = a.admin.post(a.base + "/rooms", Map.of("name", "Deal", "ownerId", owner,
                "roleId", a.defaultAdminRole(), "transactionSideId", "buy"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        int room = created.get("roomId").intValue();

        List<JsonNode> events = events(a, start, "room,room_user");
        assertThat(lines(events)).containsExactly("room " + room + " created",
                "room_user " + room + "/" + owner + " created");
        assertThat(events.get(1).get("before").isNull()).isTrue();
        assertThat(events.get(1).at("/after/invited_by").longValue()).isEqualTo(owner);
        assertThat(events.get(1).at("/after/transaction_side_id").stringValue()).isEqualTo("buy");

        long changed = node.appliedRevision();
        assertThat(a.admin.put(a.base + "/rooms/" + room + "/users/" + owner, Map.of("transactionSideId", "sell"))
                .status()).isEqualTo(200);
        List<JsonNode> update = events(a, changed, "room_user");
        assertThat(lines(update)).containsExactly("room_user " + room + "/" + owner + " updated");
        assertThat(update.get(0).at("/before/transaction_side_id").stringValue()).isEqualTo("buy");
        assertThat(update.get(0).at("/after/transaction_side_id").stringValue()).isEqualTo("sell");
    }

    /**
     * A role given in a room through {@code /v1} or an import's line makes a room user (its inviter recorded); a role
     * taken away through {@code /v1} leaves its row (the inviter, the side), so inviting the user again updates it,
     * never creates it twice.
     */
    @Test
    void aRoleGivenThroughV1OrAnImport_recordsItsRoomUserCreated_andAUserInvitedBackIsUpdated() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = room(a);
        long carl = fx.external(a.org, "carl");
        String assignment = a.org.path() + "/resources/room/" + room + "/assignments/" + carl;

        long start = node.appliedRevision();
        assertThat(a.admin.put(assignment, Map.of("role_id", buyer)).status()).isEqualTo(200);
        List<JsonNode> given = events(a, start, "room_user");
        assertThat(lines(given)).containsExactly("room_user " + room + "/" + carl + " created");
        assertThat(given.get(0).at("/after/invited_by").longValue()).isEqualTo(a.org.adminId());

        assertThat(a.admin.delete(assignment).status()).isEqualTo(204);
        long removed = node.appliedRevision();
        Http.Res invited = a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", "carl@example.com",
                "firstName", "Carl", "lastName", "Buyer", "roleId", buyer, "transactionSideId", "sell"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        List<JsonNode> back = events(a, removed, "room_user");
        assertThat(lines(back)).containsExactly("room_user " + room + "/" + carl + " updated");
        assertThat(back.get(0).at("/before/transaction_side_id").isNull()).isTrue();
        assertThat(back.get(0).at("/after/transaction_side_id").stringValue()).isEqualTo("sell");
        assertThat(lines(events(a, 0, "room_user")).stream().filter(l -> l.startsWith("room_user " + room + "/"
                + carl + " "))).as("the room user's whole history").containsExactly(
                "room_user " + room + "/" + carl + " created", "room_user " + room + "/" + carl + " updated");

        long dora = fx.external(a.org, "dora");
        long beforeImport = node.appliedRevision();
        Http.Res imported = node.service().raw("POST", a.org.path() + "/import", "{\"type\": \"assignment\", "
                + "\"resource\": {\"type\": \"room\", \"id\": \"" + room + "\"}, \"user_id\": \"dora\", \"role\": "
                + "\"Buyer\"}\n", "application/x-ndjson");
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        assertThat(lines(events(a, beforeImport, "room_user"))).containsExactly(
                "room_user " + room + "/" + dora + " created");
    }

    /** Deleting a room deletes its room users, revoked ones (and their kept roles) included, each recorded first. */
    @Test
    void deletingARoom_recordsEachOfItsRoomUsersDeleted_beforeTheRoom() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = room(a);
        int carl = invite(a, room, "carl@example.com", buyer);
        int dora = invite(a, room, "dora@example.com", buyer);
        assertThat(a.admin.post(a.base + "/rooms/" + room + "/users/" + dora + "/revoke_access", Map.of()).status())
                .isEqualTo(204);

        long start = node.appliedRevision();
        assertThat(a.admin.delete(a.base + "/rooms/" + room).status()).isEqualTo(204);
        List<JsonNode> events = events(a, start, "room,room_user");
        assertThat(lines(events)).containsExactly(
                "room_user " + room + "/" + a.org.adminId() + " deleted",
                "room_user " + room + "/" + carl + " deleted",
                "room_user " + room + "/" + dora + " deleted",
                "room " + room + " deleted");
        assertThat(events.get(2).at("/before/revoked_role_id").longValue()).as("the kept role").isEqualTo(buyer);
        assertThat(events.get(2).get("after").isNull()).isTrue();
    }

    /**
     * Removing a member — through {@code /v1} or Rooms — deletes its room users in every room and its Rooms profile,
     * each recorded just before the member's own record, as its grants and assignments are.
     */
    @Test
    void removingAMember_recordsItsRoomUsersAndProfileDeleted_beforeItsOwnRecord() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int agent = a.role("Agent", false, "canViewRoomDetails");
        int first = room(a);
        int second = room(a);
        int carl = invite(a, first, "carl@example.com", buyer);
        assertThat(invite(a, second, "carl@example.com", buyer)).isEqualTo(carl);

        long start = node.appliedRevision();
        assertThat(node.service().delete(a.org.path() + "/members/" + carl).status()).isEqualTo(204);
        assertThat(lines(events(a, start, "room_user,rooms_profile,member"))).containsExactly(
                "room_user " + first + "/" + carl + " deleted",
                "room_user " + second + "/" + carl + " deleted",
                "member " + carl + " deleted");

        int bea = a.user("Bea", agent, "Contributor");
        assertThat(invite(a, first, "bea@acme.test", agent)).isEqualTo(bea);
        long removing = node.appliedRevision();
        assertThat(a.admin.delete(a.base + "/users/" + bea).status()).isEqualTo(204);
        List<JsonNode> removed = events(a, removing, "room_user,rooms_profile,member");
        assertThat(lines(removed)).containsExactly(
                "room_user " + first + "/" + bea + " deleted",
                "rooms_profile " + bea + " deleted",
                "member " + bea + " deleted");
        assertThat(removed.get(1).at("/before/access_level").stringValue()).isEqualTo("Contributor");
    }

    /**
     * A member without a stored profile (one added through {@code /v1}, an organization's first admin) is shown the
     * defaults; the first Rooms write of its profile stores it, recorded as created, not as an update of the defaults.
     */
    @Test
    void theFirstProfileStoredOfAMemberAddedThroughV1_isRecordedCreated() {
        RoomsAccount a = new RoomsAccount(node, fx);
        long agent = a.role("Agent", false, "canViewRoomDetails");
        long bob = fx.member(a.org, "bob", agent);
        for (long member : List.of(bob, a.org.adminId())) {
            long start = node.appliedRevision();
            Http.Res placed = a.admin.post(a.base + "/users/" + member + "/add_to_office", Map.of("officeId", a.office));
            assertThat(placed.status()).as(placed.toString()).isEqualTo(204);
            assertThat(a.admin.post(a.base + "/users/" + member + "/add_to_region", Map.of("regionId", a.region))
                    .status()).isEqualTo(204);
            List<JsonNode> events = events(a, start, "rooms_profile");
            assertThat(lines(events)).containsExactly("rooms_profile " + member + " created",
                    "rooms_profile " + member + " updated");
            assertThat(events.get(0).get("before").isNull()).isTrue();
            assertThat(events.get(0).at("/after/offices/0").intValue()).isEqualTo(a.office);
        }
    }

    private static int room(RoomsAccount a) {
        Http.Res res = a.admin.post(a.base + "/rooms", Map.of("name", "Deal", "roleId", a.defaultAdminRole()));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.get("roomId").intValue();
    }

    /** Invites the user of {@code email} (an outsider when none has it) into a room; returns its user id. */
    private static int invite(RoomsAccount a, int room, String email, int roleId) {
        Http.Res res = a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", email,
                "firstName", "Invited", "lastName", "Test", "roleId", roleId));
        assertThat(res.status()).as(res.toString()).isIn(200, 201);
        return res.get("userId").intValue();
    }

    /** The organization's events of the given object types after revision {@code after}, oldest first. */
    private static List<JsonNode> events(RoomsAccount a, long after, String objectTypes) {
        Http.Res res = node.service().get(a.org.path() + "/events?order=asc&limit=100&after_revision=" + after
                + "&object_type=" + objectTypes);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        res.json().get("items").forEach(out::add);
        return out;
    }

    private static List<String> lines(List<JsonNode> events) {
        return events.stream().map(e -> e.get("object_type").stringValue() + " " + e.get("object_id").stringValue()
                + " " + e.get("action").stringValue()).toList();
    }
}
