package dev.gatehouse.http.ops;

import dev.gatehouse.http.close.RateLimit;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Scrape;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The domain metrics on {@code /metrics}, read after known traffic: decisions by API and result with their
 * duration, the engine's revision and lag, rate-limit rejections. (Webhook metrics: {@code WebhooksIT}; a node that
 * cannot apply a change: {@code OutOfSyncIT}.) Counts are compared before and after, so the tests do not depend on
 * one another. The node's clock stands still, so that its lag in seconds is exact.
 */
class MetricsIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), c -> c, new TestClock().freeze());
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void decisions_areCountedByApiAndResult_andTimedPerQuestion() {
        var org = fx.org("close");
        long role = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
        long member = fx.member(org, "caller", role);
        Scrape before = Scrape.of(node);

        check(org, member, "calling", 200);
        check(org, member, "calling", 200);
        check(org, member, "export", 200);
        check(org, 999_999_999L, "calling", 404);
        Http.Res batch = node.service().post(org.path() + "/check/batch", Map.of("checks", List.of(
                Map.of("member_id", member, "permission", "calling"),
                Map.of("member_id", member, "permission", "export"),
                Map.of("member_id", member, "permission", "export"),
                Map.of("member_id", 999_999_999L, "permission", "calling"))));
        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        assertThat(node.service().get(org.path() + "/members/" + member + "/permissions").status()).isEqualTo(200);
        assertThat(node.service().post(org.path() + "/lookup/members", Map.of("permission", "calling")).status())
                .isEqualTo(200);

        Scrape after = Scrape.of(node);
        assertThat(delta(before, after, "check", "allowed")).isEqualTo(2);
        assertThat(delta(before, after, "check", "denied")).isEqualTo(1);
        assertThat(delta(before, after, "check", "rejected")).isEqualTo(1);
        assertThat(delta(before, after, "check_batch", "allowed")).isEqualTo(1);
        assertThat(delta(before, after, "check_batch", "denied")).isEqualTo(2);
        assertThat(delta(before, after, "check_batch", "rejected")).isEqualTo(1);
        assertThat(delta(before, after, "permissions", "answered")).isEqualTo(1);
        assertThat(delta(before, after, "lookup_members", "answered")).isEqualTo(1);
        assertThat(delta(before, after, "lookup_resources", "answered")).isZero();

        String count = "gatehouse_decision_duration_seconds_count";
        assertThat(after.value(count, "api", "check") - before.value(count, "api", "check"))
                .as("one duration per check asked").isEqualTo(4);
        assertThat(after.value(count, "api", "check_batch") - before.value(count, "api", "check_batch"))
                .as("one duration per batch").isEqualTo(1);
        String sum = "gatehouse_decision_duration_seconds_sum";
        assertThat(after.value(sum, "api", "check")).isGreaterThan(before.value(sum, "api", "check"));
        assertThat(after.value("gatehouse_decision_duration_seconds_bucket", "api", "check", "le", "+Inf"))
                .isEqualTo(after.value(count, "api", "check"));
        assertThat(after.labelValues("gatehouse_decisions_total", "api")).as("a bounded set of APIs")
                .containsExactlyInAnyOrder("check", "check_batch", "lookup_resources", "lookup_members",
                        "visibility_check", "visibility_filter", "permissions");
        assertThat(after.text()).as("no organization is a label").doesNotContain("org=\"", "org_id=\"");
    }

    @Test
    void engineRevision_followsTheChangeLog_withNoLagWhileInStep() {
        var org = fx.org("close");
        long revision = node.service().post(org.path() + "/roles", Map.of("name", "Fresh", "permissions",
                List.of("calling", "view_all_leads"))).revision();

        Scrape scrape = Scrape.of(node);
        assertThat(scrape.value("gatehouse_engine_revision")).isEqualTo(revision);
        assertThat(scrape.value("gatehouse_changelog_revision")).isEqualTo(revision);
        assertThat(scrape.value("gatehouse_engine_lag_revisions")).isZero();
        assertThat(scrape.value("gatehouse_engine_lag_seconds")).isZero();
        assertThat(scrape.value("gatehouse_feed_in_sync")).isEqualTo(1);
        assertThat(scrape.value("gatehouse_feed_apply_failures_total", "reason", "listener_failed")).isZero();
        assertThat(scrape.value("gatehouse_feed_apply_failures_total", "reason", "gap")).isZero();
    }

    @Test
    void writesWaitingForALane_readZeroOnceEveryWriteIsAnswered() {
        var org = fx.org("close");
        node.service().post(org.path() + "/roles", Map.of("name", "Queued", "permissions", List.of("calling")));

        assertThat(Scrape.of(node).value("gatehouse_writes_waiting")).isZero();
    }

    @Test
    void closeRequestsOverTheRateLimit_areCounted() {
        try (TestNode limited = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(2, 60)))) {
            var org = new Fixtures(limited).org("close");
            assertThat(Scrape.of(limited).value("gatehouse_rate_limit_rejections_total", "api", "close")).isZero();
            assertThat(org.admin().get("/api/v1/role/").status()).isEqualTo(200);
            assertThat(org.admin().get("/api/v1/role/").status()).isEqualTo(200);
            assertThat(org.admin().get("/api/v1/role/").status()).isEqualTo(429);
            assertThat(org.admin().get("/api/v1/role/").status()).isEqualTo(429);
            assertThat(Scrape.of(limited).value("gatehouse_rate_limit_rejections_total", "api", "close"))
                    .isEqualTo(2);
        }
    }

    /**
     * The request timer's {@code method} label takes the methods HTTP defines and {@code OTHER}: a method is any token
     * a client cares to send, and each new one, sent without a key, used to add its own time series for good — an
     * anonymous client could grow the registry, and every scrape, without bound.
     */
    @Test
    void madeUpMethods_shareOneLabel_soAnonymousClientsCannotAddTimeSeries() {
        List<String> madeUp = List.of("BREW", "PROPFIND", "X-ONE", "X-TWO", "get");
        for (String method : madeUp) {
            Http.Res res = node.anonymous().raw(method, "/v1/orgs", null, null);
            assertThat(res.status()).as(method + " " + res).isBetween(400, 499);
        }

        List<String> methods = Scrape.of(node).labelValues("http_server_requests_seconds_count", "method");
        assertThat(methods).contains("OTHER").doesNotContainAnyElementsOf(madeUp)
                .isSubsetOf("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "OTHER");
    }

    private static void check(Fixtures.Org org, long member, String permission, int status) {
        Http.Res res = node.service().post(org.path() + "/check", Map.of("member_id", member, "permission",
                permission));
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
    }

    private static double delta(Scrape before, Scrape after, String api, String result) {
        return after.value("gatehouse_decisions_total", "api", api, "result", result)
                - before.value("gatehouse_decisions_total", "api", api, "result", result);
    }
}
