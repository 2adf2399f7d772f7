package dev.gatehouse.http;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.Routes;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * Nothing crosses organizations: on every route under {@code /v1/orgs/{org}} of the route table (so routes
 * added later are covered too), a key of organization A gets a 404 for organization B, however valid the
 * request would be in B, and changes nothing; ids of B's objects used inside A are not found either, for
 * member keys and service keys alike. Another organization answers exactly like one that does not exist —
 * status, code and detail, also where the answer would depend on its model, and for Rooms account ids — and its
 * lock is never taken by a refused caller. A last pass proves the requests are otherwise valid: the same request
 * succeeds in its own organization.
 */
class TenantIsolationIT {

    /**
     * A valid body per route, with {@code {name}} placeholders filled from the organization's fixture values.
     * A route that takes a body and is missing here is sent {@code {}}, which the own-organization pass
     * rejects: add its body here.
     */
    static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("PATCH /v1/orgs/{org}", "{\"name\": \"Renamed\"}"),
            Map.entry("PUT /v1/orgs/{org}/members/{member}/grants", "{\"permissions\": []}"),
            Map.entry("POST /v1/orgs/{org}/regions", "{\"name\": \"Intruder\"}"),
            Map.entry("PATCH /v1/orgs/{org}/regions/{region}", "{\"name\": \"Renamed\"}"),
            Map.entry("POST /v1/orgs/{org}/offices", "{\"name\": \"Intruder\", \"region_id\": {region}}"),
            Map.entry("PATCH /v1/orgs/{org}/offices/{office}", "{\"city\": \"Changed\"}"),
            Map.entry("POST /v1/orgs/{org}/roles", "{\"name\": \"Intruder\", \"permissions\": [\"canCreateRooms\"]}"),
            Map.entry("PATCH /v1/orgs/{org}/roles/{role}", "{\"description\": \"changed\"}"),
            Map.entry("POST /v1/orgs/{org}/members", "{\"user_id\": \"intruder\", \"email\": \"intruder@example.com\", "
                    + "\"role_id\": {role}}"),
            Map.entry("PATCH /v1/orgs/{org}/members/{member}", "{\"first_name\": \"Changed\"}"),
            Map.entry("POST /v1/orgs/{org}/members/{member}/keys", "{\"name\": \"intruder\"}"),
            Map.entry("PUT /v1/orgs/{org}/resources/{type}/{id}/assignments/{member}", "{\"role_id\": {role}}"),
            Map.entry("POST /v1/orgs/{org}/check", "{\"member_id\": {member}, \"permission\": \"canCreateRooms\"}"),
            Map.entry("POST /v1/orgs/{org}/check/batch", "{\"checks\": [{\"member_id\": {member}, "
                    + "\"permission\": \"canCreateRooms\", \"resource\": {\"type\": \"room\", \"id\": \"r1\"}}]}"),
            Map.entry("POST /v1/orgs/{org}/lookup/resources", "{\"member_id\": {member}, \"permission\": "
                    + "\"canViewRoomDetails\", \"type\": \"room\"}"),
            Map.entry("POST /v1/orgs/{org}/lookup/members", "{\"permission\": \"canViewRoomDetails\", "
                    + "\"resource\": {\"type\": \"room\", \"id\": \"r1\"}}"),
            Map.entry("POST /v1/orgs/{org}/visibility/check", "{\"member_id\": {member}, \"record\": {\"fields\": {}}}"),
            Map.entry("POST /v1/orgs/{org}/preview", "{\"member\": {\"member_id\": {member}, \"status\": "
                    + "\"deactivated\"}}"),
            Map.entry("POST /v1/orgs/{org}/groups", "{\"name\": \"Intruders\"}"),
            Map.entry("PATCH /v1/orgs/{org}/groups/{group}", "{\"name\": \"Renamed group\"}"),
            Map.entry("POST /v1/orgs/{org}/groups/{group}/members", "{\"member_id\": {member}}"),
            Map.entry("POST /v1/orgs/{org}/webhooks", "{\"url\": \"https://intruder.invalid/hook\", "
                    + "\"status\": \"paused\"}"),
            Map.entry("PATCH /v1/orgs/{org}/webhooks/{webhook}", "{\"description\": \"changed\"}"),
            Map.entry("POST /v1/orgs/{org}/import", "{\"type\": \"group\", \"name\": \"Imported\"}\n"
                    + "{\"type\": \"member\", \"user_id\": \"imported\", \"email\": \"imported@example.com\", "
                    + "\"role_id\": {role}}\n"
                    + "{\"type\": \"assignment\", \"resource\": {\"type\": \"room\", \"id\": \"{id}\"}, "
                    + "\"user_id\": \"imported\", \"role_id\": {role}}"));
    /**
     * Routes whose valid request the fixture's model refuses in its own organization too, with this code: the
     * request was read and judged there, past every check the isolation passes prove. The model (rooms) takes no
     * per-member grants, so even an empty set is refused ({@code grant/GrantManagersIT} covers a model that does).
     */
    static final Map<String, String> REFUSED_BY_THE_MODEL = Map.of(
            "PUT /v1/orgs/{org}/members/{member}/grants", "grants_not_allowed");
    /** Path parameters naming an object of one organization (as opposed to a type or a resource id). */
    static final Set<String> ORG_BOUND = Set.of("role", "member", "key", "group", "webhook", "revision", "office",
            "region");

    static TestNode node;
    static Fixtures.Populated a;
    static Fixtures.Populated b;
    static Fixtures.Populated own;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        Fixtures fx = new Fixtures(node);
        a = fx.populated();
        b = fx.populated();
        own = fx.populated();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static List<dev.gatehouse.http.Route> orgRoutes() {
        return Routes.nativeRoutes(node).stream().filter(r -> r.path().startsWith("/v1/orgs/{org}")).toList();
    }

    static String key(dev.gatehouse.http.Route route) {
        return route.method().name() + " " + route.path();
    }

    static String body(dev.gatehouse.http.Route route, Map<String, String> values) {
        if (!Routes.takesBody(route)) {
            return null;
        }
        String body = BODIES.getOrDefault(key(route), "{}");
        for (Map.Entry<String, String> v : values.entrySet()) {
            body = body.replace("{" + v.getKey() + "}", v.getValue());
        }
        return body;
    }

    @TestFactory
    Stream<DynamicContainer> anotherOrganization_looksNonexistent_onEveryRoute() {
        return orgRoutes().stream().map(route -> {
            String method = route.method().name();
            String path = Routes.fill(route.path(), b.params());
            String body = body(route, b.params());
            return DynamicContainer.dynamicContainer(key(route), List.of(
                    notFound("admin key of another organization", () -> a.org().admin().raw(method, path, body,
                            "application/json"), true),
                    notFound("member key of another organization", () -> a.memberKey().raw(method, path, body,
                            "application/json"), true)));
        });
    }

    @TestFactory
    Stream<DynamicContainer> idsOfAnotherOrganization_areNotFound_insideOnesOwn() {
        List<DynamicContainer> containers = new ArrayList<>();
        for (dev.gatehouse.http.Route route : orgRoutes()) {
            String method = route.method().name();
            List<DynamicTest> tests = new ArrayList<>();
            for (String param : Routes.params(route.path())) {
                if (!ORG_BOUND.contains(param)) {
                    continue;
                }
                Map<String, String> values = new HashMap<>(a.params());
                values.put(param, b.params().get(param));
                String path = Routes.fill(route.path(), values);
                String body = body(route, a.params());
                tests.add(notFound("{" + param + "} of another organization, admin key",
                        () -> a.org().admin().raw(method, path, body, "application/json"), false));
                tests.add(notFound("{" + param + "} of another organization, service key",
                        () -> node.service().raw(method, path, body, "application/json"), false));
            }
            String template = BODIES.get(key(route));
            if (template != null && template.matches("(?s).*\\{(role|member|key|group|webhook|office|region)}.*")) {
                String path = Routes.fill(route.path(), a.params());
                String body = body(route, b.params());
                tests.add(notFound("body naming objects of another organization",
                        () -> a.org().admin().raw(method, path, body, "application/json"), false));
            }
            if (!tests.isEmpty()) {
                containers.add(DynamicContainer.dynamicContainer(key(route), tests));
            }
        }
        return containers.stream();
    }

    /** The requests above are valid: in their own organization they succeed (deletions left out). */
    @TestFactory
    Stream<DynamicTest> theSameRequests_succeedInTheirOwnOrganization() {
        return orgRoutes().stream().filter(r -> !r.method().name().equals("DELETE")).map(route ->
                DynamicTest.dynamicTest(key(route), () -> {
                    Http.Res res = node.service().raw(route.method().name(), Routes.fill(route.path(), own.params()),
                            body(route, own.params()), "application/json");
                    String refused = REFUSED_BY_THE_MODEL.get(key(route));
                    if (refused != null) {
                        assertThat(res.status()).as(res.toString()).isEqualTo(400);
                        assertThat(res.get("code").stringValue()).isEqualTo(refused);
                        return;
                    }
                    assertThat(res.status()).as("%s in its own organization: %s (a route that takes a body needs "
                            + "an entry in BODIES)", key(route), res).isBetween(200, 299);
                }));
    }

    /** An organization id that no organization has. */
    static final String NONEXISTENT = "987654321";

    /**
     * A member key gets, for another organization, exactly the answer it gets for an organization that does not
     * exist (the organization's id aside): no oracle of existence or model. The second pass asks about a resource
     * type no model has, whose error would name the model.
     */
    @TestFactory
    Stream<DynamicContainer> anotherOrganization_answersExactlyLikeOneThatDoesNotExist() {
        return orgRoutes().stream().map(route -> {
            List<DynamicTest> tests = new ArrayList<>();
            for (String type : List.of("room", "planet")) {
                Map<String, String> existing = new HashMap<>(b.params());
                existing.put("type", type);
                Map<String, String> missing = new HashMap<>(existing);
                missing.put("org", NONEXISTENT);
                String method = route.method().name();
                tests.add(DynamicTest.dynamicTest("resource type " + type, () -> {
                    Http.Res theirs = a.memberKey().raw(method, Routes.fill(route.path(), existing),
                            body(route, existing), "application/json");
                    Http.Res nobodys = a.memberKey().raw(method, Routes.fill(route.path(), missing),
                            body(route, missing), "application/json");
                    assertThat(answer(theirs, b.params().get("org"))).isEqualTo(answer(nobodys, NONEXISTENT));
                }));
            }
            return DynamicContainer.dynamicContainer(key(route), tests);
        });
    }

    @Test
    void anotherRoomsAccount_answersExactlyLikeOneThatDoesNotExist() {
        var close = new Fixtures(node).org("close");
        String missing = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
        for (String other : List.of(b.org().accountId(), close.accountId())) {
            for (String path : List.of("/roles", "/users", "/rooms", "/rooms/1/users")) {
                Http.Res theirs = a.memberKey().get("/restapi/v2/accounts/" + other + path);
                Http.Res nobodys = a.memberKey().get("/restapi/v2/accounts/" + missing + path);
                assertThat(theirs.status()).as("%s", theirs).isEqualTo(404);
                assertThat(theirs.get("errorCode").stringValue()).isEqualTo(nobodys.get("errorCode").stringValue());
                assertThat(theirs.get("message").stringValue().replace(other, "{account}"))
                        .isEqualTo(nobodys.get("message").stringValue().replace(missing, "{account}"));
            }
            Http.Res write = a.memberKey().post("/restapi/v2/accounts/" + other + "/rooms", Map.of("name", "Mine",
                    "roleId", 1));
            assertThat(write.status()).isEqualTo(404);
        }
    }

    /** A refused caller takes no lock of another organization: its writes are refused while the lock is held. */
    @Test
    void anotherOrganizationsLock_isNeverTakenByARefusedCaller() {
        Map<String, String> values = b.params();
        List<String[]> writes = List.of(
                new String[] {"PATCH", "/v1/orgs/{org}", "{\"name\": \"Mine\"}"},
                new String[] {"POST", "/v1/orgs/{org}/roles", BODIES.get("POST /v1/orgs/{org}/roles")},
                new String[] {"DELETE", "/v1/orgs/{org}/members/{member}", null},
                new String[] {"PUT", "/v1/orgs/{org}/resources/planet/p1/assignments/{member}", "{\"role_id\": 1}"},
                new String[] {"POST", "/v1/orgs/{org}/webhooks", "{\"url\": \"https://example.com/hook\"}"});
        try (OrgRowLock lock = OrgRowLock.hold(node, b.org().id())) {
            List<CompletableFuture<Http.Res>> answers = new ArrayList<>();
            for (String[] w : writes) {
                answers.add(CompletableFuture.supplyAsync(() -> a.memberKey().raw(w[0], Routes.fill(w[1], values), w[2],
                        "application/json")));
            }
            Await.until(Duration.ofSeconds(20), "every write is answered, or one waits for the lock",
                    () -> answers.stream().allMatch(CompletableFuture::isDone) || lock.waiters() > 0);
            assertThat(lock.waiters()).as("writes waiting for another organization's lock").isZero();
            for (CompletableFuture<Http.Res> answer : answers) {
                assertThat(answer.join().status()).as("%s", answer.join()).isEqualTo(404);
            }
        }
    }

    /** Status, code and detail of an answer, with the organization's id written as {@code {org}}. */
    private static List<Object> answer(Http.Res res, String orgId) {
        String code = res.json() == null ? null : res.json().path("code").asString();
        String detail = res.json() == null ? res.body() : res.json().path("detail").asString();
        return List.of(res.status(), String.valueOf(code), String.valueOf(detail).replace(orgId, "{org}"));
    }

    @Test
    void orgList_showsAMemberKeyOnlyItsOwnOrganization() {
        JsonNode items = a.memberKey().get("/v1/orgs?limit=1000").json().get("items");
        assertThat(items).extracting(o -> o.get("id").longValue()).containsExactly(a.org().id());
        JsonNode all = node.service().get("/v1/orgs?limit=1000").json().get("items");
        assertThat(all).extracting(o -> o.get("id").longValue()).contains(a.org().id(), b.org().id(), own.org().id());
    }

    /**
     * Must fail and change nothing: exactly 404 when {@code exactly404}; else 404, 400 (a body naming a foreign
     * object) or 403 (a member key touching another member's keys), or, for a batch, 200 with every item 404.
     */
    private static DynamicTest notFound(String name, java.util.function.Supplier<Http.Res> request, boolean exactly404) {
        return DynamicTest.dynamicTest(name, () -> {
            long before = node.revision();
            Http.Res res = request.get();
            if (!exactly404 && res.status() == 200 && res.json() != null && res.json().has("results")) {
                assertThat(res.json().get("results")).as("batch items of %s", res)
                        .allSatisfy(item -> assertThat(item.at("/error/status").intValue()).isEqualTo(404));
            } else {
                BadInputIT.assertProblem(res, exactly404 ? 404 : 0);
                assertThat(res.status()).as("status of %s", res).isIn(400, 403, 404);
            }
            assertThat(node.revision()).as("revision after %s", name).isEqualTo(before);
        });
    }
}
