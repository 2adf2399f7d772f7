package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that are valid but for one hostile value — a NUL or another control character, an unpaired
 * surrogate, a time beyond year 9999, a position at the end of the int range — are refused with a 400 naming
 * what is wrong, in every dialect, and change nothing. Each of these answered 500 once.
 */
class HostileValuesIT {

    static TestNode node;
    static Fixtures fixtures;
    static Fixtures.Org org;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fixtures = new Fixtures(node);
        org = fixtures.org("close");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void nativeBodies_refuseControlCharactersAndUnpairedSurrogates_namingTheField() {
        Fixtures.Org rooms = fixtures.org("rooms");
        long before = node.appliedRevision();
        long user = fixtures.roleId(org, "User");
        assertNamed(node.service().post(rooms.path() + "/roles", Map.of("name", "Ro\u0000le", "permissions",
                List.of())), "name");
        // written by hand: a client encoding the text as UTF-8 would turn the lone surrogate into '?'
        assertNamed(node.service().raw("POST", rooms.path() + "/roles", "{\"name\": \"Role \\ud800\", "
                + "\"permissions\": []}", "application/json"), "name");
        assertNamed(node.service().post(rooms.path() + "/roles", Map.of("name", "Role", "description", "a\u0001b",
                "permissions", List.of())), "description");
        assertNamed(node.service().post(org.path() + "/members", Map.of("user_id", "nul\u0000", "email", "a@b.example",
                "role_id", user)), "user_id");
        assertNamed(node.service().post(org.path() + "/members", Map.of("user_id", "nul", "email", "a\u0000@b.example",
                "role_id", user)), "email");
        assertNamed(node.service().raw("POST", org.path() + "/members", "{\"user_id\": \"nul\", \"email\": "
                + "\"a@b.example\", \"first_name\": \"\\udc00x\", \"role_id\": " + user + "}", "application/json"),
                "first_name");
        assertNamed(node.service().patch(org.path() + "/members/" + org.adminId(), Map.of("last_name", "\u007f")),
                "last_name");
        assertNamed(node.service().post("/v1/orgs", Map.of("name", "Org\u0000", "model", "close")), "name");
        assertNamed(node.service().post(org.path() + "/check", Map.of("member_id", org.adminId(),
                "permission", "calling\u0000")), "permission");
        assertThat(node.appliedRevision()).isEqualTo(before);
    }

    @Test
    void nativeQueryParameters_refuseControlCharacters_andTimesBeyondYear9999() {
        String events = org.path() + "/events";
        assertNamed(node.service().get(events + "?object_id=%00"), "object_id");
        assertNamed(node.service().get(events + "?key_id=a%01b"), "key_id");
        assertNamed(node.service().get(events + "?since=%2B999999999-12-31T23:59:59Z"), "since");
        assertNamed(node.service().get(events + "?until=-999999999-01-01T00:00:00Z"), "until");
        assertThat(node.service().get(events + "?since=9999-12-31T23:59:59Z").status()).isEqualTo(200);
        assertNamed(node.service().get(org.path() + "/members?status=%00"), "status");
        assertNamed(node.service().get(org.path() + "/members/" + org.adminId() + "/permissions?resource_type=room"
                + "&resource_id=r%00"), "resource_id");
        assertNamed(node.service().get(org.path() + "/members/a%01b"), "member");
    }

