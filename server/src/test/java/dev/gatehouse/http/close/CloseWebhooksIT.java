package dev.gatehouse.http.close;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import dev.gatehouse.webhook.IpNetwork;
import dev.gatehouse.webhook.WebhookService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Close's webhook subscriptions ({@code /api/v1/webhook/}) over a real node, delivered to receivers on loopback
 * (which the node is configured to reach) by the same machinery as native webhooks: Close's subscription object,
 * its event filters, pausing, its envelope and signature, its errors, and tenants' isolation.
 */
class CloseWebhooksIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    static TestNode node;
    static CloseFixtures close;

    @BeforeAll
    static void start() {
        node = TestNode.start(c -> c.withWebhooks(c.webhooks()
                .withAllowedNetworks(IpNetwork.parseList("--webhook-allowed-networks", "127.0.0.0/8"))
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(400))));
        close = new CloseFixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Map<String, Object> entry(String objectType, String action) {
        return Map.of("object_type", objectType, "action", action);
    }

    private static Map<String, Object> entry(String objectType, String action, Map<String, Object> extraFilter) {
        return Map.of("object_type", objectType, "action", action, "extra_filter", extraFilter);
    }

    private static JsonNode subscribe(CloseFixtures.Org org, String url, List<Map<String, Object>> events) {
        Http.Res res = org.admin().post("/webhook/", Map.of("url", url, "events", events));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.json();
    }

    /** A member of {@code org} with the built-in "User" role; returns its Close membership id. */
    private static String membership(CloseFixtures.Org org, String userId) {
        long member = close.member(org, userId, close.native_().roleId(org.org(), "User"));
        return CloseWire.membershipId(member);
    }

    private static void setRole(CloseFixtures.Org org, String membershipId, String roleId) {
        Http.Res res = org.admin().put("/membership/" + membershipId + "/", Map.of("role_id", roleId));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
    }

    private static List<CloseReceiver.Delivery> await(CloseReceiver receiver, int n) {
        Await.until(WAIT, n + " deliveries", () -> receiver.deliveries().size() >= n);
        return receiver.deliveries();
    }

    @Test
    void create_answers201WithClosesSubscription_andGetListAndTheNativeApiShowIt() {
        var org = close.org();
        String adminUserId = org.org().json().get("admin_member").get("user_id").stringValue();
        List<Map<String, Object>> events = List.of(entry("membership", "updated"), entry("group", "created"));
        JsonNode created = subscribe(org, "https://hooks.example.com/close", events);

        String id = created.get("id").stringValue();
        assertThat(id).matches("whsub_[0-9A-Za-z]{22}");
        assertThat(created.get("url").stringValue()).isEqualTo("https://hooks.example.com/close");
        assertThat(created.get("events")).isEqualTo(Json.MAPPER.valueToTree(events));
        assertThat(created.get("status").stringValue()).isEqualTo("active");
        assertThat(created.get("signature_key").stringValue()).matches("[0-9a-f]{64}");
        assertThat(created.get("health_status").stringValue()).isEqualTo("healthy");
        assertThat(created.get("latest_error").isNull()).isTrue();
        assertThat(created.get("pause_reason").isNull()).isTrue();
        assertThat(created.get("verify_ssl").booleanValue()).isTrue();
        assertThat(created.get("created_by").stringValue()).isEqualTo(adminUserId);
        assertThat(created.get("updated_by").stringValue()).isEqualTo(adminUserId);
        assertThat(created.get("date_created").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        assertThat(created.propertyNames()).containsExactlyInAnyOrder("id", "url", "events", "status",
                "signature_key", "health_status", "latest_error", "pause_reason", "counters",
                "recent_consecutive_fail_buckets_cnt", "created_by", "updated_by", "date_created", "date_updated",
                "verify_ssl");

        assertThat(org.admin().get("/webhook/" + id + "/").json()).isEqualTo(created);
        JsonNode list = org.admin().get("/webhook/").json();
        assertThat(list.get("data")).containsExactly(created);
        assertThat(list.get("has_more").booleanValue()).isFalse();

        // the native API sees the same subscription, in the close format, without its key
        JsonNode natives = node.service().get(org.path() + "/webhooks").json().get("items");
        assertThat(natives).hasSize(1);
        assertThat(natives.get(0).get("format").stringValue()).isEqualTo("close");
        assertThat(natives.get(0).get("object_types")).extracting(JsonNode::stringValue)
                .containsExactlyInAnyOrder("member", "close_membership_settings", "group");
        assertThat(natives.get(0).toString()).doesNotContain(created.get("signature_key").stringValue());
        // nor in the answer to a native change that rotates nothing (it once held the key, which a caller took for
        // a new one)
        String nativePath = org.path() + "/webhooks/" + natives.get(0).get("id").asLong();
        Http.Res paused = node.service().patch(nativePath, Map.of("status", "paused"));
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.json().get("status").stringValue()).isEqualTo("paused");
        assertThat(paused.json().has("secret")).isFalse();
        assertThat(paused.json().toString()).doesNotContain(created.get("signature_key").stringValue());
        assertThat(node.service().patch(nativePath, Map.of("status", "paused")).json().has("secret"))
                .as("a change that changes nothing").isFalse();
        String rotated = node.service().patch(nativePath, Map.of("rotate_secret", true)).get("secret").stringValue();
        assertThat(rotated).matches("[0-9a-f]{64}").isNotEqualTo(created.get("signature_key").stringValue());
    }

    @Test
    void deliveries_carryClosesEnvelope_signedAsCloseTellsIntegrators_andEqualTheEventLog() throws Exception {
        var org = close.org();
        String ann = membership(org, "ann");
        try (CloseReceiver receiver = new CloseReceiver()) {
            JsonNode sub = subscribe(org, receiver.url(), List.of(entry("membership", "updated"),
                    entry("group", "created"), entry("group", "updated")));
            String key = sub.get("signature_key").stringValue();

            setRole(org, ann, "superuser");
            assertThat(org.admin().post("/role/", Map.of("name", "Unwatched", "permissions", List.of("view_all_leads")))
                    .status()).isEqualTo(201);
            String group = org.admin().post("/group/", Map.of("name", "Ops")).get("id").stringValue();
            assertThat(org.admin().post("/group/" + group + "/member/", Map.of("user_id", "ann")).status())
                    .isEqualTo(201);

            List<CloseReceiver.Delivery> got = await(receiver, 3);
            assertThat(got).hasSize(3);
            long now = Instant.now().getEpochSecond();
            for (CloseReceiver.Delivery d : got) {
                assertThat(d.verify(key)).as("signature of " + d.json()).isTrue();
                assertThat(Math.abs(now - Long.parseLong(d.sigTimestamp()))).isLessThan(300);
                assertThat(d.contentType()).startsWith("application/json");
                assertThat(d.json().propertyNames()).containsExactly("subscription_id", "event");
                assertThat(d.json().get("subscription_id").stringValue()).isEqualTo(sub.get("id").stringValue());
                JsonNode logged = org.admin().get("/event/" + d.event().get("id").stringValue() + "/").json();
                assertThat(d.event()).isEqualTo(logged);
            }
            assertThat(got).extracting(d -> d.event().get("object_type").stringValue() + " "
                    + d.event().get("action").stringValue())
                    .containsExactly("membership updated", "group created", "group updated");
            JsonNode membershipEvent = got.get(0).event();
            assertThat(membershipEvent.get("object_id").stringValue()).isEqualTo(ann);
            assertThat(membershipEvent.get("data").get("role_id").stringValue()).isEqualTo("superuser");
            assertThat(membershipEvent.get("previous_data").get("role_id").stringValue()).isEqualTo("user");
            assertThat(got.get(2).event().get("data").get("members").get(0).get("user_id").stringValue())
                    .isEqualTo("ann");

            // a tampered body or another key fails the same check
            CloseReceiver.Delivery first = got.get(0);
            byte[] tampered = first.body().clone();
            tampered[tampered.length - 2] ^= 1;
            assertThat(new CloseReceiver.Delivery(first.sigHash(), first.sigTimestamp(), first.contentType(), tampered)
                    .verify(key)).isFalse();
            assertThat(first.verify("00".repeat(32))).isFalse();
        }
    }

    @Test
    void extraFilter_deliversOnlyTheEventsItMatches() throws Exception {
        var org = close.org();
        String ann = membership(org, "ann");
        String bob = membership(org, "bob");
        Map<String, Object> toSuperuser = Map.of("type", "field_accessor", "field", "data", "filter",
                Map.of("type", "field_accessor", "field", "role_id", "filter", Map.of("type", "equals", "value",
                        "superuser")));
        try (CloseReceiver receiver = new CloseReceiver()) {
            JsonNode sub = subscribe(org, receiver.url(), List.of(entry("membership", "updated", toSuperuser)));
            assertThat(sub.get("events").get(0).get("extra_filter")).isEqualTo(Json.MAPPER.valueToTree(toSuperuser));

            setRole(org, bob, "restricteduser");   // not matched
            setRole(org, ann, "superuser");        // matched
            setRole(org, bob, "superuser");        // matched

            // deliveries go in revision order, so once bob's second change arrived, nothing else is pending
            List<CloseReceiver.Delivery> got = await(receiver, 2);
            assertThat(got).extracting(d -> d.event().get("object_id").stringValue()).containsExactly(ann, bob);
            assertThat(got).allSatisfy(d -> assertThat(d.event().get("data").get("role_id").stringValue())
                    .isEqualTo("superuser"));
        }
    }

    /**
     * Numbers of an {@code extra_filter} are kept by value and written out in full — in the answer to the create, the
     * update and every read alike — never in a decimal's exponent notation ({@code 1E-7}); {@code -0.0} is
     * {@code 0.0}, a zero having no sign by value (PostgreSQL keeps none).
     */
    @Test
    void extraFilter_numbers_areWrittenOutInFull_inTheAnswerAndOnEveryRead() {
        var org = close.org();
        Map<String, String> written = new LinkedHashMap<>();
        written.put("1e-7", "0.0000001");
        written.put("123456789012345678901234567890e-40", "0.0000000000123456789012345678901234567890");
        written.put("-0.0", "0.0");
        written.put("1e3", "1000");
        written.put("1.50", "1.50");
        written.put("-2.5E+2", "-250");
        StringBuilder filters = new StringBuilder();
        written.keySet().forEach(number -> filters.append(filters.isEmpty() ? "" : ", ")
                .append("{\"type\": \"equals\", \"value\": ").append(number).append('}'));
        String events = "[{\"object_type\": \"group\", \"action\": \"created\", \"extra_filter\": "
                + "{\"type\": \"or\", \"filters\": [" + filters + "]}}]";
        Http.Res created = org.admin().raw("POST", "/webhook/", "{\"url\": \"https://hooks.example.com/n\", "
                + "\"events\": " + events + "}", "application/json");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.get("id").stringValue();
        Http.Res updated = org.admin().raw("PUT", "/webhook/" + id + "/", "{\"events\": " + events + "}",
                "application/json");
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        List<String> expected = written.values().stream().map(n -> "{\"type\":\"equals\",\"value\":" + n + "}")
                .toList();
        for (Http.Res res : List.of(created, updated, org.admin().get("/webhook/" + id + "/"),
                org.admin().get("/webhook/"))) {
            assertThat(res.body()).as(res.toString()).contains(expected).doesNotContain("E-", "E+", "-0.0");
        }
    }

    @Test
    void anInvitation_isDeliveredNothing_acceptingItIsTheActivation() {
        var org = close.org();
        long user = close.native_().roleId(org.org(), "User");
        long restricted = close.native_().roleId(org.org(), "Restricted User");
        try (CloseReceiver receiver = new CloseReceiver()) {
            subscribe(org, receiver.url(), List.of(entry("membership", "activated"), entry("membership", "updated"),
                    entry("group", "created")));
            Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "inv1",
                    "email", "inv1@example.com", "role_id", user, "status", "invited"));
            assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
            long member = invited.json().get("id").longValue();
            node.service().patch(org.path() + "/members/" + member, Map.of("role_id", restricted));
            assertThat(node.service().post(org.path() + "/members/" + member + "/accept", Map.of()).status())
                    .isEqualTo(200);
            org.admin().post("/group/", Map.of("name", "Last"));

            // deliveries go in revision order, so once the group's arrived, nothing else is pending
            List<CloseReceiver.Delivery> got = await(receiver, 2);
            assertThat(got).extracting(d -> d.event().get("object_type").stringValue() + " "
                    + d.event().get("action").stringValue()).containsExactly("membership activated", "group created");
            assertThat(got.get(0).event().get("object_id").stringValue()).isEqualTo(CloseWire.membershipId(member));
            assertThat(got.get(0).event().get("data").get("role_id").stringValue()).isEqualTo("restricteduser");
        }
    }

    @Test
    void pausedSubscription_receivesNothing_untilResumed_thenWhatWaited() {
        var org = close.org();
        String ann = membership(org, "ann");
        try (CloseReceiver paused = new CloseReceiver(); CloseReceiver control = new CloseReceiver()) {
            String id = subscribe(org, paused.url(), List.of(entry("membership", "updated"))).get("id").stringValue();
            subscribe(org, control.url(), List.of(entry("membership", "updated")));

            Http.Res pause = org.admin().put("/webhook/" + id + "/", Map.of("status", "paused"));
            assertThat(pause.status()).as(pause.toString()).isEqualTo(200);
            assertThat(pause.get("status").stringValue()).isEqualTo("paused");
            assertThat(pause.get("pause_reason").stringValue()).isEqualTo("api");

            setRole(org, ann, "superuser");
            await(control, 1);
            assertThat(paused.deliveries()).isEmpty();

            Http.Res resume = org.admin().put("/webhook/" + id + "/", Map.of("status", "active"));
            assertThat(resume.status()).as(resume.toString()).isEqualTo(200);
            assertThat(resume.get("status").stringValue()).isEqualTo("active");
            assertThat(resume.get("pause_reason").isNull()).isTrue();
            List<CloseReceiver.Delivery> got = await(paused, 1);
            assertThat(got.get(0).event()).isEqualTo(control.deliveries().get(0).event());
        }
    }

    /**
     * A subscription a member made is delivered only while that member may make it: deactivated, it is paused
     * ({@code pause_reason: creator_lost_access}) before the next event is sent; an admin resuming it becomes its
     * creator, and what waited is delivered.
     */
    @Test
    void aSubscriptionMadeByAMember_pausesOnceItsCreatorIsDeactivated_andAnAdminResumingItOwnsIt() {
        var org = close.org();
        String ann = membership(org, "ann");
        long mallory = close.member(org, "mallory", close.native_().roleId(org.org(), "Admin"));
        Http malloryClose = close.client(close.key(org, mallory));
        try (CloseReceiver own = new CloseReceiver(); CloseReceiver control = new CloseReceiver()) {
            Http.Res made = malloryClose.post("/webhook/", Map.of("url", own.url(),
                    "events", List.of(entry("membership", "updated"), entry("membership", "deactivated"))));
            assertThat(made.status()).as(made.toString()).isEqualTo(201);
            String id = made.get("id").stringValue();
            assertThat(made.get("created_by").stringValue()).isEqualTo("mallory");
            subscribe(org, control.url(), List.of(entry("membership", "updated"), entry("membership", "deactivated")));

            Http.Res deactivated = node.service().patch(org.path() + "/members/" + mallory,
                    Map.of("status", "deactivated"));
            assertThat(deactivated.status()).as(deactivated.toString()).isEqualTo(200);
            setRole(org, ann, "superuser");
            await(control, 2);
            Await.until(WAIT, "the member's subscription is paused", () -> "paused".equals(
                    org.admin().get("/webhook/" + id + "/").get("status").stringValue()));
            assertThat(own.deliveries()).isEmpty();
            JsonNode paused = org.admin().get("/webhook/" + id + "/").json();
            assertThat(paused.get("pause_reason").stringValue()).isEqualTo("creator_lost_access");
            assertThat(paused.get("created_by").stringValue()).isEqualTo("mallory");

            Http.Res resumed = org.admin().put("/webhook/" + id + "/", Map.of("status", "active"));
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
            assertThat(resumed.get("pause_reason").isNull()).isTrue();
            assertThat(resumed.get("created_by").stringValue())
                    .isEqualTo(org.org().json().get("admin_member").get("user_id").stringValue());
            await(own, 2);
            assertThat(own.deliveries()).extracting(d -> d.event().get("id").stringValue())
                    .containsExactlyElementsOf(control.deliveries().stream().map(d -> d.event().get("id").stringValue())
                            .toList());
        }
    }

    /**
     * A subscription whose creator was removed still names it: {@code created_by} and {@code updated_by} are the user
     * id the member had (the change log keeps it, as events keep a removed actor's), read alone or listed — the
     * subscription still answers to that member's authority, and pauses for it.
     */
    @Test
    void aSubscriptionWhoseCreatorWasRemoved_stillNamesItsCreator() {
        var org = close.org();
        long mallory = close.member(org, "mallory", close.native_().roleId(org.org(), "Admin"));
        Http malloryClose = close.client(close.key(org, mallory));
        try (CloseReceiver own = new CloseReceiver()) {
            Http.Res made = malloryClose.post("/webhook/", Map.of("url", own.url(),
                    "events", List.of(entry("group", "created"))));
            assertThat(made.status()).as(made.toString()).isEqualTo(201);
            String id = made.get("id").stringValue();
            Http.Res removed = node.service().delete(org.path() + "/members/" + mallory);
            assertThat(removed.status()).as(removed.toString()).isBetween(200, 204);

            JsonNode read = org.admin().get("/webhook/" + id + "/").json();
            assertThat(read.get("created_by").stringValue()).isEqualTo("mallory");
            assertThat(read.get("updated_by").stringValue()).isEqualTo("mallory");
            JsonNode listed = org.admin().get("/webhook/").get("data").get(0);
            assertThat(listed.get("id").stringValue()).isEqualTo(id);
            assertThat(listed.get("created_by").stringValue()).isEqualTo("mallory");
        }
    }

    /**
     * A member who points another's subscription at a URL of its own ({@code PUT} with {@code url}) becomes its creator:
     * deactivated, the subscription pauses ({@code creator_lost_access}) before the next event is sent there.
     */
    @Test
    void aSubscriptionMovedByAMember_pausesOnceThatMemberIsDeactivated() {
        var org = close.org();
        String ann = membership(org, "ann");
        long mallory = close.member(org, "mallory", close.native_().roleId(org.org(), "Admin"));
        Http malloryClose = close.client(close.key(org, mallory));
        try (CloseReceiver own = new CloseReceiver(); CloseReceiver taken = new CloseReceiver();
             CloseReceiver control = new CloseReceiver()) {
            List<Map<String, Object>> events = List.of(entry("membership", "updated"),
                    entry("membership", "deactivated"));
            String id = subscribe(org, own.url(), events).get("id").stringValue();
            subscribe(org, control.url(), events);

            Http.Res moved = malloryClose.put("/webhook/" + id + "/", Map.of("url", taken.url()));
            assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
            assertThat(moved.get("url").stringValue()).isEqualTo(taken.url());
            assertThat(moved.get("created_by").stringValue()).as("the member who moved it answers for it")
                    .isEqualTo("mallory");

            Http.Res deactivated = node.service().patch(org.path() + "/members/" + mallory,
                    Map.of("status", "deactivated"));
            assertThat(deactivated.status()).as(deactivated.toString()).isEqualTo(200);
            setRole(org, ann, "superuser");
            await(control, 2);
            Await.until(WAIT, "the moved subscription is paused", () -> "paused".equals(
                    org.admin().get("/webhook/" + id + "/").get("status").stringValue()));
            assertThat(taken.deliveries()).isEmpty();
            assertThat(own.deliveries()).isEmpty();
            JsonNode paused = org.admin().get("/webhook/" + id + "/").json();
            assertThat(paused.get("pause_reason").stringValue()).isEqualTo("creator_lost_access");
            assertThat(paused.get("created_by").stringValue()).isEqualTo("mallory");
        }
    }

    /**
     * A native change of nothing Close shows — a member's names or email, a role's description — is no Close event,
     * so it is not delivered: the first delivery is the change Close shows, made after them.
     */
    @Test
    void changesOfWhatCloseDoesNotShow_areNotDelivered() {
        var org = close.org();
        String ann = membership(org, "ann");
        long annId = CloseIds.decode(CloseIds.MEMBERSHIP, ann);
        long role = close.role(org, "Quiet", List.of("view_all_leads"));
        try (CloseReceiver receiver = new CloseReceiver()) {
            subscribe(org, receiver.url(), List.of(entry("membership", "updated"), entry("role", "updated")));
            for (Map<String, Object> change : List.<Map<String, Object>>of(Map.of("first_name", "Ann"),
                    Map.of("last_name", "Lee"), Map.of("email", "ann.lee@example.com"))) {
                Http.Res res = node.service().patch(org.path() + "/members/" + annId, change);
                assertThat(res.status()).as(res.toString()).isEqualTo(200);
            }
            Http.Res described = node.service().patch(org.path() + "/roles/" + role, Map.of("description", "hush"));
            assertThat(described.status()).as(described.toString()).isEqualTo(200);
            setRole(org, ann, "superuser");

            List<CloseReceiver.Delivery> got = await(receiver, 1);
            JsonNode first = got.get(0).event();
            assertThat(first.get("object_type").stringValue()).isEqualTo("membership");
            assertThat(first.get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("role_id");
        }
    }

    @Test
    void failingReceiver_getsTheSameEventAgain_untilItAccepts() throws Exception {
        var org = close.org();
        String ann = membership(org, "ann");
        try (CloseReceiver receiver = new CloseReceiver(n -> n <= 2 ? 503 : 200)) {
            JsonNode sub = subscribe(org, receiver.url(), List.of(entry("membership", "updated")));
            setRole(org, ann, "superuser");
            List<CloseReceiver.Delivery> got = await(receiver, 3);
            assertThat(got).extracting(d -> d.event().get("id").stringValue()).containsOnly(
                    got.get(0).event().get("id").stringValue());
            for (CloseReceiver.Delivery d : got) {
                assertThat(d.verify(sub.get("signature_key").stringValue())).isTrue();
            }
            Await.until(WAIT, "the subscription is healthy again", () -> "healthy".equals(org.admin()
                    .get("/webhook/" + sub.get("id").stringValue() + "/").get("health_status").stringValue()));
        }
    }

    @Test
    void update_changesOnlyWhatIsSent_andEventsReplaceTheFilters() {
        var org = close.org();
        JsonNode sub = subscribe(org, "https://hooks.example.com/a", List.of(entry("membership", "updated")));
        String id = sub.get("id").stringValue();

        Http.Res moved = org.admin().put("/webhook/" + id + "/", Map.of("url", "https://hooks.example.com/b"));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.get("url").stringValue()).isEqualTo("https://hooks.example.com/b");
        assertThat(moved.get("events")).isEqualTo(sub.get("events"));
        assertThat(moved.get("signature_key")).isEqualTo(sub.get("signature_key"));

        Http.Res refiltered = org.admin().put("/webhook/" + id + "/", Map.of("events",
                List.of(entry("group", "deleted"))));
        assertThat(refiltered.status()).as(refiltered.toString()).isEqualTo(200);
        assertThat(refiltered.get("events")).hasSize(1);
        assertThat(refiltered.get("events").get(0).get("object_type").stringValue()).isEqualTo("group");
        assertThat(refiltered.get("url").stringValue()).isEqualTo("https://hooks.example.com/b");
        JsonNode natively = node.service().get(org.path() + "/webhooks").json().get("items").get(0);
        assertThat(natively.get("object_types")).extracting(JsonNode::stringValue).containsExactly("group");
        assertThat(natively.get("actions")).extracting(JsonNode::stringValue).containsExactly("deleted");

        // the native API may pause a Close subscription, but not change its events
        Http.Res nativeFilter = node.service().patch(org.path() + "/webhooks/" + natively.get("id").longValue(),
                Map.of("object_types", List.of("role")));
        assertThat(nativeFilter.status()).as(nativeFilter.toString()).isEqualTo(400);
        assertThat(org.admin().get("/webhook/" + id + "/").get("events")).isEqualTo(refiltered.get("events"));
    }

    @Test
    void update_nullForAnyField_isA400_andChangesNothing() {
        var org = close.org();
        JsonNode sub = subscribe(org, "https://hooks.example.com/n", List.of(entry("membership", "updated")));
        String id = sub.get("id").stringValue();
        for (String field : List.of("url", "events", "status", "verify_ssl")) {
            Map<String, Object> body = new HashMap<>();
            body.put(field, null);
            if (!field.equals("events")) {
                body.put("events", List.of(entry("group", "created")));
            }
            Http.Res res = org.admin().put("/webhook/" + id + "/", body);
            assertThat(res.status()).as(field + ": " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get(field).stringValue()).isEqualTo("This field may not be null.");
        }
        JsonNode after = org.admin().get("/webhook/" + id + "/").json();
        assertThat(after.get("url").stringValue()).isEqualTo("https://hooks.example.com/n");
        assertThat(after.get("status").stringValue()).isEqualTo("active");
        assertThat(after.get("events")).isEqualTo(sub.get("events"));
    }

    @Test
    void delete_answers200_andTheSubscriptionIsGone() {
        var org = close.org();
        String id = subscribe(org, "https://hooks.example.com/close", List.of(entry("group", "created")))
                .get("id").stringValue();
        Http.Res deleted = org.admin().delete("/webhook/" + id + "/");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().isEmpty()).isTrue();
        Http.Res gone = org.admin().get("/webhook/" + id + "/");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.get("error").stringValue()).isEqualTo("Webhook subscription \"" + id + "\" not found.");
        assertThat(org.admin().delete("/webhook/" + id + "/").status()).isEqualTo(404);
        assertThat(org.admin().get("/webhook/").get("data")).isEmpty();
    }

    @Test
    void badInput_isA400InClosesShape_andCreatesNothing() {
        var org = close.org();
        String ok = "https://hooks.example.com/close";
        List<Map<String, Object>> good = List.of(entry("membership", "updated"));
        Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
        cases.put("url", Map.of("events", good));
        cases.put("events", Map.of("url", ok));
        cases.put("events ", Map.of("url", ok, "events", List.of()));
        cases.put("events  ", Map.of("url", ok, "events", "membership"));
        cases.put("events   ", Map.of("url", ok, "events", List.of(entry("lead", "created"))));
        cases.put("events    ", Map.of("url", ok, "events", List.of(entry("membership", "created"))));
        cases.put("events     ", Map.of("url", ok, "events", List.of(Map.of("object_type", "group", "action",
                "created", "extra", true))));
        cases.put("events      ", Map.of("url", ok, "events", List.of(entry("group", "created",
                Map.of("type", "regex", "value", "x")))));
        cases.put("events       ", Map.of("url", ok, "events", List.of(entry("group", "created"),
                entry("group", "updated", Map.of("type", "field_accessor", "field", "data")))));
        cases.put("verify_ssl", Map.of("url", ok, "events", good, "verify_ssl", false));
        cases.put("status", Map.of("url", ok, "events", good, "status", "active"));
        cases.put("url ", Map.of("url", "ftp://hooks.example.com/", "events", good));
        cases.put("url  ", Map.of("url", "http://10.1.2.3/hooks", "events", good));
        cases.put("url   ", Map.of("url", "https://", "events", good));
        cases.put("url    ", Map.of("url", "https://hooks.example.com/hooks/中/close", "events", good));
        cases.forEach((field, body) -> {
            Http.Res res = org.admin().post("/webhook/", body);
            assertThat(res.status()).as(field + ": " + res).isEqualTo(400);
            assertThat(res.get("errors").isArray()).as(res.toString()).isTrue();
            assertThat(res.get("field-errors").has(field.strip())).as(field + ": " + res).isTrue();
        });
        Http.Res twoBad = org.admin().post("/webhook/", Map.of("url", ok, "events", List.of(entry("lead", "created"),
                entry("group", "created"), entry("group", "merged"))));
        assertThat(twoBad.get("field-errors").propertyNames()).as(twoBad.toString()).containsExactly("events");
        assertThat(twoBad.get("field-errors").get("events").stringValue()).as(twoBad.toString())
                .startsWith("Item 0: ").contains("; Item 2: ").doesNotContain("Item 1");
        assertThat(org.admin().get("/webhook/").get("data")).isEmpty();

        String id = subscribe(org, ok, good).get("id").stringValue();
        Http.Res badStatus = org.admin().put("/webhook/" + id + "/", Map.of("status", "stopped"));
        assertThat(badStatus.status()).as(badStatus.toString()).isEqualTo(400);
        assertThat(badStatus.get("field-errors").has("status")).isTrue();
        Http.Res notAscii = org.admin().put("/webhook/" + id + "/", Map.of("url", "https://hooks.example.com/é"));
        assertThat(notAscii.status()).as(notAscii.toString()).isEqualTo(400);
        assertThat(notAscii.get("field-errors").get("url").stringValue()).contains("percent-encode", "%C3%A9");
        Http.Res badEvents = org.admin().put("/webhook/" + id + "/", Map.of("events", List.of(entry("lead", "created"))));
        assertThat(badEvents.status()).as(badEvents.toString()).isEqualTo(400);
        assertThat(org.admin().get("/webhook/" + id + "/").get("events").get(0).get("object_type").stringValue())
                .isEqualTo("membership");
        Http.Res notJson = org.admin().raw("POST", "/webhook/", "url=x", "application/x-www-form-urlencoded");
        assertThat(notJson.status()).as(notJson.toString()).isEqualTo(415);
        assertThat(org.admin().get("/webhook/whsub_nonsense/").status()).isEqualTo(404);
    }

    /**
     * An {@code extra_filter}'s errors name its filter type with the article the word takes: {@code an "equals"},
     * {@code an "is_null"}, {@code an "any_array_value"}, {@code an "or"}, but {@code a "contains"} (they said
     * "a \"equals\"").
     */
    @Test
    void extraFilterErrors_nameTheFilterTypeWithItsArticle() {
        var org = close.org();
        Map<String, Map<String, Object>> filters = new LinkedHashMap<>();
        filters.put("an \"equals\" filter has no \"x\"", Map.of("type", "equals", "value", 1, "x", 1));
        filters.put("an \"equals\" filter needs a \"value\"", Map.of("type", "equals"));
        filters.put("an \"is_null\" filter has no \"value\"", Map.of("type", "is_null", "value", 1));
        filters.put("an \"any_array_value\" filter has no \"value\"", Map.of("type", "any_array_value",
                "value", 1));
        filters.put("an \"or\" filter has no \"filter\"", Map.of("type", "or", "filter", Map.of()));
        filters.put("an \"or\" filter needs \"filters\"", Map.of("type", "or"));
        filters.put("a \"contains\" filter needs a \"value\"", Map.of("type", "contains"));
        filters.put("a \"not_equals\" filter has no \"x\"", Map.of("type", "not_equals", "value", 1, "x", 1));
        filters.forEach((message, filter) -> {
            Http.Res res = org.admin().post("/webhook/", Map.of("url", "https://hooks.example.com/close", "events",
                    List.of(entry("group", "created", filter))));
            assertThat(res.status()).as(res.toString()).isEqualTo(400);
            assertThat(res.get("field-errors").get("events").stringValue()).as(res.toString()).contains(message);
        });
    }

    /**
     * The native API may write back a Close subscription's {@code object_types} and {@code actions} as it read them,
     * also in another order, beside a change it may make: a 200 that leaves the filters (and, sent alone, the
     * subscription's version) as they were. It was a 400, as if they had changed; changing them is still one.
     */
    @Test
    void theNativeApi_sendingACloseSubscriptionsFiltersUnchanged_isA200ThatChangesNothing() {
        var org = close.org();
        JsonNode sub = subscribe(org, "https://hooks.example.com/a", List.of(entry("membership", "updated"),
                entry("group", "created")));
        JsonNode read = node.service().get(org.path() + "/webhooks").json().get("items").get(0);
        String nativePath = org.path() + "/webhooks/" + read.get("id").longValue();
        List<String> types = new ArrayList<>();
        read.get("object_types").forEach(t -> types.add(t.stringValue()));
        List<String> reversed = new ArrayList<>(types);
        Collections.reverse(reversed);
        assertThat(types).hasSizeGreaterThan(1);

        for (List<String> objectTypes : List.of(types, reversed)) {
            Http.Res same = node.service().patch(nativePath, Map.of("object_types", objectTypes, "actions",
                    read.get("actions")));
            assertThat(same.status()).as(same.toString()).isEqualTo(200);
            assertThat(same.json().get("version")).isEqualTo(read.get("version"));
            assertThat(same.json().get("object_types")).isEqualTo(read.get("object_types"));
        }
        Http.Res paused = node.service().patch(nativePath, Map.of("object_types", reversed, "actions",
                read.get("actions"), "status", "paused"));
        assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
        assertThat(paused.json().get("status").stringValue()).isEqualTo("paused");
        assertThat(paused.json().get("object_types")).isEqualTo(read.get("object_types"));

        Http.Res changed = node.service().patch(nativePath, Map.of("object_types", types.subList(0, 1)));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(400);
        assertThat(changed.json().get("errors").has("object_types")).as(changed.toString()).isTrue();
        Http.Res lifted = node.service().patch(nativePath, Map.of("actions", List.of()));
        assertThat(lifted.status()).as(lifted.toString()).isEqualTo(400);
        assertThat(org.admin().get("/webhook/" + sub.get("id").stringValue() + "/").get("events"))
                .isEqualTo(sub.get("events"));
    }

    /**
     * Subscriptions of every kind count against the organization's 100; past them Close's 400 {@code {"error": …}}
     * carries the limit's {@code limit}, {@code maximum} and {@code current} beside it, as every per-organization
     * limit does.
     */
    @Test
    void theSubscriptionPastTheLimit_isA400_withTheLimitAndItsNumbers() {
        var org = close.org();
        for (int i = 0; i < WebhookService.MAX_PER_ORG; i++) {
            Http.Res res = node.service().post(org.path() + "/webhooks", Map.of("url", "http://127.0.0.1:9/hook/" + i,
                    "status", "paused"));
            assertThat(res.status()).as(res.toString()).isEqualTo(201);
        }
        Http.Res refused = org.admin().post("/webhook/", Map.of("url", "http://127.0.0.1:9/one-more", "events",
                List.of(entry("group", "created"))));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().propertyNames()).containsExactlyInAnyOrder("error", "limit", "maximum", "current");
        assertThat(refused.get("error").stringValue()).isEqualTo("This organization already has as many webhook "
                + "subscriptions as allowed (100).");
        assertThat(refused.get("limit").stringValue()).isEqualTo("webhooks_per_org");
        assertThat(refused.get("maximum").intValue()).isEqualTo(WebhookService.MAX_PER_ORG);
        assertThat(refused.get("current").intValue()).isEqualTo(WebhookService.MAX_PER_ORG);
        assertThat(org.admin().get("/webhook/").get("data")).isEmpty();
    }

    @Test
    void otherTenants_andNativeSubscriptions_areInvisible() {
        var mine = close.org();
        var theirs = close.org();
        String id = subscribe(mine, "https://hooks.example.com/mine", List.of(entry("group", "created")))
                .get("id").stringValue();
        long nativeId = node.service().post(mine.path() + "/webhooks", Map.of("url", "https://hooks.example.com/native"))
                .json().get("id").longValue();

        for (Http.Res res : List.of(theirs.admin().get("/webhook/" + id + "/"),
                theirs.admin().put("/webhook/" + id + "/", Map.of("status", "paused")),
                theirs.admin().delete("/webhook/" + id + "/"))) {
            assertThat(res.status()).as(res.toString()).isEqualTo(404);
            assertThat(res.body()).doesNotContain("https://hooks.example.com/mine");
        }
        assertThat(theirs.admin().get("/webhook/").get("data")).isEmpty();
        assertThat(mine.admin().get("/webhook/" + id + "/").get("status").stringValue()).isEqualTo("active");

        // a subscription made natively is not a Close subscription
        assertThat(mine.admin().get("/webhook/").get("data")).hasSize(1);
        String nativeAsClose = CloseIds.encode(CloseIds.WEBHOOK, nativeId);
        assertThat(mine.admin().get("/webhook/" + nativeAsClose + "/").status()).isEqualTo(404);
        assertThat(mine.admin().delete("/webhook/" + nativeAsClose + "/").status()).isEqualTo(404);
        assertThat(node.service().get(mine.path() + "/webhooks/" + nativeId).status()).isEqualTo(200);
    }

    @Test
    void aMemberWithoutManageOrganization_isRefused403() {
        var org = close.org();
        Http user = close.member(org, "ann", "User");
        List<Http.Res> refused = new ArrayList<>();
        refused.add(user.get("/webhook/"));
        refused.add(user.post("/webhook/", Map.of("url", "https://hooks.example.com/x",
                "events", List.of(entry("group", "created")))));
        for (Http.Res res : refused) {
            assertThat(res.status()).as(res.toString()).isEqualTo(403);
            assertThat(res.get("error").stringValue()).contains("manage_organization")
                    .doesNotContainPattern("(organization|member|id) \\d");
        }
        assertThat(org.admin().get("/webhook/").get("data")).isEmpty();
    }

    /**
     * Who may not manage subscriptions is refused 403 before the body is read: a user once got the 400 a manager gets
     * for an empty or malformed body, learning how bodies are checked.
     */
    @Test
    void aMemberWhoMayNotManageSubscriptions_is403_whateverItSends() {
        var org = close.org();
        String id = org.admin().post("/webhook/", Map.of("url", "https://hooks.example.com/x",
                "events", List.of(entry("group", "created")))).get("id").stringValue();
        Http user = close.member(org, "ann", "User");
        List<Http.Res> refused = List.of(
                user.post("/webhook/", Map.of()),
                user.raw("POST", "/webhook/", "{bad", "application/json"),
                user.put("/webhook/" + id + "/", Map.of("status", "bogus")),
                user.put("/webhook/whsub_nope/", Map.of()),
                user.delete("/webhook/whsub_nope/"));
        for (Http.Res res : refused) {
            assertThat(res.status()).as(res.toString()).isEqualTo(403);
            assertThat(res.get("error").stringValue()).as(res.toString()).contains("manage_organization");
        }
        assertThat(org.admin().post("/webhook/", Map.of()).status()).as("a manager is told what is wrong")
                .isEqualTo(400);
    }

    /**
     * Who may not manage subscriptions is refused reading one as it is refused deleting one: 403 before the id is
     * read, whether the id is malformed, another organization's or its own (a 404 for some would tell which exist).
     */
    @Test
    void aMemberWhoMayNotManageSubscriptions_isRefusedReadingOne_asDeletingOne() {
        var org = close.org();
        var other = close.org();
        String mine = subscribe(org, "https://hooks.example.com/mine", List.of(entry("group", "created")))
                .get("id").stringValue();
        String theirs = subscribe(other, "https://hooks.example.com/theirs", List.of(entry("group", "created")))
                .get("id").stringValue();
        Http user = close.member(org, "ann", "User");
        for (String id : List.of("whsub_x", theirs, mine)) {
            Http.Res got = user.get("/webhook/" + id + "/");
            Http.Res deleted = user.delete("/webhook/" + id + "/");
            assertThat(got.status()).as(id + " " + got).isEqualTo(403).isEqualTo(deleted.status());
            assertThat(got.get("error").stringValue()).as(got.toString()).contains("manage_organization")
                    .doesNotContain("https://");
        }
        assertThat(org.admin().get("/webhook/" + mine + "/").status()).isEqualTo(200);
    }
}
