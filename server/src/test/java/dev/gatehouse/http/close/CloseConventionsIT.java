package dev.gatehouse.http.close;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.ScriptDigits;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class CloseConventionsIT {

    private static final Pattern RATE_LIMIT = Pattern.compile("limit=(\\d+), remaining=(\\d+), reset=(\\d+)");

    static TestNode node;
    static CloseFixtures close;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        close = new CloseFixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Http anonymous() {
        return new Http(node.baseUrl() + CloseApi.PREFIX, null);
    }

    @Test
    void apiKey_worksAsBasicUserNameWithEmptyPassword_andAsBearer() {
        var org = close.org();
        String key = org.org().adminKey();
        assertThat(close.client(key).get("/me/").status()).isEqualTo(200);
        assertThat(new Http(node.baseUrl() + CloseApi.PREFIX, key).get("/me/").status()).isEqualTo(200);
        String noColon = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
        assertThat(anonymous().header("Authorization", "Basic " + noColon).get("/me/").status()).isEqualTo(200);
    }

    @Test
    void missingOrWrongKey_is401_inClosesErrorShape_withTheRateLimitHeader() {
        Http.Res none = anonymous().get("/role/");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.get("error").stringValue()).isNotBlank();
        assertThat(none.header("RateLimit")).matches(RATE_LIMIT);
        Http.Res wrong = close.client("m_nokey_secret").get("/role/");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.get("error").isString()).isTrue();
    }

    @Test
    void serviceKey_isRefused_becauseACloseKeyActsAsOneUser() {
        Http.Res res = close.client(TestNode.SERVICE_KEY).get("/role/");
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.get("error").stringValue()).contains("member");
    }

    @Test
    void organizationsOfAnotherModel_areRefusedClearly() {
        Fixtures.Org rooms = new Fixtures(node).org("rooms");
        Http.Res res = close.client(rooms.adminKey()).get("/role/");
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.get("error").stringValue()).contains("\"rooms\"").contains("\"close\"");
        assertThat(close.client(rooms.adminKey()).post("/role/", Map.of("name", "X", "permissions", List.of())).status())
                .isEqualTo(403);
    }

    @Test
    void aMemberKey_seesOnlyItsOwnOrganization() {
        var org = close.org();
        var other = close.org();
        assertThat(org.admin().get("/organization/" + other.closeId() + "/").status()).isEqualTo(404);
        assertThat(org.admin().put("/organization/" + other.closeId() + "/", Map.of("name", "Mine")).status()).isEqualTo(404);
        assertThat(org.admin().get("/user/").get("data")).extracting(u -> u.get("id").stringValue())
                .containsExactly(org.org().json().get("admin_member").get("user_id").stringValue());
    }

    @Test
    void paths_workWithAndWithoutTheTrailingSlash() {
        var org = close.org();
        assertThat(org.admin().get("/role").status()).isEqualTo(200);
        assertThat(org.admin().get("/role/admin").get("id").stringValue()).isEqualTo("admin");
        assertThat(org.admin().get("/organization/" + org.closeId()).status()).isEqualTo(200);
    }

    @Test
    void fields_trimsObjectsAndListItems() {
        var org = close.org();
        JsonNode role = org.admin().get("/role/admin/?_fields=id,name").json();
        assertThat(role.propertyNames()).containsExactly("id", "name");
        JsonNode list = org.admin().get("/role/?_fields=id").json();
        assertThat(list.get("data").get(0).propertyNames()).containsExactly("id");
        assertThat(list.has("has_more")).isTrue();
        JsonNode me = org.admin().get("/me/?_fields=id,memberships").json();
        assertThat(me.propertyNames()).containsExactly("id", "memberships");
    }

    @Test
    void paramsInAJsonBody_withMethodOverride_runTheGet() {
        var org = close.org();
        Http override = org.admin().header("x-http-method-override", "GET");
        Http.Res list = override.post("/role/", Map.of("_params", Map.of("_limit", 1, "_fields", "id")));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.get("data")).hasSize(1);
        assertThat(list.get("data").get(0).propertyNames()).containsExactly("id");
        assertThat(list.get("has_more").booleanValue()).isTrue();
        assertThat(org.admin().get("/role/").get("data")).hasSize(4);
        assertThat(override.post("/me/", Map.of("_params", Map.of())).get("id").isString()).isTrue();
        Http.Res bad = override.post("/role/", Map.of("_params", Map.of("_limit", 500)));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.get("field-errors").has("_limit")).isTrue();
        assertThat(org.admin().post("/me/", Map.of()).status()).isEqualTo(405);
    }

    @Test
    void paramsInAJsonBody_numbersCountByTheirValue_howeverWritten() {
        var org = close.org();
        Http override = org.admin().header("x-http-method-override", "GET");
        for (String whole : List.of("1e1", "1E1", "1.0e1", "10.0", "10.000", "1000e-2", "0.1e2", "1e0", "1.0",
                "100e-2")) {
            String body = "{\"_params\": {\"_limit\": " + whole + ", \"_skip\": 0.0e3, \"_fields\": \"id\"}}";
            Http.Res res = override.raw("POST", "/role/", body, "application/json");
            assertThat(res.status()).as(whole + " " + res).isEqualTo(200);
            assertThat(res.get("data")).as(whole).hasSize(whole.equals("1e0") || whole.equals("1.0")
                    || whole.equals("100e-2") ? 1 : 4);
        }
        for (String bad : List.of("1.5", "1e-1", "10.01", "-1e1", "1e3", "0.0")) {
            Http.Res res = override.raw("POST", "/role/", "{\"_params\": {\"_limit\": " + bad + "}}",
                    "application/json");
            assertThat(res.status()).as(bad + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").has("_limit")).as(bad).isTrue();
        }
        Http.Res capped = override.raw("POST", "/event/", "{\"_params\": {\"_limit\": 5e1}}", "application/json");
        assertThat(capped.status()).as(capped.toString()).isEqualTo(200);
        String memb = org.admin().get("/me/").get("memberships").get(0).get("id").stringValue();
        Http.Res listed = override.raw("POST", "/event/", "{\"_params\": {\"object_id\": [\"" + memb
                + "\"], \"_limit\": 2.0}}", "application/json");
        assertThat(listed.get("data")).hasSize(1);
    }

    /** A GET sent as a POST reads its parameters from its body; a plain GET takes no body and refuses one (400). */
    @Test
    void aBody_isReadOnlyForAGetSentAsPost_aPlainGetRefusesOne() {
        var org = close.org();
        String params = "{\"_params\": {\"_limit\": 1, \"_fields\": \"id\"}}";
        Http.Res get = org.admin().raw("GET", "/role/", params, "application/json");
        assertThat(get.status()).as(get.toString()).isEqualTo(400);
        assertThat(get.body()).contains("takes no request body");
        for (String type : List.of("application/json", "text/plain")) {
            Http.Res notJson = org.admin().raw("GET", "/me/?_fields=id", "hello", type);
            assertThat(notJson.status()).as(notJson.toString()).isEqualTo(400);
        }
        assertThat(org.admin().raw("GET", "/me/?_fields=id", "", "text/plain").json().propertyNames())
                .as("a body of no bytes is none").containsExactly("id");
        Http.Res viaPost = org.admin().header("x-http-method-override", "GET").raw("POST", "/role/", params,
                "application/json");
        assertThat(viaPost.get("data")).hasSize(1);
    }

    @Test
    void paramsInAJsonBody_thatAreNestedListsOrObjects_areA400NamingTheParameter_neverA500() {
        var org = close.org();
        Http override = org.admin().header("x-http-method-override", "GET");
        for (Object nested : List.of(List.of(List.of(1)), List.of(Map.of("a", 1)), Map.of("a", 1))) {
            Http.Res res = override.post("/role/", Map.of("_params", Map.of("_limit", nested)));
            assertThat(res.status()).as(res.toString()).isEqualTo(400);
            assertThat(res.get("field-errors").has("_params._limit")).as(res.toString()).isTrue();
            Http.Res fields = override.post("/user/", Map.of("_params", Map.of("_fields", nested)));
            assertThat(fields.status()).as(fields.toString()).isEqualTo(400);
            assertThat(fields.get("field-errors").has("_params._fields")).as(fields.toString()).isTrue();
        }
        Http.Res listed = override.post("/role/", Map.of("_params", Map.of("_fields", List.of("id", "name"), "_limit", 1)));
        assertThat(listed.get("data").get(0).propertyNames()).containsExactly("id", "name");
    }

    @Test
    void everyResponse_carriesTheRateLimitHeader() {
        var org = close.org();
        for (Http.Res res : List.of(org.admin().get("/role/"), org.admin().get("/role/nope/"),
                org.admin().get("/nowhere/"), org.admin().delete("/role/"),
                org.admin().post("/role/", Map.of("name", "")), org.admin().post("/group/", Map.of("name", "G")))) {
            assertThat(res.header("RateLimit")).as(res.toString()).matches(RATE_LIMIT);
        }
        var first = RATE_LIMIT.matcher(org.admin().get("/group/").header("RateLimit"));
        var second = RATE_LIMIT.matcher(org.admin().get("/group/").header("RateLimit"));
        assertThat(first.matches() && second.matches()).isTrue();
        assertThat(Integer.parseInt(second.group(2))).isEqualTo(Integer.parseInt(first.group(2)) - 1);
        assertThat(first.group(1)).isEqualTo(String.valueOf(RateLimit.DEFAULT.requests()));
    }

    @Test
    void aKeyOverItsBudget_gets429_perKeyAndEndpointGroup() {
        try (TestNode limited = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(3, 60)))) {
            CloseFixtures fx = new CloseFixtures(limited);
            var org = fx.org();
            org.admin().get("/role/");
            org.admin().get("/role/");
            assertThat(org.admin().get("/role/").header("RateLimit")).startsWith("limit=3, remaining=0, reset=");
            Http.Res refused = org.admin().get("/role/");
            assertThat(refused.status()).isEqualTo(429);
            var header = RATE_LIMIT.matcher(refused.header("RateLimit"));
            assertThat(header.matches()).isTrue();
            assertThat(header.group(1)).isEqualTo("3");
            assertThat(header.group(2)).isEqualTo("0");
            assertThat(Integer.parseInt(header.group(3))).isBetween(1, 60);
            assertThat(refused.get("error").get("rate_reset").intValue()).isBetween(1, 60);
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(org.admin().get("/role/admin/").status()).isEqualTo(200);
            assertThat(org.admin().get("/role?_limit=1").status()).isEqualTo(429);
            Http second = fx.member(org, "second", "User");
            assertThat(second.get("/role/").status()).isEqualTo(200);
        }
    }

    @Test
    void a429_saysOneSecond_inTheSingular() {
        try (TestNode limited = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(1, 1)))) {
            var org = new CloseFixtures(limited).org();
            Http.Res refused = org.admin().get("/role/");
            for (int attempt = 0; attempt < 20 && refused.status() != 429; attempt++) {
                refused = org.admin().get("/role/");
            }
            assertThat(refused.status()).as("%s", refused).isEqualTo(429);
            assertThat(refused.get("error").get("rate_reset").intValue()).isEqualTo(1);
            assertThat(refused.get("error").get("message").stringValue()).endsWith("; retry in 1 second.");
        }
    }

    @Test
    void badInput_isAClose400_neverA500() {
        var org = close.org();
        Http.Res malformed = org.admin().raw("POST", "/role/", "{\"name\": ", "application/json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.get("errors").get(0).stringValue()).contains("JSON");
        assertThat(malformed.get("field-errors").isObject()).isTrue();
        Http.Res array = org.admin().raw("POST", "/role/", "[1]", "application/json");
        assertThat(array.status()).isEqualTo(400);
        Http.Res empty = org.admin().raw("PUT", "/role/admin/", "", "application/json");
        assertThat(empty.status()).isIn(400, 403);
        Http.Res text = org.admin().raw("POST", "/group/", "name=x", "text/plain");
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.get("error").isString()).isTrue();
        Http.Res wrongType = org.admin().post("/group/", Map.of("name", List.of("x")));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.get("field-errors").has("name")).isTrue();
        Http.Res tz = org.admin().header("X-TZ-Offset", "east").get("/event/?date_updated__gte=2020-01-01");
        assertThat(tz.status()).isEqualTo(400);
    }

    /**
     * A required field left out is Close's {@code "This field is required."} on every resource, worded where the
     * dialect renders field errors, as a bulk update's missing {@code id__in} already was.
     */
    @Test
    void aMissingRequiredField_isClosesWords_onEveryResource() {
        var org = close.org();
        String membership = org.admin().post("/membership/", Map.of("email", "rep@example.com", "role_id", "user"))
                .get("id").stringValue();
        Map<String, Http.Res> answers = new LinkedHashMap<>();
        answers.put("name", org.admin().post("/role/", Map.of("permissions", List.of("view_all_leads"))));
        answers.put("email", org.admin().post("/membership/", Map.of("role_id", "user")));
        answers.put("name ", org.admin().post("/group/", Map.of()));
        answers.put("saved_view_ids", org.admin().put("/membership/" + membership + "/pinned_views/", Map.of()));
        answers.put("url", org.admin().post("/webhook/", Map.of("events", List.of(Map.of("object_type", "group",
                "action", "created")))));
        answers.put("_params", org.admin().put("/membership/", Map.of("track_email_opens", true)));
        answers.put("_params.id__in", org.admin().put("/membership/", Map.of("_params", Map.of(),
                "track_email_opens", true)));
        answers.forEach((field, res) -> {
            assertThat(res.status()).as(field + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get(field.strip()).stringValue()).as(field + " " + res)
                    .isEqualTo("This field is required.");
        });
    }

    /**
     * {@code _skip} and {@code _limit} are read the one way on every list, as the event log reads its {@code _limit}:
     * ASCII digits, spaces around them allowed; a sign or another script's digits is a 400 naming the parameter.
     */
    @Test
    void skipAndLimit_areAsciiDigits_onEveryList() {
        var org = close.org();
        List<String> malformed = List.of("%2B5", "-0", "%2B0", ScriptDigits.encode(ScriptDigits.write(5, ScriptDigits.ARABIC_INDIC)),
                ScriptDigits.encode(ScriptDigits.write(5, ScriptDigits.FULL_WIDTH)), "5.0", "0x5", "1_0");
        for (String path : List.of("/role/", "/user/", "/group/", "/webhook/")) {
            for (String param : List.of("_skip", "_limit")) {
                for (String value : malformed) {
                    Http.Res res = org.admin().get(path + "?" + param + "=" + value);
                    assertThat(res.status()).as(path + "?" + param + "=" + value + " " + res).isEqualTo(400);
                    assertThat(res.get("field-errors").has(param)).as(res.toString()).isTrue();
                }
            }
            assertThat(org.admin().get(path + "?_skip=%200%20&_limit=%205").status()).isEqualTo(200);
        }
        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        Http.Res signed = override.post("/role/", Map.of("_params", Map.of("_limit", "+5")));
        assertThat(signed.status()).as(signed.toString()).isEqualTo(400);
        assertThat(signed.get("field-errors").has("_limit")).isTrue();
        assertThat(org.admin().get("/event/?_limit=%2B5").status()).isEqualTo(400);
    }

    /**
     * A {@code _skip} or {@code _limit} sent without a value ({@code ?_limit=}, {@code ?_limit=%20}) is a 400 naming
     * it as every parameter given without a value is ("This field may not be blank.", not a range), on every list and
     * on the event log; only a parameter left out takes its default. Close documents no empty value.
     */
    @Test
    void emptySkipOrLimit_isA400_onEveryList_andTheEventLog() {
        var org = close.org();
        for (String path : List.of("/role/", "/user/", "/group/", "/webhook/")) {
            for (String query : List.of("_skip=", "_limit=", "_skip", "_limit", "_limit=%20", "_skip=%20")) {
                blank(org.admin().get(path + "?" + query), query.replaceAll("=.*", ""));
            }
            assertThat(org.admin().get(path).status()).isEqualTo(200);
        }
        for (String query : List.of("_limit=", "_limit=%20", "_skip=")) {
            blank(org.admin().get("/event/?" + query), query.replaceAll("=.*", ""));
        }
        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        for (String path : List.of("/role/", "/event/")) {
            blank(override.post(path, Map.of("_params", Map.of("_limit", ""))), "_limit");
        }
    }

    private static void blank(Http.Res res, String param) {
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("field-errors").get(param).stringValue()).as(res.toString())
                .isEqualTo("This field may not be blank.");
    }

    /**
     * Any parameter given without a value is a 400 naming it, as {@code ?_limit=} is, on every read: {@code
     * ?_order_by=} listed users in the default order and {@code ?_fields=} answered every field. A write given one
     * is refused before it changes anything.
     */
    @Test
    void aParameterGivenWithoutAValue_isA400NamingIt_beforeAnythingChanges() {
        var org = close.org();
        String organization = "/organization/" + org.closeId() + "/";
        Map<String, String> reads = new LinkedHashMap<>();
        reads.put("/user/?_order_by=", "_order_by");
        reads.put("/user/?_order_by=%20", "_order_by");
        reads.put("/role/?_fields=", "_fields");
        reads.put("/group/?_fields=%2C", "_fields");
        reads.put("/webhook/?_fields=", "_fields");
        reads.put("/me/?_fields=", "_fields");
        reads.put(organization + "?_expand=", "_expand");
        reads.forEach((path, param) -> {
            Http.Res res = org.admin().get(path);
            assertThat(res.status()).as(path + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get(param).stringValue()).as(path)
                    .isEqualTo("This field may not be blank.");
        });
        Http.Res sentAsPost = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET").post("/user/",
                Map.of("_params", Map.of("_order_by", "")));
        assertThat(sentAsPost.status()).as(sentAsPost.toString()).isEqualTo(400);

        Http.Res created = org.admin().post("/group/?_fields=", Map.of("name", "Never"));
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(org.admin().get("/group/").get("data")).isEmpty();
        Http.Res renamed = org.admin().put(organization + "?_expand=", Map.of("name", "Renamed"));
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(400);
        assertThat(org.admin().get(organization).get("name").stringValue()).isNotEqualTo("Renamed");
        assertThat(org.admin().get("/user/?_order_by=date_created&_fields=id").status()).isEqualTo(200);
    }

    /**
     * Requests to unknown routes, and with a method their route does not take, are counted per client address and
     * refused 429 once that budget is spent, as requests without a valid key are: they counted down to remaining=0
     * and were answered 404 and 405 forever.
     */
    @Test
    void unknownRoutesAndMethods_get429_onceTheAddressesBudgetIsSpent() {
        try (TestNode limited = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(3, 60)))) {
            CloseFixtures fx = new CloseFixtures(limited);
            var org = fx.org();
            assertThat(org.admin().get("/nope/").status()).isEqualTo(404);
            assertThat(org.admin().raw("PATCH", "/role/", "{}", "application/json").status()).isEqualTo(405);
            Http.Res last = org.admin().get("/nope/");
            assertThat(last.status()).isEqualTo(404);
            assertThat(last.header("RateLimit")).startsWith("limit=3, remaining=0, reset=");
            for (Http.Res refused : List.of(org.admin().get("/nope/"), org.admin().raw("PATCH", "/role/", "{}",
                    "application/json"), new Http(limited.baseUrl() + CloseApi.PREFIX, null).get("/elsewhere/"))) {
                assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
                var header = RATE_LIMIT.matcher(refused.header("RateLimit"));
                assertThat(header.matches()).as(refused.header("RateLimit")).isTrue();
                assertThat(header.group(2)).isEqualTo("0");
                assertThat(refused.header("Retry-After")).isNotNull();
                assertThat(refused.get("error").get("rate_reset").intValue()).isBetween(1, 60);
            }
            assertThat(org.admin().get("/role/").status()).as("a member's own budget is apart").isEqualTo(200);
        }
    }

    /** A numeric parameter is judged by its value, not its length: leading zeros, however many, count for nothing. */
    @Test
    void numericParameters_withLeadingZeros_countByTheirValue() {
        var org = close.org();
        Http.Res limited = org.admin().get("/role/?_limit=" + "0".repeat(39) + "1");
        assertThat(limited.status()).as(limited.toString()).isEqualTo(200);
        assertThat(limited.get("data")).hasSize(1);
        Http.Res skipped = org.admin().get("/role/?_skip=" + "0".repeat(21) + "3");
        assertThat(skipped.status()).as(skipped.toString()).isEqualTo(200);
        assertThat(skipped.get("data")).hasSize(org.admin().get("/role/").get("data").size() - 3);
        assertThat(org.admin().get("/event/?_limit=" + "0".repeat(30) + "2").get("data").size()).isLessThanOrEqualTo(2);
        for (String bad : List.of("0".repeat(30), "0".repeat(30) + "101", "0".repeat(5) + "1" + "0".repeat(20))) {
            Http.Res res = org.admin().get("/role/?_limit=" + bad);
            assertThat(res.status()).as(bad + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").has("_limit")).as(bad).isTrue();
        }
    }

    /** {@code X-TZ-Offset} is judged as written: a hair beyond 18 hours is beyond 18, however fine the hair. */
    @Test
    void tzOffset_isJudgedExactly_notAsADouble() {
        var org = close.org();
        String filtered = "/event/?date_updated__gte=2020-01-01";
        for (String offset : List.of("-18.0000000000000000001", "18.00000000000000000000001", "0018.0000000000001")) {
            Http.Res res = org.admin().header("X-TZ-Offset", offset).get(filtered);
            assertThat(res.status()).as(offset + " " + res).isEqualTo(400);
        }
        for (String offset : List.of("-18.0000000000000000000", "0018", "17.99999999999999999999")) {
            Http.Res res = org.admin().header("X-TZ-Offset", offset).get(filtered);
            assertThat(res.status()).as(offset + " " + res).isEqualTo(200);
        }
    }

    /** A parameter sent in {@code _params} is refused under its own name, however far out of range its number is. */
    @Test
    void paramsInAJsonBody_aNumberBeyondAnyRange_isRefusedUnderTheParametersName() {
        var org = close.org();
        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        for (String huge : List.of("1e400", "1e1000000000")) {
            Http.Res res = override.raw("POST", "/role/", "{\"_params\": {\"_limit\": " + huge + "}}",
                    "application/json");
            assertThat(res.status()).as(huge + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").has("_limit")).as(huge + " " + res).isTrue();
            assertThat(res.get("field-errors").has("_params._limit")).as(huge + " " + res).isFalse();
        }
    }

    /**
     * The override is honoured when it is exactly {@code GET} (method names are case-sensitive); a POST carrying any
     * other value is refused 400 in Close's shape, never run as the create it was sent as.
     */
    @Test
    void methodOverride_otherThanExactlyGet_isRefused_andCreatesNothing() {
        var org = close.org();
        int roles = org.admin().get("/role/").get("data").size();
        int groups = org.admin().get("/group/").get("data").size();
        for (String value : List.of("get", "Get", "DELETE", "PUT", "POST")) {
            Http.Res role = org.admin().header(CloseApi.OVERRIDE_HEADER, value).post("/role/",
                    Map.of("name", "Made " + value, "permissions", List.of()));
            assertThat(role.status()).as("'" + value + "' " + role).isEqualTo(400);
            assertThat(role.get("errors").get(0).stringValue()).as(role.toString()).contains("X-HTTP-Method-Override", "exactly GET");
            Http.Res group = org.admin().header(CloseApi.OVERRIDE_HEADER, value).post("/group/",
                    Map.of("name", "Made " + value));
            assertThat(group.status()).as("'" + value + "' " + group).isEqualTo(400);
        }
        assertThat(org.admin().get("/role/").get("data")).hasSize(roles);
        assertThat(org.admin().get("/group/").get("data")).hasSize(groups);
        Http.Res got = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET").post("/role/", Map.of("_params", Map.of()));
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
    }

    /**
     * {@code X-TZ-Offset} is a decimal number of hours as the docs write it — a sign, digits, a fraction after a point:
     * other number syntax — an exponent ({@code 1e1}, 10 hours), a bare point ({@code .5}, {@code 5.}), Java's
     * hexadecimal floats ({@code 0x1p3}) or type suffixes ({@code 5.5f}) — is a 400, and so is the header sent
     * without a value or with only spaces, which names no zone (UTC is the header left out).
     */
    @Test
    void tzOffset_isADecimalNumberOfHours() {
        var org = close.org();
        String filtered = "/event/?date_updated__gte=2020-01-01";
        for (String offset : List.of("0x1p3", "5.5f", "5.5d", "1_0", "5,5", "--5", "1e1", "1E1", "5e-1", ".5", "5.",
                "-.5", "+", "18.5", "-19")) {
            Http.Res res = org.admin().header("X-TZ-Offset", offset).get(filtered);
            assertThat(res.status()).as(offset + " " + res).isEqualTo(400);
            assertThat(res.get("errors").get(0).stringValue()).contains("X-TZ-Offset", "got \"" + offset + "\"");
        }
        for (String offset : List.of("-5.0", "+5", "5.5", " 3 ", "0", "-18", "18.0", "-3.75")) {
            assertThat(org.admin().header("X-TZ-Offset", offset).get(filtered).status()).as(offset).isEqualTo(200);
        }
        for (String blank : List.of("X-TZ-Offset:", "X-TZ-Offset:   ", "X-TZ-Offset: \t ")) {
            JsonNode res = raw(org, "GET /api/v1" + filtered, blank, "");
            assertThat(res.get("errors").get(0).stringValue()).as(blank + " " + res).contains("X-TZ-Offset",
                    "got \"\"");
        }
        assertThat(org.admin().get(filtered).status()).as("no offset: UTC").isEqualTo(200);
    }

    /**
     * Header values arrive as ISO-8859-1, a character per byte: a message quoting one shows printable ASCII and
     * escapes the other bytes, never the characters those bytes happen to be in Latin-1 ({@code ٥} is not echoed
     * as {@code Ù¥}).
     */
    @Test
    void aHeaderQuotedInAnError_showsBytesBeyondPrintableAsciiEscaped() {
        var org = close.org();
        // the UTF-8 of U+0665 (ARABIC-INDIC DIGIT FIVE) and a backslash, written byte for byte: the JDK client sends "?"
        String utf8ArabicFive = new String("\u0665".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        JsonNode tz = raw(org, "GET /api/v1/event/?date_updated__gte=2020-01-01", "X-TZ-Offset: " + utf8ArabicFive + "\\", "");
        assertThat(tz.get("errors").get(0).stringValue()).as(tz.toString()).endsWith("got \"\\xD9\\xA5\\\\\"");
        JsonNode type = raw(org, "POST /api/v1/group/", "Content-Type: text/plain; x=" + utf8ArabicFive, "{}");
        assertThat(type.get("error").stringValue()).as(type.toString()).contains("got \"text/plain; x=\\xD9\\xA5\"");
    }

    /** A body is read in the charset its Content-Type names, as Close (Django) reads it. */
    @Test
    void aBody_isReadInTheCharsetItNames() {
        var org = close.org();
        String latin1 = "{\"name\": \"Caf\u00e9 group\"}";
        Http.Res res = org.admin().rawBytes("POST", "/group/", latin1.getBytes(StandardCharsets.ISO_8859_1),
                "application/json; charset=latin1");
        assertThat(res.status()).as("%s", res).isEqualTo(201);
        assertThat(res.get("name").stringValue()).isEqualTo("Caf\u00e9 group");
        Http.Res bad = org.admin().rawBytes("POST", "/group/", new byte[] {'{', (byte) 0xff, '}'},
                "application/json; charset=US-ASCII");
        assertThat(bad.status()).as("%s", bad).isEqualTo(400);
    }

    /** The body of the answer to a request written by hand, with one more header line, as the admin of {@code org}. */
    private static JsonNode raw(CloseFixtures.Org org, String requestLine, String header, String body) {
        try (RawHttp connection = RawHttp.connect(node.node().port())) {
            RawHttp.Response res = connection.send(requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + org.org().adminKey() + "\r\n" + header + "\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).read(Duration.ofSeconds(10));
            assertThat(res.status()).as(res.toString()).isIn(400, 415);
            return Json.MAPPER.readTree(res.body());
        }
    }

    @Test
    void unknownRoutesAndMethods_answerInClosesShape() {
        var org = close.org();
        Http.Res notFound = org.admin().get("/lead/");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.get("error").isString()).isTrue();
        Http.Res notAllowed = org.admin().delete("/me/");
        assertThat(notAllowed.status()).isEqualTo(405);
        assertThat(notAllowed.get("error").isString()).isTrue();
        // a path read only, whose POST carries a GET (X-HTTP-Method-Override), does not list POST as allowed,
        // whichever method was refused
        Http.Res posted = org.admin().post("/me/", java.util.Map.of());
        assertThat(posted.status()).isEqualTo(405);
        assertThat(posted.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(org.admin().delete("/me/").header("Allow")).isEqualTo("GET, HEAD");
    }

    /**
     * A 405 names the method its {@code Allow} leaves out: the GET a POST with {@code x-http-method-override: GET}
     * stands for, on a path without one; the method sent otherwise.
     */
    @Test
    void methodNotAllowed_namesTheMethodTheRequestStandsFor() {
        var org = close.org();
        Http.Res overridden = org.admin().header("x-http-method-override", "GET").post("/membership/", Map.of());
        assertThat(overridden.status()).isEqualTo(405);
        assertThat(overridden.header("Allow")).isEqualTo("POST, PUT");
        assertThat(overridden.json()).isEqualTo(Json.MAPPER.readTree(
                "{\"error\": \"method GET is not allowed on /api/v1/membership/\"}"));
        Http.Res posted = org.admin().post("/me/", Map.of());
        assertThat(posted.json()).isEqualTo(Json.MAPPER.readTree(
                "{\"error\": \"method POST is not allowed on /api/v1/me/\"}"));
        Http.Res deleted = org.admin().delete("/me/");
        assertThat(deleted.json()).isEqualTo(Json.MAPPER.readTree(
                "{\"error\": \"method DELETE is not allowed on /api/v1/me/\"}"));
    }

    /**
     * The body of a GET sent as a POST holds {@code _params} alone: a misspelt {@code _param} answered every role, as
     * if no parameter had been given.
     */
    @Test
    void aGetSentAsPost_refusesEveryTopLevelFieldBut_params() {
        var org = close.org();
        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        Http.Res typo = override.post("/role/", Map.of("_param", Map.of("_limit", 1)));
        assertThat(typo.status()).as(typo.toString()).isEqualTo(400);
        assertThat(typo.get("field-errors").get("_param").stringValue()).isEqualTo("Unknown field.");
        Http.Res beside = override.post("/role/?_limit=1", Map.of("_params", Map.of(), "name", "x"));
        assertThat(beside.status()).as(beside.toString()).isEqualTo(400);
        assertThat(beside.get("field-errors").get("name").stringValue()).isEqualTo("Unknown field.");
        assertThat(override.post("/role/", Map.of("_params", Map.of("_limit", 1))).get("data")).hasSize(1);
    }

    /**
     * A parameter the endpoint reads is given once: repeated, it was read as its first value and the others dropped
     * unchecked ({@code ?_limit=2&_limit=abc} listed two roles, {@code ?_fields=id&_fields=name} answered only ids,
     * and a rename given {@code ?_expand=memberships__user&_expand=bogus} ran). A 400 naming it, on reads and writes,
     * before anything changes; so is one named both in the query string and in {@code _params}.
     */
    @Test
    void aParameterGivenMoreThanOnce_isA400NamingIt_beforeAnythingChanges() {
        var org = close.org();
        String organization = "/organization/" + org.closeId() + "/";
        Map<String, String> reads = new LinkedHashMap<>();
        reads.put("/role/?_limit=2&_limit=abc", "_limit");
        reads.put("/role/?_limit=2&_limit=2", "_limit");
        reads.put("/role/?_fields=id&_fields=name", "_fields");
        reads.put("/user/?_skip=0&_skip=1", "_skip");
        reads.put("/user/?_order_by=date_created&_order_by=-date_created", "_order_by");
        reads.put("/event/?action=updated&action=", "action");
        reads.put("/event/?object_type=role&object_type=membership", "object_type");
        reads.put("/event/?_limit=1&_limit=1&_limit=1", "_limit");
        reads.put(organization + "?_expand=memberships__user&_expand=bogus", "_expand");
        reads.forEach((path, param) -> {
            Http.Res res = org.admin().get(path);
            assertThat(res.status()).as(path + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get(param).stringValue()).as(path)
                    .isEqualTo("Given " + (path.endsWith("&_limit=1") ? 3 : 2) + " times; give it once.");
        });

        long before = node.appliedRevision();
        Http.Res renamed = org.admin().put(organization + "?_expand=memberships__user&_expand=bogus",
                Map.of("name", "Acme"));
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(400);
        assertThat(renamed.get("field-errors").get("_expand").stringValue()).isEqualTo("Given 2 times; give it once.");
        Http.Res created = org.admin().post("/group/?_fields=id&_fields=name", Map.of("name", "Never"));
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(node.appliedRevision()).as("nothing changed").isEqualTo(before);
        assertThat(org.admin().get(organization).get("name").stringValue()).isNotEqualTo("Acme");
        assertThat(org.admin().get("/group/").get("data")).isEmpty();

        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        Http.Res both = override.post("/role/?_limit=1", Map.of("_params", Map.of("_limit", 2)));
        assertThat(both.status()).as(both.toString()).isEqualTo(400);
        assertThat(both.get("field-errors").get("_limit").stringValue())
                .isEqualTo("Given in the query string and in _params; give it once.");
        Http.Res duplicateKey = override.raw("POST", "/role/", "{\"_params\": {\"_limit\": 1, \"_limit\": \"abc\"}}",
                "application/json");
        assertThat(duplicateKey.status()).as(duplicateKey.toString()).isEqualTo(400);

        assertThat(override.post("/role/?_fields=id", Map.of("_params", Map.of("_limit", 1))).get("data")).hasSize(1);
        assertThat(org.admin().get("/role/?_limit=1&_fields=id,name").get("data").get(0).propertyNames())
                .containsExactly("id", "name");
        assertThat(org.admin().get("/role/?unread=1&unread=2").status()).as("a parameter not read is ignored")
                .isEqualTo(200);
    }

    /**
     * {@code _params}, when sent, is an object of parameters: null answered the whole list unfiltered, where
     * {@code "x"} and {@code []} were refused.
     */
    @Test
    void aGetSentAsPost_refuses_paramsThatIsNoObject_nullIncluded() {
        var org = close.org();
        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        Map<String, Object> nullParams = new LinkedHashMap<>();
        nullParams.put("_params", null);
        for (Object body : List.of(nullParams, Map.of("_params", "x"), Map.of("_params", List.of()))) {
            for (String path : List.of("/role/", "/event/", "/me/")) {
                Http.Res res = override.post(path, body);
                assertThat(res.status()).as(path + " " + body + " " + res).isEqualTo(400);
                assertThat(res.get("field-errors").get("_params").stringValue()).as(path + " " + body)
                        .isEqualTo("must be an object of parameters");
            }
        }
        assertThat(override.post("/role/", Map.of()).get("data")).hasSize(4);
        assertThat(override.post("/role/", Map.of("_params", Map.of())).get("data")).hasSize(4);
    }

    /**
     * A no-break space (U+00A0, {@code %C2%A0}) or another Unicode space is a space as {@code %20} is: a parameter
     * holding only such spaces is given without a value, a 400 naming it, and spaces of any kind around a value are
     * no part of it. {@code ?_limit=%C2%A0} was refused as a number out of range, {@code ?action=%C2%A0} answered an
     * empty page and {@code ?_fields=%C2%A0} an empty object.
     */
    @Test
    void aParameterOfOnlyUnicodeSpaces_isGivenWithoutAValue_asAnAsciiBlankOneIs() {
        var org = close.org();
        String organization = "/organization/" + org.closeId() + "/";
        for (String space : List.of("%C2%A0", "%E2%80%AF", "%E3%80%80", "%20%C2%A0%20")) {
            Map<String, String> reads = new LinkedHashMap<>();
            reads.put("/role/?_limit=" + space, "_limit");
            reads.put("/user/?_skip=" + space, "_skip");
            reads.put("/event/?_limit=" + space, "_limit");
            reads.put("/event/?action=" + space, "action");
            reads.put("/event/?date_updated__gt=" + space, "date_updated__gt");
            reads.put("/user/?_order_by=" + space, "_order_by");
            reads.put("/me/?_fields=" + space, "_fields");
            reads.put("/group/?_fields=" + space + "%2C" + space, "_fields");
            reads.put(organization + "?_expand=" + space, "_expand");
            reads.forEach((path, param) -> blank(org.admin().get(path), param));
        }
        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        blank(override.post("/event/", Map.of("_params", Map.of("object_type", "\u00a0"))), "object_type");
        assertThat(org.admin().get("/role/?_limit=%C2%A01%C2%A0").get("data")).hasSize(1);
        assertThat(org.admin().get("/me/?_fields=id,%C2%A0email%C2%A0").json().propertyNames())
                .containsExactlyInAnyOrder("id", "email");
    }

    /** A {@code _params} value of null is a parameter given without a value, as {@code ""} and {@code [null]} are. */
    @Test
    void aNullParameter_isA400NamingIt_asABlankOneIs() {
        var org = close.org();
        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        Map<String, Object> nulls = new LinkedHashMap<>();
        nulls.put("action", null);
        Http.Res action = override.post("/event/", Map.of("_params", nulls));
        assertThat(action.status()).as(action.toString()).isEqualTo(400);
        assertThat(action.get("field-errors").get("action").stringValue()).isEqualTo("This field may not be blank.");
        Map<String, Object> orderBy = new LinkedHashMap<>();
        orderBy.put("_order_by", null);
        Http.Res users = override.post("/user/", Map.of("_params", orderBy));
        assertThat(users.status()).as(users.toString()).isEqualTo(400);
        assertThat(users.get("field-errors").get("_order_by").stringValue()).isEqualTo("This field may not be blank.");
    }

    /**
     * A 429 says what its budget counts: a member's per endpoint; the client address's for requests without a valid
     * key, and for requests that fail before a route runs one budget for all paths. Both of the latter said "for this
     * user and endpoint, whichever of its keys is used".
     */
    @Test
    void a429_saysWhatItsBudgetCounts() {
        try (TestNode limited = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(1, 60)))) {
            CloseFixtures fx = new CloseFixtures(limited);
            var org = fx.org();
            org.admin().get("/role/");
            assertThat(org.admin().get("/role/").get("error").get("message").stringValue())
                    .contains("for this user and endpoint, whichever of its keys is used");
            Http badKey = fx.client("not-a-key");
            badKey.get("/role/");
            Http.Res keyless = badKey.get("/role/");
            assertThat(keyless.status()).isEqualTo(429);
            assertThat(keyless.get("error").get("message").stringValue())
                    .contains("for this client address and endpoint").doesNotContain("user");
            org.admin().get("/nope/");
            Http.Res unmatched = org.admin().get("/elsewhere/");
            assertThat(unmatched.status()).isEqualTo(429);
            assertThat(unmatched.get("error").get("message").stringValue())
                    .contains("for this client address, one budget for every request").doesNotContain("user");
        }
    }

    /**
     * The key of an invited member is refused in words, as the other 401s are: the refusal answered "The request was
     * refused (key_member_inactive)."
     */
    @Test
    void anInvitedMembersKey_is401_inWords() {
        var org = close.org();
        Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "invitee",
                "email", "invitee@example.com", "role_id", close.native_().roleId(org.org(), "User"),
                "status", "invited"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        Http.Res res = close.client(close.key(org, invited.json().get("id").longValue())).get("/role/");
        assertThat(res.status()).as(res.toString()).isEqualTo(401);
        assertThat(res.get("error").stringValue()).isEqualTo("The API key's membership is not active (deactivated, or "
                + "invited and not yet accepted).");
    }

    @Test
    void aDeactivatedMembersKey_is401() {
        var org = close.org();
        long member = close.member(org, "gone", close.native_().roleId(org.org(), "User"));
        Http gone = close.client(close.key(org, member));
        node.service().patch(org.path() + "/members/" + member, Map.of("status", "deactivated"));
        Http.Res res = gone.get("/role/");
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.get("error").stringValue()).contains("revoked");
    }
}
