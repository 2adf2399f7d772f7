package dev.gatehouse.http.edge;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer tells browsers not to sniff its type ({@code X-Content-Type-Options: nosniff}), whatever produced it:
 * a route of any dialect, the check answered on the network thread, the framework's 404 and 405, an answer refused
 * before its route, the operations endpoints. Answers quote what callers stored (a role's name) and what they sent;
 * none may be read as a page. Jetty's own errors are {@link JettyErrorsIT}'s.
 */
class NosniffIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void everyAnswer_turnsSniffingOff() {
        var org = fx.org("close");
        fx.role(org, Map.of("name", "<script>alert(1)</script>", "permissions", List.of("view_all_leads")));
        Http service = node.service();
        Map<String, Http.Res> answers = new LinkedHashMap<>();
        answers.put("a native read", service.get(org.path() + "/roles"));
        answers.put("a native write", service.post(org.path() + "/roles", Map.of("name", "Two", "permissions",
                List.of("view_all_leads"))));
        answers.put("a check on the network thread", service.post(org.path() + "/check", Map.of("user_id",
                org.json().at("/admin_member/user_id").stringValue(), "permission", "calling")));
        answers.put("a refused body", service.post(org.path() + "/roles", Map.of("name", "<b>")));
        answers.put("no key", node.anonymous().get(org.path() + "/roles"));
        answers.put("no route", service.get("/v1/nothing-here"));
        answers.put("a method not allowed", service.put("/v1/models", Map.of()));
        answers.put("a path refused before its route", service.get("/v1/orgs/%34"));
        answers.put("Close", node.as(org.adminKey()).get("/api/v1/role/"));
        answers.put("Rooms", service.get("/restapi/v2/accounts/" + org.accountId() + "/roles"));
        answers.put("health", node.anonymous().get("/healthz"));
        answers.put("the console", node.anonymous().get("/console/"));
        answers.forEach((what, res) -> assertThat(res.header("X-Content-Type-Options"))
                .as("%s: %s", what, res).isEqualTo("nosniff"));
        assertThat(answers.get("a check on the network thread").status()).isEqualTo(200);
    }
}
