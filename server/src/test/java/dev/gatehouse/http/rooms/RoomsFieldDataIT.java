package dev.gatehouse.http.rooms;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.http.rooms.RoomsAccount.error;
import static org.assertj.core.api.Assertions.assertThat;

/** A room's field data ({@code GET|PUT …/rooms/{roomId}/field_data}) and the room list's date filters. */
class RoomsFieldDataIT {

    static final TestClock clock = new TestClock();
    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), UnaryOperator.identity(), clock);
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void fieldData_isRead_andMergedByPut_whichRecordsARoomChange() {
        RoomsAccount a = new RoomsAccount(node, fx);
        Http.Res created = a.admin.post(a.base + "/rooms", Map.of("name", "12 Elm Street", "roleId",
                a.defaultAdminRole(), "fieldData", Map.of("data", Map.of("address1", "12 Elm Street", "city", "Boston"))));
        int room = created.get("roomId").intValue();
        String path = a.base + "/rooms/" + room + "/field_data";
        assertThat(created.get("fieldData").get("data").get("city").stringValue())
                .as("the Room created holds the field data sent").isEqualTo("Boston");

        JsonNode read = a.admin.get(path).json();
        assertThat(read.propertyNames()).containsExactly("data");
        assertThat(read.get("data").get("address1").stringValue()).isEqualTo("12 Elm Street");

        Map<String, Object> update = new HashMap<>();
        update.put("city", "Cambridge");
        update.put("zipCode", "02139");
        update.put("address1", null);
        Http.Res put = a.admin.put(path, Map.of("data", update));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.revision()).isPositive();
        JsonNode data = put.get("data");
        assertThat(data.propertyNames()).containsExactlyInAnyOrder("city", "zipCode");
        assertThat(data.get("city").stringValue()).isEqualTo("Cambridge");
        assertThat(a.admin.get(path).get("data")).isEqualTo(data);
        assertThat(a.admin.get(a.base + "/rooms/" + room + "?includeFieldData=true").get("fieldData").get("data"))
                .isEqualTo(data);

        JsonNode event = node.service().get(a.org.path() + "/events?object_type=room&limit=1").get("items").get(0);
        assertThat(event.get("action").stringValue()).isEqualTo("updated");
        assertThat(event.get("object_id").stringValue()).isEqualTo(String.valueOf(room));
        assertThat(event.get("changed_fields")).extracting(JsonNode::stringValue).contains("field_data");
        assertThat(event.at("/after/field_data/city").stringValue()).isEqualTo("Cambridge");
    }

    /**
     * What rooms.md says of nulls in field data: a property whose value is null, at any depth, is removed by a PUT
     * (and never answered), while a null element of an array keeps its place, answered and stored as sent.
     */
    @Test
    void fieldData_dropsNullProperties_atAnyDepth_butKeepsNullArrayElements() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "Nulls", a.defaultAdminRole());
        String path = a.base + "/rooms/" + room + "/field_data";
        Http.Res put = a.admin.put(path, Json.readTree("{\"data\": {\"b\": {\"c\": [1, 2, null], \"d\": null, "
                + "\"e\": {\"f\": null}}}}"));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        JsonNode expected = Json.readTree("{\"b\": {\"c\": [1, 2, null], \"e\": {}}}");
        assertThat(put.get("data")).isEqualTo(expected);
        assertThat(a.admin.get(path).get("data")).isEqualTo(expected);
        JsonNode event = node.service().get(a.org.path() + "/events?object_type=room&limit=1").get("items").get(0);
        assertThat(event.at("/after/field_data")).as("stored so, not only answered so").isEqualTo(expected);
    }

    @Test
    void fieldData_ofARoomWithoutAny_isAnEmptyObject() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "Bare", a.defaultAdminRole());
        JsonNode read = a.admin.get(a.base + "/rooms/" + room + "/field_data").json();
        assertThat(read.get("data").isObject()).isTrue();
        assertThat(read.get("data").isEmpty()).isTrue();
    }

    @Test
    void changingFieldData_needsCanViewAndEditRoomDetails_inTheCallersRoomRole() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int viewer = a.role("Viewer", false, "canCreateRooms", "canViewRoomDetails");
        int editor = a.role("Editor", false, "canCreateRooms", "canViewAndEditRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        int vic = a.user("Vic", viewer, "Contributor");
        int eda = a.user("Eda", editor, "Contributor");
        a.invite(a.admin, room, "vic@acme.test", viewer);
        a.invite(a.admin, room, "eda@acme.test", editor);
        String path = a.base + "/rooms/" + room + "/field_data";
        Map<String, Object> body = Map.of("data", Map.of("city", "Boston"));

        Http vicKey = a.as(vic);
        assertThat(vicKey.get(path).status()).isEqualTo(200);
        error(vicKey.put(path, body), 403, "PERMISSION_REQUIRED", "canViewAndEditRoomDetails");
        assertThat(a.as(eda).put(path, body).status()).isEqualTo(200);
        assertThat(node.service().put(path, Map.of("data", Map.of("state", "MA"))).get("data").propertyNames())
                .containsExactlyInAnyOrder("city", "state");

        int outsider = a.user("Oto", editor, "Contributor");
        error(a.as(outsider).get(path), 404, "ROOM_NOT_FOUND");
        error(a.as(outsider).put(path, body), 404, "ROOM_NOT_FOUND");
    }

    @Test
    void fieldDataBodies_areValidated() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String path = a.base + "/rooms/" + room + "/field_data";
        error(a.admin.put(path, Map.of()), 400, "INVALID_INPUT", "data");
        error(a.admin.put(path, Map.of("data", List.of("x"))), 400, "INVALID_INPUT", "data");
        error(a.admin.put(path, Map.of("data", "x")), 400, "INVALID_INPUT", "data");
        error(a.admin.get(a.base + "/rooms/999999/field_data"), 404, "ROOM_NOT_FOUND");
        assertThat(a.admin.get(path).get("data").isEmpty()).as("nothing changed").isTrue();
    }

    /**
     * Field data nests as deep as the request body carrying it may: a body nests at most 64 levels, itself the first
     * (docs/security.md, "Depth"), so a PUT's {@code data} holds at most 63 levels, itself the first, and a new room's
     * {@code fieldData.data} at most 62. A deeper body is refused before anything is read, as every body is (400
     * {@code INVALID_TEXT} naming where it goes too deep), and changes nothing. rooms.md promised 64 levels of field
     * data, refused with {@code INVALID_INPUT} naming {@code data}: a promise no request could test.
     */
    @Test
    void fieldData_nestsAsDeepAsItsBodyMay_63LevelsInAPut_62InANewRoom() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String path = a.base + "/rooms/" + room + "/field_data";
        Http.Res deepest = a.admin.raw("PUT", path, "{\"data\": {\"deep\": " + nested(62) + "}}", "application/json");
        assertThat(deepest.status()).as("%s", deepest).isEqualTo(200);
        assertThat(a.admin.get(path).get("data").get("deep").toString()).isEqualTo(nested(62));
        Http.Res deeper = a.admin.raw("PUT", path, "{\"data\": {\"other\": 1, \"deep\": " + nested(63) + "}}",
                "application/json");
        error(deeper, 400, "INVALID_TEXT", "data.deep[0]", "nests deeper than 64 levels");
        assertThat(a.admin.get(path).get("data").has("other")).as("nothing changed").isFalse();

        String create = "{\"name\": \"N\", \"roleId\": " + a.defaultAdminRole() + ", \"fieldData\": {\"data\": "
                + "{\"deep\": ";
        Http.Res created = a.admin.raw("POST", a.base + "/rooms", create + nested(61) + "}}}", "application/json");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        error(a.admin.raw("POST", a.base + "/rooms", create + nested(62) + "}}}", "application/json"), 400,
                "INVALID_TEXT", "fieldData.data.deep[0]", "nests deeper than 64 levels");
        assertThat(a.admin.get(a.base + "/rooms").get("totalRowCount").intValue()).isEqualTo(2);
    }

    /** {@code levels} arrays, one inside the other, around a 1. */
    private static String nested(int levels) {
        return "[".repeat(levels) + "1" + "]".repeat(levels);
    }

    /**
     * Field data nests as deep as a body may, and no deeper: a value stored inside the room's snapshot,
     * its change record and its event must still read back — a value near the parser's own limit once answered 500
     * to every read of the room with its field data and of the events page holding its change.
     */
    @Test
    void fieldData_nestedBeyondTheBodyLimit_isRefused_andWhatIsKeptReadsBack() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String path = a.base + "/rooms/" + room + "/field_data";
        Http.Res deep = a.admin.raw("PUT", path, "{\"data\": {\"d\": " + "{\"a\": ".repeat(498) + "1"
                + "}".repeat(498) + "}}", "application/json");
        assertThat(deep.status()).as("%s", deep).isEqualTo(400);
        assertThat(a.admin.get(path).get("data").isEmpty()).as("nothing changed").isTrue();

        Http.Res kept = a.admin.raw("PUT", path, "{\"data\": {\"d\": " + "{\"a\": ".repeat(60) + "1"
                + "}".repeat(60) + "}}", "application/json");
        assertThat(kept.status()).as("%s", kept).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/rooms/" + room + "?includeFieldData=true").status()).isEqualTo(200);
        Http.Res events = node.service().get(a.org.path() + "/events?limit=100");
        assertThat(events.status()).as("%s", events).isEqualTo(200);
    }

    /**
     * A number is kept by its value, written out in full as PostgreSQL keeps it, and may have at most 1000 digits
     * so written: the JSON parser's own limit, under which the room, its snapshot and its events must read back.
     * {@code 1e1000} (1001 digits written out) once answered 500 to the write that stored it, as it read its own
     * value back; an exponent beyond what a Java decimal holds answered 500 before anything was stored.
     */
    @Test
    void fieldData_numbersAreKeptByValue_andOneOfMoreThan1000DigitsWrittenOut_isRefused() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String path = a.base + "/rooms/" + room + "/field_data";
        long before = node.appliedRevision();
        for (String number : List.of("1e1000", "-1e1000", "1.5e1000", "1e-1000", "1e99999999999", "-1e-99999999999")) {
            Http.Res refused = a.admin.raw("PUT", path, "{\"data\": {\"city\": \"Boston\", \"a\": " + number + "}}",
                    "application/json");
            error(refused, 400, "INVALID_INPUT", "data.a");
        }
        assertThat(a.admin.get(path).get("data").isEmpty()).as("nothing changed").isTrue();
        assertThat(node.appliedRevision()).isEqualTo(before);

        Http.Res kept = a.admin.raw("PUT", path, "{\"data\": {\"big\": 1e999, \"small\": -1e-998, \"exp\": 1E+3, "
                + "\"zero\": -0, \"scale\": 1.50}}", "application/json");
        assertThat(kept.status()).as("%s", kept).isEqualTo(200);
        JsonNode data = a.admin.get(path).get("data");
        assertThat(data.get("big").toString()).isEqualTo("1" + "0".repeat(999));
        assertThat(data.get("small").decimalValue()).isEqualByComparingTo(new BigDecimal("-1e-998"));
        assertThat(data.get("exp").toString()).isEqualTo("1000");
        assertThat(data.get("zero").toString()).isEqualTo("0");
        assertThat(data.get("scale").toString()).isEqualTo("1.50");
        assertThat(kept.get("data")).isEqualTo(data);
        assertThat(a.admin.get(a.base + "/rooms/" + room + "?includeFieldData=true").status()).isEqualTo(200);
        Http.Res events = node.service().get(a.org.path() + "/events?limit=100");
        assertThat(events.status()).as("%s", events).isEqualTo(200);
    }

    /** Merging adds properties; the whole stays within 64 KiB, so no series of writes grows it without bound. */
    @Test
    void fieldData_staysWithinItsBound_whateverTheMergesAdd() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String path = a.base + "/rooms/" + room + "/field_data";
        String chunk = "x".repeat(30_000);
        assertThat(a.admin.put(path, Map.of("data", Map.of("a", chunk))).status()).isEqualTo(200);
        assertThat(a.admin.put(path, Map.of("data", Map.of("b", chunk))).status()).isEqualTo(200);
        Http.Res third = a.admin.put(path, Map.of("data", Map.of("c", chunk)));
        error(third, 400, "INVALID_INPUT", "65536");
        assertThat(a.admin.get(path).get("data").propertyNames()).as("nothing changed").containsOnly("a", "b");
        assertThat(a.admin.put(path, Map.of("data", Map.of("a", "short", "c", chunk))).status())
                .as("replacing a property frees its room").isEqualTo(200);
    }

    /**
     * A new room's field data over the bound is refused naming the field as the request sent it,
     * {@code fieldData.data} (as a number too long written out is named {@code fieldData.data.n}), and as the room it
     * would be, not as a change: it once said "data: …; with this change it would hold 70010".
     */
    @Test
    void fieldData_overTheBound_atCreation_namesFieldDataData_andNoChange() {
        RoomsAccount a = new RoomsAccount(node, fx);
        long before = node.appliedRevision();
        Http.Res refused = a.admin.post(a.base + "/rooms", Map.of("name", "fd2", "roleId", a.defaultAdminRole(),
                "fieldData", Map.of("data", Map.of("big", "x".repeat(70_000)))));
        error(refused, 400, "INVALID_INPUT", "fieldData.data: a room's field data may hold at most 65536 bytes of "
                + "JSON; this room's would hold 70010");
        assertThat(refused.get("message").stringValue()).doesNotContain("change");
        assertThat(node.appliedRevision()).as("no room created").isEqualTo(before);
        Http.Res number = a.admin.raw("POST", a.base + "/rooms", "{\"name\": \"fd3\", \"roleId\": "
                + a.defaultAdminRole() + ", \"fieldData\": {\"data\": {\"n\": 1e1000}}}", "application/json");
        error(number, 400, "INVALID_INPUT", "fieldData.data.n");
    }

    /**
     * The bound counts the JSON as the dialect answers it, written compactly: PostgreSQL's text of the same value
     * spaces every element ({@code [1, 1, …]}), which once refused 60 KB of ones as 90 KB, at creation too.
     */
    @Test
    void fieldData_boundCountsCompactJson_notTheStoredSpacedText() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        String path = a.base + "/rooms/" + room + "/field_data";
        List<Integer> ones = Collections.nCopies(30_000, 1);
        Http.Res put = a.admin.put(path, Map.of("data", Map.of("a", ones)));
        assertThat(put.status()).as("60,007 bytes of JSON: %s", put).isEqualTo(200);
        assertThat(a.admin.get(path).get("data").get("a").size()).isEqualTo(30_000);
        Http.Res created = a.admin.post(a.base + "/rooms", Map.of("name", "Ones", "roleId", a.defaultAdminRole(),
                "fieldData", Map.of("data", Map.of("a", Collections.nCopies(25_000, 1)))));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        Http.Res over = a.admin.put(path, Map.of("data", Map.of("b", Collections.nCopies(3_000, 1))));
        error(over, 400, "INVALID_INPUT", "65536", "66013");
    }

    /**
     * The room list's {@code officeId} is an id, as the users' {@code defaultOfficeId} and {@code titleId} are: 0 or
     * -5 is a 400 INVALID_REQUEST_PARAMETER naming it. Before, the room list answered an empty page (and
     * {@code titleId} filtered by it).
     */
    @Test
    void roomListOfficeId_outsideTheIds_isRefused_asTheUsersFiltersAre() {
        RoomsAccount a = new RoomsAccount(node, fx);
        for (String bad : List.of("0", "-5")) {
            error(a.admin.get(a.base + "/rooms?officeId=" + bad), 400, "INVALID_REQUEST_PARAMETER", "officeId");
            error(a.admin.get(a.base + "/users?defaultOfficeId=" + bad), 400, "INVALID_REQUEST_PARAMETER",
                    "defaultOfficeId");
            error(a.admin.get(a.base + "/users?titleId=" + bad), 400, "INVALID_REQUEST_PARAMETER", "titleId");
        }
        assertThat(a.admin.get(a.base + "/rooms?officeId=" + a.office).status()).isEqualTo(200);
    }

    @Test
    void fieldDataChangedFilters_acceptRoomsDocumentedFormats() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "Dated", a.defaultAdminRole());
        assertThat(a.admin.put(a.base + "/rooms/" + room + "/field_data", Map.of("data", Map.of("city", "Boston")))
                .status()).isEqualTo(200);
        Instant changed = Instant.parse(a.admin.get(a.base + "/rooms/" + room).get("fieldDataLastUpdatedDate")
                .stringValue());
        Instant second = changed.truncatedTo(ChronoUnit.SECONDS);
        Instant day = changed.truncatedTo(ChronoUnit.DAYS);

        assertThat(rooms(a, "fieldDataChangedStartDate", format("yyyy-MM-dd HH:mm:ss", second))).containsExactly(room);
        assertThat(rooms(a, "fieldDataChangedStartDate", format("yyyy/MM/dd HH:mm:ss", second.plusSeconds(1))))
                .isEmpty();
        assertThat(rooms(a, "fieldDataChangedStartDate", format("yyyy/MM/dd", day))).containsExactly(room);
        assertThat(rooms(a, "fieldDataChangedStartDate", format("yyyy-MM-dd", day.plus(1, ChronoUnit.DAYS)))).isEmpty();
        assertThat(rooms(a, "fieldDataChangedEndDate", format("yyyy/MM/dd", day.plus(1, ChronoUnit.DAYS))))
                .containsExactly(room);
        assertThat(rooms(a, "fieldDataChangedEndDate", format("yyyy-MM-dd HH:mm:ss", second.minusSeconds(1))))
                .isEmpty();
        assertThat(rooms(a, "fieldDataChangedStartDate", second.toString())).containsExactly(room);
        assertThat(rooms(a, "fieldDataChangedStartDate", format("yyyy-MM-dd'T'HH:mm:ss", second))).containsExactly(room);
        assertThat(rooms(a, "roomClosedStartDate", format("yyyy/MM/dd", day))).as("rooms are never closed").isEmpty();

        for (String bad : List.of("2024-13-01", "2024/02/30", "2024-05-01 25:00:00", "2024-05/01", "01/05/2024",
                "2024-05-01 10", "yesterday")) {
            error(a.admin.get(a.base + "/rooms?fieldDataChangedStartDate=" + encode(bad)), 400,
                    "INVALID_REQUEST_PARAMETER", "fieldDataChangedStartDate");
        }
    }

    /**
     * A room is found by the date it is shown: Rooms shows dates to the millisecond and keeps them to the
     * microsecond, so a room changed at {@code …10.849500} — shown {@code …10.849Z} — was left out by the end date
     * {@code …10.849Z} a client read from it, though the bounds are included.
     */
    @Test
    void fieldDataChangedFilters_compareTheDateAsShown() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int room = a.room(a.admin, "Within a millisecond", a.defaultAdminRole());
        Instant changedAt;
        clock.freeze();
        try {
            // half a millisecond past the next whole one: kept to the microsecond, shown cut to the millisecond
            int pastMillisecond = clock.instant().getNano() % 1_000_000;
            clock.advance(Duration.ofNanos(1_000_000 - pastMillisecond + 500_000));
            changedAt = clock.instant();
            assertThat(a.admin.put(a.base + "/rooms/" + room + "/field_data", Map.of("data", Map.of("city", "Oslo")))
                    .status()).isEqualTo(200);
        } finally {
            clock.run();
        }
        String shown = a.admin.get(a.base + "/rooms/" + room).get("fieldDataLastUpdatedDate").stringValue();
        Instant shownAt = Instant.parse(shown);
        assertThat(shownAt).isEqualTo(changedAt.truncatedTo(ChronoUnit.MILLIS)).isBefore(changedAt);

        assertThat(rooms(a, "fieldDataChangedEndDate", shown)).as("the end shown").containsExactly(room);
        assertThat(rooms(a, "fieldDataChangedStartDate", shown)).as("the start shown").containsExactly(room);
        assertThat(rooms(a, "fieldDataChangedStartDate", shown, "fieldDataChangedEndDate", shown))
                .as("both").containsExactly(room);
        assertThat(rooms(a, "fieldDataChangedEndDate", shownAt.minusMillis(1).toString())).isEmpty();
        assertThat(rooms(a, "fieldDataChangedStartDate", shownAt.plusMillis(1).toString())).isEmpty();
    }

    private static List<Integer> rooms(RoomsAccount a, String filter, String value, String filter2, String value2) {
        Http.Res res = a.admin.get(a.base + "/rooms?" + filter + "=" + encode(value) + "&" + filter2 + "="
                + encode(value2));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.json().get("rooms").findValues("roomId").stream().map(JsonNode::intValue).toList();
    }

    private static List<Integer> rooms(RoomsAccount a, String filter, String value) {
        Http.Res res = a.admin.get(a.base + "/rooms?" + filter + "=" + encode(value));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.json().get("rooms").findValues("roomId").stream().map(JsonNode::intValue).toList();
    }

    private static String format(String pattern, Instant instant) {
        return DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC).format(instant);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
