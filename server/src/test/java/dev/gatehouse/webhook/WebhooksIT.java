package dev.gatehouse.webhook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.app.Config;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.Scrape;
import dev.gatehouse.testing.TcpCut;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WebhooksIT {

    /** Short limits so that retries, timeouts and pausing happen within a test. */
    static final Duration WINDOW = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    /** The shared node's clock: it runs, and a test that waits out a backoff or the retry window moves it. */
    static final TestClock clock = new TestClock();
    static TestNode node;
    static Fixtures fx;

    /** The test receivers listen on loopback, which webhooks may reach only when the operator allows it. */
    static Config reachingLoopback(Config c) {
        return c.withWebhooks(c.webhooks().withAllowedNetworks(IpNetwork.parseList("--webhook-allowed-networks",
                "127.0.0.0/8")));
    }

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                c -> reachingLoopback(c.withWebhooks(c.webhooks().withRetry(WINDOW, TIMEOUT))), clock);
        fx = new Fixtures(node);
        warmUp(node, fx);
    }

    /**
     * Delivers one event before the tests: a node's first delivery loads its HTTP client, which on a busy
     * machine can alone take longer than the 1 s limit these tests use, and would turn a first attempt into
     * a timeout that the tests do not expect.
     */
    static void warmUp(TestNode node, Fixtures fx) {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.ok())) {
            long id = node.service().post(org.path() + "/webhooks", Map.of("url", receiver.url())).json().get("id")
                    .longValue();
            Await.until(Duration.ofSeconds(60), "a first delivery succeeds", () -> node.service()
                    .get(org.path() + "/webhooks/" + id + "/deliveries?outcome=succeeded").json().get("items").size() > 0);
            node.service().delete(org.path() + "/webhooks/" + id);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Http.Res subscribe(Fixtures.Org org, String url, Map<String, Object> more) {
        Map<String, Object> body = new LinkedHashMap<>(more);
        body.put("url", url);
        Http.Res res = node.service().post(org.path() + "/webhooks", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res;
    }

    /** Verifies a request the way docs/webhooks.md tells receivers to, with the JDK only. */
    static void assertSigned(Receiver.Request request, String secret) throws Exception {
        String timestamp = request.header("Gatehouse-Timestamp");
        assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp))).isLessThan(300);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
        assertThat(request.header("Gatehouse-Signature")).isEqualTo(expected);
    }

    private static List<JsonNode> deliveries(Fixtures.Org org, long webhook) {
        Http.Res res = node.service().get(org.path() + "/webhooks/" + webhook + "/deliveries?limit=1000");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        res.get("items").forEach(out::add);
        return out;
    }

    /** Creates a role; returns the revision of its creation. */
    private static long roleRevision(Fixtures.Org org, String name) {
        Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", name, "permissions",
                List.of("view_all_leads")));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.revision();
    }

    private static JsonNode webhook(Fixtures.Org org, long id) {
        return node.service().get(org.path() + "/webhooks/" + id).json();
    }

    @Test
    void crud_showsTheSecretOnlyOnCreate_andRecordsChangesWithoutIt() {
        var org = fx.org("close");
        Http.Res created = subscribe(org, "https://hooks.example.com/gatehouse", Map.of("description", "CRM sync",
                "object_types", List.of("role", "member"), "actions", List.of("created")));
        long id = created.json().get("id").longValue();
        assertThat(created.json().get("format").stringValue()).isEqualTo("gatehouse");
        assertThat(created.json().get("options").isNull()).isTrue();
        String secret = created.get("secret").stringValue();
        assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(created.get("status").stringValue()).isEqualTo("active");
        assertThat(created.get("object_types")).extracting(JsonNode::stringValue).containsExactly("role", "member");
        assertThat(created.header("Gatehouse-Revision")).isNotNull();

        JsonNode read = webhook(org, id);
        assertThat(read.has("secret")).isFalse();
        assertThat(read.get("delivery").get("attempts").intValue()).isZero();
        assertThat(node.service().get(org.path() + "/webhooks").json().get("items")).hasSize(1);

        Http.Res patched = node.service().header("If-Match", "\"1\"").patch(org.path() + "/webhooks/" + id,
                Map.of("actions", List.of(), "status", "paused"));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.get("status").stringValue()).isEqualTo("paused");
        assertThat(patched.get("paused_reason").stringValue()).isEqualTo("paused through the API");
        assertThat(patched.json().has("secret")).isFalse();
        assertThat(node.service().header("If-Match", "\"1\"").patch(org.path() + "/webhooks/" + id,
                Map.of("description", "x")).status()).isEqualTo(412);

        Http.Res rotated = node.service().patch(org.path() + "/webhooks/" + id, Map.of("rotate_secret", true,
                "status", "active"));
        assertThat(rotated.get("secret").stringValue()).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(rotated.get("paused_reason").isNull()).isTrue();

        String history = node.service().get(org.path() + "/events?object_type=webhook&order=asc").body();
        assertThat(history).doesNotContain(secret).doesNotContain(rotated.get("secret").stringValue())
                .contains("\"created\"", "\"paused\"", "\"resumed\"");

        assertThat(node.service().delete(org.path() + "/webhooks/" + id).status()).isEqualTo(204);
        assertThat(node.service().get(org.path() + "/webhooks/" + id).status()).isEqualTo(404);
    }

    /** An update that changes nothing records nothing: the version stays, no event is written or delivered. */
    @Test
    void anUpdateChangingNothing_recordsNothing() {
        var org = fx.org("close");
        Http.Res created = node.service().post(org.path() + "/webhooks", Map.of("url", "https://example.com/same",
                "object_types", List.of("role"), "status", "paused"));
        String path = org.path() + "/webhooks/" + created.get("id").longValue();
        int version = created.get("version").intValue();
        // this organization's own history, not the deployment's revision: other tests' subscriptions may be
        // paused by the system meanwhile, which is a change of theirs
        int recorded = webhookEvents(org);
        for (Map<String, ?> body : List.<Map<String, ?>>of(Map.of(), Map.of("status", "paused"),
                Map.of("url", "https://example.com/same", "rotate_secret", false))) {
            Http.Res same = node.service().patch(path, body);
            assertThat(same.status()).as("%s", same).isEqualTo(200);
            assertThat(same.get("version").intValue()).as("%s", body).isEqualTo(version);
        }
        assertThat(webhookEvents(org)).isEqualTo(recorded);
        assertThat(node.service().patch(path, Map.of("rotate_secret", true)).get("secret")).as("a rotation is a change")
                .isNotNull();
        assertThat(webhookEvents(org)).isEqualTo(recorded + 1);
        JsonNode rotation = node.service().get(org.path() + "/events?object_type=webhook&limit=1").json().get("items")
                .get(0);
        assertThat(rotation.get("changed_fields")).as("named, though the secret is never logged")
                .extracting(JsonNode::stringValue).containsExactly("secret");
    }

    /**
     * A URL's scheme and host compare without case: stored in lower case, and a member sending the same URL in another
     * case changes nothing — no version, no event, and it does not become the creator.
     */
    @Test
    void aUrlDifferingOnlyInTheCaseOfItsSchemeOrHost_isTheSameUrl_andChangesNothing() {
        var org = fx.org("close");
        Http.Res created = node.service().post(org.path() + "/webhooks", Map.of("url",
                "HTTPS://Example.COM:8443/Hooks/Same?Key=V", "status", "paused"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.get("url").stringValue()).as("scheme and host as they compare; the rest as written")
                .isEqualTo("https://example.com:8443/Hooks/Same?Key=V");
        String path = org.path() + "/webhooks/" + created.get("id").longValue();
        int recorded = webhookEvents(org);
        long member = fx.member(org, "casey", fx.role(org, "Ops", List.of("manage_organization", "view_all_leads")));
        Http.Res same = fx.keyFor(org, member).patch(path, Map.of("url", "https://EXAMPLE.com:8443/Hooks/Same?Key=V"));
        assertThat(same.status()).as(same.toString()).isEqualTo(200);
        assertThat(same.get("version").intValue()).isEqualTo(created.get("version").intValue());
        assertThat(same.get("url").stringValue()).isEqualTo("https://example.com:8443/Hooks/Same?Key=V");
        assertThat(same.get("created_by").isNull()).as("the caller does not take it over").isTrue();
        assertThat(webhookEvents(org)).as("nothing recorded").isEqualTo(recorded);

        Http.Res moved = node.service().patch(path, Map.of("url", "https://example.com:8443/hooks/same?Key=V"));
        assertThat(moved.get("version").intValue()).as("a path in another case is another URL")
                .isGreaterThan(created.get("version").intValue());
    }

    /**
     * Whitespace around a URL is refused naming it, not trimmed away, on create and change alike, through the native
     * API and Close's; a filter given as null means everything, on create and change alike (on a change, it lifts the
     * filter; absent keeps it).
     */
    @Test
    void whitespaceAroundAUrl_isRefused_andANullFilter_meansEverything_onCreateAndChange() {
        var org = fx.org("close");
        for (String url : List.of(" https://example.com/x", "https://example.com/x\n", "https://example.com/x\t")) {
            Http.Res res = node.service().post(org.path() + "/webhooks", Map.of("url", url));
            assertThat(res.status()).as("%s: %s", url, res).isEqualTo(400);
            assertThat(res.get("errors").get("url").stringValue()).isEqualTo("must not begin or end with whitespace");
            Http.Res close = org.admin().post("/api/v1/webhook/", Map.of("url", url, "events",
                    List.of(Map.of("object_type", "lead", "action", "created"))));
            assertThat(close.status()).as("Close: %s: %s", url, close).isEqualTo(400);
        }
        Map<String, Object> everything = new java.util.HashMap<>(Map.of("url", "https://example.com/all",
                "status", "paused"));
        everything.put("object_types", null);
        Http.Res created = node.service().post(org.path() + "/webhooks", everything);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.get("object_types").size()).isZero();
        String path = org.path() + "/webhooks/" + created.get("id").longValue();
        assertThat(node.service().patch(path, Map.of("object_types", List.of("role"), "actions", List.of("created")))
                .get("object_types").size()).isEqualTo(1);
        Map<String, Object> lifted = new java.util.HashMap<>();
        lifted.put("object_types", null);
        Http.Res changed = node.service().patch(path, lifted);
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.get("object_types").size()).as("lifted").isZero();
        assertThat(changed.get("actions").size()).as("absent: kept").isEqualTo(1);
        Http.Res moved = node.service().patch(path, Map.of("url", "https://example.com/all "));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(400);
    }

    private static int webhookEvents(Fixtures.Org org) {
        return node.service().get(org.path() + "/events?object_type=webhook&limit=100").json().get("items").size();
    }

    @Test
    void badSubscriptions_are400_andMembersNeedRoleManagement() {
        var org = fx.org("close");
        for (String url : List.of("ftp://example.com/x", "not a url", "/relative", "https://user:pw@example.com/")) {
            Http.Res res = node.service().post(org.path() + "/webhooks", Map.of("url", url));
            assertThat(res.status()).as(url).isEqualTo(400);
            assertThat(res.get("errors").has("url")).as(url).isTrue();
        }
        Http.Res res = node.service().post(org.path() + "/webhooks", Map.of("url", "https://example.com/",
                "object_types", List.of("Role"), "status", "sleeping", "colour", "blue"));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.get("errors").propertyNames()).contains("object_types", "status", "colour");
        assertThat(node.service().post(org.path() + "/webhooks", Map.of()).status()).isEqualTo(400);
        // a filter value the change log does not know would never match: refused, not kept silently
        Http.Res unknown = node.service().post(org.path() + "/webhooks", Map.of("url", "https://example.com/",
                "object_types", List.of("nope"), "actions", List.of("exploded")));
        assertThat(unknown.status()).as("%s", unknown).isEqualTo(400);
        assertThat(unknown.get("errors").propertyNames()).contains("object_types", "actions");
        assertThat(unknown.get("errors").get("object_types").stringValue()).contains("nope").contains("role");

        Http user = fx.keyFor(org, fx.member(org, "viewer", fx.roleId(org, "User")));
        assertThat(user.post(org.path() + "/webhooks", Map.of("url", "https://example.com/")).status()).isEqualTo(403);
        assertThat(user.get(org.path() + "/webhooks").status()).isEqualTo(403);
        assertThat(org.admin().post(org.path() + "/webhooks", Map.of("url", "https://example.com/")).status())
                .isEqualTo(201);
        var other = fx.org("close");
        assertThat(org.admin().get(other.path() + "/webhooks").status()).isEqualTo(404);
    }

    /**
     * The 101st subscription is refused with 409 {@code webhook_limit}, naming the limit and the numbers as every
     * per-organization limit does ({@code limit}, {@code maximum}, {@code current}), and changes nothing.
     */
    @Test
    void theSubscriptionPastTheLimit_is409_namingTheLimitAndTheNumbers() {
        var org = fx.org("close");
        for (int i = 0; i < WebhookService.MAX_PER_ORG; i++) {
            subscribe(org, "http://127.0.0.1:9/hook/" + i, Map.of("status", "paused"));
        }
        Http.Res refused = node.service().post(org.path() + "/webhooks", Map.of("url", "http://127.0.0.1:9/one-more",
                "status", "paused"));
        assertThat(refused.status()).as("%s", refused).isEqualTo(409);
        assertThat(refused.get("code").stringValue()).isEqualTo("webhook_limit");
        assertThat(refused.get("limit").stringValue()).isEqualTo("webhooks_per_org");
        assertThat(refused.get("maximum").intValue()).isEqualTo(WebhookService.MAX_PER_ORG);
        assertThat(refused.get("current").intValue()).isEqualTo(WebhookService.MAX_PER_ORG);
        assertThat(refused.get("detail").stringValue()).contains("webhooks_per_org = 100");
        assertThat(node.service().get(org.path() + "/webhooks?limit=1000").get("items"))
                .hasSize(WebhookService.MAX_PER_ORG);
    }

    @Test
    void anInternationalizedHost_isRefused_namingItsAsciiForm() {
        var org = fx.org("close");
        Http.Res res = node.service().post(org.path() + "/webhooks", Map.of("url", "https://bücher.example:8443/hook"));
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("errors").get("url").stringValue()).contains("xn--bcher-kva.example").contains("bücher");
        Http.Res ascii = node.service().post(org.path() + "/webhooks", Map.of("url",
                "https://xn--bcher-kva.example:8443/hook"));
        assertThat(ascii.status()).as(ascii.toString()).isEqualTo(201);
    }

    /**
     * A URL is sent as written, and a request line is ASCII: a path or query with other characters is refused on
     * create and on update, with their UTF-8 percent-encoding spelt out. Before, it was stored, and the HTTP client
     * wrote it in Latin-1, with "?" for what Latin-1 lacks — cutting the path short and sending the rest as a query.
     */
    @Test
    void aUrlThatIsNotAscii_isRefused_namingItsPercentEncoding() {
        var org = fx.org("close");
        for (String url : List.of("https://hooks.example.com/hooks/中/secret-path", "https://hooks.example.com/é",
                "https://hooks.example.com/hook?team=Zürich")) {
            Http.Res res = node.service().post(org.path() + "/webhooks", Map.of("url", url));
            assertThat(res.status()).as(res.toString()).isEqualTo(400);
            assertThat(res.get("errors").get("url").stringValue()).as(url).contains("percent-encode", "UTF-8");
        }
        Http.Res han = node.service().post(org.path() + "/webhooks", Map.of("url",
                "https://hooks.example.com/hooks/中/secret-path"));
        assertThat(han.get("errors").get("url").stringValue()).contains("\"中\"", "%E4%B8%AD");
        long id = subscribe(org, "https://hooks.example.com/hooks/%E4%B8%AD/secret-path", Map.of()).json().get("id")
                .longValue();
        Http.Res moved = node.service().patch(org.path() + "/webhooks/" + id, Map.of("url",
                "https://hooks.example.com/hooks/中/other"));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(400);
        assertThat(moved.get("errors").has("url")).isTrue();
        assertThat(webhook(org, id).get("url").stringValue())
                .isEqualTo("https://hooks.example.com/hooks/%E4%B8%AD/secret-path");
        node.service().delete(org.path() + "/webhooks/" + id);
    }

    /** Such a URL stored before it was refused is requested percent-encoded as UTF-8, the path whole. */
    @Test
    void aStoredUrlThatIsNotAscii_isRequestedPercentEncoded() {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.ok())) {
            long id = subscribe(org, receiver.url(), Map.of("object_types", List.of("role"), "status", "paused"))
                    .json().get("id").longValue();
            String stored = "http://127.0.0.1:" + receiver.port() + "/hooks/中/secret-path?team=Zürich";
            TestDatabase.jdbi(node.databaseUrl()).useHandle(h -> h.createUpdate("UPDATE webhooks SET url = :url "
                    + "WHERE id = :id").bind("url", stored).bind("id", id).execute());
            assertThat(node.service().patch(org.path() + "/webhooks/" + id, Map.of("status", "active")).status())
                    .isEqualTo(200);
            long revision = roleRevision(org, "Encoded");
            Await.until(Duration.ofSeconds(15), "the event is delivered",
                    () -> webhook(org, id).get("delivery").get("revision").longValue() >= revision);
            assertThat(receiver.requests()).hasSize(1);
            assertThat(receiver.requests().get(0).target().getRawPath()).isEqualTo("/hooks/%E4%B8%AD/secret-path");
            assertThat(receiver.requests().get(0).target().getRawQuery()).isEqualTo("team=Z%C3%BCrich");
            node.service().delete(org.path() + "/webhooks/" + id);
        }
    }

    @Test
    void deliversEveryMatchingEvent_once_inRevisionOrder_signed() throws Exception {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.ok())) {
            Http.Res sub = subscribe(org, receiver.url(), Map.of("object_types", List.of("role")));
            long id = sub.json().get("id").longValue();
            String secret = sub.get("secret").stringValue();
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.add(node.service().post(org.path() + "/roles", Map.of("name", "R" + i, "permissions",
                        List.of("view_all_leads"))).revision());
                fx.member(org, "m" + i, fx.roleId(org, "User"));
            }
            long renamed = node.service().patch(org.path() + "/roles/" + fx.roleId(org, "R0"), Map.of("name", "R0b"))
                    .revision();
            expected.add(renamed);
            Await.until(Duration.ofSeconds(10), "6 role events are delivered",
                    () -> webhook(org, id).get("delivery").get("revision").longValue() >= renamed);
            Thread.sleep(200);
            assertThat(receiver.revisions()).containsExactlyElementsOf(expected);
            for (Receiver.Request r : receiver.requests()) {
                assertSigned(r, secret);
                assertThat(r.header("Gatehouse-Webhook-Id")).isEqualTo(String.valueOf(id));
                assertThat(r.header("Content-Type")).isEqualTo("application/json");
                assertThat(r.header("Gatehouse-Delivery-Attempt")).isEqualTo("1");
            }
            JsonNode last = Json.readTree(receiver.requests().get(5).text());
            JsonNode sameFromApi = node.service().get(org.path() + "/events/" + renamed).json();
            assertThat(last).isEqualTo(sameFromApi);
            assertThat(deliveries(org, id)).hasSize(6).allSatisfy(d -> {
                assertThat(d.get("outcome").stringValue()).isEqualTo("succeeded");
                assertThat(d.get("status_code").intValue()).isEqualTo(200);
                assertThat(d.get("node_id").stringValue()).isEqualTo(node.node().nodes().nodeId());
            });
            node.service().delete(org.path() + "/webhooks/" + id);
        }
    }

    /** A paused subscription shows no next attempt: it makes none until resumed. */
    @Test
    void aPausedSubscription_showsNoNextAttempt() throws Exception {
        var org = fx.org("close");
        clock.freeze();
        try (Receiver receiver = new Receiver(Receiver.failing(500))) {
            long id = subscribe(org, receiver.url(), Map.of("object_types", List.of("role"))).json().get("id")
                    .longValue();
            roleRevision(org, "A");
            assertThat(awaitAttempts(org, id, 1).get("next_attempt_at").isNull()).isFalse();
            assertThat(node.service().patch(org.path() + "/webhooks/" + id, Map.of("status", "paused")).status())
                    .isEqualTo(200);
            assertThat(webhook(org, id).get("delivery").get("next_attempt_at").isNull()).isTrue();
        } finally {
            clock.run();
        }
    }

    /**
     * The waits between attempts are the backoff on the node's clock, which stands still here, cut short at the end of
     * the retry window: no retry comes before the test moves the clock that far, and the attempts are recorded exactly
     * that far apart.
     */
    @Test
    void failingReceiver_isRetriedWithBackoff_beforeAnyLaterEvent() throws Exception {
        var org = fx.org("close");
        clock.freeze();
        try (Receiver receiver = new Receiver(n -> n <= 2 ? 500 : 200)) {
            Http.Res sub = subscribe(org, receiver.url(), Map.of("object_types", List.of("role")));
            long id = sub.json().get("id").longValue();
            long first = roleRevision(org, "A");
            long second = roleRevision(org, "B");
            JsonNode failing = awaitAttempts(org, id, 1);
            Instant firstAt = Instant.parse(deliveries(org, id).get(0).get("attempted_at").stringValue());
            assertThat(Instant.parse(failing.get("next_attempt_at").stringValue()))
                    .isEqualTo(firstAt.plus(Duration.ofSeconds(1)));
            assertThat(receiver.requests()).as("no retry before the backoff has passed").hasSize(1);
            clock.advance(Duration.ofSeconds(1));
            failing = awaitAttempts(org, id, 2);
            Instant secondAt = Instant.parse(deliveries(org, id).get(0).get("attempted_at").stringValue());
            Instant thirdAt = firstAt.plus(WINDOW);
            assertThat(Instant.parse(failing.get("next_attempt_at").stringValue()))
                    .as("the end of the 2 s retry window, before the 2 s backoff's").isEqualTo(thirdAt)
                    .isBefore(secondAt.plus(Duration.ofSeconds(2)));
            assertThat(receiver.requests()).as("no retry before the window's end").hasSize(2);
            clock.advance(Duration.between(secondAt, thirdAt));
            Await.until(Duration.ofSeconds(15), "both events are delivered",
                    () -> webhook(org, id).get("delivery").get("revision").longValue() >= second);
            assertThat(receiver.revisions()).containsExactly(first, first, first, second);
            List<Receiver.Request> requests = receiver.requests();
            assertThat(requests).extracting(r -> r.header("Gatehouse-Delivery-Attempt"))
                    .containsExactly("1", "2", "3", "1");
            for (Receiver.Request r : requests) {
                assertSigned(r, sub.get("secret").stringValue());
            }
            List<JsonNode> log = deliveries(org, id);
            assertThat(log).extracting(d -> d.get("outcome").stringValue())
                    .containsExactly("succeeded", "succeeded", "failed", "failed");
            assertThat(log).extracting(d -> Instant.parse(d.get("attempted_at").stringValue()))
                    .as("attempts a backoff apart on the node's clock")
                    .containsExactly(thirdAt, thirdAt, secondAt, firstAt);
            assertThat(Duration.between(firstAt, secondAt)).isEqualTo(Duration.ofSeconds(1));
            assertThat(log.get(3).get("error").stringValue()).isEqualTo("http_status 500");
            assertThat(log.get(3).get("status_code").intValue()).isEqualTo(500);
            assertThat(deliveries(org, id).get(2).get("attempt").intValue()).isEqualTo(2);
            assertThat(node.service().get(org.path() + "/webhooks/" + id + "/deliveries?outcome=failed").json()
                    .get("items")).hasSize(2);
            assertThat(webhook(org, id).get("delivery").get("attempts").intValue()).isZero();
            node.service().delete(org.path() + "/webhooks/" + id);
        } finally {
            clock.run();
        }
    }

    /**
     * Attempts are counted by outcome and failure class; the backlog shows the subscription that has a change to
     * deliver and that change's age on the node's clock until it is delivered. On a node of its own, so that no
     * other test's subscription is in its backlog, with a minute's backoff that only the clock ends.
     */
    @Test
    void deliveryAttempts_areCountedByOutcomeAndClass_andTheBacklogShowsWhatIsPending() {
        TestClock own = new TestClock();
        try (TestNode metered = TestNode.startOn(TestDatabase.freshDatabaseUrl(), c -> reachingLoopback(
                c.withWebhooks(c.webhooks().withBackoff(Duration.ofMinutes(1), Duration.ofMinutes(15)))), own);
             Receiver receiver = new Receiver(n -> n <= 1 ? 503 : 200)) {
            Fixtures mine = new Fixtures(metered);
            warmUp(metered, mine);
            var org = mine.org("close");
            Scrape before = Scrape.of(metered);
            own.freeze();
            long id = metered.service().post(org.path() + "/webhooks", Map.of("url", receiver.url(),
                    "object_types", List.of("role"))).json().get("id").longValue();
            long created = metered.service().post(org.path() + "/roles", Map.of("name", "Pending", "permissions",
                    List.of("view_all_leads"))).revision();
            Await.until(Duration.ofSeconds(15), "the first attempt has failed", () -> metered.service()
                    .get(org.path() + "/webhooks/" + id).json().get("delivery").get("attempts").intValue() == 1);
            Await.until(Duration.ofSeconds(15), "the backlog holds the subscription",
                    () -> Scrape.of(metered).value("gatehouse_webhook_backlog_subscriptions") == 1);
            own.advance(Duration.ofSeconds(30));

            Scrape failing = Scrape.of(metered);
            assertThat(delta(before, failing, "gatehouse_webhook_deliveries_total", "outcome", "failed")).isEqualTo(1);
            assertThat(delta(before, failing, "gatehouse_webhook_deliveries_total", "outcome", "succeeded")).isZero();
            assertThat(delta(before, failing, "gatehouse_webhook_delivery_failures_total", "class", "http_status"))
                    .isEqualTo(1);
            assertThat(delta(before, failing, "gatehouse_webhook_delivery_failures_total", "class", "timeout"))
                    .isZero();
            assertThat(failing.value("gatehouse_webhook_backlog_oldest_seconds")).as("the role's creation, 30 s ago")
                    .isCloseTo(30.0, within(0.001));
            assertThat(failing.text()).as("no status code or organization in a label")
                    .doesNotContain("class=\"http_status 503\"", "org_id=");

            own.advance(Duration.ofSeconds(30));
            Await.until(Duration.ofSeconds(15), "the event is delivered once the backoff has passed",
                    () -> metered.service().get(org.path() + "/webhooks/" + id).json().get("delivery")
                            .get("revision").longValue() >= created);
            Await.until(Duration.ofSeconds(15), "the backlog is empty again",
                    () -> Scrape.of(metered).value("gatehouse_webhook_backlog_subscriptions") == 0);
            Scrape delivered = Scrape.of(metered);
            assertThat(delta(before, delivered, "gatehouse_webhook_deliveries_total", "outcome", "succeeded"))
                    .isEqualTo(1);
            assertThat(delivered.value("gatehouse_webhook_backlog_oldest_seconds")).isZero();
        } finally {
            own.run();
        }
    }

    private static double delta(Scrape before, Scrape after, String name, String label, String value) {
        return after.value(name, label, value) - before.value(name, label, value);
    }

    /** The subscription's delivery state once {@code n} attempts at its current event have failed. */
    private static JsonNode awaitAttempts(Fixtures.Org org, long id, int n) {
        Await.until(Duration.ofSeconds(15), n + " failed attempts",
                () -> webhook(org, id).get("delivery").get("attempts").intValue() >= n);
        JsonNode delivery = webhook(org, id).get("delivery");
        assertThat(delivery.get("attempts").intValue()).isEqualTo(n);
        return delivery;
    }

    @Test
    void hangingReceiver_timesOut_andTheEventIsRetried() {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.hanging())) {
            long id = subscribe(org, receiver.url(), Map.of("object_types", List.of("role"))).json().get("id").longValue();
            long revision = roleRevision(org, "Hung");
            Await.until(Duration.ofSeconds(10), "the first attempt times out",
                    () -> !deliveries(org, id).isEmpty());
            JsonNode failed = deliveries(org, id).get(0);
            assertThat(failed.get("error").stringValue()).isEqualTo("timeout");
            assertThat(failed.get("status_code").isNull()).isTrue();
            assertThat(failed.get("duration_ms").intValue()).isGreaterThanOrEqualTo((int) TIMEOUT.toMillis() - 50);
            receiver.behave(Receiver.ok());
            Await.until(Duration.ofSeconds(10), "the retry succeeds", () -> deliveries(org, id).get(0)
                    .get("outcome").stringValue().equals("succeeded"));
            assertThat(receiver.revisions()).containsOnly(revision);
            node.service().delete(org.path() + "/webhooks/" + id);
        }
    }

    @Test
    void slowReceiver_isWaitedFor_andDoesNotHoldUpOtherSubscriptions() {
        var org = fx.org("close");
        try (Receiver slow = new Receiver(Receiver.slow(600)); Receiver fast = new Receiver(Receiver.ok())) {
            long slowId = subscribe(org, slow.url(), Map.of("object_types", List.of("role"))).json().get("id").longValue();
            long fastId = subscribe(org, fast.url(), Map.of("object_types", List.of("role"))).json().get("id").longValue();
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                expected.add(roleRevision(org, "S" + i));
            }
            Await.until(Duration.ofSeconds(5), "the fast receiver has everything", () -> fast.revisions().size() >= 4);
            assertThat(slow.revisions().size()).as("the slow one is still behind").isLessThan(4);
            long last = expected.get(3);
            Await.until(Duration.ofSeconds(15), "the slow receiver has everything", () -> webhook(org, slowId)
                    .get("delivery").get("revision").longValue() >= last);
            assertThat(slow.revisions()).containsExactlyElementsOf(expected);
            assertThat(fast.revisions()).containsExactlyElementsOf(expected);
            assertThat(deliveries(org, slowId)).hasSize(4).allSatisfy(d -> {
                assertThat(d.get("outcome").stringValue()).isEqualTo("succeeded");
                assertThat(d.get("duration_ms").intValue()).isGreaterThanOrEqualTo(550);
            });
            node.service().delete(org.path() + "/webhooks/" + slowId);
            node.service().delete(org.path() + "/webhooks/" + fastId);
        }
    }

    /**
     * A failing event that the subscription's filters no longer select is skipped, and its run of failures goes with
     * it: the next event starts at attempt 1 with a retry window of its own, rather than inheriting the skipped
     * event's attempts and being paused for failures that were not its own.
     */
    @Test
    void aFailingEventFilteredOutByAnUpdate_takesItsFailuresWithIt() {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.failing(503))) {
            clock.freeze();
            try {
                long id = subscribe(org, receiver.url(), Map.of("object_types", List.of("role"))).json().get("id")
                        .longValue();
                roleRevision(org, "No longer wanted");
                awaitAttempts(org, id, 1);
                clock.advance(Duration.ofSeconds(1));
                awaitAttempts(org, id, 2);
                assertThat(node.service().patch(org.path() + "/webhooks/" + id, Map.of("object_types",
                        List.of("group"))).status()).isEqualTo(200);
                clock.advance(Duration.ofSeconds(2));
                Http.Res group = node.service().post(org.path() + "/groups", Map.of("name", "Wanted"));
                assertThat(group.status()).as(group.toString()).isEqualTo(201);
                long wanted = group.revision();
                Await.until(Duration.ofSeconds(15), "the group's event is attempted",
                        () -> receiver.revisions().contains(wanted));
                Await.until(Duration.ofSeconds(15), "its failure is recorded", () -> deliveries(org, id).stream()
                        .anyMatch(d -> d.get("revision").longValue() == wanted));
                Receiver.Request first = receiver.requests().stream().filter(r -> r.revision() == wanted).findFirst()
                        .orElseThrow();
                assertThat(first.header("Gatehouse-Delivery-Attempt")).isEqualTo("1");
                JsonNode after = webhook(org, id);
                assertThat(after.get("status").stringValue()).as("one failure, at the start of its retry window")
                        .isEqualTo("active");
                assertThat(after.get("delivery").get("attempts").intValue()).isEqualTo(1);
                assertThat(after.get("delivery").get("revision").longValue()).isLessThan(wanted);
                node.service().delete(org.path() + "/webhooks/" + id);
            } finally {
                clock.run();
            }
        }
    }

    /**
     * A filter change that drops the event failing keeps back takes its failures and their backoff with it: the answer
     * shows a fresh delivery state, and the next event is sent at once, as attempt 1, although the clock stands still
     * before the old next attempt.
     */
    @Test
    void aFailingEventFilteredOutByAnUpdate_leavesTheNextEventDueAtOnce() {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.failing(503))) {
            clock.freeze();
            try {
                long id = subscribe(org, receiver.url(), Map.of("object_types", List.of("role"))).json().get("id")
                        .longValue();
                roleRevision(org, "Dropped");
                awaitAttempts(org, id, 1);
                Http.Res patched = node.service().patch(org.path() + "/webhooks/" + id, Map.of("object_types",
                        List.of("group")));
                assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
                JsonNode delivery = patched.get("delivery");
                assertThat(delivery.get("attempts").intValue()).as("%s", delivery).isZero();
                assertThat(delivery.get("failing_since").isNull()).as("%s", delivery).isTrue();
                assertThat(delivery.get("next_attempt_at").isNull()).as("%s", delivery).isTrue();
                assertThat(delivery.get("last_error").isNull()).as("%s", delivery).isTrue();

                long wanted = node.service().post(org.path() + "/groups", Map.of("name", "Due at once")).revision();
                Await.until(Duration.ofSeconds(15), "the group's event is attempted without waiting out a backoff",
                        () -> receiver.revisions().contains(wanted));
                Receiver.Request first = receiver.requests().stream().filter(r -> r.revision() == wanted).findFirst()
                        .orElseThrow();
                assertThat(first.header("Gatehouse-Delivery-Attempt")).isEqualTo("1");
                node.service().delete(org.path() + "/webhooks/" + id);
            } finally {
                clock.run();
            }
        }
    }

    /** A filter change that still selects the failing event keeps its failures and their retry window. */
    @Test
    void aFilterChangeStillSelectingTheFailingEvent_keepsItsFailures() {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.failing(503))) {
            clock.freeze();
            try {
                long id = subscribe(org, receiver.url(), Map.of("object_types", List.of("role"))).json().get("id")
                        .longValue();
                roleRevision(org, "Still wanted");
                awaitAttempts(org, id, 1);
                Http.Res patched = node.service().patch(org.path() + "/webhooks/" + id, Map.of("object_types",
                        List.of("role", "group")));
                assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
                assertThat(patched.get("delivery").get("attempts").intValue()).isEqualTo(1);
                assertThat(patched.get("delivery").get("failing_since").isNull()).isFalse();
                node.service().delete(org.path() + "/webhooks/" + id);
            } finally {
                clock.run();
            }
        }
    }

    /** How a member who made a subscription loses the right to make it. */
    private enum Loss { DEACTIVATED, DEMOTED, REMOVED }

    @Test
    void aSubscriptionMadeByAMember_pausesOnceItIsDeactivated_andAnAdminResumingItOwnsIt() {
        var org = fx.org("close");
        try (Receiver own = new Receiver(Receiver.ok()); Receiver service = new Receiver(Receiver.ok())) {
            Lost lost = loseCreator(org, Loss.DEACTIVATED, own, service);
            Http.Res resumed = org.admin().patch(org.path() + "/webhooks/" + lost.webhook(), Map.of("status", "active"));
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
            assertThat(resumed.get("created_by").longValue()).as("whoever resumes it owns it").isEqualTo(org.adminId());
            assertThat(resumed.get("paused_reason").isNull()).isTrue();
            JsonNode resumeEvent = node.service().get(org.path() + "/events?object_type=webhook&action=resumed")
                    .json().get("items").get(0);
            assertThat(resumeEvent.get("changed_fields")).as("the history shows whose authority it now has")
                    .extracting(JsonNode::stringValue).contains("created_by");
            assertThat(resumeEvent.get("after").get("created_by").longValue()).isEqualTo(org.adminId());
            Await.until(Duration.ofSeconds(15), "what waited is delivered on the new creator's authority",
                    () -> own.revisions().contains(lost.afterwards()));
            assertThat(webhook(org, lost.webhook()).get("status").stringValue()).isEqualTo("active");
        }
    }

    @Test
    void aSubscriptionMadeByAMember_pausesOnceItIsDemoted() {
        var org = fx.org("close");
        try (Receiver own = new Receiver(Receiver.ok()); Receiver service = new Receiver(Receiver.ok())) {
            Lost lost = loseCreator(org, Loss.DEMOTED, own, service);
            assertThat(lost.reason()).contains("manage_organization");
        }
    }

    @Test
    void aSubscriptionMadeByAMember_pausesOnceItIsRemoved() {
        var org = fx.org("close");
        try (Receiver own = new Receiver(Receiver.ok()); Receiver service = new Receiver(Receiver.ok())) {
            loseCreator(org, Loss.REMOVED, own, service);
        }
    }

    /** The subscription of a creator who lost the right to make it, the reason it was paused, and an event since. */
    private record Lost(long webhook, String reason, long afterwards) {
    }

    /**
     * A member allowed to manage webhooks subscribes {@code own}, a service key {@code service}; the member loses that
     * right, then a member is added: the service key's subscription receives both changes, the member's neither — it
     * is paused by the system with {@code creator_lost_access} — and both show who made them.
     */
    private static Lost loseCreator(Fixtures.Org org, Loss loss, Receiver own, Receiver service) {
        long ops = fx.role(org, "Ops", List.of("manage_organization", "view_all_leads"));
        long mallory = fx.member(org, "mallory", ops);
        Http key = fx.keyFor(org, mallory);
        Http.Res made = key.post(org.path() + "/webhooks", Map.of("url", own.url()));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        long id = made.get("id").longValue();
        assertThat(made.get("created_by").longValue()).isEqualTo(mallory);
        long serviceId = subscribe(org, service.url(), Map.of()).get("id").longValue();
        assertThat(webhook(org, serviceId).get("created_by").isNull()).as("a service key's").isTrue();
        String earlier = "before-" + loss.name().toLowerCase(Locale.ROOT);
        fx.member(org, earlier, fx.roleId(org, "User"));
        Await.until(Duration.ofSeconds(15), "the member's subscription receives events while it may",
                () -> own.requests().stream().anyMatch(r -> r.text().contains("\"" + earlier + "\"")));

        String memberPath = org.path() + "/members/" + mallory;
        Http.Res lossRes = switch (loss) {
            case DEACTIVATED -> node.service().patch(memberPath, Map.of("status", "deactivated"));
            case DEMOTED -> node.service().patch(memberPath, Map.of("role_id", fx.roleId(org, "User")));
            case REMOVED -> node.service().delete(memberPath);
        };
        assertThat(lossRes.status() / 100).as(lossRes.toString()).isEqualTo(2);
        long lostAt = lossRes.revision();
        long afterwards = node.service().post(org.path() + "/members", Map.of("user_id", "newcomer",
                "email", "newcomer@example.com", "role_id", fx.roleId(org, "User"))).revision();
        Await.until(Duration.ofSeconds(15), "the service key's subscription receives the changes",
                () -> service.revisions().contains(afterwards));
        Await.until(Duration.ofSeconds(15), "the member's subscription is paused",
                () -> webhook(org, id).get("status").stringValue().equals("paused"));
        assertThat(own.revisions()).as("nothing from the loss on").allMatch(r -> r < lostAt);
        assertThat(service.revisions()).contains(lostAt, afterwards);
        JsonNode paused = webhook(org, id);
        String reason = paused.get("paused_reason").stringValue();
        assertThat(reason).startsWith("creator_lost_access").contains("member " + mallory);
        assertThat(paused.get("created_by").longValue()).isEqualTo(mallory);
        JsonNode pauseEvent = node.service().get(org.path() + "/events?object_type=webhook&action=paused").json()
                .get("items").get(0);
        assertThat(pauseEvent.get("object_id").stringValue()).isEqualTo(String.valueOf(id));
        assertThat(pauseEvent.get("actor").get("type").stringValue()).isEqualTo("system");
        assertThat(pauseEvent.get("after").get("paused_reason").stringValue()).startsWith("creator_lost_access");
        assertThat(webhook(org, serviceId).get("status").stringValue()).isEqualTo("active");
        return new Lost(id, reason, afterwards);
    }

    /**
     * Who points a subscription somewhere answers for it: a member who moves the service key's subscription to a URL of
     * its own becomes its creator, so once the member is deactivated nothing more goes there.
     */
    @Test
    void aServiceKeysSubscriptionMovedByAMember_pausesOnceThatMemberIsDeactivated() {
        var org = fx.org("close");
        try (Receiver operator = new Receiver(Receiver.ok()); Receiver taken = new Receiver(Receiver.ok())) {
            long id = subscribe(org, operator.url(), Map.of()).get("id").longValue();
            long mallory = fx.member(org, "mallory", fx.role(org, "Ops", List.of("manage_organization",
                    "view_all_leads")));
            Http.Res moved = fx.keyFor(org, mallory).patch(org.path() + "/webhooks/" + id,
                    Map.of("url", taken.url(), "rotate_secret", true));
            assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
            assertThat(moved.get("created_by").isNull()).as("the member who moved it answers for it").isFalse();
            assertThat(moved.get("created_by").longValue()).isEqualTo(mallory);
            JsonNode moveEvent = node.service().get(org.path() + "/events?object_type=webhook&action=updated")
                    .json().get("items").get(0);
            assertThat(moveEvent.get("changed_fields")).extracting(JsonNode::stringValue)
                    .contains("url", "created_by", "secret");
            assertThat(moveEvent.get("before").get("created_by").isNull()).isTrue();
            assertThat(moveEvent.get("after").get("created_by").longValue()).isEqualTo(mallory);

            long lostAt = deactivate(org, mallory);
            awaitPausedForCreator(org, id, mallory);
            assertThat(taken.revisions()).as("nothing from the deactivation on").allMatch(r -> r < lostAt);
            assertThat(operator.revisions()).as("the old URL gets nothing either").allMatch(r -> r < lostAt);
        }
    }

    /**
     * Another member who moves a member's subscription becomes its creator, and its standing decides from then on
     * (its first creator's no longer does); rotating the secret alone hands nothing on (the secret lets its holder
     * verify requests, not receive them).
     */
    @Test
    void aMembersSubscriptionMovedByAnotherMember_pausesOnceTheMoverIsDeactivated() {
        var org = fx.org("close");
        try (Receiver own = new Receiver(Receiver.ok()); Receiver taken = new Receiver(Receiver.ok())) {
            long ops = fx.role(org, "Ops", List.of("manage_organization", "view_all_leads"));
            long alice = fx.member(org, "alice", ops);
            long mallory = fx.member(org, "mallory", ops);
            Http malloryKey = fx.keyFor(org, mallory);
            Http.Res made = fx.keyFor(org, alice).post(org.path() + "/webhooks", Map.of("url", own.url()));
            assertThat(made.status()).as(made.toString()).isEqualTo(201);
            long id = made.get("id").longValue();

            Http.Res rotated = malloryKey.patch(org.path() + "/webhooks/" + id, Map.of("rotate_secret", true));
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            assertThat(rotated.get("created_by").longValue()).as("a rotation hands nothing on").isEqualTo(alice);

            Http.Res moved = malloryKey.patch(org.path() + "/webhooks/" + id, Map.of("url", taken.url()));
            assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
            assertThat(moved.get("created_by").longValue()).as("the member who moved it answers for it")
                    .isEqualTo(mallory);

            long lostAt = deactivate(org, mallory);
            awaitPausedForCreator(org, id, mallory);
            assertThat(taken.revisions()).as("nothing from the deactivation on").allMatch(r -> r < lostAt);
        }
    }

    /** A service key that moves a member's subscription takes it over: the member's leaving no longer pauses it. */
    @Test
    void aMembersSubscriptionMovedByAServiceKey_isTheServiceKeys_andGoesOnAfterTheMemberLeaves() {
        var org = fx.org("close");
        try (Receiver own = new Receiver(Receiver.ok()); Receiver operator = new Receiver(Receiver.ok())) {
            long alice = fx.member(org, "alice", fx.role(org, "Ops", List.of("manage_organization",
                    "view_all_leads")));
            Http.Res made = fx.keyFor(org, alice).post(org.path() + "/webhooks", Map.of("url", own.url()));
            assertThat(made.status()).as(made.toString()).isEqualTo(201);
            long id = made.get("id").longValue();

            Http.Res moved = node.service().patch(org.path() + "/webhooks/" + id, Map.of("url", operator.url()));
            assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
            assertThat(moved.get("created_by").isNull()).as("the service key's now").isTrue();

            long lostAt = deactivate(org, alice);
            long afterwards = roleRevision(org, "Created after alice left");
            Await.until(Duration.ofSeconds(15), "the service key's subscription goes on",
                    () -> operator.revisions().contains(afterwards));
            assertThat(operator.revisions()).contains(lostAt);
            assertThat(webhook(org, id).get("status").stringValue()).isEqualTo("active");
        }
    }

    /** Deactivates {@code member} through the service key; returns the revision of the deactivation. */
    private static long deactivate(Fixtures.Org org, long member) {
        Http.Res res = node.service().patch(org.path() + "/members/" + member, Map.of("status", "deactivated"));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.revision();
    }

    /**
     * Makes an event after a creator lost its right and waits until {@code id} is paused for it, by the system with
     * {@code creator_lost_access} naming {@code creator}.
     */
    private static void awaitPausedForCreator(Fixtures.Org org, long id, long creator) {
        roleRevision(org, "Created after member " + creator + " left");
        Await.until(Duration.ofSeconds(15), "the subscription is paused for its creator",
                () -> webhook(org, id).get("status").stringValue().equals("paused"));
        JsonNode paused = webhook(org, id);
        assertThat(paused.get("paused_reason").stringValue()).startsWith("creator_lost_access")
                .contains("member " + creator);
        assertThat(paused.get("created_by").longValue()).isEqualTo(creator);
    }

    @Test
    void sustainedFailure_pausesTheSubscription_withTheReason_andResumingDeliversTheEvent() {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.failing(503))) {
            clock.freeze();
            long id;
            long revision;
            try {
                id = subscribe(org, receiver.url(), Map.of("object_types", List.of("role"))).json().get("id")
                        .longValue();
                revision = roleRevision(org, "Doomed");
                awaitAttempts(org, id, 1);
                clock.advance(Duration.ofSeconds(1));
                awaitAttempts(org, id, 2);
                assertThat(webhook(org, id).get("status").stringValue()).as("1 s into a 2 s retry window")
                        .isEqualTo("active");
                clock.advance(Duration.ofSeconds(2));
                Await.until(Duration.ofSeconds(15), "the subscription is paused once the retry window has passed",
                        () -> webhook(org, id).get("status").stringValue().equals("paused"));
            } finally {
                clock.run();
            }
            JsonNode paused = webhook(org, id);
            assertThat(paused.get("paused_reason").stringValue())
                    .contains("delivery of revision " + revision + " failed", "http_status 503", "retry window");
            assertThat(paused.get("paused_at").isNull()).isFalse();
            assertThat(paused.get("delivery").get("last_error").stringValue()).isEqualTo("http_status 503");
            JsonNode pauseEvent = node.service().get(org.path() + "/events?object_type=webhook&action=paused").json()
                    .get("items").get(0);
            assertThat(pauseEvent.get("actor").get("type").stringValue()).isEqualTo("system");
            assertThat(pauseEvent.get("after").get("paused_reason").stringValue()).contains("http_status 503");

            int attempts = receiver.requests().size();
            roleRevision(org, "While paused");
            receiver.behave(Receiver.ok());
            assertThat(receiver.requests()).hasSize(attempts);
            Http.Res resumed = node.service().patch(org.path() + "/webhooks/" + id, Map.of("status", "active"));
            assertThat(resumed.get("delivery").get("attempts").intValue()).isZero();
            Await.until(Duration.ofSeconds(10), "both events arrive after resuming",
                    () -> receiver.revisions().stream().distinct().count() == 2);
            assertThat(receiver.revisions().get(attempts)).isEqualTo(revision);
            node.service().delete(org.path() + "/webhooks/" + id);
        }
    }

    /**
     * The last attempt is made when the retry window ends, not a backoff after it, and its failure pauses the
     * subscription there. With a 40 s window, attempts 1 s, 2 s, 4 s, … apart came 1, 3, 7, 15, 31 and 63 s after
     * the first failure, which paused it at 63 s; now the seventh comes at 40 s and pauses it (with the defaults, up
     * to 15 minutes sooner). The reason gives both spans in seconds, the failures' as the window counts: to the moment
     * the last attempt was made, not to its end (the receiver takes 3 s over it). On a node of its own with that
     * window, whose clock stands still but where the test moves it.
     */
    @Test
    void theLastAttempt_isMadeWhenTheRetryWindowEnds_andItsFailurePausesAtOnce() {
        Duration window = Duration.ofSeconds(40);
        TestClock own = new TestClock();
        try (TestNode windowed = TestNode.startOn(TestDatabase.freshDatabaseUrl(), c -> reachingLoopback(
                c.withWebhooks(c.webhooks().withRetry(window, Duration.ofSeconds(10)))), own);
             Receiver receiver = new Receiver(n -> {
                 if (n == 7) {
                     own.advance(Duration.ofSeconds(3));
                 }
                 return 500;
             })) {
            var org = new Fixtures(windowed).org("close");
            own.freeze();
            long id = windowed.service().post(org.path() + "/webhooks", Map.of("url", receiver.url(),
                    "object_types", List.of("role"))).json().get("id").longValue();
            long revision = windowed.service().post(org.path() + "/roles", Map.of("name", "Doomed", "permissions",
                    List.of("view_all_leads"))).revision();
            Supplier<JsonNode> subscription = () -> windowed.service().get(org.path() + "/webhooks/" + id).json();
            Await.until(Duration.ofSeconds(15), "the first attempt has failed",
                    () -> subscription.get().get("delivery").get("attempts").intValue() == 1);
            Instant first = Instant.parse(subscription.get().get("delivery").get("failing_since").stringValue());
            List<Duration> due = new ArrayList<>();
            for (int made = 2; made <= 7; made++) {
                Instant next = Instant.parse(subscription.get().get("delivery").get("next_attempt_at").stringValue());
                due.add(Duration.between(first, next));
                own.advance(Duration.between(own.instant(), next));
                int attempts = made;
                Await.until(Duration.ofSeconds(15), attempts + " failed attempts",
                        () -> subscription.get().get("delivery").get("attempts").intValue() >= attempts);
            }
            assertThat(due).as("backoffs doubling from 1 s, the last one cut short at the window's end")
                    .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(7),
                            Duration.ofSeconds(15), Duration.ofSeconds(31), window);
            Await.until(Duration.ofSeconds(15), "the attempt at the window's end pauses the subscription",
                    () -> subscription.get().get("status").stringValue().equals("paused"));
            assertThat(receiver.requests()).as("no attempt after the window's end").hasSize(7);
            assertThat(subscription.get().get("paused_reason").stringValue()).isEqualTo("delivery of revision "
                    + revision + " failed 7 times over 40s (retry window 40s); last error: http_status 500");
        }
    }

    /**
     * A worker gives its lease back in the database a moment before it is done with the subscription — here it still
     * pauses it after sustained failure, held up by the test's lock on the organization — and the subscription may be
     * due again in that moment. The node must not claim it then: that claim could be neither used (its worker is not
     * done) nor would it be given back, and the subscription would stand leased by a live node, delivering nothing,
     * until the lease ran out. So once paused it is leased by nobody, and resuming it delivers at once.
     */
    @Test
    void aSubscriptionDueAgainBeforeItsWorkerIsDone_isNotLeftLeasedToNoWorker() {
        var org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.failing(503))) {
            clock.freeze();
            long id;
            long revision;
            try {
                id = subscribe(org, receiver.url(), Map.of("object_types", List.of("role"))).json().get("id")
                        .longValue();
                revision = roleRevision(org, "Held up");
                awaitAttempts(org, id, 1);
                clock.advance(Duration.ofSeconds(1));
                awaitAttempts(org, id, 2);
                try (OrgRowLock lock = OrgRowLock.hold(node, org.id())) {
                    // the retry window passes: the third attempt fails, and its worker, about to pause the
                    // subscription, waits for the organization's lock with the lease already given back
                    clock.advance(Duration.ofSeconds(2));
                    Await.until(Duration.ofSeconds(15), "the worker waits to pause the subscription",
                            () -> lock.waiters() == 1);
                    // the next attempt (4 s later) is due while the subscription is still active
                    clock.advance(Duration.ofSeconds(4));
                    double claims = Scrape.of(node).value("gatehouse_webhook_claims_total");
                    Await.until(Duration.ofSeconds(15), "the node looked for due work a few times",
                            () -> Scrape.of(node).value("gatehouse_webhook_claims_total") >= claims + 3);
                }
                Await.until(Duration.ofSeconds(15), "the subscription is paused",
                        () -> webhook(org, id).get("status").stringValue().equals("paused"));
            } finally {
                clock.run();
            }
            assertThat(receiver.requests()).as("no attempt while the worker was not done").hasSize(3);
            Await.until(Duration.ofSeconds(5), "its worker is done", () -> webhook(org, id).get("delivery")
                    .get("delivering_node").isNull());
            receiver.behave(Receiver.ok());
            Http.Res resumed = node.service().patch(org.path() + "/webhooks/" + id, Map.of("status", "active"));
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
            Await.until(Duration.ofSeconds(10), "the event is delivered at once, not when a lease runs out",
                    () -> webhook(org, id).get("delivery").get("revision").longValue() >= revision);
            assertThat(receiver.revisions()).containsOnly(revision);
            node.service().delete(org.path() + "/webhooks/" + id);
        }
    }

    @Test
    void pendingDeliveries_surviveARestart() {
        try (TestNode own = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                c -> reachingLoopback(c.withWebhooks(c.webhooks().withRetry(Duration.ofHours(1), TIMEOUT))));
             Receiver receiver = new Receiver(Receiver.failing(500))) {
            Fixtures f = new Fixtures(own);
            var org = f.org("close");
            Http.Res sub = own.service().post(org.path() + "/webhooks", Map.of("url", receiver.url(),
                    "object_types", List.of("role")));
            long id = sub.json().get("id").longValue();
            long revision = own.service().post(org.path() + "/roles", Map.of("name", "Kept", "permissions",
                    List.of("view_all_leads"))).revision();
            Await.until(Duration.ofSeconds(10), "a failed attempt", () -> !receiver.requests().isEmpty());
            own.restart();
            receiver.behave(Receiver.ok());
            Await.until(Duration.ofSeconds(15), "delivery after the restart", () -> own.service()
                    .get(org.path() + "/webhooks/" + id).json().get("delivery").get("revision").longValue() >= revision);
            assertThat(receiver.revisions()).containsOnly(revision);
            assertThat(receiver.requests().get(receiver.requests().size() - 1).header("Gatehouse-Delivery-Attempt"))
                    .isNotEqualTo("1");
        }
    }

    /**
     * The database stops answering (a network that drops every packet) while a request is in flight, and the receiver
     * acknowledges it then: the node cannot record the success, nor give its lease back. It keeps the lease and, once
     * the database answers again, records the attempt — attempt 1, succeeded — and carries on at once: the event is
     * not sent again, and the next one does not wait for the lease (here 90 s) to run out.
     */
    @Test
    void anAttemptAnsweredWhileTheDatabaseIsUnreachable_isRecordedOnceItAnswers_andDeliveryGoesOnAtOnce() {
        String direct = TestDatabase.freshDatabaseUrl();
        CountDownLatch answer = new CountDownLatch(1);
        try (TcpCut network = TcpCut.to(TestDatabase.server().port());
             // the database reached through the network the test cuts; an outage is noticed within about a second
             TestNode own = TestNode.startOn(direct.replace(":" + TestDatabase.server().port() + "/",
                     ":" + network.port() + "/"), c -> reachingLoopback(c.withDatabase(c.database()
                     .withProbe(200, 1000)).withWebhooks(c.webhooks().withRetry(Duration.ofHours(1),
                     Duration.ofSeconds(30)))));
             Receiver receiver = new Receiver(n -> {
                 if (n == 1) {
                     answer.await(60, TimeUnit.SECONDS);
                 }
                 return 200;
             })) {
            Fixtures f = new Fixtures(own);
            warmUp(own, f);
            var org = f.org("close");
            long id = own.service().post(org.path() + "/webhooks", Map.of("url", receiver.url(), "object_types",
                    List.of("role"))).json().get("id").longValue();
            long first = own.service().post(org.path() + "/roles", Map.of("name", "Before", "permissions",
                    List.of("view_all_leads"))).revision();
            Await.until(Duration.ofSeconds(15), "the request is in flight", () -> receiver.inFlight() == 1);

            network.cut();
            Await.until(Duration.ofSeconds(20), "the node noticed the outage",
                    () -> !own.node().core().store().health().reachable());
            double succeeded = Scrape.of(own).value("gatehouse_webhook_deliveries_total", "outcome", "succeeded");
            answer.countDown();
            Await.until(Duration.ofSeconds(15), "the receiver's answer arrived", () -> Scrape.of(own)
                    .value("gatehouse_webhook_deliveries_total", "outcome", "succeeded") > succeeded);
            Await.until(Duration.ofSeconds(15), "the request is over", () -> receiver.inFlight() == 0);
            sleep(Duration.ofSeconds(2)); // the outage goes on a little
            network.restore();
            Await.until(Duration.ofSeconds(20), "the node noticed the database is back",
                    () -> own.node().core().store().health().reachable());

            Await.until(Duration.ofSeconds(15), "the answered attempt is recorded", () -> own.service()
                    .get(org.path() + "/webhooks/" + id).json().get("delivery").get("revision").longValue() >= first);
            JsonNode logged = own.service().get(org.path() + "/webhooks/" + id + "/deliveries").json().get("items");
            assertThat(logged).hasSize(1);
            assertThat(logged.get(0).get("revision").longValue()).isEqualTo(first);
            assertThat(logged.get(0).get("attempt").intValue()).isEqualTo(1);
            assertThat(logged.get(0).get("outcome").stringValue()).isEqualTo("succeeded");
            long next = own.service().post(org.path() + "/roles", Map.of("name", "After", "permissions",
                    List.of("view_all_leads"))).revision();
            Await.until(Duration.ofSeconds(15), "the next event is delivered",
                    () -> receiver.revisions().contains(next));
            assertThat(receiver.revisions()).as("each once").containsExactly(first, next);
            assertThat(receiver.requests()).extracting(r -> r.header("Gatehouse-Delivery-Attempt"))
                    .containsExactly("1", "1");
        }
    }

    /**
     * An outage of the database is one WARN of the scheduling thread, whose rounds (every poll interval) fail while it
     * lasts, and an INFO once it ends, as docs/deployment.md (Logs) says: it was a WARN every round.
     */
    @Test
    void anOutage_isOneWarningOfTheScheduler_notOneARound_andItsEndIsSaid() {
        String direct = TestDatabase.freshDatabaseUrl();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger dispatcherLog = (Logger) LoggerFactory.getLogger(WebhookDispatcher.class);
        try (TcpCut network = TcpCut.to(TestDatabase.server().port());
             // the database reached through the network the test cuts; an outage is noticed within about a second
             TestNode own = TestNode.startOn(direct.replace(":" + TestDatabase.server().port() + "/",
                     ":" + network.port() + "/"), c -> reachingLoopback(c.withDatabase(c.database()
                     .withProbe(200, 1000))));
             Receiver receiver = new Receiver(Receiver.ok())) {
            Fixtures f = new Fixtures(own);
            var org = f.org("close");
            own.service().post(org.path() + "/webhooks", Map.of("url", receiver.url()));
            log.start();
            dispatcherLog.addAppender(log);

            network.cut();
            Await.until(Duration.ofSeconds(20), "the node noticed the outage",
                    () -> !own.node().core().store().health().reachable());
            sleep(Duration.ofSeconds(3)); // a round, failing, every poll interval (500 ms)
            network.restore();
            Await.until(Duration.ofSeconds(20), "the node noticed the database is back",
                    () -> own.node().core().store().health().reachable());
            sleep(Duration.ofSeconds(2)); // rounds that succeed
        } finally {
            dispatcherLog.detachAppender(log);
        }
        // a delivery in flight when the network went (the subscription's own first event) may say so once, of itself
        List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings.stream().filter(w -> w.startsWith("webhook scheduling"))).as("%s", warnings)
                .singleElement().asString().startsWith("webhook scheduling failed");
        assertThat(warnings).as("no warning a round").doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(2);
        assertThat(log.list.stream().filter(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage))
                .contains("webhook scheduling works again");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void severalNodes_deliverASubscriptionFromOneNodeAtATime_andAnotherTakesOver() {
        String url = TestDatabase.freshDatabaseUrl();
        List<TestNode> cluster = new ArrayList<>();
        // slow enough that the events left when a node stops outlast its stop, which lets requests in flight finish
        try (Receiver receiver = new Receiver(Receiver.slow(400))) {
            for (int i = 0; i < 3; i++) {
                cluster.add(TestNode.startOn(url, c -> reachingLoopback(
                        c.withWebhooks(c.webhooks().withRetry(Duration.ofHours(1), TIMEOUT)))));
            }
            Fixtures f = new Fixtures(cluster.get(0));
            var org = f.org("close");
            Http.Res sub = cluster.get(0).service().post(org.path() + "/webhooks", Map.of("url", receiver.url(),
                    "object_types", List.of("role")));
            long id = sub.json().get("id").longValue();
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Http.Res res = cluster.get(i % 3).service().post(org.path() + "/roles", Map.of("name", "N" + i,
                        "permissions", List.of("view_all_leads")));
                assertThat(res.status()).as(res.toString()).isEqualTo(201);
                expected.add(res.revision());
            }
            Await.until(Duration.ofSeconds(15), "a few deliveries", () -> receiver.revisions().size() >= 3);
            // Stop whichever node is delivering: another node carries on from where delivery stood.
            String delivering = cluster.get(1).service().get(org.path() + "/webhooks/" + id + "/deliveries?limit=1")
                    .json().get("items").get(0).get("node_id").stringValue();
            TestNode stopped = cluster.stream().filter(n -> n.node().nodes().nodeId().equals(delivering))
                    .findFirst().orElseThrow();
            stopped.close();
            cluster.remove(stopped);
            TestNode survivor = cluster.get(0);
            Await.until(Duration.ofSeconds(90), "every event arrives", () -> receiver.revisions().containsAll(expected));
            assertThat(receiver.revisions()).as("in revision order, each once").containsExactlyElementsOf(expected);
            assertThat(receiver.maxInFlight()).as("one request at a time").isEqualTo(1);
            long last = expected.get(expected.size() - 1);
            Await.until(Duration.ofSeconds(10), "the last delivery is recorded", () -> survivor.service()
                    .get(org.path() + "/webhooks/" + id).json().get("delivery").get("revision").longValue() >= last);
            List<String> nodesThatDelivered = new ArrayList<>();
            survivor.service().get(org.path() + "/webhooks/" + id + "/deliveries?limit=100").json().get("items")
                    .forEach(d -> nodesThatDelivered.add(d.get("node_id").stringValue()));
            assertThat(nodesThatDelivered).contains(delivering).hasSize(expected.size());
            assertThat(nodesThatDelivered.stream().distinct().count()).as("taken over").isGreaterThan(1);
        } finally {
            cluster.forEach(TestNode::close);
        }
    }
}
