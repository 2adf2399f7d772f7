package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.MalformedBodies;
import dev.gatehouse.testing.Routes;
import dev.gatehouse.testing.ScriptDigits;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
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
 * Bad input on every route of the native route table (so routes added later are covered without touching
 * this class): garbage in each path parameter, malformed and mistyped bodies, unknown fields, oversized
 * bodies, wrong content types, bad limits and cursors, missing credentials; control characters, unpaired
 * surrogates, broken UTF-8 and numbers at the edges of int32, int64 and double in every body field, path
 * parameter and query parameter; times beyond year 9999. Every answer must be a 4xx problem+json, and the
 * change-log revision must not move.
 */
class BadInputIT {

    /** Field names of native request bodies; each is sent with values of the wrong type. */
    static final List<String> FIELDS = List.of("name", "model", "admin", "description", "permissions", "external",
            "visibility", "user_id", "email", "first_name", "last_name", "role_id", "status", "member_id",
            "permission", "resource", "explain", "min_revision", "checks", "type", "limit", "cursor", "record", "id");
    /** Values no field of the native API accepts, whatever its type. */
    static final List<String> WRONG_TYPED = List.of("{\"zz_nested\": true}", "[true]", "1.5");
    static final List<String> MALFORMED = List.of("{", "}", "{\"name\": }", "{\"name\": \"a\",}", "[]", "\"text\"",
            "42", "null", "true", "{\"a\": 1, \"a\": 2}", "{} {}", "{'name': 'single quotes'}", "\u00ff\u00fe",
            "[".repeat(5000) + "]".repeat(5000), "{\"zz_unknown_field\": 1}");
    static final List<String> BAD_LIMITS = List.of("0", "-1", "1001", "abc", "99999999999", "1.5", "");
    /** Query parameters some GET route reads, with values no route accepts: never a 5xx. */
    static final List<String> QUERY_GARBAGE = List.of("status=bogus", "role_id=abc", "role_id=99999999999999999999",
            "resource_type=nope&resource_id=x", "resource_type=room", "resource_id=r1", "resource_type=room&resource_id="
            + "x".repeat(300), "resource_type=&resource_id=", "limit=1&limit=2", "cursor=&limit=");
    static final List<String> BAD_CURSORS = List.of("!!!", "Zm9v", "Yzk6MQ", "%00", "x".repeat(2000));
    /** Strings no field accepts, as JSON: control characters and unpaired surrogates. */
    static final List<String> BAD_TEXT = List.of("\"\\u0000\"", "\"a\\u0001b\"", "\"\\u007f\"", "\"\\u0085\"",
            "\"\\ud800\"", "\"x\\udc00\"", "[\"\\u0000\"]", "{\"a\\u0000\": 1}");
    /** Numbers at and beyond the edges of 32- and 64-bit integers and of doubles. */
    static final List<String> BOUNDARY_NUMBERS = List.of("0", "-1", "2147483647", "2147483648", "-2147483648",
            "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "1e308", "-1e308", "1e400");
    /** Path segments (percent-encoded) that are control characters, broken UTF-8 or numbers at the edges. */
    static final List<String> PATH_EDGES = List.of("%01", "%1F", "%7F", "%C2%85", "%ED%A0%80", "%C0%80", "%FF");
    static final List<String> PATH_NUMBERS = List.of("2147483647", "2147483648", "-2147483648", "9223372036854775807",
            "9223372036854775808", "-9223372036854775809", "1e308");
    /** Every query parameter a native route reads. */
    static final List<String> QUERY_NAMES = List.of("limit", "cursor", "status", "role_id", "resource_type",
            "resource_id", "outcome", "object_type", "action", "object_id", "actor_type", "actor_id", "key_id", "since",
            "until", "after_revision", "before_revision", "order");
    /** Values of any query parameter: control characters, broken UTF-8, numbers at the edges. */
    static final List<String> QUERY_EDGES = List.of("%00", "%ED%A0%80", "-1", "9223372036854775808", "1e308");
    /** Times beyond what anything stores, for the time filters. */
    static final List<String> FAR_TIMES = List.of("%2B999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "%2B10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-18:00");

    /** GET routes that answer nothing without a query parameter ({@code /v1/changes} needs {@code after}). */
    static final Set<String> NEEDS_QUERY = Set.of("/v1/changes");

    static TestNode node;
    static Fixtures.Populated world;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        world = new Fixtures(node).populated();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Values that no path parameter of that name accepts, with a fallback for names added later. */
    static List<String> garbage(String param) {
        List<String> values = new ArrayList<>(List.of("x".repeat(1000)));
        values.addAll(PATH_EDGES);
        if (!param.equals("id")) {
            // a resource id is free text, so a number is a valid one
            values.addAll(PATH_NUMBERS);
        }
        switch (param) {
            case "org", "role", "group" -> values.addAll(List.of("abc", "0", "-1", "1.5", "99999999999999999999", "%20",
                    "1e3"));
            case "member" -> values.addAll(List.of("no-such-user", "0", "-1", "%20", "x".repeat(201)));
            case "key" -> values.addAll(List.of("nope", "0", "-1"));
            case "type" -> values.addAll(List.of("nope", "%20", "organization"));
            case "id" -> values.add("x".repeat(201));
            case "model" -> values.addAll(List.of("nope", "0", "-1"));
            default -> { }
        }
        return values;
    }

    @TestFactory
    Stream<DynamicContainer> everyRoute_rejectsBadInput_andChangesNothing() {
        return Routes.nativeRoutes(node).stream().map(route -> {
            // A parameter this class does not know yet (a route added later) gets a placeholder, so the route is
            // still walked; add a real fixture value to Fixtures.populated() to cover it fully.
            Map<String, String> valid = new HashMap<>(world.params());
            boolean known = valid.keySet().containsAll(Routes.params(route.path()));
            Routes.params(route.path()).forEach(p -> valid.putIfAbsent(p, "1"));
            String method = route.method().name();
            List<DynamicTest> tests = new ArrayList<>();
            String path = Routes.fill(route.path(), valid);
            String body = Routes.takesBody(route) ? "{}" : null;
            tests.add(rejects("without credentials", () -> node.anonymous().raw(method, path, body, "application/json"),
                    401));
            tests.add(rejects("with an unknown key", () -> node.as("ghm_000000000000000000000000_"
                    + "x".repeat(43)).raw(method, path, body, "application/json"), 401));
            for (String param : Routes.params(route.path())) {
                for (String bad : garbage(param)) {
                    Map<String, String> values = new HashMap<>(valid);
                    values.put(param, bad);
                    String badPath = Routes.fill(route.path(), values);
                    tests.add(rejects("{" + param + "} = " + abbreviate(bad),
                            () -> node.service().raw(method, badPath, body, "application/json"), 0));
                }
            }
            if (Routes.takesBody(route)) {
                for (String bad : MALFORMED) {
                    tests.add(rejects("body " + abbreviate(bad),
                            () -> node.service().raw(method, path, bad, "application/json"), 400));
                }
                for (String field : FIELDS) {
                    for (String value : WRONG_TYPED) {
                        String bad = "{\"" + field + "\": " + value + "}";
                        tests.add(rejects("body " + bad, () -> node.service().raw(method, path, bad, "application/json"),
                                400));
                    }
                }
                // every field at once: the native readers collect every field's problem before answering
                for (String value : BAD_TEXT) {
                    String bad = everyField(value);
                    tests.add(rejects("every field " + value, () -> node.service().raw(method, path, bad,
                            "application/json"), 400));
                }
                for (String value : BOUNDARY_NUMBERS) {
                    String bad = everyField(value);
                    tests.add(rejects("every field " + value, () -> node.service().raw(method, path, bad,
                            "application/json"), 0));
                }
                tests.add(rejects("body over 1 MiB", () -> node.service().raw(method, path,
                        "{\"name\": \"" + "x".repeat(1024 * 1024 + 16) + "\"}", "application/json"), 413));
                tests.add(rejects("content type text/plain",
                        () -> node.service().raw(method, path, "{}", "text/plain"), 0));
            }
            if (method.equals("GET")) {
                List<String> queries = new ArrayList<>(QUERY_GARBAGE);
                for (String name : QUERY_NAMES) {
                    QUERY_EDGES.forEach(value -> queries.add(name + "=" + value));
                }
                for (String name : List.of("since", "until")) {
                    FAR_TIMES.forEach(value -> queries.add(name + "=" + value));
                }
                for (String query : queries) {
                    tests.add(DynamicTest.dynamicTest("query " + abbreviate(query), () -> {
                        long before = node.appliedRevision();
                        Http.Res res = node.service().get(path + "?" + query);
                        assertThat(res.status()).as("%s", res).isLessThan(500);
                        if (res.status() >= 400) {
                            assertProblem(res, 0);
                        }
                        assertThat(node.appliedRevision()).isEqualTo(before);
                    }));
                }
            }
            if (method.equals("GET") && NEEDS_QUERY.contains(route.path())) {
                tests.add(rejects("without its required query parameter", () -> node.service().get(path), 400));
            } else if (method.equals("GET") && known && isList(path)) {
                for (String limit : BAD_LIMITS) {
                    tests.add(rejects("limit=" + limit, () -> node.service().get(path + "?limit=" + limit), 400));
                }
                for (String cursor : BAD_CURSORS) {
                    tests.add(rejects("cursor=" + abbreviate(cursor), () -> node.service().get(path + "?cursor=" + cursor),
                            400));
                }
            }
            long[] start = new long[1];
            tests.add(0, DynamicTest.dynamicTest("revision before (readyz)", () -> start[0] = node.revision()));
            tests.add(DynamicTest.dynamicTest("revision unchanged (readyz)",
                    () -> assertThat(node.revision()).isEqualTo(start[0])));
            return DynamicContainer.dynamicContainer(method + " " + route.path(), tests);
        });
    }

    /**
     * Every write that does not read {@code If-Match} ({@link Route#readsIfMatch}: it writes no object that carries a
     * version) refuses it before it runs, with valid ids and a valid key — a route added later too, unless it
     * declares that it reads the header: performing the request would tell the client a condition held that was
     * never evaluated.
     */
    @TestFactory
    Stream<DynamicTest> everyWriteNotReadingIfMatch_refusesIt_andChangesNothing() {
        return everyWrite(route -> !route.readsIfMatch(), "If-Match", "if_match_unsupported");
    }

    /**
     * No write reads {@code If-None-Match}: every write refuses it before it runs, with valid ids and a valid key — a
     * route added later too. Performed, the write would tell the client a condition held that was never evaluated,
     * or be answered 304 Not Modified after its commit, as the web framework answers a tag equal to the ETag.
     */
    @TestFactory
    Stream<DynamicTest> everyWrite_refusesIfNoneMatch_andChangesNothing() {
        return everyWrite(route -> true, "If-None-Match", "if_none_match_unsupported");
    }

    /**
     * Every write route {@code which} takes, sent with valid ids, a valid key and {@code header} {@code "1"}: refused
     * 400 {@code code} before it runs, the revision unmoved.
     */
    private Stream<DynamicTest> everyWrite(Predicate<Route> which, String header, String code) {
        return Routes.nativeRoutes(node).stream()
                .filter(route -> which.test(route) && !route.method().name().equals("GET"))
                .map(route -> {
                    Map<String, String> valid = new HashMap<>(world.params());
                    Routes.params(route.path()).forEach(p -> valid.putIfAbsent(p, "1"));
                    String path = Routes.fill(route.path(), valid);
                    String body = route.streamsBody()
                            ? "{\"type\": \"role\", \"name\": \"Refused\", \"permissions\": [\"canViewRoomDetails\"]}\n"
                            : Routes.takesBody(route) ? "{}" : null;
                    String type = route.streamsBody() ? "application/x-ndjson" : "application/json";
                    return DynamicTest.dynamicTest(route.method() + " " + route.path(), () -> {
                        long before = node.appliedRevision();
                        Http.Res res = node.service().header(header, "\"1\"").raw(route.method().name(), path, body,
                                type);
                        assertProblem(res, 400);
                        assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo(code);
                        assertThat(node.appliedRevision()).isEqualTo(before);
                    });
                });
    }

    /**
     * A write carrying {@code If-None-Match} — a creation, a change, whatever the tag — is refused before anything is
     * done: never performed and then answered 304 with no body (an organization created with its admin key lost, a
     * rename committed), nor performed as if {@code *} had been evaluated. The refusal says what to send instead.
     */
    @Test
    void ifNoneMatch_onAWrite_isRefusedBeforeItRuns_neverAnswered304AfterTheCommit() {
        long before = node.appliedRevision();
        String name = "INM " + System.nanoTime();
        Http.Res org = node.service().header("If-None-Match", "\"1\"").post("/v1/orgs", Map.of("name", name,
                "model", "close", "admin", Map.of("user_id", "a", "email", "a@x.test")));
        assertProblem(org, 400);
        assertThat(org.get("code").stringValue()).isEqualTo("if_none_match_unsupported");
        assertThat(org.get("detail").stringValue()).contains("If-None-Match", "without If-None-Match");
        assertThat(node.service().get("/v1/orgs?limit=1000").json().get("items").findValuesAsString("name"))
                .doesNotContain(name);

        String groups = world.org().path() + "/groups";
        Http.Res group = node.service().header("If-None-Match", "*").post(groups, Map.of("name", name));
        assertProblem(group, 400);
        assertThat(group.get("code").stringValue()).isEqualTo("if_none_match_unsupported");
        assertThat(node.service().get(groups + "?limit=1000").json().get("items").findValuesAsString("name"))
                .doesNotContain(name);

        String team = groups + "/" + world.params().get("group");
        Http.Res held = node.service().get(team);
        for (String tag : List.of(held.header("ETag"), "*", "W/" + held.header("ETag"))) {
            Http.Res renamed = node.service().header("If-None-Match", tag).patch(team, Map.of("name", name));
            assertProblem(renamed, 400);
            assertThat(renamed.get("code").stringValue()).as(tag).isEqualTo("if_none_match_unsupported");
            assertThat(renamed.get("detail").stringValue()).as(tag).contains("send If-Match");
        }
        assertThat(node.service().get(team).json()).isEqualTo(held.json());

        String member = world.org().path() + "/members/" + world.member();
        Http.Res changed = node.service().header("If-None-Match", node.service().get(member).header("ETag"))
                .patch(member, Map.of("first_name", name));
        assertProblem(changed, 400);
        assertThat(node.service().get(member).get("first_name").toString()).doesNotContain(name);
        assertThat(node.appliedRevision()).isEqualTo(before);
        // an empty If-None-Match asks nothing, as an empty If-Match
        Http.Res plain = node.service().header("If-None-Match", "").patch(team, Map.of("name", held.get("name")
                .stringValue()));
        assertThat(plain.status()).as("%s", plain).isEqualTo(200);
    }

    /**
     * A read of one versioned object answers 304, with its ETag and no body, when {@code If-None-Match} is {@code *}
     * or lists its version, compared weakly ({@code W/"3"} names {@code "3"}; the bare number is read as the quoted);
     * any other tag, and a list (which has no ETag), is answered in full.
     */
    @Test
    void ifNoneMatch_onARead_comparesWeakly_andAnswers304WithTheETag() {
        String team = world.org().path() + "/groups/" + world.params().get("group");
        Http.Res full = node.service().get(team);
        String etag = full.header("ETag");
        String version = etag.substring(1, etag.length() - 1);
        for (String tags : List.of(etag, "W/" + etag, "*", "\"999999\", W/" + etag, "W/\"999999\"," + etag, version)) {
            Http.Res res = node.service().header("If-None-Match", tags).get(team);
            assertThat(res.status()).as("If-None-Match: %s -> %s", tags, res).isEqualTo(304);
            assertThat(res.body()).as(tags).isEmpty();
            assertThat(res.header("ETag")).as(tags).isEqualTo(etag);
        }
        for (String tags : List.of("\"999999\"", "W/\"999999\"", "\"" + version + "0\"", "\"" + version, "x" + version)) {
            Http.Res res = node.service().header("If-None-Match", tags).get(team);
            assertThat(res.status()).as("If-None-Match: %s -> %s", tags, res).isEqualTo(200);
            assertThat(res.json()).as(tags).isEqualTo(full.json());
        }
        Http.Res list = node.service().header("If-None-Match", "*").get(world.org().path() + "/groups");
        assertThat(list.status()).as("%s", list).isEqualTo(200);
        assertThat(list.get("items").isEmpty()).isFalse();
    }

    /**
     * A cursor continues only the list that wrote it: another route's, another organization's and the events list's
     * in the other order are 400 {@code invalid_cursor}, where their position would silently start another page.
     */
    @Test
    void cursors_continueOnlyTheListThatWroteThem() {
        String org = world.org().path();
        assertThat(node.service().post(org + "/groups", Map.of("name", "Cursor " + System.nanoTime())).status())
                .isEqualTo(201);
        String groups = node.service().get(org + "/groups?limit=1").get("next_cursor").stringValue();
        assertThat(node.service().get(org + "/groups?limit=1&cursor=" + groups).status()).isEqualTo(200);
        String other = new Fixtures(node).org("rooms").path();
        for (String list : List.of(org + "/members", org + "/roles", org + "/webhooks", other + "/groups",
                org + "/groups/" + world.params().get("group") + "/members")) {
            Http.Res res = node.service().get(list + "?cursor=" + groups);
            assertThat(res.status()).as("%s: %s", list, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).as(list).isEqualTo("invalid_cursor");
            assertThat(res.get("errors").get("cursor").stringValue()).as(list).isEqualTo("written for another list");
        }

        String ascending = node.service().get(org + "/events?order=asc&limit=1").get("next_cursor").stringValue();
        assertThat(node.service().get(org + "/events?order=asc&limit=1&cursor=" + ascending).status()).isEqualTo(200);
        for (String list : List.of(org + "/events?", org + "/events?order=desc&", other + "/events?order=asc&")) {
            Http.Res res = node.service().get(list + "cursor=" + ascending);
            assertThat(res.status()).as("%s: %s", list, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).as(list).isEqualTo("invalid_cursor");
        }
        String descending = node.service().get(org + "/events?limit=1").get("next_cursor").stringValue();
        assertThat(node.service().get(org + "/events?order=desc&limit=1&cursor=" + descending).status())
                .isEqualTo(200);
    }

    /**
     * A cursor is tied to every parameter that selects its list's items or orders them — a list's filters, a
     * lookup's member, permission, type and resource —, not only to its route and path: read with another, where its
     * position would silently start another page, it is 400 {@code invalid_cursor}. The same parameters continue,
     * whatever {@code limit} or {@code min_revision} the next page asks with.
     */
    @Test
    void cursors_continueOnlyTheFiltersAndLookupParametersThatWroteThem() {
        Fixtures fixtures = new Fixtures(node);
        Fixtures.Populated own = fixtures.populated();
        Fixtures.Org org = own.org();
        String agent = "agent-" + org.id();
        for (int n = 0; n < 2; n++) {
            fixtures.room(org, "Cursor room " + n, own.member(), own.internalRole());
        }

        String resources = org.path() + "/lookup/resources";
        Map<String, Object> asked = Map.of("user_id", agent, "permission", "canViewRoomDetails", "type", "room",
                "limit", 1);
        String resourceCursor = node.service().post(resources, asked).get("next_cursor").stringValue();
        assertContinues(node.service().post(resources, with(asked, "cursor", resourceCursor, "limit", 2,
                "min_revision", 1)));
        assertWrittenForAnotherList(node.service().post(resources, with(asked, "cursor", resourceCursor,
                "permission", "canAddUsersToRooms")));
        assertWrittenForAnotherList(node.service().post(resources, with(asked, "cursor", resourceCursor,
                "user_id", "admin-1")));
        assertWrittenForAnotherList(node.service().post(resources, Map.of("member_id", own.member(), "permission",
                "canViewRoomDetails", "type", "room", "cursor", resourceCursor)));

        String members = org.path() + "/lookup/members";
        Map<String, Object> who = Map.of("permission", "canViewRoomDetails", "limit", 1);
        String memberCursor = node.service().post(members, who).get("next_cursor").stringValue();
        assertContinues(node.service().post(members, with(who, "cursor", memberCursor, "limit", 5)));
        assertWrittenForAnotherList(node.service().post(members, with(who, "cursor", memberCursor,
                "permission", "canCreateRooms")));
        assertWrittenForAnotherList(node.service().post(members, with(who, "cursor", memberCursor,
                "resource", Map.of("type", "room", "id", own.params().get("id")))));

        String list = org.path() + "/members?status=active&limit=1";
        String listCursor = node.service().get(list).get("next_cursor").stringValue();
        assertContinues(node.service().get(org.path() + "/members?limit=5&status=active&cursor=" + listCursor));
        for (String other : List.of("", "status=invited&", "status=active&q=agent&",
                "status=active&role_id=" + own.internalRole() + "&")) {
            assertWrittenForAnotherList(node.service().get(org.path() + "/members?" + other + "cursor=" + listCursor));
        }

        String events = org.path() + "/events?object_type=group&limit=1";
        String eventCursor = node.service().get(events).get("next_cursor").stringValue();
        assertContinues(node.service().get(org.path() + "/events?order=desc&object_type=group&cursor=" + eventCursor));
        for (String other : List.of("", "object_type=role&", "object_type=group,role&", "object_type=group&action="
                + "created&", "object_type=group&actor_type=service&", "object_type=group&before_revision=1000000&")) {
            assertWrittenForAnotherList(node.service().get(org.path() + "/events?" + other + "cursor=" + eventCursor));
        }

        String officeCursor = node.service().get(org.path() + "/offices?q=Office&limit=1").get("next_cursor")
                .stringValue();
        assertContinues(node.service().get(org.path() + "/offices?q=Office&cursor=" + officeCursor));
        for (String other : List.of("", "q=Offic&")) {
            assertWrittenForAnotherList(node.service().get(org.path() + "/offices?" + other + "cursor="
                    + officeCursor));
        }
    }

    /** {@code body} with {@code namesAndValues} set over it. */
    private static Map<String, Object> with(Map<String, Object> body, Object... namesAndValues) {
        Map<String, Object> changed = new HashMap<>(body);
        for (int at = 0; at < namesAndValues.length; at += 2) {
            changed.put((String) namesAndValues[at], namesAndValues[at + 1]);
        }
        return changed;
    }

    private static void assertContinues(Http.Res res) {
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("items").isArray()).as("%s", res).isTrue();
    }

    private static void assertWrittenForAnotherList(Http.Res res) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo("invalid_cursor");
        assertThat(res.get("errors").get("cursor").stringValue()).as("%s", res).isEqualTo("written for another list");
    }

