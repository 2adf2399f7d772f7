package dev.gatehouse.http.rooms;

import dev.gatehouse.http.Route;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.MalformedBodies;
import dev.gatehouse.testing.Routes;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on every route of the Rooms dialect (routes added later are walked too): garbage in each path
 * parameter and query parameter, malformed and mistyped bodies, oversized bodies, missing credentials; control
 * characters, unpaired surrogates, broken UTF-8 and numbers at the edges of int32, int64 and double in every
 * body field, path parameter and query parameter; dates beyond year 9999. Never a 5xx; every error in Rooms'
 * ApiError shape.
 */
class RoomsBadInputIT {

    static final List<String> FIELDS = List.of("name", "isExternal", "permissions", "firstName", "lastName", "email",
            "roleId", "accessLevel", "defaultOfficeId", "offices", "regions", "eSignPermissionProfileId", "reason",
            "ownerId", "officeId", "transactionSideId", "templateId", "listingSource", "fieldData", "revocationDate",
            "subscribeToRoomsActivityNotifications", "redirectUrl", "data", "regionId", "address1", "city", "stateId",
            "postalCode", "countryId", "timeZoneId", "phone");
    static final List<String> WRONG_TYPED = List.of("{\"zz_nested\": true}", "[true]", "1.5", "99999999999",
            "\"" + "x".repeat(3000) + "\"");
    static final List<String> MALFORMED = List.of("{", "}", "{\"name\": }", "[]", "\"text\"", "42", "null",
            "{\"a\": 1, \"a\": 2}", "{} {}", "\u00ff\u00fe", "[".repeat(5000) + "]".repeat(5000));
    static final List<String> QUERY_GARBAGE = List.of("count=abc", "count=0", "count=101", "count=1&count=2",
            "startPosition=-1", "startPosition=99999999999", "filterContext=x", "onlyAssignable=x",
            "includeIsAssigned=x", "sort=x", "status=x", "accessLevel=x", "roleId=abc", "roleId=99999999999",
            "lockedOnly=x", "defaultOfficeId=x", "titleId=99999999999", "roomStatus=x,open", "officeId=x",
            "fieldDataChangedStartDate=x", "roomClosedEndDate=2024-13-45", "includeFieldData=x",
            "assigneeEmail=" + "x".repeat(300), "filter=" + "%25".repeat(10), "filter=" + "x".repeat(3000));

    /** Strings no field accepts, as JSON: control characters and unpaired surrogates. */
    static final List<String> BAD_TEXT = List.of("\"\\u0000\"", "\"a\\u0001b\"", "\"\\u007f\"", "\"\\ud800\"",
            "\"x\\udc00\"", "[\"\\u0000\"]");
    /** Numbers at and beyond the edges of 32- and 64-bit integers and of doubles. */
    static final List<String> BOUNDARY_NUMBERS = List.of("-1", "2147483648", "9223372036854775808", "1e308");
    /** Path segments: control characters, broken UTF-8, numbers at the edges. */
    static final List<String> PATH_EDGES = List.of("%01", "%7F", "%C2%85", "%ED%A0%80", "%FF", "2147483647",
            "-2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e308");
    /** Every query parameter a Rooms route reads. */
    static final List<String> QUERY_NAMES = List.of("count", "startPosition", "filterContext", "onlyAssignable",
            "includeIsAssigned", "sort", "status", "accessLevel", "roleId", "lockedOnly", "defaultOfficeId", "titleId",
            "roomStatus", "officeId", "fieldDataChangedStartDate", "fieldDataChangedEndDate", "roomClosedStartDate",
            "roomClosedEndDate", "includeFieldData", "assigneeEmail", "filter", "search", "onlyAccessible",
            "managedOnly");
    static final List<String> QUERY_EDGES = List.of("%00", "%ED%A0%80", "-1", "2147483647", "9223372036854775808");
    static final List<String> FAR_TIMES = List.of("%2B999999999-12-31T23:59:59Z", "-999999999-01-01", "%2B10000-01-01");

    static TestNode node;
    static Map<String, String> valid;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        RoomsAccount a = new RoomsAccount(node, new Fixtures(node));
        int role = a.role("Agent", false, "canCreateRooms");
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int user = a.invite(a.admin, room, "carl@out.test", buyer);
        a.user("Bob", role, "Contributor");
        valid = Map.of("accountId", a.org.accountId(), "roleId", String.valueOf(role), "userId", String.valueOf(user),
                "roomId", String.valueOf(room), "officeId", String.valueOf(a.office), "regionId",
                String.valueOf(a.region));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static List<String> garbage(String param) {
        List<String> values = new ArrayList<>(List.of("x".repeat(1000), "%20", "0", "-1"));
        values.addAll(PATH_EDGES);
        if (param.equals("accountId")) {
            values.addAll(List.of("abc", UUID.randomUUID().toString(), "00000000-0000-0000-0000-00000000000g",
                    "1-1-1-1-1"));
        } else {
            values.addAll(List.of("abc", "1.5", "1e3", "2147483648", "99999999999999999999", "999999"));
        }
        return values;
    }

