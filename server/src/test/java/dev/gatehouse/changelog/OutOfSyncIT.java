package dev.gatehouse.changelog;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Scrape;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A committed change this node cannot apply never passes as applied: the node stops answering (not ready,
 * every API request a retryable 503 {@code node_resyncing}), reloads its state from the tables, retrying with
 * backoff while that fails, and answers again — from state that has the change — once a reload succeeds.
 *
 * <p>The unapplicable change is written the way another node writes (table and change log in one
 * transaction, through {@link ChangeLogStore}); its record is one the engine rejects, which this node's
 * tailer then delivers.
 */
class OutOfSyncIT {

    private static final String GRANTED = "export";
    /** The role's permissions before the change ({@code view_all_leads}: a close role needs no visibility rule). */
    private static final String HELD = "ARRAY['calling', 'view_all_leads'";

    @Test
    void recordTheEngineRejects_isNotCountedAsApplied_theNodeReloads_andAnswersWithTheChange() {
        try (TestNode node = TestNode.start()) {
            Scene scene = Scene.of(node);
            assertThat(scene.allowed(null)).isFalse();

            // The table gains the permission; the record describing it lacks a field the engine needs.
            ObjectNode after = scene.roleAfter();
            after.remove("external");
            long revision = scene.foreignWrite("UPDATE roles SET permissions = " + HELD + ", '" + GRANTED + "'] "
                    + "WHERE id = :id", after);

            Await.until(Duration.ofSeconds(30), "the node reloaded its state",
                    () -> node.node().core().feed().reloads() == 1);
            assertThat(node.appliedRevision()).isGreaterThanOrEqualTo(revision);
            assertThat(scene.allowed(revision)).as("answered from state that has the change").isTrue();
            assertThat(node.anonymous().get("/readyz").status()).isEqualTo(200);
            assertSameAsAFreshNode(node);
        }
    }

    @Test
    void whileTheReloadFails_theNodeIsNotReady_andRefusesEveryApiRequest_untilARetrySucceeds() {
        try (TestNode node = TestNode.start()) {
            Scene scene = Scene.of(node);
            Http closeApi = new Http(node.baseUrl() + "/api/v1", scene.memberKey);

            // Both the record and the row carry a visibility rule without its "unassigned" part: the engine
            // rejects the record, and a reload from the tables fails on the row, for as long as it is there.
            ObjectNode after = scene.roleAfter();
            after.putObject("visibility").putArray("user_field_ids");
            long revision = scene.foreignWrite("UPDATE roles SET permissions = " + HELD + ", '" + GRANTED + "'], "
                    + "visibility = '{\"user_field_ids\": []}' WHERE id = :id", after);

            Await.until(Duration.ofSeconds(30), "the node reports it is not ready",
                    () -> node.anonymous().get("/readyz").status() == 503);
            Http.Res ready = node.anonymous().get("/readyz");
            assertThat(ready.get("status").stringValue()).isEqualTo("not_ready");
            assertThat(ready.get("in_sync").booleanValue()).isFalse();
            assertThat(ready.get("revision").longValue()).as("the rejected revision is not reported as applied")
                    .isLessThan(revision);
            assertThat(node.anonymous().get("/healthz").status()).as("alive all the same").isEqualTo(200);

            Http.Res check = scene.check(null);
            assertThat(check.status()).as(check.toString()).isEqualTo(503);
            assertThat(check.get("code").stringValue()).isEqualTo("node_resyncing");
            assertThat(check.header("Retry-After")).isNotNull();
            assertThat(scene.check(revision).status()).as("min_revision of the rejected change").isEqualTo(503);
            assertThat(node.service().get(scene.org.path() + "/roles").status()).as("management too").isEqualTo(503);
            assertThat(closeApi.get("/me/").status()).as("the Close dialect too").isEqualTo(503);

            // Repaired in the tables only: no new change, no notification. The node gets there by retrying.
            TestDatabase.jdbi(node.databaseUrl()).useHandle(h -> h.createUpdate(
                    "UPDATE roles SET visibility = NULL WHERE id = :id").bind("id", scene.roleId).execute());
            Await.until(Duration.ofSeconds(90), "the node is ready again",
                    () -> node.anonymous().get("/readyz").status() == 200);

            assertThat(node.node().core().feed().reloads()).isEqualTo(1);
            assertThat(node.revision()).isGreaterThanOrEqualTo(revision);
            assertThat(scene.allowed(revision)).isTrue();
            assertThat(closeApi.get("/me/").status()).isEqualTo(200);
            assertSameAsAFreshNode(node);
        }
    }

