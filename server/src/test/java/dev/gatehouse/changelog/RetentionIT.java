package dev.gatehouse.changelog;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import dev.gatehouse.webhook.WebhookSettings;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change-log retention deletes old events in batches but never what a live node or an active webhook still
 * needs, nor the newest record; a node that missed pruned events reloads its state instead of drifting.
 */
class RetentionIT {

    private static TestNode node(String url, int days) {
        return TestNode.startOn(url, c -> c.withChangeLog(c.changeLog().withRetentionDays(days)));
    }

    private static Jdbi jdbi(TestNode node) {
        return node.node().core().store().jdbi();
    }

    private static long latest(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT max(revision) FROM change_log").mapTo(Long.class).one());
    }

    private static long oldest(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT min(revision) FROM change_log").mapTo(Long.class).one());
    }

    /** Makes every record up to {@code revision} two days old. */
    private static void age(Jdbi jdbi, long revision) {
        age(jdbi, revision, 2);
    }

    /** Makes every record up to {@code revision} {@code days} days old. */
    private static void age(Jdbi jdbi, long revision, int days) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE change_log SET occurred_at = now() - make_interval(days => :d) "
                + "WHERE revision <= :r").bind("r", revision).bind("d", days).execute());
    }

    private static List<JsonNode> deliveries(TestNode node, Fixtures.Org org, long webhook) {
        List<JsonNode> out = new ArrayList<>();
        node.service().get(org.path() + "/webhooks/" + webhook + "/deliveries?limit=1000").json().get("items")
                .forEach(out::add);
        return out;
    }

    @Test
    void deletesOnlyEventsOlderThanTheRetention_andNeverTheNewest() {
        try (TestNode node = node(TestDatabase.freshDatabaseUrl(), 1)) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            for (int i = 0; i < 5; i++) {
                fx.role(org, "Old " + i, List.of("view_all_leads"));
            }
            Jdbi jdbi = jdbi(node);
            long cut = latest(jdbi);
            long young = node.service().post(org.path() + "/roles", Map.of("name", "Young", "permissions",
                    List.of("view_all_leads"))).revision();
            age(jdbi, cut);

            assertThat(node.node().retention().runOnce()).isEqualTo(cut);
            assertThat(oldest(jdbi)).isEqualTo(cut + 1);
            assertThat(node.service().get(org.path() + "/events?limit=1000").json().get("items"))
                    .extracting(e -> e.get("revision").longValue()).containsExactly(young);
            assertThat(node.service().get(org.path() + "/events/" + cut).status()).isEqualTo(404);

            age(jdbi, young);
            assertThat(node.node().retention().runOnce()).as("the newest record stays").isZero();
            assertThat(latest(jdbi)).isEqualTo(young);
            long next = node.service().post(org.path() + "/roles", Map.of("name", "Next", "permissions",
                    List.of("view_all_leads"))).revision();
            assertThat(next).as("revisions keep counting").isEqualTo(young + 1);
        }
    }

    /**
     * A record's age is its time on the node's clock: as the clock passes the retention period the records of
     * before are pruned, with no record rewritten and no waiting.
     */
    @Test
    void recordsPassTheRetentionPeriodAsTheNodesClockMoves() {
        TestClock clock = new TestClock().freeze();
        try (TestNode node = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                c -> c.withChangeLog(c.changeLog().withRetentionDays(1)), clock)) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            fx.role(org, "Day one", List.of("view_all_leads"));
            Jdbi jdbi = jdbi(node);
            long dayOne = latest(jdbi);
            clock.advance(Duration.ofHours(23));
            long young = node.service().post(org.path() + "/roles", Map.of("name", "Day two", "permissions",
                    List.of("view_all_leads"))).revision();
            assertThat(node.node().retention().runOnce()).as("nothing is a day old yet").isZero();

            clock.advance(Duration.ofHours(1).plusSeconds(1));
            assertThat(node.node().retention().runOnce()).isEqualTo(dayOne);
            assertThat(oldest(jdbi)).isEqualTo(young);
        }
    }

    /**
     * A bulk import's record of many assignments is pruned like any record, its objects with it; the assignments
     * stay in the tables, so a node that starts afterwards loads the same engine.
     */
    @Test
    void aBulkImportsRecord_isPrunedWhole_whileItsAssignmentsStay() throws IOException {
        String url = TestDatabase.freshDatabaseUrl();
        try (TestNode node = node(url, 1)) {
            try (InputStream in = RetentionIT.class.getResourceAsStream("/models/docs.json")) {
                assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
            }
            var org = new Fixtures(node).org("docs");
            String body = String.join("\n",
                    Json.writeString(Map.of("type", "role", "name", "Writer", "permissions",
                            List.of("doc.read", "doc.write", "records.all"))),
                    Json.writeString(Map.of("type", "member", "user_id", "w", "email", "w@example.com",
                            "role", "Writer")),
                    Json.writeString(Map.of("type", "assignment", "resource", Map.of("type", "room", "id", "r1"),
                            "user_id", "w", "role", "Writer")),
                    Json.writeString(Map.of("type", "assignment", "resource", Map.of("type", "room", "id", "r2"),
                            "user_id", "w", "role", "Writer"))) + "\n";
            long imported = node.service().raw("POST", org.path() + "/import", body, "application/x-ndjson")
                    .revision();
            Jdbi jdbi = jdbi(node);
            String type = jdbi.withHandle(h -> h.createQuery("SELECT object_type FROM change_log WHERE revision = :r")
                    .bind("r", imported).mapTo(String.class).one());
            assertThat(type).isEqualTo("bulk_import");
            assertThat(node.service().post(org.path() + "/roles", Map.of("name", "Young", "permissions",
                    List.of("doc.read", "records.all"))).status()).isEqualTo(201);
            age(jdbi, imported);

            // the node registers what it applied every few seconds: until then, retention stops below it
            Await.until(Duration.ofSeconds(20), "retention prunes the import's record", () -> {
                node.node().retention().runOnce();
                return oldest(jdbi) > imported;
            });
            assertThat(oldest(jdbi)).as("the record after it stays").isEqualTo(imported + 1);
            assertThat(node.service().get(org.path() + "/events/" + imported + "/objects").status()).isEqualTo(404);
            Map<String, Object> check = Map.of("user_id", "w", "permission", "doc.write",
                    "resource", Map.of("type", "room", "id", "r2"));
            assertThat(node.service().post(org.path() + "/check", check).get("allowed").booleanValue()).isTrue();
            try (TestNode later = node(url, 1)) {
                assertThat(later.service().post(org.path() + "/check", check).get("allowed").booleanValue())
                        .as("loaded from the tables").isTrue();
                assertThat(later.node().engine().digest()).isEqualTo(node.node().engine().digest());
            }
        }
    }

    @Test
    void pruning_runsInSmallBatches() {
        try (TestNode node = node(TestDatabase.freshDatabaseUrl(), 1)) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            Jdbi jdbi = jdbi(node);
            // Many old records, written directly: more than two batches.
            long from = latest(jdbi);
            jdbi.useHandle(h -> h.createUpdate("""
                    INSERT INTO change_log (revision, org_id, occurred_at, actor_type, object_type, object_id, action,
                                            changed_fields)
                    SELECT :from + g, :org, now(), 'system', 'probe', g::text, 'created', '{}'
                      FROM generate_series(1, 2500) g""").bind("from", from).bind("org", org.id()).execute());
            long last = latest(jdbi);
            Await.until(Duration.ofSeconds(5), "the node applied the records",
                    () -> node.node().core().feed().applied() >= last);
            age(jdbi, last);
            assertThat(node.node().retention().runOnce()).isEqualTo(last - 1);
            assertThat(oldest(jdbi)).isEqualTo(last);
        }
    }

    @Test
    void neverDeletesWhatALiveNodeOrAnActiveWebhookStillNeeds() {
        try (TestNode node = node(TestDatabase.freshDatabaseUrl(), 1)) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            Jdbi jdbi = jdbi(node);
            // A subscription whose host never resolves (.invalid): its first event stays undelivered.
            Http.Res hook = node.service().post(org.path() + "/webhooks", Map.of("url", "https://never.invalid/"));
            long webhookEvent = hook.revision();
            for (int i = 0; i < 5; i++) {
                fx.role(org, "R" + i, List.of("view_all_leads"));
            }
            // Another node that has applied only revision 2 and is still alive.
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO gatehouse_nodes (node_id, host, started_at, seen_at, "
                    + "applied_revision) VALUES ('lagging', 'elsewhere', now(), now(), 2)").execute());
            age(jdbi, latest(jdbi));

            assertThat(node.node().retention().runOnce()).isEqualTo(2);
            assertThat(oldest(jdbi)).isEqualTo(3);

            jdbi.useHandle(h -> h.createUpdate("UPDATE gatehouse_nodes SET seen_at = now() - interval '10 minutes' "
                    + "WHERE node_id = 'lagging'").execute());
            node.node().retention().runOnce();
            assertThat(oldest(jdbi)).as("kept for the webhook").isEqualTo(webhookEvent);

            long id = hook.json().get("id").longValue();
            assertThat(node.service().patch(org.path() + "/webhooks/" + id, Map.of("status", "paused")).status())
                    .isEqualTo(200);
            age(jdbi, latest(jdbi));
            node.node().retention().runOnce();
            assertThat(oldest(jdbi)).as("a paused subscription holds nothing back").isEqualTo(latest(jdbi));
        }
    }

    @Test
    void anActiveWebhookThatStaysBehind_holdsEventsOnlyUntilItsHoldEnds_thenTheLossIsRecorded() {
        try (TestNode node = node(TestDatabase.freshDatabaseUrl(), 1)) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            Jdbi jdbi = jdbi(node);
            long id = node.service().post(org.path() + "/webhooks", Map.of("url", "https://never.invalid/",
                    "object_types", List.of("role"))).json().get("id").longValue();
            long lastRole = 0;
            for (int i = 0; i < 5; i++) {
                lastRole = node.service().post(org.path() + "/roles", Map.of("name", "R" + i, "permissions",
                        List.of("view_all_leads"))).revision();
            }
            long newest = node.service().post(org.path() + "/groups", Map.of("name", "Newest")).revision();
            // once the first role event has failed, the cursor stays before it; until then the dispatcher may still
            // move it past the events the subscription does not match (its own creation)
            Await.until(Duration.ofSeconds(30), "a first failed delivery", () -> node.service()
                    .get(org.path() + "/webhooks/" + id).json().get("delivery").get("attempts").intValue() >= 1);
            long held = node.service().get(org.path() + "/webhooks/" + id).json().get("delivery").get("revision")
                    .longValue();

            age(jdbi, latest(jdbi), 2);
            node.node().retention().runOnce();
            assertThat(oldest(jdbi))
                    .as("within the hold (%s past the retention)", WebhookSettings.DEFAULT_RETENTION_HOLD)
                    .isEqualTo(held + 1);
            assertThat(deliveries(node, org, id)).noneMatch(d -> d.get("error").stringValue().equals("events_pruned"));

            age(jdbi, latest(jdbi), 1 + 7 + 1);
            node.node().retention().runOnce();
            assertThat(oldest(jdbi)).as("past the hold, the subscription no longer holds pruning back")
                    .isEqualTo(newest);
            JsonNode lost = deliveries(node, org, id).stream()
                    .filter(d -> d.get("error").stringValue().equals("events_pruned")).findFirst().orElseThrow();
            assertThat(lost.get("outcome").stringValue()).isEqualTo("failed");
            assertThat(lost.get("revision").longValue()).as("the newest matching event lost").isEqualTo(lastRole);
            assertThat(lost.get("attempt").intValue()).isZero();
            assertThat(node.service().get(org.path() + "/webhooks/" + id).json().get("delivery").get("revision")
                    .longValue()).isGreaterThanOrEqualTo(lastRole);
        }
    }

    /**
     * The event a subscription kept failing on is deleted by retention: its failures go with it, so the next event
     * is due at once and starts at attempt 1. The node's clock stands still, so no retry comes in between.
     */
    @Test
    void aFailingEventDeletedByRetention_takesItsFailuresWithIt() {
        TestClock clock = new TestClock();
        try (TestNode node = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                c -> c.withChangeLog(c.changeLog().withRetentionDays(1)), clock)) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            Jdbi jdbi = jdbi(node);
            clock.freeze();
            long id = node.service().post(org.path() + "/webhooks", Map.of("url", "https://never.invalid/",
                    "object_types", List.of("role"))).json().get("id").longValue();
            fx.role(org, "Failing", List.of("view_all_leads"));
            Await.until(Duration.ofSeconds(30), "a first failed delivery", () -> node.service()
                    .get(org.path() + "/webhooks/" + id).json().get("delivery").get("attempts").intValue() >= 1);
            long next = node.service().post(org.path() + "/roles", Map.of("name", "Next", "permissions",
                    List.of("view_all_leads"))).revision();
            age(jdbi, latest(jdbi), 1 + 7 + 1);
            node.node().retention().runOnce();
            assertThat(oldest(jdbi)).as("the failing event is gone").isEqualTo(next);
            clock.advance(Duration.ofSeconds(1));
            Await.until(Duration.ofSeconds(30), "the next event is attempted", () -> deliveries(node, org, id).stream()
                    .anyMatch(d -> d.get("revision").longValue() == next));
            JsonNode first = deliveries(node, org, id).stream().filter(d -> d.get("revision").longValue() == next)
                    .reduce((newer, older) -> older).orElseThrow();
            assertThat(first.get("attempt").intValue()).isEqualTo(1);
        }
    }

    @Test
    void anActiveWebhookThatHasEverythingOfItsOrganization_holdsNothingBack() {
        try (TestNode node = node(TestDatabase.freshDatabaseUrl(), 1)) {
            Fixtures fx = new Fixtures(node);
            var idle = fx.org("close");
            var busy = fx.org("close");
            Jdbi jdbi = jdbi(node);
            Http.Res hook = node.service().post(idle.path() + "/webhooks", Map.of("url", "https://idle.invalid/",
                    "object_types", List.of("group")));
            long created = hook.revision();
            long id = hook.json().get("id").longValue();
            Await.until(Duration.ofSeconds(10), "its own (unmatched) creation event is skipped", () -> node.service()
                    .get(idle.path() + "/webhooks/" + id).json().get("delivery").get("revision").longValue() >= created);
            for (int i = 0; i < 5; i++) {
                fx.role(busy, "R" + i, List.of("view_all_leads"));
            }
            age(jdbi, latest(jdbi));
            node.node().retention().runOnce();
            assertThat(oldest(jdbi)).as("another organization's records are not held for an idle subscription")
                    .isEqualTo(latest(jdbi));
            assertThat(deliveries(node, idle, id)).isEmpty();
        }
    }

    @Test
    void eventsAPausedWebhookMissed_arePruned_andTheLossIsRecorded_thenDeliveryResumesAfterThem() {
        try (TestNode node = node(TestDatabase.freshDatabaseUrl(), 1)) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            Jdbi jdbi = jdbi(node);
            long id = node.service().post(org.path() + "/webhooks", Map.of("url", "https://paused.invalid/",
                    "object_types", List.of("role"), "status", "paused")).json().get("id").longValue();
            long missed = 0;
            for (int i = 0; i < 3; i++) {
                missed = node.service().post(org.path() + "/roles", Map.of("name", "Missed " + i, "permissions",
                        List.of("view_all_leads"))).revision();
            }
            long newest = node.service().post(org.path() + "/groups", Map.of("name", "Newest")).revision();
            age(jdbi, latest(jdbi));
            node.node().retention().runOnce();
            assertThat(oldest(jdbi)).as("a paused subscription holds nothing back").isEqualTo(newest);
            List<JsonNode> log = deliveries(node, org, id);
            assertThat(log).hasSize(1);
            assertThat(log.get(0).get("error").stringValue()).isEqualTo("events_pruned");
            assertThat(log.get(0).get("revision").longValue()).isEqualTo(missed);
            assertThat(node.service().get(org.path() + "/webhooks/" + id).json().get("delivery").get("revision")
                    .longValue()).as("the cursor moved past what is gone").isGreaterThanOrEqualTo(missed);

            age(jdbi, latest(jdbi));
            node.node().retention().runOnce();
            assertThat(deliveries(node, org, id)).as("recorded once, not at every run").hasSize(1);

            assertThat(node.service().patch(org.path() + "/webhooks/" + id, Map.of("status", "active")).status())
                    .isEqualTo(200);
            long next = node.service().post(org.path() + "/roles", Map.of("name", "After", "permissions",
                    List.of("view_all_leads"))).revision();
            Await.until(Duration.ofSeconds(10), "an attempt after resuming", () -> deliveries(node, org, id).size() > 1);
            assertThat(deliveries(node, org, id).get(0).get("revision").longValue())
                    .as("delivery carries on after the lost events").isEqualTo(next);
        }
    }

    @Test
    void retentionZero_keepsEverything() {
        try (TestNode node = node(TestDatabase.freshDatabaseUrl(), 0)) {
            new Fixtures(node).org("close");
            Jdbi jdbi = jdbi(node);
            age(jdbi, latest(jdbi));
            assertThat(node.node().retention().runOnce()).isZero();
            assertThat(oldest(jdbi)).isEqualTo(1);
        }
    }

    @Test
    void aNodeThatMissedPrunedEvents_reloadsItsStateFromTheTables() throws IOException {
        String url = TestDatabase.freshDatabaseUrl();
        try (TestNode a = node(url, 0); TestNode b = node(url, 0)) {
            try (InputStream in = RetentionIT.class.getResourceAsStream("/models/docs.json")) {
                assertThat(a.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
            }
            Fixtures fx = new Fixtures(a);
            var org = fx.org("docs");
            long role = fx.role(org, "Reader", List.of("doc.read", "records.all"));
            long member = fx.member(org, "reader", role);
            Map<String, Object> check = Map.of("member_id", member, "permission", "doc.write");
            long applied = a.node().core().feed().applied();
            assertThat(b.service().post(org.path() + "/check", Map.of("member_id", member, "permission", "doc.write",
                    "min_revision", applied)).get("allowed").booleanValue()).isFalse();

            // A change to the tables whose record was pruned before any node applied it, followed by one
            // that was not: every node sees a gap in the revisions.
            Jdbi jdbi = jdbi(a);
            long after = jdbi.inTransaction(h -> {
                h.createQuery("SELECT CAST(pg_advisory_xact_lock(:k) AS text)").bind("k", 0x6761746568L)
                        .mapTo(String.class).one();
                long next = h.createQuery("SELECT max(revision) + 1 FROM change_log").mapTo(Long.class).one();
                h.createUpdate("UPDATE roles SET permissions = ARRAY['doc.read', 'doc.write', 'records.all'] "
                        + "WHERE id = :id").bind("id", role).execute();
                h.createUpdate("INSERT INTO change_log (revision, org_id, occurred_at, actor_type, object_type, "
                                + "object_id, action, changed_fields) VALUES (:r, :org, now(), 'system', 'probe', 'x', "
                                + "'created', '{}')")
                        .bind("r", next + 1).bind("org", org.id()).execute();
                h.createQuery("SELECT CAST(pg_notify(:c, :r) AS text)").bind("c", ChangeLogStore.CHANNEL)
                        .bind("r", String.valueOf(next + 1)).mapTo(String.class).one();
                return next + 1;
            });
            for (TestNode node : List.of(a, b)) {
                Await.until(Duration.ofSeconds(10), "the node reloads past the gap",
                        () -> node.node().core().feed().applied() >= after);
                assertThat(node.service().post(org.path() + "/check", check).get("allowed").booleanValue())
                        .as("state reloaded from the tables").isTrue();
            }
            assertThat(b.node().engine().digest()).isEqualTo(a.node().engine().digest());
            long write = a.service().patch(org.path() + "/roles/" + role, Map.of("permissions",
                    List.of("doc.read", "records.all"))).revision();
            assertThat(b.service().post(org.path() + "/check", Map.of("member_id", member, "permission", "doc.write",
                    "min_revision", write)).get("allowed").booleanValue()).as("and carries on from the log").isFalse();
        }
    }
}
