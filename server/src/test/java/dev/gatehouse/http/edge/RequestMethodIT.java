package dev.gatehouse.http.edge;

import dev.gatehouse.http.Route;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.Routes;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request is answered by the method it was sent with, whatever {@code X-HTTP-Method-Override} it carries — a
 * {@code HEAD} or {@code GET} never deletes or creates — except a {@code POST} asking for the {@code GET} of its
 * path where the dialect's original API offers that (Close); and a {@code HEAD} is answered as its {@code GET}
 * is — status and headers, authentication and all — without the body.
 */
class RequestMethodIT {

    static final String OVERRIDE = "X-HTTP-Method-Override";

    static TestNode node;
    static Fixtures fixtures;
    static Fixtures.Populated world;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fixtures = new Fixtures(node);
        world = fixtures.populated();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * Every native write route, reached with another method naming the route's in the header, is answered as that
     * other method is without the header, and nothing is written.
     */
    @TestFactory
    Stream<DynamicContainer> everyNativeWriteRoute_isNotReachedThroughTheHeader() {
        return Routes.nativeRoutes(node).stream().filter(r -> !r.method().name().equals("GET")).map(route -> {
            String path = Routes.fill(route.path(), world.params());
            String named = route.method().name();
            List<DynamicTest> tests = new ArrayList<>();
            long[] start = new long[1];
            tests.add(DynamicTest.dynamicTest("revision before", () -> start[0] = node.revision()));
            for (String sent : sentInstead(route)) {
                String body = sent.equals("POST") ? "{}" : null;
                tests.add(DynamicTest.dynamicTest(sent + " naming " + named, () -> {
                    Http.Res plain = node.service().raw(sent, path, body, "application/json");
                    Http.Res overridden = node.service().header(OVERRIDE, named).raw(sent, path, body,
                            "application/json");
                    assertThat(overridden.status()).as(overridden.toString()).isEqualTo(plain.status());
                }));
            }
            tests.add(DynamicTest.dynamicTest("revision unchanged",
                    () -> assertThat(node.revision()).isEqualTo(start[0])));
            return DynamicContainer.dynamicContainer(named + " " + route.path(), tests);
        });
    }

    private static List<String> sentInstead(Route route) {
        List<String> methods = new ArrayList<>(List.of("GET", "HEAD"));
        if (!route.method().name().equals("POST")) {
            methods.add("POST");
        }
        return methods;
    }

