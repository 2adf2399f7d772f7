package dev.gatehouse.http.close;

import dev.gatehouse.http.Route;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.MalformedBodies;
import dev.gatehouse.testing.Routes;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on every route of the Close dialect (routes added later are walked too): garbage, control
 * characters, broken UTF-8 and numbers at the edges in each path parameter and query parameter; malformed
 * bodies; control characters, unpaired surrogates and boundary numbers in every body field; oversized bodies,
 * wrong content types, missing credentials. Never a 5xx; every error in Close's shapes. Close is lenient with
 * what it does not read, so a 2xx is fine where the bad value is ignored.
 */
class CloseBadInputIT {

    /** Field names of Close request bodies. */
    static final List<String> FIELDS = List.of("name", "permissions", "visibility_user_lcf_ids",
            "visibility_user_lcf_behavior", "role_id", "email", "first_name", "last_name", "user_id", "id__in",
            "pinned_views", "_params", "currency", "organization_id", "source", "url", "events", "status",
            "verify_ssl");
    static final List<String> WRONG_TYPED = List.of("{\"zz_nested\": true}", "[true]", "1.5", "\"" + "x".repeat(3000)
            + "\"");
    static final List<String> BAD_TEXT = List.of("\"\\u0000\"", "\"a\\u0001b\"", "\"\\u007f\"", "\"\\ud800\"",
            "\"x\\udc00\"", "[\"\\u0000\"]");
    static final List<String> BOUNDARY_NUMBERS = List.of("-1", "2147483648", "9223372036854775808", "1e308");
    static final List<String> MALFORMED = List.of("{", "}", "{\"name\": }", "[]", "\"text\"", "42", "null",
            "{\"a\": 1, \"a\": 2}", "{} {}", "\u00ff\u00fe", "[".repeat(5000) + "]".repeat(5000));
    static final List<String> PATH_GARBAGE = List.of("x".repeat(1000), "%20", "0", "-1", "abc", "role_", "user_x",
            "group_!", "%01", "%7F", "%C2%85", "%ED%A0%80", "%FF", "2147483647", "9223372036854775808", "1e308");
    /** Every query parameter a Close route reads. */
    static final List<String> QUERY_NAMES = List.of("_limit", "_skip", "_fields", "_order_by", "_expand", "_cursor",
            "id__in", "object_type", "object_id", "action", "user_id", "lead_id", "request_id", "date_updated__gt",
            "date_updated__gte", "date_updated__lt", "date_updated__lte", "date_created__gte");
    static final List<String> QUERY_EDGES = List.of("%00", "%ED%A0%80", "-1", "9223372036854775808",
            "%2B999999999-12-31");

    static TestNode node;
    static Http admin;
    /** A valid value for each resource's {@code {id}} (keyed by the path's first segment), and for {user_id}. */
    static Map<String, String> ids;