    /**
     * The metrics of a node stuck behind a change it cannot apply: the failure is counted, the engine's revision
     * stays before the change while the change log's is at it, and the lag grows with the node's clock.
     */
    @Test
    void aChangeTheNodeCannotApply_isCounted_andItsLagGrowsUntilTheNodeHasIt() {
        TestClock clock = new TestClock().freeze();
        try (TestNode node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), c -> c, clock)) {
            Scene scene = Scene.of(node);
            ObjectNode after = scene.roleAfter();
            after.putObject("visibility").putArray("user_field_ids");
            long revision = scene.foreignWrite("UPDATE roles SET permissions = " + HELD + ", '" + GRANTED + "'], "
                    + "visibility = '{\"user_field_ids\": []}' WHERE id = :id", after);
            Await.until(Duration.ofSeconds(30), "the node reports it is not ready",
                    () -> node.anonymous().get("/readyz").status() == 503);
            clock.advance(Duration.ofSeconds(90));

            Scrape behind = Scrape.of(node);
            assertThat(behind.value("gatehouse_feed_apply_failures_total", "reason", "listener_failed")).isEqualTo(1);
            assertThat(behind.value("gatehouse_feed_in_sync")).isZero();
            assertThat(behind.value("gatehouse_engine_revision")).isEqualTo(revision - 1);
            assertThat(behind.value("gatehouse_changelog_revision")).isEqualTo(revision);
            assertThat(behind.value("gatehouse_engine_lag_revisions")).isEqualTo(1);
            assertThat(behind.value("gatehouse_engine_lag_seconds")).isEqualTo(90.0);

            TestDatabase.jdbi(node.databaseUrl()).useHandle(h -> h.createUpdate(
                    "UPDATE roles SET visibility = NULL WHERE id = :id").bind("id", scene.roleId).execute());
            Await.until(Duration.ofSeconds(90), "the node is ready again",
                    () -> node.anonymous().get("/readyz").status() == 200);
            // ready once reloaded; it knows it lacks nothing at its next read of the log, within a poll interval
            Await.until(Duration.ofSeconds(30), "the node knows it lacks nothing",
                    () -> Scrape.of(node).value("gatehouse_engine_lag_seconds") == 0);
            Scrape caughtUp = Scrape.of(node);
            assertThat(caughtUp.value("gatehouse_engine_revision")).isGreaterThanOrEqualTo(revision);
            assertThat(caughtUp.value("gatehouse_engine_lag_revisions")).isZero();
            assertThat(caughtUp.value("gatehouse_engine_lag_seconds")).isZero();
            assertThat(caughtUp.value("gatehouse_feed_reloads_total")).isEqualTo(1);
        }
    }

    private static void assertSameAsAFreshNode(TestNode node) {
        try (TestNode fresh = TestNode.startOn(node.databaseUrl())) {
            assertThat(node.node().engine().digest()).isEqualTo(fresh.node().engine().digest());
        }
    }

    /** An organization with a role that lacks {@link #GRANTED} and a member holding it. */
    private record Scene(TestNode node, Fixtures.Org org, long roleId, long memberId, String memberKey) {

        static Scene of(TestNode node) {
            Fixtures fx = new Fixtures(node);
            Fixtures.Org org = fx.org("close");
            long role = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
            long member = fx.member(org, "caller", role);
            Http.Res key = node.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", "own"));
            assertThat(key.status()).as(key.toString()).isEqualTo(201);
            return new Scene(node, org, role, member, key.get("key").stringValue());
        }

        Http.Res check(Long minRevision) {
            Map<String, Object> body = minRevision == null
                    ? Map.of("member_id", memberId, "permission", GRANTED)
                    : Map.of("member_id", memberId, "permission", GRANTED, "min_revision", minRevision);
            return node.service().post(org.path() + "/check", body);
        }

        boolean allowed(Long minRevision) {
            Http.Res res = check(minRevision);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            return res.get("allowed").booleanValue();
        }

        /** The role as a change record's "after" shows it, with the permission granted. */
        ObjectNode roleAfter() {
            ObjectNode after = Json.object();
            after.put("id", roleId).put("name", "Caller").put("external", false);
            after.putArray("permissions").add("calling").add("view_all_leads").add(GRANTED);
            after.putNull("visibility");
            return after;
        }

        /** Changes the role's row and appends a record of it in one transaction, as another node would. */
        long foreignWrite(String update, ObjectNode after) {
            return TestDatabase.jdbi(node.databaseUrl()).inTransaction(h -> {
                h.createUpdate(update).bind("id", roleId).execute();
                List<ChangeRecord> records = new ChangeLogStore().append(h, Actor.SYSTEM, Instant.now(), List.of(new PendingChange(
                        org.id(), ObjectType.ROLE, String.valueOf(roleId), Action.UPDATED, List.of("permissions"), null, after,
                        null)));
                return records.get(0).revision();
            });
        }
    }
}