    /** A body with every field of {@link #FIELDS} set to {@code value} (JSON). */
    static String everyField(String value) {
        StringBuilder body = new StringBuilder("{");
        for (String field : FIELDS) {
            body.append(body.length() > 1 ? ", " : "").append('"').append(field).append("\": ").append(value);
        }
        return body.append('}').toString();
    }

    /** A list route answers a plain GET with {@code items}. */
    private static boolean isList(String path) {
        Http.Res res = node.service().get(path);
        assertThat(res.status()).as("GET %s with valid ids: %s", path, res).isEqualTo(200);
        return res.json() != null && res.json().has("items");
    }

    /** A request that must fail with a 4xx problem (with {@code status}, unless 0) and change nothing. */
    private static DynamicTest rejects(String name, java.util.function.Supplier<Http.Res> request, int status) {
        return DynamicTest.dynamicTest(name, () -> {
            long before = node.appliedRevision();
            Http.Res res = request.get();
            assertProblem(res, status);
            assertThat(node.appliedRevision()).as("revision after %s", name).isEqualTo(before);
        });
    }

    static void assertProblem(Http.Res res, int status) {
        String shown = abbreviate(res.toString(), 300);
        assertThat(res.status()).as("status of %s", shown).isBetween(400, 499);
        if (status != 0) {
            assertThat(res.status()).as("status of %s", shown).isEqualTo(status);
        }
        assertThat(res.header("Content-Type")).as("content type of %s", shown).startsWith("application/problem+json");
        assertThat(res.json().get("status").intValue()).isEqualTo(res.status());
        assertThat(res.json().get("code").stringValue()).isNotBlank();
        assertThat(res.json().get("detail").stringValue()).isNotBlank();
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 40);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "... (" + s.length() + " chars)";
    }

    @Test
    void problems_nameWhatIsWrong() {
        String roles = world.org().path() + "/roles";
        Http.Res malformed = node.service().raw("POST", roles, "{\"name\": ", "application/json");
        assertThat(malformed.get("code").stringValue()).isEqualTo("invalid_json");
        assertThat(malformed.get("detail").stringValue()).contains("malformed JSON");

        Http.Res fields = node.service().raw("POST", roles, "{\"nme\": \"Typo\", \"permissions\": \"calling\", "
                + "\"external\": \"yes\"}", "application/json");
        assertThat(fields.status()).isEqualTo(400);
        assertThat(fields.get("code").stringValue()).isEqualTo("invalid_input");
        JsonNode errors = fields.get("errors");
        assertThat(errors.get("nme").stringValue()).isEqualTo("unknown field");
        assertThat(errors.get("name").stringValue()).isEqualTo("is required");
        assertThat(errors.get("permissions").stringValue()).contains("array");
        assertThat(errors.get("external").stringValue()).contains("true or false");
        assertThat(fields.get("detail").stringValue()).contains("nme", "name", "permissions", "external");

        Http.Res id = node.service().get("/v1/orgs/abc");
        assertThat(id.status()).isEqualTo(400);
        assertThat(id.get("code").stringValue()).isEqualTo("invalid_id");
        assertThat(id.get("detail").stringValue()).contains("org", "abc");
        assertThat(id.get("errors").has("org")).isTrue();

        Http.Res limit = node.service().get(roles + "?limit=5000");
        assertThat(limit.get("code").stringValue()).isEqualTo("invalid_limit");
        assertThat(limit.get("detail").stringValue()).contains("5000", "1000");
        Http.Res cursor = node.service().get(roles + "?cursor=bogus");
        assertThat(cursor.get("code").stringValue()).isEqualTo("invalid_cursor");
        // positions start at 1 and are written one way: a made-up position 0 or 040 is no cursor this API returned,
        // even in this list's form (the list's tag, then the position), nor is position 4 padded or with stray low
        // bits, while its own form is one
        String written = new String(java.util.Base64.getUrlDecoder().decode(node.service().get(roles + "?limit=1")
                .get("next_cursor").stringValue()), java.nio.charset.StandardCharsets.UTF_8);
        String listForm = written.substring(0, written.lastIndexOf(':') + 1);
        for (String position : List.of("0", "040")) {
            String made = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((listForm + position).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(node.service().get(roles + "?cursor=" + made).get("code").stringValue()).as(position)
                    .isEqualTo("invalid_cursor");
        }
        byte[] four = (listForm + "4").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String ownForm = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(four);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String strayBits = ownForm.substring(0, ownForm.length() - 1)
                + alphabet.charAt(alphabet.indexOf(ownForm.charAt(ownForm.length() - 1)) ^ 1);
        for (String spelling : List.of(java.util.Base64.getUrlEncoder().encodeToString(four), strayBits)) {
            assertThat(node.service().get(roles + "?cursor=" + spelling).get("code").stringValue()).as(spelling)
                    .isEqualTo("invalid_cursor");
        }
        assertThat(node.service().get(roles + "?cursor=" + ownForm).status()).isEqualTo(200);

        Http.Res tooLarge = node.service().raw("POST", roles, "{\"name\": \"" + "x".repeat(1024 * 1024 + 1) + "\"}",
                "application/json");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.get("code").stringValue()).isEqualTo("body_too_large");
    }

    /**
     * A body of many unknown fields (a megabyte holds a hundred thousand) is answered naming the first 50
     * ({@code json/Fields.MAX_NAMED}), each name abbreviated, and counting the others: an answer of a few kilobytes,
     * whose cost grows with the body, not with its square.
     */
    @Test
    void manyUnknownFields_areNamedUpToABound_andCounted() {
        StringBuilder body = new StringBuilder("{\"" + "n".repeat(40_000) + "\": 1");
        for (int i = 0; i < 10_000; i++) {
            body.append(", \"k").append(i).append("\": 1");
        }
        Http.Res res = node.service().raw("POST", world.org().path() + "/groups", body.append('}').toString(),
                "application/json");
        assertProblem(res, 400);
        assertThat(res.get("code").stringValue()).as(res.toString()).isEqualTo("invalid_input");
        assertThat(res.body().length()).as("answer size").isLessThan(8_000);
        JsonNode errors = res.get("errors");
        assertThat(errors.size()).isEqualTo(50);
        errors.propertyNames().forEach(name -> assertThat(name.length()).as("a named field").isLessThanOrEqualTo(64));
        assertThat(errors.get("k48").stringValue()).isEqualTo("unknown field");
        assertThat(errors.has("k49")).as("the 51st").isFalse();
        String detail = res.get("detail").stringValue();
        assertThat(detail).startsWith("nnnn").contains("...: unknown field; k0: unknown field; k1: unknown field")
                .contains("k48: unknown field").doesNotContain("k49").endsWith("; and 9952 more fields");
    }

    /**
     * An id or a count is written in ASCII digits, one way: {@code Long.parseLong} alone also read a sign and other
     * scripts' digits, so {@code /v1/orgs/１} (full-width) named organization 1 past any rule for {@code /v1/orgs/1}.
     */
    @Test
    void integers_areAsciiDigits_andAnIdHasOneSpelling() {
        String org = world.org().path();
        Map<String, Long> ids = Map.of("/v1/orgs/", world.org().id(), org + "/roles/", world.internalRole());
        ids.forEach((prefix, id) -> {
            for (String spelling : List.of("+" + id, "0" + id, " " + id, ScriptDigits.write(id, ScriptDigits.FULL_WIDTH),
                    ScriptDigits.write(id, ScriptDigits.ARABIC_INDIC))) {
                Http.Res res = node.service().get(prefix + ScriptDigits.encode(spelling));
                assertThat(res.status()).as(prefix + spelling).isEqualTo(400);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_id");
            }
            // nor a digit written as an escape (%34 for 4), which the router decodes: it was the same object
            String escaped = String.valueOf(id).chars().mapToObj(c -> String.format("%%%02X", c))
                    .collect(java.util.stream.Collectors.joining());
            Http.Res res = node.service().get(prefix + escaped);
            assertThat(res.status()).as(prefix + escaped).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_path");
        });
        // nor with a trailing slash, which the router ignores: DELETE /v1/orgs/{id}/ deleted the organization
        long revision = node.revision();
        for (String path : List.of(org + "/", org + "/roles/", org + "/members/" + world.member() + "/")) {
            Http.Res slashed = node.service().delete(path);
            assertThat(slashed.status()).as(path + ": " + slashed).isEqualTo(400);
            assertThat(slashed.get("code").stringValue()).isEqualTo("invalid_path");
            assertThat(node.service().get(path).status()).as(path).isEqualTo(400);
        }
        assertThat(node.revision()).as("nothing deleted").isEqualTo(revision);
        assertThat(node.service().get(org).status()).isEqualTo(200);
        Http.Res byEscapedId = node.service().get(org + "/members/id:%3" + String.valueOf(world.member()).charAt(0)
                + String.valueOf(world.member()).substring(1));
        assertThat(byEscapedId.status()).as(byEscapedId.toString()).isEqualTo(400);
        assertThat(node.service().get(org + "/members/%69d:" + world.member()).status()).isEqualTo(400);
        for (String count : List.of("+5", ScriptDigits.write(5, ScriptDigits.FULL_WIDTH),
                ScriptDigits.write(5, ScriptDigits.ARABIC_INDIC))) {
            String q = ScriptDigits.encode(count);
            assertThat(node.service().get(org + "/roles?limit=" + q).get("code").stringValue()).isEqualTo("invalid_limit");
            assertThat(node.service().get(org + "/members?role_id=" + q).status()).isEqualTo(400);
            assertThat(node.service().get(org + "/events?after_revision=" + q).status()).isEqualTo(400);
            assertThat(node.service().get(org + "/members/" + world.member() + "/permissions?min_revision=" + q)
                    .status()).as(count).isEqualTo(400);
        }
        long before = node.revision();
        Http.Res body = node.service().post(org + "/members", Map.of("user_id", "digits", "email",
                "digits@example.test", "role_id", ScriptDigits.write(world.internalRole(), ScriptDigits.FULL_WIDTH)));
        assertThat(body.status()).isEqualTo(400);
        assertThat(body.get("errors").has("role_id")).isTrue();
        assertThat(node.revision()).isEqualTo(before);
        // the one spelling
        assertThat(node.service().get(org).status()).isEqualTo(200);
        assertThat(node.service().get(org + "/roles/" + world.internalRole()).status()).isEqualTo(200);
        assertThat(node.service().get(org + "/roles?limit=5").status()).isEqualTo(200);
    }

    @Test
    void malformedBodies_areDescribedInPlainWords_withoutTheJsonLibrarysNames() {
        String roles = world.org().path() + "/roles";
        long before = node.revision();
        MalformedBodies.assertDescribedPlainly(body -> node.service().raw("POST", roles, body, "application/json"),
                res -> {
                    assertThat(res.get("code").stringValue()).isEqualTo("invalid_json");
                    return res.get("detail").stringValue();
                });
        assertThat(node.revision()).isEqualTo(before);
    }

    /**
     * An integer in a body beyond what a {@code long} holds is out of its field's range, said as for any other
     * value out of it (and as a query's is said too large): it was called no integer at all.
     */
    @Test
    void integersBeyondALong_inABody_areNamedOutOfRange_notNoInteger() {
        long before = node.revision();
        String org = world.org().path();
        String huge = "1180591620717411303424"; // 2^70
        for (String value : List.of("9223372036854775808", huge)) {
            Http.Res check = node.service().raw("POST", org + "/check", "{\"user_id\": \"agent-" + world.org().id()
                    + "\", \"permission\": \"canViewRoomDetails\", \"min_revision\": " + value + "}",
                    "application/json");
            assertThat(check.status()).as("%s", check).isEqualTo(400);
            assertThat(check.get("errors").get("min_revision").stringValue()).as("%s", check)
                    .isEqualTo("must be between 0 and 9223372036854775807, got " + value);
            Http.Res lookup = node.service().raw("POST", org + "/lookup/members", "{\"permission\": "
                    + "\"canViewRoomDetails\", \"limit\": " + value + "}", "application/json");
            assertThat(lookup.get("errors").get("limit").stringValue()).as("%s", lookup)
                    .isEqualTo("must be between 1 and 1000, got " + value);
            Http.Res member = node.service().raw("POST", org + "/members", "{\"user_id\": \"big\", \"email\": "
                    + "\"big@example.test\", \"role_id\": -" + value + "}", "application/json");
            assertThat(member.get("errors").get("role_id").stringValue()).as("%s", member)
                    .isEqualTo("must be between 1 and 9223372036854775807, got -" + value);
        }
        Http.Res fraction = node.service().raw("POST", org + "/lookup/members", "{\"permission\": "
                + "\"canViewRoomDetails\", \"limit\": 1e30}", "application/json");
        assertThat(fraction.get("errors").get("limit").stringValue()).isEqualTo("must be an integer");
        assertThat(node.revision()).isEqualTo(before);
    }

    @Test
    void cursorsAndLimitsInBodies_areValidated() {
        long before = node.revision();
        String org = world.org().path();
        for (String cursor : BAD_CURSORS) {
            Http.Res resources = node.service().post(org + "/lookup/resources", Map.of("member_id", world.member(),
                    "permission", "canViewRoomDetails", "type", "room", "cursor", cursor));
            assertProblem(resources, 400);
            Http.Res members = node.service().post(org + "/lookup/members", Map.of("permission", "canViewRoomDetails",
                    "cursor", cursor));
            assertProblem(members, 400);
        }
        for (long limit : List.of(0L, -1L, 1001L, Long.MAX_VALUE)) {
            assertProblem(node.service().post(org + "/lookup/members", Map.of("permission", "canViewRoomDetails",
                    "limit", limit)), 400);
        }
        assertThat(node.revision()).isEqualTo(before);
    }
}
