package dev.gatehouse.changelog;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes on one database: a decision on any node reflects a write on any other — at once with
 * {@code min_revision}, within the poll interval without it (even when notifications are lost), and every
 * node converges to the same engine state.
 */
class MultiNodeIT {

    static String url;
    static TestNode a;
    static TestNode b;
    static TestNode c;
    static List<TestNode> nodes;
    static Fixtures fx;

    @BeforeAll
    static void start() throws IOException {
        url = TestDatabase.freshDatabaseUrl();
        a = TestNode.startOn(url);
        b = TestNode.startOn(url);
        c = TestNode.startOn(url);
        nodes = List.of(a, b, c);
        fx = new Fixtures(a);
        try (InputStream in = MultiNodeIT.class.getResourceAsStream("/models/docs.json")) {
            assertThat(a.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        nodes.forEach(TestNode::close);
    }

    private static Http.Res check(TestNode node, Fixtures.Org org, long member, String permission, Long minRevision) {
        Map<String, Object> body = new HashMap<>(Map.of("member_id", member, "permission", permission));
        if (minRevision != null) {
            body.put("min_revision", minRevision);
        }
        return node.service().post(org.path() + "/check", body);
    }

    private static boolean allowed(TestNode node, Fixtures.Org org, long member, String permission, Long minRevision) {
        Http.Res res = check(node, org, member, permission, minRevision);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.get("allowed").booleanValue();
    }

    @Test
    void aWriteOnAnyNode_isSeenByChecksWithMinRevisionOnEveryOtherNode() {
        var org = fx.org("docs");
        long role = fx.role(org, "Toggled", List.of("doc.read", "records.all"));
        long member = fx.member(org, "toggle", role);
        for (int i = 0; i < 30; i++) {
            TestNode writer = nodes.get(i % 3);
            boolean grant = i % 2 == 0;
            Http.Res write = writer.service().patch(org.path() + "/roles/" + role, Map.of("permissions",
                    grant ? List.of("doc.read", "doc.write", "records.all") : List.of("doc.read", "records.all")));
            assertThat(write.status()).as(write.toString()).isEqualTo(200);
            long revision = write.revision();
            for (TestNode reader : nodes) {
                Http.Res res = check(reader, org, member, "doc.write", revision);
                assertThat(res.status()).as(res.toString()).isEqualTo(200);
                assertThat(res.get("allowed").booleanValue()).as("round %d on node %d", i, nodes.indexOf(reader))
                        .isEqualTo(grant);
                assertThat(res.get("revision").longValue()).isGreaterThanOrEqualTo(revision);
            }
        }
    }

    @Test
    void aCheckWithMinRevision_waitsForTheWrite_thenAnswers() throws Exception {
        var org = fx.org("docs");
        long role = fx.role(org, "Waiting", List.of("doc.read", "records.all"));
        long member = fx.member(org, "waiter", role);
        // C cannot apply A's write for now; the check on C waits for it, and answers once C has it.
        List<Runnable> release = new ArrayList<>();
        Http.Res res;
        try {
            long held = revisionCHoldsBack(org, release);
            long revision = a.service().patch(org.path() + "/roles/" + role, Map.of("permissions",
                    List.of("doc.read", "doc.write", "records.all"))).revision();
            assertThat(revision).isGreaterThan(held);
            CompletableFuture<Http.Res> waiting = CompletableFuture.supplyAsync(() -> check(c, org, member,
                    "doc.write", revision));
            Thread.sleep(300);
            assertThat(waiting).isNotDone();
            release.forEach(Runnable::run);
            res = waiting.get(10, TimeUnit.SECONDS);
        } finally {
            release.forEach(Runnable::run);
        }
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.get("allowed").booleanValue()).isTrue();
    }

    /**
     * A revision committed on another node that node {@code c} cannot apply for now: {@code c}'s feed is told its own
     * committer will publish the next revisions ({@link ChangeFeed#willPublish}), so it reads the log only up to them,
     * then {@code a} commits one. {@code c} waits for it until {@code release} runs.
     */
    private static long revisionCHoldsBack(Fixtures.Org org, List<Runnable> release) {
        ChangeFeed feed = c.node().core().feed();
        long latest = feed.read(feed.log()::latestRevision);
        Await.until(Duration.ofSeconds(5), "c has applied the whole log", () -> feed.applied() >= latest);
        long first = feed.applied() + 1;
        feed.willPublish(first, first + 1_000);
        release.add(() -> {
            feed.willNotPublish(first);
            feed.catchUp();
        });
        Http.Res written = a.service().post(org.path() + "/roles", Map.of("name", "Held back " + first,
                "permissions", List.of("doc.read", "records.all")));
        assertThat(written.status()).as(written.toString()).isEqualTo(201);
        long revision = written.revision();
        assertThat(revision).isBetween(first, first + 1_000);
        return revision;
    }

    /**
     * A check waiting for a revision holds a request thread, which every tenant shares: at most
     * {@link ChangeFeed#MAX_WAITING} wait at once on a node, and the rest are a retryable 503 at once. Without the
     * bound, checks asking for a revision far ahead, with any member key, held every thread while they waited.
     */
    @Test
    void checksWaitingForARevision_holdAtMostTheirShareOfThreads() throws Exception {
        var org = fx.org("docs");
        long member = org.adminId();
        List<Runnable> release = new ArrayList<>();
        int extra = 16;
        ExecutorService callers = Executors.newFixedThreadPool(ChangeFeed.MAX_WAITING + extra);
        try {
            long held = revisionCHoldsBack(org, release);
            List<Future<Http.Res>> checks = new ArrayList<>();
            for (int i = 0; i < ChangeFeed.MAX_WAITING + extra; i++) {
                checks.add(callers.submit(() -> check(c, org, member, "doc.read", held)));
            }
            int turnedAway = 0;
            for (Future<Http.Res> f : checks) {
                Http.Res res = f.get(60, TimeUnit.SECONDS);
                assertThat(res.status()).as(res.toString()).isEqualTo(503);
                assertThat(res.get("code").stringValue()).isEqualTo("revision_not_reached");
                if (res.get("detail").stringValue().contains("requests waiting for revisions")) {
                    turnedAway++;
                }
            }
            assertThat(turnedAway).as("answered without waiting").isGreaterThanOrEqualTo(extra);
        } finally {
            release.forEach(Runnable::run);
            callers.shutdownNow();
        }
    }

    @Test
    void aCheckWithARevisionNotReachedInTime_isARetryable503() {
        var org = fx.org("docs");
        long member = org.adminId();
        List<Runnable> release = new ArrayList<>();
        try {
            long held = revisionCHoldsBack(org, release);
            long started = System.nanoTime();
            Http.Res res = check(c, org, member, "doc.read", held);
            long waited = (System.nanoTime() - started) / 1_000_000;
            assertThat(res.status()).isEqualTo(503);
            assertThat(res.get("code").stringValue()).isEqualTo("revision_not_reached");
            assertThat(res.header("Retry-After")).isNotNull();
            assertThat(res.get("detail").stringValue()).contains(String.valueOf(held));
            assertThat(waited).as("waits a bounded time").isBetween(1000L, 10_000L);
        } finally {
            release.forEach(Runnable::run);
        }
        assertThat(allowed(c, org, member, "doc.read", null)).isTrue();
    }

    /**
     * A revision the log does not hold is no revision any answer gave: 400 at once. Such checks, with any tenant's
     * key, once waited their full time each and took every place to wait, so other tenants' checks for their own
     * writes were turned away.
     */
    @Test
    void aCheckWithARevisionBeyondTheLog_is400_atOnce_andTakesNoPlaceToWait() throws Exception {
        var org = fx.org("docs");
        long member = org.adminId();
        long beyond = c.node().core().feed().applied() + 1_000_000;
        ExecutorService callers = Executors.newFixedThreadPool(ChangeFeed.MAX_WAITING + 16);
        try {
            List<Future<Http.Res>> checks = new ArrayList<>();
            for (int i = 0; i < ChangeFeed.MAX_WAITING + 16; i++) {
                checks.add(callers.submit(() -> check(c, org, member, "doc.read", beyond)));
            }
            for (Future<Http.Res> f : checks) {
                Http.Res res = f.get(60, TimeUnit.SECONDS);
                assertThat(res.status()).as(res.toString()).isEqualTo(400);
                assertThat(res.get("detail").stringValue()).contains("has not been committed");
            }
        } finally {
            callers.shutdownNow();
        }
        long written = fx.role(org, "Mine", List.of("doc.read", "records.all"));
        assertThat(written).isPositive();
        Http.Res own = check(c, org, member, "doc.read", a.service().get(org.path() + "/roles").revision());
        assertThat(own.status()).as("a check for the tenant's own write: %s", own).isEqualTo(200);
    }

    @Test
    void withoutMinRevision_everyNodeCatchesUp_evenWhenTheNotificationIsLost() {
        var org = fx.org("docs");
        long role = fx.role(org, "Silent", List.of("doc.read", "records.all"));
        long member = fx.member(org, "silent", role);
        for (TestNode node : nodes) {
            Await.until(Duration.ofSeconds(5), "every node has the member", () -> node.node().engine()
                    .hasMember(org.id(), member));
        }
        // A committed change whose NOTIFY never happened: only polling can bring it to the nodes.
        JsonNode before = a.service().get(org.path() + "/roles/" + role).json();
        ObjectNode after = (ObjectNode) before.deepCopy();
        after.putArray("permissions").add("doc.read").add("doc.write").add("records.all");
        after.put("version", before.get("version").intValue() + 1);
        long started = System.nanoTime();
        long revision = commitWithoutNotify(org.id(), role, before, after);
        for (TestNode node : nodes) {
            Await.until(Duration.ofSeconds(5), "node " + nodes.indexOf(node) + " applies revision " + revision,
                    () -> allowed(node, org, member, "doc.write", null));
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        // Test nodes poll every 200 ms; allow for a loaded machine, but far less than "never".
        assertThat(millis).as("caught up by polling").isLessThan(2000);
    }

    /** Updates a role and appends its change record the way Store does, minus pg_notify. */
    private static long commitWithoutNotify(long orgId, long roleId, JsonNode before, JsonNode after) {
        Jdbi jdbi = a.node().core().store().jdbi();
        return jdbi.inTransaction(h -> {
            h.createQuery("SELECT CAST(pg_advisory_xact_lock(:k) AS text)").bind("k", 0x6761746568L)
                    .mapTo(String.class).one();
            long revision = h.createQuery("SELECT coalesce(max(revision), 0) + 1 FROM change_log").mapTo(Long.class).one();
            h.createUpdate("UPDATE roles SET permissions = :p, version = version + 1 WHERE id = :id")
                    .bind("p", new String[] {"doc.read", "doc.write", "records.all"}).bind("id", roleId).execute();
            h.createUpdate("""
                    INSERT INTO change_log (revision, org_id, occurred_at, actor_type, object_type, object_id, action,
                                            changed_fields, before, after)
                    VALUES (:r, :org, now(), 'system', 'role', :id, 'updated', ARRAY['permissions'],
                            CAST(:before AS jsonb), CAST(:after AS jsonb))""")
                    .bind("r", revision).bind("org", orgId).bind("id", String.valueOf(roleId))
                    .bind("before", Json.writeString(before)).bind("after", Json.writeString(after)).execute();
            return revision;
        });
    }

    @Test
    void aNodeWhoseListeningConnectionIsKilled_keepsUpAndListensAgain() {
        var org = fx.org("docs");
        long role = fx.role(org, "Reconnect", List.of("doc.read", "records.all"));
        long member = fx.member(org, "reconnect", role);
        Jdbi jdbi = a.node().core().store().jdbi();
        int killed = jdbi.withHandle(h -> h.createQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND application_name = 'gatehouse-listener'")
                .mapTo(Integer.class).one());
        assertThat(killed).as("one listening connection per node").isEqualTo(3);
        long revision = a.service().patch(org.path() + "/roles/" + role, Map.of("permissions",
                List.of("doc.read", "doc.write", "records.all"))).revision();
        for (TestNode node : nodes) {
            Await.until(Duration.ofSeconds(5), "node catches up", () -> node.node().core().feed().applied() >= revision);
        }
        Await.until(Duration.ofSeconds(10), "every node listens again", () -> jdbi.withHandle(h -> h.createQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gatehouse-listener'")
                .mapTo(Integer.class).one()) == 3);
        assertThat(allowed(c, org, member, "doc.write", null)).isTrue();
    }

    @Test
    void concurrentWritesOnEveryNode_convergeToOneEngineState_equalToARebuild() throws Exception {
        var org = fx.org("docs");
        long editor = fx.role(org, "Editor", List.of("doc.read", "doc.write", "records.all"));
        long viewer = fx.role(org, "Viewer", List.of("doc.read", "records.all"));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> writers = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            TestNode node = nodes.get(n);
            int w = n;
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 15; i++) {
                    String user = "w" + w + "-" + i;
                    Http.Res created = node.service().post(org.path() + "/members", Map.of("user_id", user,
                            "email", user + "@example.com", "role_id", i % 2 == 0 ? editor : viewer));
                    assertThat(created.status()).as(created.toString()).isEqualTo(201);
                    Http.Res assigned = node.service().put(org.path() + "/resources/doc/d" + (i % 4) + "/assignments/"
                            + user, Map.of("role_id", i % 2 == 0 ? viewer : editor));
                    assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
                    if (i % 5 == 4) {
                        assertThat(node.service().patch(org.path() + "/members/" + user, Map.of("status", "deactivated"))
                                .status()).isEqualTo(200);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : writers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long latest = nodes.stream().mapToLong(n -> n.node().core().feed().applied()).max().orElseThrow();
        for (TestNode node : nodes) {
            Await.until(Duration.ofSeconds(5), "convergence", () -> node.node().core().feed().applied() >= latest);
        }
        try (TestNode fresh = TestNode.startOn(url)) {
            String expected = fresh.node().engine().digest();
            for (TestNode node : nodes) {
                assertThat(node.node().engine().digest()).as("node %d", nodes.indexOf(node)).isEqualTo(expected);
            }
        }
    }

    @Test
    void everyNodeIsRegistered_withTheRevisionItApplied() {
        Jdbi jdbi = a.node().core().store().jdbi();
        List<NodeRegistry.Node> registered = jdbi.withHandle(NodeRegistry::list);
        assertThat(registered).extracting(NodeRegistry.Node::nodeId).contains(a.node().nodes().nodeId(),
                b.node().nodes().nodeId(), c.node().nodes().nodeId());
        TestNode extra = TestNode.startOn(url);
        String id = extra.node().nodes().nodeId();
        assertThat(jdbi.withHandle(NodeRegistry::list)).extracting(NodeRegistry.Node::nodeId).contains(id);
        extra.close();
        assertThat(jdbi.withHandle(NodeRegistry::list)).extracting(NodeRegistry.Node::nodeId).doesNotContain(id);
    }

    /**
     * A node logs its id once, at INFO, as it starts: the id a webhook delivery's {@code node_id} names appeared
     * nowhere but in the database, so an operator could not tell which node (of several on one host, or which run)
     * it was.
     */
    @Test
    void aNodeLogsItsIdOnce_asItStarts() {
        List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logged.add(event);
            }
        };
        Logger registryLog = (Logger) LoggerFactory.getLogger(NodeRegistry.class);
        capture.start();
        registryLog.addAppender(capture);
        String id;
        try (TestNode extra = TestNode.startOn(url)) {
            id = extra.node().nodes().nodeId();
        } finally {
            registryLog.detachAppender(capture);
            capture.stop();
        }
        assertThat(logged).filteredOn(event -> event.getFormattedMessage().contains(id)).singleElement()
                .satisfies(event -> assertThat(event.getLevel()).isEqualTo(Level.INFO));
    }
}