    @Test
    void aHead_isAnsweredAsItsGet_withoutTheBody() {
        String org = world.org().path();
        // the document is written in several parts: its HEAD ends with the first
        for (String path : List.of(org + "/members", org + "/members/nobody", "/v1/orgs/999999/roles", "/healthz",
                "/v1/models", "/openapi.yaml")) {
            Http.Res get = node.service().get(path);
            Http.Res head = node.service().raw("HEAD", path, null, null);
            assertThat(head.status()).as(path).isEqualTo(get.status());
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.header("Content-Type")).as(path).isEqualTo(get.header("Content-Type"));
            assertThat(head.header("Gatehouse-Staleness") != null).as(path)
                    .isEqualTo(get.header("Gatehouse-Staleness") != null);
        }
        for (String path : List.of(org + "/members", "/api/v1/role/", "/restapi/v2/accounts/"
                + world.org().accountId() + "/roles")) {
            assertThat(node.anonymous().raw("HEAD", path, null, null).status()).as(path)
                    .isEqualTo(node.anonymous().get(path).status()).isEqualTo(401);
        }
    }

    /**
     * A {@code HEAD} of a route that streams its answer (the change stream, which never ends by itself) ends with its
     * headers: the connection carries the next request, and the stream it ran gives its place back at once — more
     * {@code HEAD}s than a key may hold streams leave it free to open one.
     */
    @Test
    void aHeadOfAStream_endsWithItsHeaders_andHoldsNoStreamPlace() {
        String changes = " /v1/changes?after=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestNode.SERVICE_KEY
                + "\r\n\r\n";
        List<RawHttp> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                RawHttp connection = RawHttp.connect(node.node().port());
                connections.add(connection);
                RawHttp.Response head = connection.send("HEAD" + changes).read(Duration.ofSeconds(5));
                assertThat(head.status()).as("HEAD %d: %s", i, head).isEqualTo(200);
                assertThat(head.header("Content-Type")).startsWith("text/event-stream");
            }
            RawHttp.Response next = connections.get(0).send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                    .read(Duration.ofSeconds(5));
            assertThat(next.status()).as("the request after a HEAD, on its connection").isEqualTo(200);
            RawHttp stream = RawHttp.connect(node.node().port());
            connections.add(stream);
            assertThat(stream.send("GET" + changes).read(Duration.ofSeconds(5)).status()).as("a stream").isEqualTo(200);
        } finally {
            connections.forEach(RawHttp::close);
        }
    }

    /** A method no route takes is quoted by its 405 abbreviated: a method is any token, of any length. */
    @Test
    void aLongMethod_isQuotedShort() {
        try (RawHttp connection = RawHttp.connect(node.node().port())) {
            RawHttp.Response res = connection.send("M".repeat(5_000) + " /v1/orgs HTTP/1.1\r\nHost: x\r\n\r\n")
                    .read(Duration.ofSeconds(5));
            assertThat(res.status()).isEqualTo(405);
            assertThat(res.body().length()).as(res.body()).isLessThan(600);
        }
    }

    /**
     * A path no method of it is allowed on, or no console file has, is quoted by its 405 or 404 abbreviated, in every
     * dialect, as a 404 of no route quotes it: a 5,000-character id was quoted whole, an answer of 5 KB.
     */
    @Test
    void aLongPath_isQuotedShort_byA405AndByTheConsolesA404() {
        String id = "b".repeat(5_000);
        Http admin = node.as(fixtures.org("close").adminKey());
        List<Http.Res> answers = List.of(
                node.service().raw("PUT", world.org().path() + "/members/user:" + id, "{}", "application/json"),
                admin.raw("POST", "/api/v1/event/" + id + "/", "{}", "application/json"),
                node.anonymous().get("/console/" + id));
        for (Http.Res res : answers) {
            assertThat(res.status()).as(res.toString()).isIn(404, 405);
            assertThat(res.body().length()).as(res.toString()).isLessThan(600);
            assertThat(res.body()).as(res.toString()).contains("bbb...");
        }
    }

    @Test
    void close_keepsItsGetSentAsPost_andNothingElse() {
        Http admin = node.as(fixtures.org("close").adminKey());
        String role = admin.post("/api/v1/role/", Map.of("name", "Kept", "permissions", List.of("view_all_leads")))
                .get("id").stringValue();
        for (String sent : List.of("HEAD", "GET", "POST")) {
            Http.Res res = admin.header(OVERRIDE, "DELETE").raw(sent, "/api/v1/role/" + role + "/", null, null);
            // a POST's override other than exactly GET is refused; HEAD and GET run as sent
            if (sent.equals("POST")) {
                assertThat(res.status()).as(sent + ": " + res).isEqualTo(400);
            } else {
                assertThat(res.status()).as(sent + ": " + res).isIn(200, 405);
            }
            assertThat(admin.get("/api/v1/role/" + role + "/").status()).as(sent).isEqualTo(200);
        }
        Http.Res listed = admin.header(OVERRIDE, "POST").raw("GET", "/api/v1/group/", "{\"name\": \"Made\"}",
                "application/json");
        assertThat(listed.status()).as("a GET, which takes no body: %s", listed).isEqualTo(400);
        assertThat(admin.get("/api/v1/group/").get("data")).isEmpty();
        // the one override Close's clients use
        Http.Res got = admin.header(OVERRIDE, "GET").post("/api/v1/role/" + role + "/", Map.of("_params", Map.of()));
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        assertThat(got.get("name").stringValue()).isEqualTo("Kept");
    }

    /**
     * A 405's {@code Allow} names exactly the methods its path answers, whichever method was refused, on every path of
     * every dialect: Close's paths taking GET and no POST (a POST reaches them only to carry a GET) named
     * {@code GET, HEAD} to a POST but {@code GET, HEAD, POST} to a PATCH. Asked without a key, so that a method a path
     * answers is refused by the gate and changes nothing.
     */
    @Test
    void a405_namesTheSameAllow_whicheverMethodItRefuses() {
        Set<String> templates = new TreeSet<>();
        node.node().http().routes().forEach(route -> templates.add(route.path()));
        int paths = 0;
        for (String template : templates) {
            if (template.contains("*") || template.contains("<")) {
                continue;
            }
            String path = template.replaceAll("\\{[^}]+}", "1");
            Map<String, String> allowByMethod = new TreeMap<>();
            Set<String> answered = new TreeSet<>();
            for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")) {
                String body = Set.of("POST", "PUT", "PATCH").contains(method) ? "{}" : null;
                Http.Res res = node.anonymous().raw(method, path, body, body == null ? null : "application/json");
                if (res.status() == 405) {
                    allowByMethod.put(method, res.header("Allow"));
                } else {
                    answered.add(method);
                }
            }
            if (allowByMethod.isEmpty()) {
                continue;
            }
            paths++;
            assertThat(Set.copyOf(allowByMethod.values())).as("%s: Allow by refused method %s", path, allowByMethod)
                    .hasSize(1);
            String allow = allowByMethod.values().iterator().next();
            assertThat(allow == null ? Set.of() : Set.of(allow.split(", "))).as("%s: Allow %s", path, allow)
                    .isEqualTo(answered);
        }
        assertThat(paths).as("paths refusing a method").isGreaterThan(50);
    }

    @Test
    void rooms_honoursNoOverride() {
        Fixtures.Org org = fixtures.org("rooms");
        Http admin = node.as(org.adminKey());
        String roles = "/restapi/v2/accounts/" + org.accountId() + "/roles";
        int role = admin.post(roles, Map.of("name", "Kept")).get("roleId").intValue();
        for (String sent : List.of("HEAD", "GET")) {
            admin.header(OVERRIDE, "DELETE").raw(sent, roles + "/" + role, null, null);
            assertThat(admin.get(roles + "/" + role).status()).as(sent).isEqualTo(200);
        }
        Http.Res made = admin.header(OVERRIDE, "GET").post(roles, Map.of("name", "Made"));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
    }
}
