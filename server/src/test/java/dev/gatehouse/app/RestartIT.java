package dev.gatehouse.app;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** A restart keeps every acknowledged write: the engine is rebuilt from the store and answers the same. */
class RestartIT {

    @Test
    void restart_keepsEveryAcknowledgedWrite() {
        try (TestNode node = TestNode.start()) {
            Fixtures fx = new Fixtures(node);
            assertThat(node.service().post("/v1/models", Json.readTree("""
                    {"id": "wiki", "name": "Wiki", "categories": [{"key": "pages"}],
                     "permissions": [{"key": "page.read", "category": "pages", "scopes": ["organization", "space"]},
                                     {"key": "page.admin", "category": "pages"}],
                     "resource_types": [{"key": "space", "inherits_company_role": true}],
                     "system_roles": [{"key": "owner", "name": "Owner", "permissions": ["page.read", "page.admin"],
                                       "default_for_admin": true}],
                     "management": {"roles": "page.admin", "members": "page.admin", "assignments": "page.admin"}}
                    """)).status()).isEqualTo(201);
            var close = fx.org("close");
            long limited = fx.role(close, Map.of("name", "Limited", "permissions", List.of("calling"),
                    "visibility", Map.of("user_field_ids", List.of("cf_owner"), "unassigned", "allow_unassigned")));
            long caller = fx.member(close, "caller", limited);
            long leaver = fx.member(close, "leaver", fx.roleId(close, "User"));
            Http.Res callerKey = node.service().post(close.path() + "/members/" + caller + "/keys", Map.of("name", "k"));
            Http.Res leaverKey = node.service().post(close.path() + "/members/" + leaver + "/keys", Map.of("name", "k"));
            Http.Res revokedKey = node.service().post(close.path() + "/members/" + caller + "/keys", Map.of("name", "old"));
            node.service().delete(close.path() + "/members/" + caller + "/keys/" + revokedKey.get("id").stringValue());
            node.service().patch(close.path() + "/members/" + leaver, Map.of("status", "deactivated"));
            node.service().patch(close.path() + "/roles/" + limited, Map.of("description", "edited"));

            var rooms = fx.populated();
            var wiki = fx.org("wiki");
            long gone = fx.role(wiki, "Gone", List.of("page.read"));
            node.service().delete(wiki.path() + "/roles/" + gone);
            var deletedOrg = fx.org("close");
            node.service().delete(deletedOrg.path());

            List<String> reads = List.of("/v1/orgs?limit=1000", "/v1/models/wiki", close.path() + "/roles?limit=1000",
                    close.path() + "/members?limit=1000", rooms.org().path() + "/roles?limit=1000",
                    rooms.org().path() + "/members?limit=1000", rooms.org().path() + "/resources/room/" + rooms.params().get("id") + "/assignments",
                    close.path() + "/members/" + caller + "/keys", wiki.path() + "/roles");
            Map<String, JsonNode> before = read(node, reads);
            List<JsonNode> decisionsBefore = decisions(node, close, caller, rooms);
            long revision = node.revision();

            node.restart();

            assertThat(node.revision()).isEqualTo(revision);
            assertThat(read(node, reads)).isEqualTo(before);
            assertThat(decisions(node, close, caller, rooms)).isEqualTo(decisionsBefore);
            assertThat(node.service().get(deletedOrg.path()).status()).isEqualTo(404);
            assertThat(node.service().get(wiki.path() + "/roles/" + gone).status()).isEqualTo(404);

            assertThat(node.as(close.adminKey()).get(close.path()).status()).isEqualTo(200);
            assertThat(node.as(callerKey.get("key").stringValue()).get(close.path() + "/roles").status()).isEqualTo(200);
            assertThat(node.as(leaverKey.get("key").stringValue()).get(close.path() + "/roles").status()).isEqualTo(401);
            assertThat(node.as(revokedKey.get("key").stringValue()).get(close.path() + "/roles").status()).isEqualTo(401);
            assertThat(node.as(deletedOrg.adminKey()).get("/v1/models").status()).isEqualTo(401);

            Http.Res next = node.service().post(close.path() + "/roles", Map.of("name", "After restart",
                    "permissions", List.of("view_all_leads")));
            assertThat(next.status()).isEqualTo(201);
            assertThat(next.revision()).isEqualTo(revision + 1);
            assertThat(fx.org("wiki").json().at("/admin_member/role_id").isIntegralNumber()).isTrue();
        }
    }