    @Test
    void closeRequests_refuseHostileValues_inClosesShape() {
        Http close = new Http(node.baseUrl() + "/api/v1", null).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((org.adminKey() + ":").getBytes(StandardCharsets.UTF_8)));
        long before = node.appliedRevision();
        Http.Res role = close.post("/role/", Map.of("name", "R\u0000", "permissions", List.of("view_all_leads")));
        assertThat(role.status()).as("%s", role).isEqualTo(400);
        assertThat(role.get("field-errors").has("name")).as("%s", role).isTrue();
        Http.Res group = close.raw("POST", "/group/", "{\"name\": \"G\\ud800\"}", "application/json");
        assertThat(group.status()).as("%s", group).isEqualTo(400);
        Http.Res date = close.get("/event/?date_updated__gte=%2B999999999-01-01");
        assertThat(date.status()).as("%s", date).isEqualTo(400);
        assertThat(date.get("field-errors").has("date_updated__gte")).as("%s", date).isTrue();
        Http.Res fields = close.get("/user/?_fields=id%00");
        assertThat(fields.status()).as("%s", fields).isEqualTo(400);
        assertThat(node.appliedRevision()).isEqualTo(before);
    }

    @Test
    void roomsRequests_refuseHostileValues_inRoomsShape() {
        Fixtures.Org rooms = fixtures.org("rooms");
        String account = "/restapi/v2/accounts/" + rooms.accountId();
        Http admin = node.as(rooms.adminKey());
        for (String path : List.of("/roles", "/rooms", "/users")) {
            Http.Res end = admin.get(account + path + "?startPosition=2147483600");
            assertRooms(end, "startPosition");
            assertThat(admin.get(account + path + "?startPosition=2147483547").status()).as(path).isEqualTo(200);
        }
        assertRooms(admin.get(account + "/rooms?fieldDataChangedStartDate=%2B999999999-12-31"),
                "fieldDataChangedStartDate");
        assertRooms(admin.get(account + "/rooms?roomClosedEndDate=-999999999-01-01"), "roomClosedEndDate");
        assertRooms(admin.get(account + "/users?filter=a%00"), "filter");
        long before = node.appliedRevision();
        assertRooms(admin.post(account + "/roles", Map.of("name", "R\u0000", "isExternal", false)), "name");
        assertThat(node.appliedRevision()).isEqualTo(before);
    }

    /** A 400 problem whose field errors name {@code field}. */
    /**
     * A query value whose bytes are not UTF-8 is refused like one holding a control character; the server's own
     * decoding would have turned it into U+FFFD and answered as if that had been sent.
     */
    @Test
    void queryValuesThatAreNotUtf8_areRefused_whileAReplacementCharacterSentAsSuchPasses() {
        for (String bad : List.of("x%ED%A0%BD", "x%FF", "%C0%80")) {
            Http.Res res = node.service().get(org.path() + "/members?q=" + bad);
            assertNamed(res, "q");
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_parameter");
        }
        assertThat(node.service().get(org.path() + "/members?q=%EF%BF%BD").status()).isEqualTo(200);
        // a % that begins no escape made the server drop the parameter: the filter was lost, not refused
        for (String bad : List.of("deactivated%zz", "deactivated%", "%2")) {
            // written by hand: a client's URI class refuses to send such a query
            try (RawHttp connection = RawHttp.connect(node.node().port())) {
                RawHttp.Response res = connection.send("GET " + org.path() + "/members?status=" + bad
                        + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestNode.SERVICE_KEY
                        + "\r\nConnection: close\r\n\r\n").read(java.time.Duration.ofSeconds(10));
                assertThat(res.status()).as(bad + ": " + res.body()).isEqualTo(400);
                assertThat(res.body()).contains("invalid_parameter").contains("status");
            }
        }
        assertThat(node.service().get(org.path() + "/events?object_id=x%FF").status()).isEqualTo(400);
    }

    /**
     * A path escape that does not decode (a %u escape, which the server lets through; bytes that are not UTF-8) is
     * a 400 in the dialect's shape, with or without a key, before any route reads a path parameter from it: it was
     * a 500, logged with its stack, for anyone who sent one.
     */
    @Test
    void pathEscapesThatDoNotDecode_areA400_inEveryDialect_beforeAnyKeyIsAsked() {
        String account = "/restapi/v2/accounts/";
        Map<String, String> shapes = new java.util.LinkedHashMap<>();
        shapes.put("/v1/orgs/%u0041", "\"code\":\"invalid_path\"");
        shapes.put(org.path() + "/members/%ud800", "\"code\":\"invalid_path\"");
        shapes.put("/v1/models/%u0041", "\"code\":\"invalid_path\"");
        shapes.put("/console/%u0041", "\"code\":\"invalid_path\"");
        shapes.put("/api/v1/role/%ud800/", "\"errors\":[\"the path");
        shapes.put(account + "%u0041", "\"errorCode\":\"INVALID_PATH\"");
        shapes.put(account + "1/rooms/%ud800", "\"errorCode\":\"INVALID_PATH\"");
        for (Map.Entry<String, String> path : shapes.entrySet()) {
            for (String auth : List.of("", "Authorization: Bearer " + TestNode.SERVICE_KEY + "\r\n")) {
                try (RawHttp connection = RawHttp.connect(node.node().port())) {
                    RawHttp.Response res = connection.send("GET " + path.getKey() + " HTTP/1.1\r\nHost: x\r\n" + auth
                            + "Connection: close\r\n\r\n").read(java.time.Duration.ofSeconds(10));
                    assertThat(res.status()).as(path.getKey() + ": " + res.body()).isEqualTo(400);
                    assertThat(res.body()).as(path.getKey()).contains(path.getValue());
                }
            }
        }
    }

    private static void assertNamed(Http.Res res, String field) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        JsonNode errors = res.get("errors");
        assertThat(errors).as("%s", res).isNotNull();
        assertThat(errors.has(field)).as("%s names %s", res, field).isTrue();
    }

    private static void assertRooms(Http.Res res, String named) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.json().propertyNames()).containsExactly("errorCode", "message", "referenceId");
        assertThat(res.get("message").stringValue()).as("%s", res).contains(named);
    }
}
