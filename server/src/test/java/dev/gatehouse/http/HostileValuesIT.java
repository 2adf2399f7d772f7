package dev.gatehouse.http;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that are valid but for one hostile value — a NUL or another control character, an unpaired
 * surrogate, an overlong UTF-8 form, a number too long to read back once stored, a time beyond year 9999, a
 * position at the end of the int range — are refused with a 400 naming what is wrong, in every dialect, and
 * change nothing. Each of these answered 500 once, or (the overlong form) was taken as the character it spells.
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

    /**
     * Bytes that are not UTF-8 but that the JSON parser would decode — an overlong form ({@code C0 BC} is '<',
     * {@code E0 80 AF} '/', {@code C0 80} U+0000), a four-byte form beyond U+10FFFF — are refused as a lone
     * {@code FF} is, as text that is not valid UTF-8, in every dialect's shape and on every way a body is read (the
     * check's direct path, an import line), and change nothing: a body holding no '<' byte once made a role named
     * {@code ov<script>-"-/}. Text in UTF-8 beyond ASCII passes.
     */
    @Test
    void bodiesWithOverlongOrOutOfRangeUtf8_areRefusedAsNotUtf8_inEveryDialect_andChangeNothing() {
        Fixtures.Org rooms = fixtures.org("rooms");
        Http close = new Http(node.baseUrl() + "/api/v1", null).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((org.adminKey() + ":").getBytes(StandardCharsets.UTF_8)));
        Http roomsAdmin = node.as(rooms.adminKey());
        String roomsRoles = "/restapi/v2/accounts/" + rooms.accountId() + "/roles";
        long before = node.appliedRevision();
        List<byte[]> malformed = List.of(bytes(0xC0, 0xBC), bytes(0xC0, 0xBE), bytes(0xC0, 0xA2),
                bytes(0xE0, 0x80, 0xAF), bytes(0xC0, 0x80), bytes(0xC1, 0xBF), bytes(0xF0, 0x80, 0x80, 0xAF),
                bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF7, 0xBF, 0xBF, 0xBF), bytes(0xED, 0xB0, 0xAF), bytes(0xFF),
                bytes(0x80), bytes(0xE2, 0x82));
        for (byte[] bad : malformed) {
            String shown = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bad);
            byte[] role = json("{\"name\": \"ov", bad, "script\", \"permissions\": []}");
            assertNotUtf8(node.service().rawBytes("POST", org.path() + "/roles", role, "application/json"), shown);
            assertNotUtf8(node.service().rawBytes("POST", org.path() + "/check", json("{\"user_id\": \"u", bad,
                    "\", \"permission\": \"view_all_leads\"}"), "application/json"), shown);
            assertNotUtf8(node.service().rawBytes("POST", org.path() + "/check", json("{\"member_id\": " + org.adminId()
                    + ", \"permission\": \"view_all_leads", bad, "\"}"), "application/json"), shown);
            Http.Res imported = node.service().rawBytes("POST", org.path() + "/import", json("{\"type\": \"role\", "
                    + "\"name\": \"ov", bad, "script\", \"permissions\": []}\n"), "application/x-ndjson");
            assertNotUtf8(imported, shown);
            assertThat(imported.get("line").longValue()).isEqualTo(1);

            Http.Res closeRole = close.rawBytes("POST", "/role/", json("{\"name\": \"ov", bad, "script\", "
                    + "\"permissions\": [\"view_all_leads\"]}"), "application/json");
            assertThat(closeRole.status()).as("%s: %s", shown, closeRole).isEqualTo(400);
            assertThat(closeRole.get("errors").get(0).stringValue()).as(shown).contains("not valid UTF-8");

            Http.Res roomsRole = roomsAdmin.rawBytes("POST", roomsRoles, json("{\"name\": \"ov", bad, "script\", "
                    + "\"isExternal\": false}"), "application/json");
            assertThat(roomsRole.status()).as("%s: %s", shown, roomsRole).isEqualTo(400);
            assertThat(roomsRole.json().propertyNames()).containsExactly("errorCode", "message", "referenceId");
            assertThat(roomsRole.get("errorCode").stringValue()).isEqualTo("INVALID_JSON");
            assertThat(roomsRole.get("message").stringValue()).as(shown).contains("not valid UTF-8");
        }
        assertThat(node.appliedRevision()).as("nothing changed").isEqualTo(before);

        // the longest well-formed sequences of each length, and the first beyond the surrogates, pass
        byte[] edges = bytes(0xDF, 0xBF, 0xEF, 0xBF, 0xBD, 0xEE, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF);
        Http.Res role = node.service().rawBytes("POST", org.path() + "/roles", json("{\"name\": \"Rôle ✓ ", edges,
                "\", \"permissions\": [\"view_all_leads\"]}"), "application/json");
        assertThat(role.status()).as("%s", role).isEqualTo(201);
        assertThat(role.get("name").stringValue()).isEqualTo("Rôle ✓ \u07ff\ufffd\ue000\udbff\udfff");
    }

    /**
     * A number is stored as PostgreSQL keeps it, written out in full, and must read back under the JSON parser's
     * limit of 1000 digits: one longer so written ({@code 1e1000}) is a 400 naming where it is, in every dialect and
     * import line, and changes nothing — a Close webhook whose {@code extra_filter} held it answered 500 as its write
     * read its own value back. An exponent beyond what a Java decimal holds answered 500 before anything was stored.
     */
    @Test
    void numbersOfMoreThan1000DigitsWrittenOut_areRefused_inEveryDialect_andWhatIsStoredReadsBack() {
        Http close = new Http(node.baseUrl() + "/api/v1", null).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((org.adminKey() + ":").getBytes(StandardCharsets.UTF_8)));
        long before = node.appliedRevision();
        for (String number : List.of("1e1000", "-1e1000", "1e-1000", "1e99999999999", "1e-99999999999")) {
            Http.Res webhook = close.raw("POST", "/webhook/", webhook(number), "application/json");
            assertThat(webhook.status()).as("%s: %s", number, webhook).isEqualTo(400);
            assertThat(webhook.get("field-errors").get("events").stringValue()).as("%s", webhook)
                    .startsWith("Item 0, extra_filter.value: the number ");
            Http.Res role = node.service().raw("POST", org.path() + "/roles", "{\"name\": \"R\", \"permissions\": [], "
                    + "\"n\": [" + number + "]}", "application/json");
            assertNamed(role, "n[0]");
            assertThat(role.get("code").stringValue()).isEqualTo("invalid_input");
            Http.Res imported = node.service().raw("POST", org.path() + "/import", "{\"type\": \"role\", \"name\": "
                    + "\"R\", \"permissions\": [], \"n\": [" + number + "]}\n", "application/x-ndjson");
            assertNamed(imported, "n[0]");
            assertThat(imported.get("line").longValue()).isEqualTo(1);
        }
        assertThat(node.appliedRevision()).as("nothing changed").isEqualTo(before);

        Http.Res kept = close.raw("POST", "/webhook/", webhook("1e999"), "application/json");
        assertThat(kept.status()).as("%s", kept).isEqualTo(201);
        String id = kept.get("id").stringValue();
        Http.Res read = close.get("/webhook/" + id + "/");
        assertThat(read.status()).as("%s", read).isEqualTo(200);
        assertThat(read.get("events").get(0).at("/extra_filter/value").toString()).isEqualTo("1" + "0".repeat(999));
        assertThat(node.service().get(org.path() + "/webhooks").status()).isEqualTo(200);
        assertThat(node.service().get(org.path() + "/events?limit=100").status()).isEqualTo(200);
    }

    private static String webhook(String number) {
        return "{\"url\": \"https://hooks.example.com/close\", \"events\": [{\"object_type\": \"membership\", "
                + "\"action\": \"updated\", \"extra_filter\": {\"type\": \"equals\", \"value\": " + number + "}}]}";
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    /** {@code before}, the raw bytes {@code bad}, then {@code after}: a body no client's encoder would write. */
    private static byte[] json(String before, byte[] bad, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void assertNotUtf8(Http.Res res, String shown) {
        assertThat(res.status()).as("%s: %s", shown, res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).as(shown).isEqualTo("invalid_json");
        assertThat(res.get("detail").stringValue()).as(shown).contains("the text is not valid UTF-8");
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
        Map<String, String> shapes = new LinkedHashMap<>();
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

    /**
     * Names and emails that are canonically equivalent — {@code é} as U+00E9, or as {@code e} followed by the
     * combining acute U+0301 — look the same, and are one: the second is refused as taken through the native API,
     * Close and Rooms, and an import line that gives it again names the object the first made; the name and email are
     * stored composed, whichever way they came. Each was a second role, group or member once.
     */
    @Test
    void canonicallyEquivalentNamesAndEmails_areOne_inEveryDialect_andAnImport() {
        String composed = "R\u00e9sum\u00e9";
        String decomposed = "Re\u0301sume\u0301";
        Fixtures.Org native_ = fixtures.org("close");
        Http service = node.service();
        long user = fixtures.roleId(native_, "User");

        Http.Res role = service.post(native_.path() + "/roles", Map.of("name", decomposed + " 1", "permissions",
                List.of("view_all_leads")));
        assertThat(role.status()).as("%s", role).isEqualTo(201);
        assertThat(role.get("name").stringValue()).isEqualTo(composed + " 1");
        Http.Res again = service.post(native_.path() + "/roles", Map.of("name", composed + " 1", "permissions",
                List.of("view_all_leads")));
        assertThat(again.status()).as("%s", again).isEqualTo(409);
        assertThat(again.get("code").stringValue()).isEqualTo("role_name_taken");
        assertThat(service.post(native_.path() + "/groups", Map.of("name", "Caf\u00e9")).status()).isEqualTo(201);
        Http.Res group = service.post(native_.path() + "/groups", Map.of("name", "Cafe\u0301"));
        assertThat(group.status()).as("%s", group).isEqualTo(409);
        assertThat(group.get("code").stringValue()).isEqualTo("group_name_taken");
        Http.Res member = service.post(native_.path() + "/members", Map.of("user_id", "n1", "email",
                "ne\u0301w@acme.test", "role_id", user));
        assertThat(member.status()).as("%s", member).isEqualTo(201);
        assertThat(member.get("email").stringValue()).isEqualTo("n\u00e9w@acme.test");
        Http.Res twin = service.post(native_.path() + "/members", Map.of("user_id", "n2", "email",
                "n\u00e9w@acme.test", "role_id", user));
        assertThat(twin.status()).as("%s", twin).isEqualTo(409);
        assertThat(twin.get("code").stringValue()).isEqualTo("member_exists");

        Http.Res imported = service.raw("POST", native_.path() + "/import", String.join("\n",
                line("type", "role", "name", decomposed + " 1", "permissions", List.of("view_all_leads")),
                line("type", "group", "name", "Cafe\u0301"),
                line("type", "member", "user_id", "n1", "email", "ne\u0301w@acme.test", "role", decomposed + " 1"),
                line("type", "group_member", "group", "Cafe\u0301", "user_id", "n1")) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(names(service.get(native_.path() + "/roles?limit=100"))).containsOnlyOnce(composed + " 1")
                .noneMatch(name -> name.contains("\u0301"));
        assertThat(names(service.get(native_.path() + "/groups?limit=100"))).containsExactly("Caf\u00e9");
        Http.Res stolen = service.raw("POST", native_.path() + "/import", line("type", "member", "user_id", "n3",
                "email", "ne\u0301w@acme.test", "role", "User") + "\n", "application/x-ndjson");
        assertThat(stolen.status()).as("%s", stolen).isEqualTo(409);
        assertThat(stolen.get("code").stringValue()).isEqualTo("member_exists");
        assertThat(service.get(native_.path() + "/members/user:n1").get("role_id").longValue())
                .isEqualTo(role.get("id").longValue());

        Fixtures.Org closeOrg = fixtures.org("close");
        Http close = new Http(node.baseUrl() + "/api/v1", null).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((closeOrg.adminKey() + ":").getBytes(StandardCharsets.UTF_8)));
        assertThat(close.post("/role/", Map.of("name", composed + " 2", "permissions", List.of("view_all_leads")))
                .status()).isEqualTo(201);
        Http.Res closeRole = close.post("/role/", Map.of("name", decomposed + " 2", "permissions",
                List.of("view_all_leads")));
        assertThat(closeRole.status()).as("%s", closeRole).isEqualTo(400);
        assertThat(closeRole.get("error").stringValue()).contains("already has a role named");
        assertThat(close.post("/group/", Map.of("name", "Cafe\u0301")).status()).isEqualTo(201);
        Http.Res closeGroup = close.post("/group/", Map.of("name", "Caf\u00e9"));
        assertThat(closeGroup.status()).as("%s", closeGroup).isEqualTo(400);
        assertThat(names(service.get(closeOrg.path() + "/groups?limit=100"))).containsExactly("Caf\u00e9");
        assertThat(close.post("/membership/", Map.of("email", "n\u00e9w@acme.test", "role_id", "user")).status())
                .isEqualTo(200);
        Http.Res closeMember = close.post("/membership/", Map.of("email", "ne\u0301w@acme.test", "role_id", "user"));
        assertThat(closeMember.status()).as("%s", closeMember).isEqualTo(400);
        assertThat(closeMember.get("error").stringValue()).contains("already an active member");

        Fixtures.Org rooms = fixtures.org("rooms");
        String account = "/restapi/v2/accounts/" + rooms.accountId();
        Http admin = node.as(rooms.adminKey());
        Http.Res roomsRole = admin.post(account + "/roles", Map.of("name", decomposed + " 3", "isExternal", false));
        assertThat(roomsRole.status()).as("%s", roomsRole).isEqualTo(201);
        Http.Res roomsTwin = admin.post(account + "/roles", Map.of("name", composed + " 3", "isExternal", false));
        assertThat(roomsTwin.status()).as("%s", roomsTwin).isEqualTo(409);
        assertThat(roomsTwin.get("errorCode").stringValue()).isEqualTo("ROLE_NAME_TAKEN");
        int region = admin.post(account + "/regions", Map.of("name", "North")).get("regionId").intValue();
        int office = admin.post(account + "/offices", Map.of("name", "Main", "regionId", region)).get("officeId")
                .intValue();
        Map<String, Object> invite = Map.of("firstName", "Ren\u00e9", "lastName", "Test", "email",
                "ne\u0301w@acme.test", "roleId", roomsRole.get("roleId").intValue(), "accessLevel", "Contributor",
                "offices", List.of(office));
        Http.Res invited = admin.post(account + "/users/invite_user", invite);
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        assertThat(invited.get("email").stringValue()).isEqualTo("n\u00e9w@acme.test");
        Map<String, Object> twice = new HashMap<>(invite);
        twice.put("email", "n\u00e9w@acme.test");
        Http.Res invitedTwice = admin.post(account + "/users/invite_user", twice);
        assertThat(invitedTwice.status()).as("%s", invitedTwice).isEqualTo(409);
        assertThat(invitedTwice.get("errorCode").stringValue()).isEqualTo("MEMBER_EXISTS");
    }

    /**
     * A search for a name or an email finds it whichever way the accents of either were typed: the text searched for
     * is composed as names and emails are stored. {@code q=Rene\u0301e} found no member named Renée, in the native
     * API and in each of Rooms' searches.
     */
    @Test
    void searchesForANameOrEmail_findItWhicheverWayItsAccentsWereTyped() {
        String decomposed = URLEncoder.encode("Rene\u0301e", StandardCharsets.UTF_8);
        Fixtures.Org rooms = fixtures.org("rooms");
        String account = "/restapi/v2/accounts/" + rooms.accountId();
        Http admin = node.as(rooms.adminKey());
        int region = admin.post(account + "/regions", Map.of("name", "Ren\u00e9e North")).get("regionId").intValue();
        int office = admin.post(account + "/offices", Map.of("name", "Ren\u00e9e Main", "regionId", region))
                .get("officeId").intValue();
        int role = admin.post(account + "/roles", Map.of("name", "Ren\u00e9e role", "isExternal", false))
                .get("roleId").intValue();
        Http.Res invited = admin.post(account + "/users/invite_user", Map.of("firstName", "Ren\u00e9e", "lastName",
                "Test", "email", "ren\u00e9e@acme.test", "roleId", role, "accessLevel", "Contributor", "offices",
                List.of(office)));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        int room = admin.post(account + "/rooms", Map.of("name", "Deal", "roleId",
                fixtures.roleId(rooms, "Default Admin"))).get("roomId").intValue();
        assertThat(admin.post(account + "/rooms/" + room + "/users", Map.of("email", "ren\u00e9e@acme.test",
                "firstName", "Ren\u00e9e", "lastName", "Test", "roleId", role)).status()).isEqualTo(201);

        Http service = node.service();
        assertThat(service.get(rooms.path() + "/members?q=" + decomposed).get("items")).hasSize(1);
        assertThat(names(service.get(rooms.path() + "/offices?q=" + decomposed))).containsExactly("Ren\u00e9e Main");
        assertThat(admin.get(account + "/users?filter=" + decomposed).get("userSummaries")).hasSize(1);
        assertThat(admin.get(account + "/users?filter=" + URLEncoder.encode("rene\u0301e@", StandardCharsets.UTF_8))
                .get("userSummaries")).hasSize(1);
        assertThat(admin.get(account + "/roles?filter=" + decomposed).get("roles")).hasSize(1);
        assertThat(admin.get(account + "/offices?search=" + decomposed).get("officeSummaries")).hasSize(1);
        assertThat(admin.get(account + "/rooms/" + room + "/users?filter=" + decomposed).get("users")).hasSize(1);
        Http.Res assignable = admin.get(account + "/rooms/" + room + "/assignable_roles?assigneeEmail="
                + URLEncoder.encode("rene\u0301e@acme.test", StandardCharsets.UTF_8));
        assertThat(assignable.get("currentRoleId").intValue()).as("%s", assignable).isEqualTo(role);
    }

    /**
     * A user id or resource id holding a dot segment ({@code .} or {@code ..} whole, or between {@code /} or
     * {@code \} separators, a dot also as {@code %2e}) is refused where it would be recorded — a member, a resource, a
     * member's role on one, an import's lines — with a 400 naming the field, and changes nothing: a client that puts
     * it into a path unescaped (Close's, or Python's requests) sends the path with the segment removed. An admin
     * removing the member {@code ../../../membership/<id>} from a group deactivated that membership; the member
     * {@code ..} took the {@code DELETE} to the group itself. Dots that are no whole segment pass, and a check still
     * names any resource id.
     */
    @Test
    void idsHoldingADotSegment_areRefusedWhereRecorded_andChangeNothing() throws IOException {
        try (InputStream in = HostileValuesIT.class.getResourceAsStream("/models/sites.json")) {
            ObjectNode model = (ObjectNode) Json.MAPPER.readTree(in);
            model.put("id", "sites-dots");
            assertThat(node.service().post("/v1/models", model).status()).isEqualTo(201);
        }
        Fixtures.Org sites = fixtures.org("sites-dots");
        Http service = node.service();
        long owner = fixtures.roleId(sites, "Owner");
        long member = fixtures.member(sites, "u-dots", owner);
        List<String> refused = List.of(".", "..", "./x", "../x", ".\\x", "..\\x", "x/.", "x/..", "x\\..",
                "x/./y", "x/../y", "x\\.\\y", "x\\..\\y", "x/..\\y", "%2e%2e", ".%2E/x", "x/%2e",
                "../../../membership/memb_victim", "../../../role/role_victim", "../../members/victim");
        long before = node.appliedRevision();
        for (String id : refused) {
            Http.Res created = service.post(sites.path() + "/members", Map.of("user_id", id, "email",
                    "dots@acme.test", "role_id", owner));
            assertRewritten(created, "user_id");
            Http.Res imported = service.raw("POST", sites.path() + "/import", line("type", "member", "user_id", id,
                    "email", "dots@acme.test", "role", "Owner") + "\n", "application/x-ndjson");
            assertThat(imported.status()).as("%s: %s", id, imported).isEqualTo(400);
            assertThat(imported.get("detail").stringValue()).as(id).contains("user_id").contains("rewritten");

            String path = sites.path() + "/resources/folder/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
            assertRewritten(service.put(path, Map.of()), "id");
            assertRewritten(service.put(path + "/assignments/" + member, Map.of("role_id", owner)), "id");
            Map<String, Object> resource = Map.of("type", "folder", "id", id);
            for (String importLine : List.of(line("type", "resource", "resource", resource),
                    line("type", "assignment", "resource", resource, "user_id", "u-dots", "role", "Owner"))) {
                Http.Res res = service.raw("POST", sites.path() + "/import", importLine + "\n",
                        "application/x-ndjson");
                assertThat(res.status()).as("%s: %s", importLine, res).isEqualTo(400);
                assertThat(res.get("detail").stringValue()).as(importLine).contains("resource.id")
                        .contains("rewritten");
            }
            assertRewritten(service.post(sites.path() + "/preview", Map.of("assignment", Map.of("resource", resource,
                    "member_id", member, "role_id", owner))), "assignment.resource.id");
            Http.Res check = service.post(sites.path() + "/check", Map.of("member_id", member, "permission",
                    "doc.read", "resource", resource));
            assertThat(check.status()).as("%s: %s", id, check).isEqualTo(200);
        }
        assertThat(node.appliedRevision()).isEqualTo(before);

        List<String> passing = List.of("a.b", "v1..2", "...", "a/b", ".hidden", "..x", "x..", "x/.../y", "%2e%2e%2e");
        for (String id : passing) {
            Http.Res created = service.post(sites.path() + "/members", Map.of("user_id", id, "email",
                    "dots-" + passing.indexOf(id) + "@acme.test", "role_id", owner));
            assertThat(created.status()).as("%s: %s", id, created).isEqualTo(201);
            String path = sites.path() + "/resources/folder/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
            Http.Res recorded = service.put(path, Map.of());
            assertThat(recorded.status()).as("%s: %s", id, recorded).isEqualTo(201);
            Http.Res assigned = service.put(path + "/assignments/" + member, Map.of("role_id", owner));
            assertThat(assigned.status()).as("%s: %s", id, assigned).isEqualTo(200);
        }
        Http.Res imported = service.raw("POST", sites.path() + "/import", String.join("\n",
                line("type", "member", "user_id", "v2..3", "email", "dots-import@acme.test", "role", "Owner"),
                line("type", "resource", "resource", Map.of("type", "folder", "id", ".imported")),
                line("type", "assignment", "resource", Map.of("type", "folder", "id", "a.b/c"), "user_id", "v2..3",
                        "role", "Owner")) + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
    }

    /**
     * In an organization of the {@code close} model a new member's user id holds no {@code ?}, {@code #}, {@code %},
     * {@code /} or {@code \}: Close's clients put it into a path unescaped, so removing {@code victim#x} or
     * {@code victim?x} from a group removed {@code victim}, and {@code victim%2Fx}'s removal removed {@code victim/x}.
     * The native API and an import line refuse it with a 400 naming {@code user_id} and the character, and change
     * nothing; what a Close client sends as the id itself (a space, {@code +}, {@code ;}) passes, and other models
     * keep taking such ids.
     */
    @Test
    void userIdsThatAnUnescapedPathWouldChange_areRefusedInCloseOrganizations_only() throws IOException {
        Http service = node.service();
        long user = fixtures.roleId(org, "User");
        List<String> refused = List.of("victim#x", "victim?x", "victim%2Fx", "victim%41", "victim%", "victim/x",
                "victim\\x", "#", "?victim");
        long before = node.appliedRevision();
        for (String id : refused) {
            String character = id.replaceAll("^[^#?%/\\\\]*([#?%/\\\\]).*$", "$1");
            Http.Res created = service.post(org.path() + "/members", Map.of("user_id", id, "email",
                    "paths@acme.test", "role_id", user));
            assertNamed(created, "user_id");
            assertThat(created.get("errors").get("user_id").stringValue()).as(id)
                    .startsWith("must not hold \"" + character + "\"").contains("close model");
            Http.Res imported = service.raw("POST", org.path() + "/import", line("type", "member", "user_id", id,
                    "email", "paths@acme.test", "role", "User") + "\n", "application/x-ndjson");
            assertThat(imported.status()).as("%s: %s", id, imported).isEqualTo(400);
            assertThat(imported.get("detail").stringValue()).as(id).contains("user_id")
                    .contains("must not hold \"" + character + "\"");
        }
        assertThat(node.appliedRevision()).isEqualTo(before);
        List<String> passing = List.of("victim x", "victim+x", "victim;x", "victim@acme.test", "victim&x=y");
        for (String id : passing) {
            Http.Res created = service.post(org.path() + "/members", Map.of("user_id", id, "email",
                    "paths-" + passing.indexOf(id) + "@acme.test", "role_id", user));
            assertThat(created.status()).as("%s: %s", id, created).isEqualTo(201);
        }

        try (InputStream in = HostileValuesIT.class.getResourceAsStream("/models/sites.json")) {
            ObjectNode model = (ObjectNode) Json.MAPPER.readTree(in);
            model.put("id", "sites-paths");
            assertThat(service.post("/v1/models", model).status()).isEqualTo(201);
        }
        Fixtures.Org sites = fixtures.org("sites-paths");
        long owner = fixtures.roleId(sites, "Owner");
        for (String id : refused) {
            Http.Res created = service.post(sites.path() + "/members", Map.of("user_id", id, "email",
                    "paths-" + refused.indexOf(id) + "@acme.test", "role_id", owner));
            assertThat(created.status()).as("%s: %s", id, created).isEqualTo(201);
        }
        Http.Res imported = service.raw("POST", sites.path() + "/import", line("type", "member", "user_id",
                "imported#1", "email", "paths-imported@acme.test", "role", "Owner") + "\n", "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
    }

    private static String line(Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Json.writeString(fields);
    }

    private static List<String> names(Http.Res list) {
        assertThat(list.status()).as("%s", list).isEqualTo(200);
        List<String> names = new ArrayList<>();
        list.get("items").forEach(item -> names.add(item.get("name").stringValue()));
        return names;
    }

    private static void assertNamed(Http.Res res, String field) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        JsonNode errors = res.get("errors");
        assertThat(errors).as("%s", res).isNotNull();
        assertThat(errors.has(field)).as("%s names %s", res, field).isTrue();
    }

    private static void assertRewritten(Http.Res res, String field) {
        assertNamed(res, field);
        assertThat(res.get("errors").get(field).stringValue()).as("%s", res)
                .contains("a path naming it would be rewritten by clients");
    }

    private static void assertRooms(Http.Res res, String named) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.json().propertyNames()).containsExactly("errorCode", "message", "referenceId");
        assertThat(res.get("message").stringValue()).as("%s", res).contains(named);
    }
}
