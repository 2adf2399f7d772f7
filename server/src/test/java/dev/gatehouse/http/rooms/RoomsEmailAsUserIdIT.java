package dev.gatehouse.http.rooms;

import dev.gatehouse.json.Json;
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

import static dev.gatehouse.http.rooms.RoomsAccount.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user Rooms invites gets its email as its Gatehouse user id, and a user id holds at most 200 characters through
 * every API: an email that is a valid address (up to 254 bytes) but longer than a user id may be is refused by each
 * invitation, in Rooms' shape and naming the email, and stores nothing; one of exactly 200 is taken, and the
 * organization's export imports into a new one.
 */
class RoomsEmailAsUserIdIT {

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
    void invitations_refuseAnEmailLongerThanAUserId_namingTheEmail_andStoreNothing() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        List<JsonNode> before = members(a.org);

        for (int length : List.of(201, 231, 254)) {
            String email = email(length);
            error(a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Long", "lastName", "Mail",
                    "email", email, "roleId", agent, "accessLevel", "Contributor", "offices", List.of(a.office))),
                    400, "INVALID_INPUT", "email: must be at most 200 characters", "user's id", "got " + length);
            error(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", email, "firstName", "Long",
                    "lastName", "Mail", "roleId", buyer)), 400, "INVALID_INPUT",
                    "email: must be at most 200 characters", "user's id", "got " + length);
        }

        assertThat(members(a.org)).isEqualTo(before);
        int outsider = a.invite(a.admin, room, email(200), buyer);
        assertThat(node.service().get(a.org.path() + "/members/" + outsider).get("user_id").stringValue())
                .isEqualTo(email(200));
    }

    @Test
    void classicInvitations_refuseAnEmailLongerThanAUserId() {
        ClassicAccount a = new ClassicAccount(node, fx);
        List<JsonNode> before = members(a.org);

        error(a.admin.post(a.base + "/users/invite_classic_agent", Map.of("firstName", "Long", "lastName", "Agent",
                "email", email(231), "officeId", a.o1)), 400, "INVALID_INPUT",
                "email: must be at most 200 characters", "user's id", "got 231");

        assertThat(members(a.org)).isEqualTo(before);
    }

    @Test
    void anEmailOfExactly200_isInvited_andItsOrganizationRoundTripsThroughExportAndImport() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        String companyUser = email(200);
        String second = "o" + companyUser.substring(1);
        for (String email : List.of(companyUser, second)) {
            Http.Res invited = a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Long",
                    "lastName", "Mail", "email", email, "roleId", agent, "accessLevel", "Contributor",
                    "offices", List.of(a.office)));
            assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        }

        Http.Res exported = node.service().get(a.org.path() + "/export");
        assertThat(exported.status()).as(exported.toString()).isEqualTo(200);
        assertThat(exported.body()).contains("\"user_id\":\"" + companyUser + "\"", "\"user_id\":\"" + second + "\"");
        Fixtures.Org copy = fx.org("rooms");
        Http.Res imported = node.service().raw("POST", copy.path() + "/import", exported.body(),
                "application/x-ndjson");

        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        for (String userId : List.of(companyUser, second)) {
            for (String named : List.of(userId, "user:" + userId)) {
                Http.Res member = node.service().get(copy.path() + "/members/" + named);
                assertThat(member.status()).as("%s by %s", member, named).isEqualTo(200);
                assertThat(member.get("email").stringValue()).isEqualTo(userId);
            }
        }
    }

    /**
     * An invited user's email becomes its user id, so one ending in a no-break space would be a second user that
     * looks exactly like the first: an email holds no space of any kind, nor another invisible character at an end (a
     * Hangul filler, a variation selector).
     * Each invitation refuses it, naming the email, and adds no one.
     */
    @Test
    void invitations_refuseAnEmailWithAnInvisibleCharacterAtAnEnd_orASpaceOfAnyKind_andAddNoOne() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        Http.Res invited = a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Sam", "lastName", "Pe",
                "email", "sp3@x.io", "roleId", agent, "accessLevel", "Contributor", "offices", List.of(a.office)));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        List<JsonNode> before = members(a.org);

        for (String email : List.of("sp3@x.io\u00a0", "sp3@x.io\u202f", "\ufeffsp3@x.io", "sp3@x.io\u200b",
                "sp3@x\u3000io", "sp3 @x.io", "sp3@x.io\u3164", "sp3@x.io\ufe0f")) {
            error(a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Sam", "lastName", "Pe",
                    "email", email, "roleId", agent, "accessLevel", "Contributor", "offices", List.of(a.office))),
                    400, "INVALID_INPUT", "email: must");
            error(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", email, "firstName", "Sam",
                    "lastName", "Pe", "roleId", buyer)), 400, "INVALID_INPUT", "email: must");
        }

        assertThat(members(a.org)).isEqualTo(before).extracting(m -> m.get("user_id").stringValue())
                .contains("sp3@x.io");
    }

    /**
     * Inside an email too: {@code b} U+200B {@code ob@acme.test} or {@code bo} U+FE0F {@code b@acme.test} would be a
     * second user that renders exactly like {@code bob@acme.test}. Each invitation refuses it in Rooms' shape, naming
     * the email and the character, and adds no one.
     */
    @Test
    void invitations_refuseAnEmailWithAnInvisibleCharacterInside_andAddNoOne() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        Http.Res invited = a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Bob", "lastName", "Pe",
                "email", "bob@acme.test", "roleId", agent, "accessLevel", "Contributor", "offices", List.of(a.office)));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        List<JsonNode> before = members(a.org);

        for (String email : List.of("b\u200bob@acme.test", "bo\ufe0fb@acme.test")) {
            String named = String.format("U+%04X inside", email.codePointAt(email.startsWith("b\u200b") ? 1 : 2));
            error(a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "Bob", "lastName", "Pe",
                    "email", email, "roleId", agent, "accessLevel", "Contributor", "offices", List.of(a.office))),
                    400, "INVALID_INPUT", "email: must not hold an invisible character", named);
            error(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", email, "firstName", "Bob",
                    "lastName", "Pe", "roleId", buyer)), 400, "INVALID_INPUT", "email: must not hold an invisible",
                    named);
        }

        assertThat(members(a.org)).isEqualTo(before).extracting(m -> m.get("user_id").stringValue())
                .contains("bob@acme.test");
    }

    /** A valid address of {@code length} ASCII characters: 64 before the @, then labels of at most 63. */
    static String email(int length) {
        StringBuilder domain = new StringBuilder("test");
        int rest = length - 65 - domain.length();
        while (rest > 0) {
            int label = Math.min(63, rest - 1);
            domain.insert(0, "d".repeat(label) + ".");
            rest -= label + 1;
        }
        String email = "u".repeat(64) + "@" + domain;
        assertThat(email).hasSize(length);
        return email;
    }

    /** The organization's members as its export lists them. */
    static List<JsonNode> members(Fixtures.Org org) {
        Http.Res res = node.service().get(org.path() + "/export");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String line : res.body().split("\n")) {
            JsonNode node = line.isEmpty() ? null : Json.readTree(line);
            if (node != null && node.get("type").stringValue().equals("member")) {
                out.add(node);
            }
        }
        return out;
    }
}