    @Test
    void malformedBodies_areDescribedInPlainWords_withoutTheJsonLibrarysNames() {
        String roles = "/restapi/v2/accounts/" + valid.get("accountId") + "/roles";
        MalformedBodies.assertDescribedPlainly(body -> node.service().raw("POST", roles, body, "application/json"),
                res -> res.get("message").stringValue());
    }

    /**
     * Names people pick from a list — roles, rooms, offices, regions, users' first and last names — hold no invisible
     * character but where a person writes one: a role named by a zero-width space, or {@code Default} U+200B
     * {@code Admin} beside the system role {@code Default Admin}, an office named by a no-break space and a user
     * whose names are invisible were all created. Each is a 400 INVALID_INPUT naming the field, and nothing is
     * created. Spaces of every kind at the ends are trimmed, so {@code Default Admin} followed by a no-break space is
     * the system role's name, taken (409); what people write is taken as sent.
     */
    @Test
    void namesHoldingAnInvisibleCharacter_areRefused_withNothingCreated() {
        RoomsAccount a = new RoomsAccount(node, new Fixtures(node));
        int adminRole = a.defaultAdminRole();
        int room = a.room(a.admin, "Lake House", adminRole);
        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        Map<String, String> lists = Map.of("/roles", "roles", "/rooms", "rooms", "/offices", "officeSummaries",
                "/regions", "regionSummaries", "/users", "userSummaries", "/rooms/" + room + "/users", "users");
        Map<String, Object> before = new HashMap<>();
        lists.forEach((path, items) -> before.put(path, a.admin.get(a.base + path).get(items)));

        RoomsAccount.error(a.admin.post(a.base + "/roles", Map.of("name", "Default\u200bAdmin", "permissions",
                Map.of())), 400, "INVALID_INPUT", "name: must not hold an invisible character or whitespace other than "
                + "a space, got \"Default\u200bAdmin\" (U+200B inside, at position 7)");
        for (String blank : List.of("\u200b", "\u00a0", "\u3164")) {
            RoomsAccount.error(a.admin.post(a.base + "/roles", Map.of("name", blank, "permissions", Map.of())), 400,
                    "INVALID_INPUT", "name: must not be blank");
        }
        RoomsAccount.error(a.admin.post(a.base + "/roles", Map.of("name", "Default Admin\u00a0", "permissions",
                Map.of())), 409, "ROLE_NAME_TAKEN");
        RoomsAccount.error(a.admin.post(a.base + "/rooms", Map.of("name", "\u200b", "roleId", adminRole)), 400,
                "INVALID_INPUT", "name: must not be blank");
        RoomsAccount.error(a.admin.post(a.base + "/rooms", Map.of("name", "Lake\u2060House", "roleId", adminRole)), 400,
                "INVALID_INPUT", "(U+2060 inside, at position 4)");
        RoomsAccount.error(a.admin.post(a.base + "/offices", Map.of("name", "\u00a0")), 400, "INVALID_INPUT",
                "name: must not be blank");
        RoomsAccount.error(a.admin.post(a.base + "/regions", Map.of("name", "North\ufeff")), 400, "INVALID_INPUT",
                "name: must not begin or end with whitespace or an invisible character");
        RoomsAccount.error(a.admin.post(a.base + "/users/invite_user", Map.of("firstName", "\u00a0", "lastName",
                "\u200b", "email", "hidden@acme.test", "roleId", adminRole, "accessLevel", "Admin")), 400,
                "INVALID_INPUT", "firstName: must not be blank", "lastName: must not be blank");
        RoomsAccount.error(a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", "out@acme.test",
                "firstName", "\u00a0", "lastName", "\u200b", "roleId", buyer)), 400, "INVALID_INPUT",
                "firstName: must not be blank", "lastName: must not be blank");
        lists.forEach((path, items) -> assertThat(a.admin.get(a.base + path).get(items)).as("nothing created: " + path)
                .isEqualTo(before.get(path)));

        String persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645";
        Http.Res role = a.admin.post(a.base + "/roles", Map.of("name", "\u00a0" + persian + "\u3000", "permissions",
                Map.of()));
        assertThat(role.status()).as(role.toString()).isEqualTo(201);
        assertThat(role.get("name").stringValue()).isEqualTo(persian);
        Http.Res office = a.admin.post(a.base + "/offices", Map.of("name", "Caf\u00e9 \u00d6konomie"));
        assertThat(office.status()).as(office.toString()).isEqualTo(201);
        assertThat(office.get("name").stringValue()).isEqualTo("Caf\u00e9 \u00d6konomie");
        Http.Res invited = a.admin.post(a.base + "/rooms/" + room + "/users", Map.of("email", "out@acme.test",
                "firstName", "\u0928\u092e\u0938\u094d\u0924\u0947", "lastName",
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "roleId", buyer));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        assertThat(invited.get("lastName").stringValue()).isEqualTo("\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67");
    }

    @TestFactory
    Stream<DynamicContainer> everyRoomsRoute_answersBadInputWithA4xxInTheRoomsShape() {
        List<Route> routes = node.node().http().routes().stream().filter(r -> r.path().startsWith("/restapi/")).toList();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(23);
        return routes.stream().map(route -> {
            String method = route.method().name();
            Map<String, String> values = new HashMap<>(valid);
            Routes.params(route.path()).forEach(p -> values.putIfAbsent(p, "1"));
            String path = Routes.fill(route.path(), values);
            String body = Routes.takesBody(route) ? "{}" : null;
            List<DynamicTest> tests = new ArrayList<>();
            tests.add(test("without credentials", () -> node.anonymous().raw(method, path, body, "application/json"), 401));
            tests.add(test("with an unknown key", () -> node.as("m_nope_" + "x".repeat(43))
                    .raw(method, path, body, "application/json"), 401));
            for (String param : Routes.params(route.path())) {
                for (String bad : garbage(param)) {
                    Map<String, String> badValues = new HashMap<>(values);
                    badValues.put(param, bad);
                    String badPath = Routes.fill(route.path(), badValues);
                    tests.add(test("{" + param + "} = " + abbreviate(bad),
                            () -> node.service().raw(method, badPath, body, "application/json"), 4));
                }
            }
            if (Routes.takesBody(route)) {
                for (String bad : MALFORMED) {
                    tests.add(test("body " + abbreviate(bad), () -> node.service().raw(method, path, bad,
                            "application/json"), 0));
                }
                for (String field : FIELDS) {
                    for (String value : WRONG_TYPED) {
                        String bad = "{\"" + field + "\": " + value + "}";
                        tests.add(test("body " + abbreviate(bad), () -> node.service().raw(method, path, bad,
                                "application/json-patch+json"), 0));
                    }
                    for (String value : BOUNDARY_NUMBERS) {
                        String bad = "{\"" + field + "\": " + value + "}";
                        tests.add(test("body " + abbreviate(bad), () -> node.service().raw(method, path, bad,
                                "application/json"), 0));
                    }
                }
                // text no field accepts, in every field at once: refused wherever the body is read
                for (String value : BAD_TEXT) {
                    String bad = everyField(value);
                    tests.add(test("every field " + value, () -> node.service().raw(method, path, bad,
                            "application/json"), 0));
                }
                // the edge refuses an oversized body before any route runs, whether the route reads its body or not
                tests.add(test("body over 1 MiB", () -> node.service().raw(method, path,
                        "{\"name\": \"" + "x".repeat(1024 * 1024 + 16) + "\"}", "application/json"), 413));
                tests.add(test("content type text/plain", () -> node.service().raw(method, path, "{\"a\": 1}",
                        "text/plain"), 0));
            }
            if (method.equals("GET")) {
                List<String> queries = new ArrayList<>(QUERY_GARBAGE);
                for (String name : QUERY_NAMES) {
                    QUERY_EDGES.forEach(value -> queries.add(name + "=" + value));
                }
                for (String name : List.of("fieldDataChangedStartDate", "fieldDataChangedEndDate", "roomClosedStartDate",
                        "roomClosedEndDate")) {
                    FAR_TIMES.forEach(value -> queries.add(name + "=" + value));
                }
                for (String query : queries) {
                    tests.add(test("query " + abbreviate(query), () -> node.service().get(path + "?" + query), 0));
                }
            }
            return DynamicContainer.dynamicContainer(method + " " + route.path(), tests);
        });
    }

    /**
     * A request that must not fail on the server: any 2xx is fine (Rooms ignores what it does not read), an
     * error is in Rooms' shape; {@code expected} 4 demands a 4xx, another non-zero value that exact status.
     */
    private static DynamicTest test(String name, Supplier<Http.Res> request, int expected) {
        return DynamicTest.dynamicTest(name, () -> {
            Http.Res res = request.get();
            String shown = abbreviate(res.toString(), 300);
            assertThat(res.status()).as(shown).isLessThan(500);
            if (expected == 4) {
                assertThat(res.status()).as(shown).isBetween(400, 499);
            } else if (expected != 0) {
                assertThat(res.status()).as(shown).isEqualTo(expected);
            }
            if (res.status() >= 400) {
                assertThat(res.header("Content-Type")).as(shown).startsWith("application/json");
                assertThat(res.json().propertyNames()).as(shown).containsExactly("errorCode", "message", "referenceId");
                assertThat(res.json().get("message").stringValue()).as(shown).isNotBlank();
            }
        });
    }

    /** A body with every field of {@link #FIELDS} set to {@code value} (JSON). */
    static String everyField(String value) {
        StringBuilder body = new StringBuilder("{");
        for (String field : FIELDS) {
            body.append(body.length() > 1 ? ", " : "").append('"').append(field).append("\": ").append(value);
        }
        return body.append('}').toString();
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 40);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "... (" + s.length() + " chars)";
    }
}