    private static Map<String, JsonNode> read(TestNode node, List<String> paths) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String path : paths) {
            Http.Res res = node.service().get(path);
            assertThat(res.status()).as("GET %s: %s", path, res).isEqualTo(200);
            out.put(path, res.json());
        }
        return out;
    }

    /** Answers of the decision API that depend on roles, members, assignments and visibility. */
    private static List<JsonNode> decisions(TestNode node, Fixtures.Org close, long caller, Fixtures.Populated rooms) {
        List<JsonNode> out = new ArrayList<>();
        for (String permission : List.of("calling", "export", "view_all_leads")) {
            out.add(check(node, close.path(), Map.of("member_id", caller, "permission", permission)));
            out.add(check(node, close.path(), Map.of("user_id", "leaver", "permission", permission)));
            out.add(check(node, close.path(), Map.of("member_id", close.adminId(), "permission", permission)));
        }
        for (String room : List.of(rooms.params().get("id"), "9999")) {
            for (long member : List.of(rooms.member(), rooms.external())) {
                out.add(check(node, rooms.org().path(), Map.of("member_id", member, "permission", "canViewRoomDetails",
                        "resource", Map.of("type", "room", "id", room))));
            }
        }
        out.add(withoutRevision(node.service().get(close.path() + "/members/" + caller + "/visibility-filter").json()));
        out.add(withoutRevision(node.service().get(rooms.org().path() + "/members/" + rooms.external()
                + "/permissions?resource_type=room&resource_id=" + rooms.params().get("id")).json()));
        return out;
    }

    private static JsonNode check(TestNode node, String orgPath, Map<String, Object> body) {
        Http.Res res = node.service().post(orgPath + "/check", body);
        assertThat(res.status()).as("check %s: %s", body, res).isEqualTo(200);
        return res.json().get("allowed");
    }

    private static JsonNode withoutRevision(JsonNode json) {
        ((tools.jackson.databind.node.ObjectNode) json).remove("revision");
        return json;
    }

    @Test
    void stopping_letsARequestInFlightFinishItsAnswer() throws Exception {
        try (TestNode node = TestNode.start()) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            Http admin = node.as(org.adminKey());
            Jdbi db = TestDatabase.jdbi(node.databaseUrl());
            CompletableFuture<Http.Res> inFlight;
            CompletableFuture<Void> stopped;
            try (Handle lock = db.open()) {
                lock.begin();
                lock.createQuery("SELECT 1 FROM organizations WHERE id = :id FOR UPDATE").bind("id", org.id())
                        .mapTo(Integer.class).one();
                inFlight = CompletableFuture.supplyAsync(() -> admin.post(org.path() + "/roles",
                        Map.of("name", "In flight", "permissions", List.of("view_all_leads"))));
                Await.until(Duration.ofSeconds(20), "the write waits for the lock", () -> waitingForLock(db));
                stopped = CompletableFuture.runAsync(() -> node.node().close());
                Thread.sleep(500); // the node is stopping, its HTTP server no longer accepting
                lock.rollback();
            }
            Http.Res answer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answer.status()).as("%s", answer).isEqualTo(201);
            stopped.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A stop answers a request arriving on an open connection 503 {@code node_stopping}, and lets a request whose body
     * is still arriving finish: the new request was answered by a closed connection once the stop had closed the
     * connections idle for a second.
     */
    @Test
    void stopping_letsABodyStillArrivingFinish_andAnswersANewRequestOnAnOpenConnection503() throws Exception {
        try (TestNode node = TestNode.start()) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            int port = URI.create(node.baseUrl()).getPort();
            String body = checkBody(org);
            try (RawHttp arriving = RawHttp.connect(port); RawHttp keptAlive = RawHttp.connect(port)) {
                assertThat(keptAlive.send(get("/v1/orgs/" + org.id(), org.adminKey())).read(Duration.ofSeconds(10))
                        .status()).isEqualTo(200);
                arriving.send(checkHead(org.path(), org.adminKey(), body.length()) + body.substring(0, 10));
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> node.node().close());
                Thread.sleep(300); // the stop has begun

                RawHttp.Response refused = keptAlive.send(get("/v1/orgs/" + org.id(), org.adminKey()))
                        .read(Duration.ofSeconds(10));
                assertNodeStopping(refused);
                assertThat(refused.header("Retry-After")).isEqualTo("1");

                RawHttp.Response answered = arriving.send(body.substring(10)).read(Duration.ofSeconds(10));
                assertThat(answered.status()).as("%s", answered).isEqualTo(200);
                assertThat(Json.readTree(answered.body()).get("allowed").booleanValue()).isTrue();
                stopped.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A body that stalls while the node stops is answered 503 {@code node_stopping}, the connection closed: it was
     * 408, as if the client had let the connection's idle timeout pass.
     */
    @Test
    void stopping_answersABodyThatStalls503NodeStopping_notATimeoutOfTheClient() throws Exception {
        try (TestNode node = TestNode.start()) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            int port = URI.create(node.baseUrl()).getPort();
            String body = checkBody(org);
            try (RawHttp arriving = RawHttp.connect(port)) {
                arriving.send(checkHead(org.path(), org.adminKey(), body.length()) + body.substring(0, 10));
                Thread.sleep(300);
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> node.node().close());

                RawHttp.Response cut = arriving.read(Duration.ofSeconds(20));
                assertNodeStopping(cut);
                assertThat(cut.header("Retry-After")).isEqualTo("1");
                assertThat(cut.header("Connection")).isEqualTo("close");
                stopped.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A body that keeps arriving, slower than it should, past the stop's grace is answered 503 {@code node_stopping}
     * when the stop closes its connection: the read then failed otherwise than by a timeout, and the answer was a 500
     * naming Jetty's EofException.
     */
    @Test
    void stopping_answersABodyStillTricklingWhenTheGraceEnds503NodeStopping() throws Exception {
        try (TestNode node = TestNode.start()) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            int port = URI.create(node.baseUrl()).getPort();
            String body = checkBody(org);
            try (RawHttp arriving = RawHttp.connect(port)) {
                arriving.send(checkHead(org.path(), org.adminKey(), body.length()) + body.substring(0, 3));
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> node.node().close());
                // a byte every 300 ms, never idle for the second the stop allows, for longer than its grace
                for (int i = 3; i < body.length() - 1 && !stopped.isDone(); i++) {
                    Thread.sleep(300);
                    if (!arriving.trySend(body.substring(i, i + 1))) {
                        break;
                    }
                }
                RawHttp.Response cut = arriving.read(Duration.ofSeconds(20));
                assertNodeStopping(cut);
                stopped.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A check's body asking about {@code org}'s admin. */
    private static String checkBody(Fixtures.Org org) {
        return "{\"member_id\": " + org.adminId() + ", \"permission\": \"view_all_leads\"}";
    }

    /** The stop's answer to a request it did not run: 503 {@code node_stopping}. */
    private static void assertNodeStopping(RawHttp.Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(503);
        assertThat(Json.readTree(response.body()).get("code").stringValue()).isEqualTo("node_stopping");
    }

    private static String get(String path, String key) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key + "\r\n\r\n";
    }

    private static String checkHead(String orgPath, String key, int length) {
        return "POST " + orgPath + "/check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n";
    }

    private static boolean waitingForLock(Jdbi db) {
        return db.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                + "AND datname = current_database()").mapTo(Long.class).one()) > 0;
    }
}
