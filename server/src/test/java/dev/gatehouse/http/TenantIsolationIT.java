package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Routes;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * member keys and service keys alike. A last pass proves the requests are otherwise valid: the same request
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
            Map.entry("POST /v1/orgs/{org}/groups", "{\"name\": \"Intruders\"}"),
            Map.entry("PATCH /v1/orgs/{org}/groups/{group}", "{\"name\": \"Renamed group\"}"),
            Map.entry("POST /v1/orgs/{org}/groups/{group}/members", "{\"member_id\": {member}}"),
            Map.entry("POST /v1/orgs/{org}/webhooks", "{\"url\": \"https://intruder.invalid/hook\", "
                    + "\"status\": \"paused\"}"),
            Map.entry("PATCH /v1/orgs/{org}/webhooks/{webhook}", "{\"description\": \"changed\"}"));
    /** Path parameters naming an object of one organization (as opposed to a type or a resource id). */
    static final Set<String> ORG_BOUND = Set.of("role", "member", "key", "group", "webhook", "revision");

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
            if (template != null && template.matches("(?s).*\\{(role|member)}.*")) {
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
                    assertThat(res.status()).as("%s in its own organization: %s (a route that takes a body needs "
                            + "an entry in BODIES)", key(route), res).isBetween(200, 299);
                }));
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