    @BeforeAll
    static void start() {
        // a budget no walk exhausts: the walk is about bad input, not about the rate limit
        node = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(1_000_000, 1)));
        CloseFixtures close = new CloseFixtures(node);
        CloseFixtures.Org org = close.org();
        admin = org.admin();
        JsonNode me = admin.get("/me/").json();
        String group = admin.post("/group/", Map.of("name", "Walked")).get("id").stringValue();
        String role = admin.post("/role/", Map.of("name", "Walked", "permissions", List.of("view_all_leads")))
                .get("id").stringValue();
        String event = admin.get("/event/").get("data").get(0).get("id").stringValue();
        String webhook = admin.post("/webhook/", Map.of("url", "https://hooks.example.com/walked", "events",
                List.of(Map.of("object_type", "group", "action", "created")))).get("id").stringValue();
        ids = Map.of("group", group, "role", role, "membership", me.get("memberships").get(0).get("id").stringValue(),
                "organization", org.closeId(), "user", me.get("id").stringValue(), "event", event,
                "user_id", me.get("id").stringValue(), "webhook", webhook);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * A body of many unknown fields is answered in Close's shape naming 50 of them ({@code json/Fields.MAX_NAMED}),
     * and counting the others in {@code errors}, as every dialect's shape counts them.
     */
    @Test
    void manyUnknownFields_areNamedUpToABound_andCounted() {
        StringBuilder body = new StringBuilder("{\"name\": \"Many\"");
        for (int i = 0; i < 10_000; i++) {
            body.append(", \"k").append(i).append("\": 1");
        }
        Http.Res res = admin.raw("POST", "/group/", body.append('}').toString(), "application/json");
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.body().length()).as("answer size").isLessThan(4_000);
        assertThat(res.get("field-errors").size()).isEqualTo(50);
        assertThat(res.get("field-errors").get("k0").stringValue()).isEqualTo("Unknown field.");
        assertThat(res.get("errors")).extracting(JsonNode::stringValue).containsExactly("and 9950 more fields");
    }

    /**
     * The count of fields not named is the detail's own: 120 unknown fields name 50 and count 70, one more than 50
     * counts "1 more field", exactly 50 count none; a field named like the count does not pass for it.
     */
    @Test
    void unknownFieldsBeyondTheNamed_areCounted_inErrors() {
        Map<Integer, List<String>> counted = Map.of(120, List.of("and 70 more fields"), 51, List.of("and 1 more field"),
                50, List.of());
        counted.forEach((fields, errors) -> {
            StringBuilder body = new StringBuilder("{\"name\": \"Counted\"");
            for (int i = 0; i < fields; i++) {
                body.append(", \"k").append(i).append("\": 1");
            }
            Http.Res res = admin.raw("POST", "/group/", body.append('}').toString(), "application/json");
            assertThat(res.status()).as(fields + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").size()).as(fields + " named").isEqualTo(50);
            assertThat(res.get("errors")).as(fields + " counted").extracting(JsonNode::stringValue)
                    .containsExactlyElementsOf(errors);
        });
        StringBuilder forged = new StringBuilder("{\"name\": \"Forged\", \"a; and 9 more fields; b\": 1");
        for (int i = 0; i < 60; i++) {
            forged.append(", \"k").append(i).append("\": 1");
        }
        Http.Res res = admin.raw("POST", "/group/", forged.append('}').toString(), "application/json");
        assertThat(res.get("errors")).as(res.toString()).extracting(JsonNode::stringValue)
                .containsExactly("and 11 more fields");
    }

    @Test
    void malformedBodies_areDescribedInPlainWords_withoutTheJsonLibrarysNames() {
        MalformedBodies.assertDescribedPlainly(body -> admin.raw("POST", "/role/", body, "application/json"), res -> {
            assertThat(res.get("errors")).as(res.toString()).hasSize(1);
            return res.get("errors").get(0).stringValue();
        });
    }

    @TestFactory
    Stream<DynamicContainer> everyCloseRoute_answersBadInputInClosesShape_neverA5xx() {
        List<Route> routes = node.node().http().routes().stream().filter(r -> r.path().startsWith(CloseApi.PREFIX + "/"))
                .toList();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(20);
        return routes.stream().map(route -> {
            String method = route.method().name();
            String relative = route.path().substring(CloseApi.PREFIX.length());
            Map<String, String> values = valid(relative);
            String path = Routes.fill(relative, values);
            String body = Routes.takesBody(route) ? "{}" : null;
            List<DynamicTest> tests = new ArrayList<>();
            Http anonymous = new Http(node.baseUrl() + CloseApi.PREFIX, null);
            // 401, or 405 on the POST twin of a GET-only path (it answers only with x-http-method-override: GET)
            tests.add(test("without credentials", () -> anonymous.raw(method, path, body, "application/json"), 4));
            for (String param : Routes.params(relative)) {
                for (String bad : PATH_GARBAGE) {
                    Map<String, String> badValues = new HashMap<>(values);
                    badValues.put(param, bad);
                    String badPath = Routes.fill(relative, badValues);
                    tests.add(test("{" + param + "} = " + abbreviate(bad), () -> admin.raw(method, badPath, body,
                            "application/json"), 4));
                }
            }
            if (Routes.takesBody(route) && admin.raw(method, path, "{}", "application/json").status() != 405) {
                for (String bad : MALFORMED) {
                    tests.add(test("body " + abbreviate(bad), () -> admin.raw(method, path, bad, "application/json"), 0));
                }
                for (String field : FIELDS) {
                    for (String value : WRONG_TYPED) {
                        String bad = "{\"" + field + "\": " + value + "}";
                        tests.add(test("body " + abbreviate(bad), () -> admin.raw(method, path, bad, "application/json"),
                                0));
                    }
                    for (String value : BOUNDARY_NUMBERS) {
                        String bad = "{\"" + field + "\": " + value + "}";
                        tests.add(test("body " + bad, () -> admin.raw(method, path, bad, "application/json"), 0));
                    }
                }
                for (String value : BAD_TEXT) {
                    String bad = everyField(value);
                    tests.add(test("every field " + value, () -> admin.raw(method, path, bad, "application/json"), 0));
                }
                tests.add(test("body over 1 MiB", () -> admin.raw(method, path,
                        "{\"name\": \"" + "x".repeat(1024 * 1024 + 16) + "\"}", "application/json"), 413));
                tests.add(test("content type text/plain", () -> admin.raw(method, path, "{\"a\": 1}", "text/plain"), 0));
            }
            if (method.equals("GET")) {
                for (String name : QUERY_NAMES) {
                    for (String value : QUERY_EDGES) {
                        String query = name + "=" + value;
                        tests.add(test("query " + abbreviate(query), () -> admin.get(path + "?" + query), 0));
                    }
                }
            }
            return DynamicContainer.dynamicContainer(method + " " + route.path(), tests);
        });
    }

    /** Valid values for a path's parameters: {id} by resource, {user_id} a user of the organization. */
    private static Map<String, String> valid(String relative) {
        Map<String, String> values = new HashMap<>();
        String resource = relative.split("/")[1];
        for (String param : Routes.params(relative)) {
            values.put(param, param.equals("id") ? ids.getOrDefault(resource, "1") : ids.getOrDefault(param, "1"));
        }
        return values;
    }

    static String everyField(String value) {
        StringBuilder body = new StringBuilder("{");
        for (String field : FIELDS) {
            body.append(body.length() > 1 ? ", " : "").append('"').append(field).append("\": ").append(value);
        }
        return body.append('}').toString();
    }

    /**
     * A request that must not fail on the server: a 2xx is fine (Close ignores what it does not read), an error
     * is in Close's shape; {@code expected} 4 demands a 4xx, another non-zero value that exact status.
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
                JsonNode json = res.json();
                if (res.status() == 400) {
                    assertThat(json.get("errors").isArray()).as(shown).isTrue();
                    assertThat(json.get("field-errors").isObject()).as(shown).isTrue();
                    assertThat(json.get("errors").size() + json.get("field-errors").size()).as(shown).isPositive();
                } else {
                    assertThat(json.get("error").isString()).as(shown).isTrue();
                }
            }
        });
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 40);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "... (" + s.length() + " chars)";
    }
}
