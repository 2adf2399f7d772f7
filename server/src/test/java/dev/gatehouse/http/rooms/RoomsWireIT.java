package dev.gatehouse.http.rooms;

import dev.gatehouse.http.Route;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Routes;
import dev.gatehouse.testing.ScriptDigits;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.http.rooms.RoomsAccount.error;
import static org.assertj.core.api.Assertions.assertThat;

/** What the Rooms SDKs depend on at the HTTP level: keys, content types, bodies, error shape, accounts. */
class RoomsWireIT {

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
    void missingOrInvalidKeys_are401InTheRoomsShape() {
        RoomsAccount a = new RoomsAccount(node, fx);
        Http.Res none = node.anonymous().get(a.base + "/roles");
        error(none, 401, "UNAUTHENTICATED", "API key");
        assertThat(none.header("WWW-Authenticate")).contains("Bearer");
        error(node.as("m_nope_nope").get(a.base + "/roles"), 401, "INVALID_KEY");
    }

    @Test
    void memberAndServiceKeys_areAccepted_asBearerOrBasic() {
        RoomsAccount a = new RoomsAccount(node, fx);
        assertThat(a.admin.get(a.base + "/roles").status()).isEqualTo(200);
        assertThat(node.service().get(a.base + "/roles").status()).isEqualTo(200);
        String basic = java.util.Base64.getEncoder().encodeToString((a.org.adminKey() + ":").getBytes());
        assertThat(node.anonymous().header("Authorization", "Basic " + basic).get(a.base + "/roles").status())
                .isEqualTo(200);
    }

