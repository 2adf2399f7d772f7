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
        Http.Res write = node.service().post("/v1/orgs", java.util.Map.of("name", "R", "model", "close"));
        assertThat(node.revision()).isEqualTo(write.revision()).isGreaterThan(before);
    }

    @Test
    void metrics_arePrometheusText_withATimerPerRouteTemplate() {
        var org = new Fixtures(node).org("close");
        node.service().get(org.path());
        node.service().get(org.path() + "/roles");
        node.service().get("/v1/orgs/abc");
        Http.Res res = node.anonymous().get("/metrics");
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
    }
}
