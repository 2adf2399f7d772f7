package dev.gatehouse.http.ops;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpsIT {

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void healthz_answersWithoutCredentials() {
        Http.Res res = node.anonymous().get("/healthz");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.get("status").stringValue()).isEqualTo("ok");
    }

    @Test
    void readyz_reportsDatabaseEngineAndRevision() {
        long before = node.revision();
        Http.Res res = node.anonymous().get("/readyz");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.get("status").stringValue()).isEqualTo("ready");
        assertThat(res.get("database").booleanValue()).isTrue();
        assertThat(res.get("engine_loaded").booleanValue()).isTrue();
        assertThat(res.get("in_sync").booleanValue()).isTrue();
        assertThat(res.get("node_id").stringValue()).as("the id webhook deliveries name the node by")
                .isEqualTo(node.node().nodes().nodeId());
        assertThat(node.anonymous().get("/readyz/writes").get("node_id")).isEqualTo(res.get("node_id"));
        Http.Res write = node.service().post("/v1/orgs", java.util.Map.of("name", "R", "model", "close"));
        assertThat(node.revision()).isEqualTo(write.revision()).isGreaterThan(before);
    }

    @Test
    void metrics_arePrometheusText_withATimerPerRouteTemplate() {
        var org = new Fixtures(node).org("close");
        node.service().get(org.path());
        node.service().get(org.path() + "/roles");
        node.service().get("/v1/orgs/abc");
        Http.Res res = node.service().get("/metrics");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("Content-Type")).startsWith("text/plain");
        String text = res.body();
        assertThat(text).contains("# TYPE http_server_requests_seconds");
        String orgRoute = "http_server_requests_seconds_count\\{[^}]*route=\"/v1/orgs/\\{org}\"";
        assertThat(text).containsPattern(orgRoute + "[^}]*status=\"200\"");
        assertThat(text).containsPattern(orgRoute + "[^}]*status=\"400\"");
        assertThat(text).containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/v1/orgs/\\{org}/roles\"");
        assertThat(text).doesNotContain("route=\"/v1/orgs/" + org.id() + "\"");
        assertThat(text).contains("hikaricp_connections", "jvm_memory_used_bytes");
    }

    @Test
    void metrics_needTheServiceKey() {
        Http.Res anonymous = node.anonymous().get("/metrics");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
        assertThat(anonymous.body()).doesNotContain("jvm_memory");
        var org = new Fixtures(node).org("close");
        Http.Res member = org.admin().get("/metrics");
        assertThat(member.status()).isEqualTo(403);
        assertThat(member.get("code").stringValue()).isEqualTo("service_key_required");
        assertThat(member.body()).doesNotContain("jvm_memory");
        assertThat(node.service().get("/metrics").body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void withAManagementPort_metricsAreServedThereWithoutAKey_andNotOnThePublicPort() {
        try (TestNode managed = TestNode.start(c -> c.withHttp(c.http().withManagementPort(0)))) {
            int port = managed.node().managementPort();
            assertThat(port).isPositive().isNotEqualTo(managed.node().port());
            Http management = new Http("http://127.0.0.1:" + port, null);
            Http.Res metrics = management.get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");
            assertThat(management.get("/healthz").status()).isEqualTo(200);
            assertThat(management.get("/readyz").status()).isEqualTo(200);

            Http.Res api = new Http("http://127.0.0.1:" + port, TestNode.SERVICE_KEY).get("/v1/orgs");
            assertThat(api.status()).as("the API is not served on the management port").isEqualTo(404);
            assertThat(api.header("Content-Type")).startsWith("application/problem+json");

            Http.Res hidden = managed.service().get("/metrics");
            assertThat(hidden.status()).as("metrics on the public port, even with the service key").isEqualTo(404);
            assertThat(hidden.header("Content-Type")).startsWith("application/problem+json");
            assertThat(hidden.body()).doesNotContain("jvm_memory");
            assertThat(managed.service().get("/metrics/").status()).isEqualTo(404);
            assertThat(managed.anonymous().get("/healthz").status()).isEqualTo(200);
        }
    }

    @Test
    void unknownRoutesAndMethods_areProblems() {
        Http.Res unknown = node.service().get("/v1/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        assertThat(unknown.get("code").stringValue()).isEqualTo("route_not_found");
        Http.Res outside = node.anonymous().get("/nothing-here");
        assertThat(outside.status()).isEqualTo(404);
        assertThat(outside.header("Content-Type")).startsWith("application/problem+json");
        Http.Res method = node.service().put("/v1/orgs", java.util.Map.of());
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.header("Content-Type")).startsWith("application/problem+json");
        assertThat(method.get("code").stringValue()).isEqualTo("method_not_allowed");
        assertThat(method.header("Allow")).as("the methods the path takes (RFC 9110)").isEqualTo("GET, HEAD, POST");
        assertThat(node.service().delete("/v1/orgs/1/roles").header("Allow")).isEqualTo("GET, HEAD, POST");
    }

    /** A 404 quotes a long path abbreviated, as the dialects do: it repeated the whole path (7 KB for a long one). */
    @Test
    void anUnknownRoute_quotesItsPathAbbreviated() {
        String path = "/v1/nothing-here/" + "a".repeat(7000);
        Http.Res unknown = node.service().get(path);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.get("code").stringValue()).isEqualTo("route_not_found");
        assertThat(unknown.get("detail").stringValue()).startsWith("no route GET /v1/nothing-here/aaa").endsWith("...")
                .hasSizeLessThan(100);
    }
}