    /**
     * What rooms.md tells a gateway in front of the API: an object has more than one path, one ending with {@code /}
     * and one writing the accountId's hex digits in upper case, so a rule must match both.
     */
    @Test
    void aPath_mayEndWithASlash_andWriteTheAccountIdInEitherCase() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int role = a.defaultAdminRole();
        String upper = a.base.replace(a.org.accountId(), a.org.accountId().toUpperCase(java.util.Locale.ROOT));
        assertThat(upper).isNotEqualTo(a.base);
        for (String path : List.of(a.base + "/roles/" + role + "/", upper + "/roles/" + role,
                upper + "/roles/" + role + "/")) {
            Http.Res res = a.admin.get(path);
            assertThat(res.status()).as("%s: %s", path, res).isEqualTo(200);
            assertThat(res.get("roleId").intValue()).isEqualTo(role);
        }
    }

    @Test
    void jsonBodies_areReadUnderEveryJsonContentType() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int n = 0;
        for (String type : new String[] {"application/json", "application/json-patch+json", "text/json",
                "application/vnd.example+json", "application/json; charset=utf-8", "TEXT/JSON"}) {
            Http.Res res = a.admin.raw("POST", a.base + "/roles", "{\"name\": \"Role " + (++n) + "\"}", type);
            assertThat(res.status()).as(type + ": " + res).isEqualTo(201);
            assertThat(res.header("Content-Type")).startsWith("application/json");
        }
        error(a.admin.raw("POST", a.base + "/roles", "{\"name\": \"Plain\"}", "text/plain"), 415,
                "UNSUPPORTED_MEDIA_TYPE", "text/plain");
        error(a.admin.raw("PUT", a.base + "/users/" + a.org.adminId(), "defaultOfficeId=1",
                "application/x-www-form-urlencoded"), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertThat(a.admin.get(a.base + "/roles").get("roles")).extracting(r -> r.get("name").stringValue())
                .doesNotContain("Plain");
        error(a.admin.raw("POST", a.base + "/roles", "{\"name\": ", "application/json"), 400, "INVALID_JSON");
        error(a.admin.raw("POST", a.base + "/roles", "[{\"name\": \"A\"}]", "application/json"), 400, "INVALID_JSON");
        error(a.admin.raw("POST", a.base + "/roles", "{\"name\": \"A\", \"name\": \"B\"}", "application/json"), 400,
                "INVALID_JSON");
    }

    /** A body is read in the charset its Content-Type names, as ASP.NET reads it; UTF-16 and Latin-1 alike. */
    @Test
    void aBody_isReadInTheCharsetItNames() {
        RoomsAccount a = new RoomsAccount(node, fx);
        String latin1 = "{\"name\": \"Caf\u00e9 Latin\"}";
        Http.Res res = a.admin.rawBytes("POST", a.base + "/roles", latin1.getBytes(StandardCharsets.ISO_8859_1),
                "application/json; charset=ISO-8859-1");
        assertThat(res.status()).as("%s", res).isEqualTo(201);
        assertThat(res.get("name").stringValue()).isEqualTo("Caf\u00e9 Latin");
        String utf16 = "{\"name\": \"\u0665 Sixteen\"}";
        res = a.admin.rawBytes("POST", a.base + "/roles", utf16.getBytes(StandardCharsets.UTF_16),
                "application/json; charset=utf-16");
        assertThat(res.status()).as("%s", res).isEqualTo(201);
        assertThat(res.get("name").stringValue()).isEqualTo("\u0665 Sixteen");
        error(a.admin.rawBytes("POST", a.base + "/roles", new byte[] {'{', (byte) 0xff, '}'},
                "application/json; charset=US-ASCII"), 400, "INVALID_JSON");
    }

    /**
     * Every route that may carry a body reads it through the one body check, those that take none ({@code unlock},
     * {@code reinvite}, {@code restore_access}) too: a non-JSON body is a 415 and malformed JSON a 400, and nothing
     * changes; an empty body is no body. Each route is walked (routes added later too), with ids that would let the
     * write go through: a locked and Pending user, a revoked room user.
     */
    @Test
    void everyRouteThatMayCarryABody_refusesANonJsonOrMalformedOne_andChangesNothing() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int carl = a.invite(a.admin, room, "carl@out.test", buyer);
        int bob = a.invited("Bob", agent, "Contributor");
        String bobPath = a.base + "/users/" + bob;
        String carlPath = a.base + "/rooms/" + room + "/users/" + carl;
        assertThat(a.admin.post(bobPath + "/lock", Map.of("reason", "left")).status()).isEqualTo(204);
        assertThat(a.admin.post(carlPath + "/revoke_access", Map.of()).status()).isEqualTo(204);
        Map<String, String> values = Map.of("accountId", a.org.accountId(), "roleId", String.valueOf(agent),
                "roomId", String.valueOf(room), "officeId", String.valueOf(a.office), "regionId",
                String.valueOf(a.region));
        List<Route> routes = node.node().http().routes().stream()
                .filter(r -> r.path().startsWith("/restapi/") && Routes.takesBody(r)).toList();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(21);
        long revision = node.appliedRevision();

        List<String> answered = new ArrayList<>();
        for (Route route : routes) {
            Map<String, String> ids = new HashMap<>(values);
            // a room's user is the revoked outsider, a company user the locked and Pending one
            ids.put("userId", String.valueOf(route.path().contains("/rooms/") ? carl : bob));
            String path = Routes.fill(route.path(), ids);
            String method = route.method().name();
            Http.Res plain = a.admin.raw(method, path, "garbage", "text/plain");
            answered.add(method + " " + route.path() + " text/plain: " + plain.status() + " " + code(plain));
            for (String malformed : List.of("{", "[]", "garbage")) {
                Http.Res res = a.admin.raw(method, path, malformed, "application/json");
                answered.add(method + " " + route.path() + " " + malformed + ": " + res.status() + " " + code(res));
            }
        }
        assertThat(answered).as("every answer").allSatisfy(line -> assertThat(line)
                .matches(".* text/plain: 415 UNSUPPORTED_MEDIA_TYPE|.* (\\{|\\[]|garbage): 400 INVALID_JSON"));
        assertThat(node.appliedRevision()).as("nothing changed").isEqualTo(revision);
        JsonNode locked = a.admin.get(bobPath).json();
        assertThat(locked.get("isLockedOut").booleanValue()).isTrue();
        assertThat(locked.get("status").stringValue()).isEqualTo("Pending");

        assertThat(a.admin.raw("POST", bobPath + "/unlock", "", null).status()).as("no body").isEqualTo(204);
        assertThat(a.admin.get(bobPath).get("isLockedOut").booleanValue()).isFalse();
        assertThat(a.admin.raw("POST", bobPath + "/reinvite", "{}", "application/json-patch+json").status())
                .isEqualTo(204);
        assertThat(a.admin.raw("POST", carlPath + "/restore_access", "", "application/json").status())
                .isEqualTo(204);
    }

    private static String code(Http.Res res) {
        return res.status() >= 400 ? res.get("errorCode").stringValue() : "";
    }

    @Test
    void aJsonPatchBodyOfEmptyObject_onDelete_isIgnored() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int role = a.role("Short-lived", false);
        Http.Res res = a.admin.raw("DELETE", a.base + "/roles/" + role, "{}", "application/json-patch+json");
        assertThat(res.status()).isEqualTo(204);
        assertThat(res.body()).isEmpty();
        assertThat(res.header("Gatehouse-Revision")).isNotNull();
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        assertThat(a.admin.raw("DELETE", a.base + "/rooms/" + room, "{}", "application/json").status()).isEqualTo(204);
    }

    @Test
    void aContentTypeOnGet_isIgnored() {
        RoomsAccount a = new RoomsAccount(node, fx);
        Http.Res res = a.admin.header("Content-Type", "application/json").get(a.base + "/roles");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("Content-Type")).startsWith("application/json");
        assertThat(a.admin.header("Content-Type", "text/plain").get(a.base + "/users").status()).isEqualTo(200);
    }

    @Test
    void writes_answerWithTheirRevision() {
        RoomsAccount a = new RoomsAccount(node, fx);
        Http.Res created = a.admin.post(a.base + "/roles", Map.of("name", "Tracked"));
        assertThat(created.revision()).isPositive();
        Http.Res check = node.service().post(a.org.path() + "/check", Map.of("member_id", a.org.adminId(),
                "permission", "canCreateRooms", "min_revision", created.revision()));
        assertThat(check.get("allowed").booleanValue()).isTrue();
    }

    /** A 204 has no body, so it names no Content-Type (it named the server's default, text/plain). */
    @Test
    void noContentAnswers_carryNoContentType() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int carl = a.invite(a.admin, room, "carl@out.test", buyer);
        String path = a.base + "/rooms/" + room + "/users/" + carl;
        int gone = a.role("Gone", false, "canCreateRooms");
        for (Http.Res res : List.of(a.admin.post(path + "/revoke_access", Map.of()),
                a.admin.post(path + "/restore_access", Map.of()), a.admin.delete(a.base + "/roles/" + gone))) {
            assertThat(res.status()).as(res.toString()).isEqualTo(204);
            assertThat(res.header("Content-Type")).as(res.toString()).isNull();
        }
    }

    @Test
    void accounts_areAddressedByGuid_andOnlyRoomsOrganizationsAnswer() {
        RoomsAccount a = new RoomsAccount(node, fx);
        error(a.admin.get("/restapi/v2/accounts/42/roles"), 400, "INVALID_ACCOUNT_ID", "GUID");
        error(a.admin.get("/restapi/v2/accounts/" + UUID.randomUUID() + "/roles"), 404, "ORGANIZATION_NOT_FOUND");
        RoomsAccount other = new RoomsAccount(node, fx);
        error(a.admin.get(other.base + "/roles"), 404, "ORGANIZATION_NOT_FOUND");
        assertThat(node.service().get(other.base + "/roles").status()).isEqualTo(200);

        Fixtures.Org close = fx.org("close");
        Http.Res refused = node.as(close.adminKey()).get("/restapi/v2/accounts/" + close.accountId() + "/roles");
        error(refused, 400, "NOT_A_ROOMS_ACCOUNT", "\"close\"", "\"rooms\"");
        assertThat(refused.get("message").stringValue()).as("the account by its GUID alone")
                .contains(close.accountId()).doesNotContain("organization " + close.id());
        error(node.service().get("/restapi/v2/accounts/" + close.accountId()), 400, "NOT_A_ROOMS_ACCOUNT");
    }

    /**
     * An id in a path has one spelling, as an account's GUID has: ASCII digits without a sign, spaces or a leading
     * zero, else a 400 INVALID_ID naming it ({@code rooms/+1}, {@code rooms/0001} and {@code roles/%204} were read
     * as ids 1 and 4). A count in the query is read as .NET reads an int: a sign and surrounding spaces, ASCII
     * digits only (not Java's any-script digits).
     */
    @Test
    void pathIds_haveOneSpelling_andCountsAreAsciiDigits() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "Digits", a.defaultAdminRole());
        int role = a.defaultAdminRole();
        String arabicIndic = ScriptDigits.encode(ScriptDigits.write(room, ScriptDigits.ARABIC_INDIC));
        String fullWidth = ScriptDigits.encode(ScriptDigits.write(room, ScriptDigits.FULL_WIDTH));
        for (String path : List.of("/rooms/" + arabicIndic, "/rooms/" + fullWidth, "/rooms/%2B" + room,
                "/rooms/0" + room, "/rooms/000" + room, "/rooms/%20" + room, "/rooms/" + room + "%20",
                "/rooms/" + room + "%09", "/rooms/-" + room, "/roles/%20" + role, "/roles/0" + role,
                "/users/%2B" + a.org.adminId(), "/users/0" + a.org.adminId())) {
            error(a.admin.get(a.base + path), 400, "INVALID_ID");
        }
        error(a.admin.get(a.base + "/users?count=" + ScriptDigits.encode(ScriptDigits.write(5, ScriptDigits.ARABIC_INDIC))),
                400, "INVALID_REQUEST_PARAMETER");
        assertThat(a.admin.get(a.base + "/rooms/" + room).status()).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/roles/" + role).status()).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/users?count=%2B5").status()).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/users?count=%205%20").status()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAndMethods_answerInTheRoomsShape() {
        RoomsAccount a = new RoomsAccount(node, fx);
        for (Http.Res res : java.util.List.of(a.admin.get(a.base + "/form_libraries"), a.admin.get("/restapi/v1/whatever"),
                a.admin.patch(a.base + "/roles/1", Map.of("name", "x")))) {
            assertThat(res.status()).as(res.toString()).isIn(404, 405);
            assertThat(res.header("Content-Type")).startsWith("application/json");
            assertThat(res.json().propertyNames()).containsExactly("errorCode", "message", "referenceId");
        }
        assertThat(a.admin.patch(a.base + "/roles/1", Map.of("name", "x")).status()).isEqualTo(405);
    }

    @Test
    void bodiesAreOptionalWhereRoomsMakesThemOptional() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int carl = a.invite(a.admin, room, "carl@out.test", buyer);
        String path = a.base + "/rooms/" + room + "/users/" + carl;
        assertThat(a.admin.raw("POST", path + "/revoke_access", "", "application/json-patch+json").status())
                .isEqualTo(204);
        assertThat(a.admin.raw("POST", path + "/restore_access", "", null).status()).isEqualTo(204);
        error(a.admin.raw("POST", a.base + "/roles", "", "application/json"), 400, "INVALID_INPUT", "name");
    }
}
