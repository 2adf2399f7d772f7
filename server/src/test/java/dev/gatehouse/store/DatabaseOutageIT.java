package dev.gatehouse.store;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.assignment.AssignmentExpiry;
import dev.gatehouse.changelog.Actor;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TcpCut;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node cut off from its database — by a network that silently drops packets, so that nothing is refused or
 * reset and the node learns of it only by its own timeouts — keeps answering decisions from memory and says how
 * stale it is; refuses writes, reads of stored data and waits for revisions it lacks at once with a retryable
 * 503 instead of making each request wait for a connection; answers a write already in flight when the network
 * broke with a retryable 503; stays ready for reads but not for writes; and catches up by itself once the network
 * returns. (The database itself is fine: another node keeps writing.)
 */
class DatabaseOutageIT {

    /** A test node's connections (TestNode). */
    private static final int POOL_SIZE = 4;

    /** A probe every 200 ms, giving up after 1 s: the outage is noticed within about a second. */
    private static TestNode cutOffNode(String url) {
        return TestNode.startOn(url, c -> c.withDatabase(c.database().withProbe(200, 1000)));
    }

    /** {@code url} (a database of the test server) reached through {@code network} instead of directly. */
    private static String through(TcpCut network, String url) {
        return url.replace(":" + TestDatabase.server().port() + "/", ":" + network.port() + "/");
    }

    @Test
    void cutOff_answersDecisionsFromMemory_refusesWhatNeedsTheDatabaseAtOnce_andCatchesUpAfterwards() throws Exception {
        String direct = TestDatabase.freshDatabaseUrl();
        try (TcpCut network = TcpCut.to(TestDatabase.server().port());
             TestNode other = TestNode.startOn(direct);
             TestNode node = cutOffNode(through(network, direct))) {
            Fixtures fx = new Fixtures(other);
            Fixtures.Org org = fx.org("close");
            long role = fx.role(org, "Reader", List.of("view_all_leads"));
            long member = fx.member(org, "reader", role);
            Http admin = node.as(org.adminKey());
            Map<String, Object> check = Map.of("member_id", member, "permission", "view_all_leads");
            long written = other.appliedRevision();
            Await.until(Duration.ofSeconds(20), "the node applied the other node's writes",
                    () -> node.appliedRevision() >= written);
            assertThat(admin.post(org.path() + "/check", check).get("allowed").booleanValue()).isTrue();

            network.cut();
            Await.until(Duration.ofSeconds(20), "the node noticed the outage",
                    () -> !node.node().core().store().health().reachable());

            Http.Res decided = admin.post(org.path() + "/check", check);
            assertThat(decided.status()).as("a decision is answered from memory").isEqualTo(200);
            assertThat(decided.get("allowed").booleanValue()).isTrue();
            assertThat(decided.header("Gatehouse-Revision")).isEqualTo(String.valueOf(node.appliedRevision()));
            assertThat(Double.parseDouble(decided.header("Gatehouse-Staleness"))).isGreaterThan(0);

            Http.Res write = admin.post(org.path() + "/roles", Map.of("name", "Blocked", "permissions",
                    List.of("view_all_leads")));
            assertThat(write.status()).isEqualTo(503);
            assertThat(write.get("code").stringValue()).isEqualTo("database_unavailable");
            assertThat(write.header("Retry-After")).isEqualTo("1");
            Http.Res read = admin.get(org.path() + "/roles");
            assertThat(read.status()).as("stored data cannot be read").isEqualTo(503);
            assertThat(read.get("code").stringValue()).isEqualTo("database_unavailable");
            Http.Res newKey = node.as("ghm_" + "0".repeat(24) + "_" + "A".repeat(43)).post(org.path() + "/check", check);
            assertThat(newKey.status()).as("a key this node does not know is looked up in the database").isEqualTo(503);
            assertThat(newKey.get("code").stringValue()).isEqualTo("database_unavailable");
            long ahead = other.service().post(org.path() + "/roles", Map.of("name", "Later", "permissions",
                    List.of("view_all_leads"))).revision();
            Http.Res waiting = admin.post(org.path() + "/check", Map.of("member_id", member, "permission",
                    "view_all_leads", "min_revision", ahead));
            assertThat(waiting.status()).isEqualTo(503);
            assertThat(waiting.get("code").stringValue()).isEqualTo("revision_not_reached");

            Http.Res reads = node.anonymous().get("/readyz");
            assertThat(reads.status()).as("ready for decisions").isEqualTo(200);
            assertThat(reads.get("database").booleanValue()).isFalse();
            assertThat(reads.get("writes").booleanValue()).isFalse();
            assertThat(node.anonymous().get("/readyz/writes").status()).isEqualTo(503);

            network.restore();
            Await.until(Duration.ofSeconds(30), "the node caught up after the network returned",
                    () -> node.appliedRevision() >= ahead);
            assertThat(node.anonymous().get("/readyz/writes").status()).isEqualTo(200);
            Http.Res after = admin.post(org.path() + "/roles", Map.of("name", "After", "permissions",
                    List.of("view_all_leads")));
            assertThat(after.status()).isEqualTo(201);
            Await.until(Duration.ofSeconds(20), "the other node applied the write made after the outage",
                    () -> other.appliedRevision() >= after.revision());
            assertThat(node.node().engine().digest()).isEqualTo(other.node().engine().digest());
        }
    }

    @Test
    void aReadWaitingForAConnectionWhenTheOutageIsNoticed_failsThen_notAfterThePoolsTimeout() throws Exception {
        String direct = TestDatabase.freshDatabaseUrl();
        try (TcpCut network = TcpCut.to(TestDatabase.server().port());
             TestNode node = cutOffNode(through(network, direct))) {
            Store store = node.node().core().store();
            List<Handle> held = new ArrayList<>();
            try {
                // every connection of the pool taken, as work frozen by the outage would hold them
                for (int i = 0; i < POOL_SIZE; i++) {
                    Handle h = store.jdbi().open();
                    h.createQuery("SELECT 1").mapTo(Integer.class).one();
                    held.add(h);
                }
                CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> store.read(h ->
                        h.createQuery("SELECT 1").mapTo(Integer.class).one()));
                Thread.sleep(200); // it waits for a connection (the pool's timeout is 10 s)
                assertThat(waiting).isNotDone();

                network.cut();
                // noticed within about a second; the wait then ends at once, well before the pool's 10 s
                assertThatThrownBy(() -> waiting.get(6, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(UnavailableException.class)
                        .hasMessageContaining("the database is unreachable");
            } finally {
                for (Handle h : held) {
                    try {
                        h.close();
                    } catch (RuntimeException aborted) {
                        // the outage's abort closed its connection already
                    }
                }
            }
        }
    }

    /**
     * Every connection of the pool busy while the database answers (a node saturated): a write, through the write
     * lanes or alone, and a read wait the pool's timeout for a connection, then are refused with a retryable 503
     * {@code database_busy} in the dialect's shape — not a 500 — and the database is not taken for lost.
     */
    @Test
    void everyConnectionBusy_writesAndReadsAreRefusedWithARetryable503_notA500() throws Exception {
        try (TestNode node = TestNode.startOn(TestDatabase.freshDatabaseUrl())) {
            Fixtures.Org org = new Fixtures(node).org("close");
            Store store = node.node().core().store();
            Http admin = node.as(org.adminKey());
            List<Handle> held = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(3);
            try {
                for (int i = 0; i < POOL_SIZE; i++) {
                    held.add(store.jdbi().open());
                }
                List<CompletableFuture<Http.Res>> answers = List.of(
                        CompletableFuture.supplyAsync(() -> admin.post(org.path() + "/roles", Map.of("name", "Busy",
                                "permissions", List.of("view_all_leads"))), clients),
                        CompletableFuture.supplyAsync(() -> admin.get(org.path() + "/roles"), clients));
                CompletableFuture<Written<Integer>> alone = CompletableFuture.supplyAsync(() -> store.writeAlone(
                        Actor.SYSTEM, org.id(), tx -> 1), clients);
                for (CompletableFuture<Http.Res> answer : answers) {
                    Http.Res res = answer.get(30, TimeUnit.SECONDS);
                    assertThat(res.status()).as(res.body()).isEqualTo(503);
                    assertThat(res.header("Retry-After")).isEqualTo("1");
                }
                assertThat(answers.get(0).join().get("code").stringValue()).isEqualTo("database_busy");
                assertThat(answers.get(1).join().get("code").stringValue()).isEqualTo("database_busy");
                assertThatThrownBy(() -> alone.get(30, TimeUnit.SECONDS)).cause()
                        .isInstanceOf(UnavailableException.class).hasMessageContaining("connection");
                assertThat(((UnavailableException) alone.handle((w, t) -> t.getCause()).join()).code())
                        .as("a long write's").isEqualTo("database_busy");
                assertThat(store.health().reachable()).isTrue();
            } finally {
                clients.shutdownNow();
                held.forEach(Handle::close);
            }
            assertThat(admin.post(org.path() + "/roles", Map.of("name", "Busy", "permissions",
                    List.of("view_all_leads"))).status()).isEqualTo(201);
        }
    }

    /**
     * A request that takes an idle connection of the pool just after the network broke: the pool checks a connection
     * idle for a while before handing it out, and that check waits for an answer that will not come (five seconds),
     * then the next idle connection's (five more): the partition lane saw such writes answered after 10.04 s, and
     * before the fix these reads failed after 5.0 s. The node aborts every connection of its pool when it notices
     * the outage, the one being checked included.
     */
    @Test
    void aRequestTakingAnIdleConnectionJustAfterTheNetworkBroke_failsWhenTheOutageIsNoticed() throws Exception {
        String direct = TestDatabase.freshDatabaseUrl();
        try (TcpCut network = TcpCut.to(TestDatabase.server().port());
             TestNode node = cutOffNode(through(network, direct))) {
            Store store = node.node().core().store();
            List<Handle> used = new ArrayList<>();
            for (int i = 0; i < POOL_SIZE; i++) {
                Handle h = store.jdbi().open();
                h.createQuery("SELECT 1").mapTo(Integer.class).one();
                used.add(h);
            }
            used.forEach(Handle::close);
            Thread.sleep(800); // idle for longer than the pool trusts a connection without checking it (500 ms)

            network.cut();
            // as many reads as the pool has connections: at least the ones the node's own work did not touch since
            // take an idle connection, which the pool checks first
            ExecutorService readers = Executors.newFixedThreadPool(POOL_SIZE);
            try {
                List<CompletableFuture<Integer>> reads = new ArrayList<>();
                for (int i = 0; i < POOL_SIZE; i++) {
                    reads.add(CompletableFuture.supplyAsync(() -> store.read(h ->
                            h.createQuery("SELECT 1").mapTo(Integer.class).one()), readers));
                }
                // noticed within about a second; a check of an idle connection alone waits five
                CompletableFuture<Void> all = CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new));
                assertThatThrownBy(() -> all.get(4, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
                for (CompletableFuture<Integer> read : reads) {
                    assertThatThrownBy(read::join).cause().isInstanceOf(UnavailableException.class)
                            .hasMessageContaining("the database is unreachable");
                }
            } finally {
                readers.shutdownNow();
            }
            network.restore();
            Await.until(Duration.ofSeconds(20), "the node found the database again",
                    () -> node.node().core().store().health().reachable());
            int answered = store.read(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            assertThat(answered).as("the pool makes new connections").isEqualTo(1);
        }
    }

    @Test
    void aWriteInFlightWhenTheNetworkBreaks_isAnsweredWithARetryable503() throws Exception {
        String direct = TestDatabase.freshDatabaseUrl();
        try (TcpCut network = TcpCut.to(TestDatabase.server().port());
             TestNode other = TestNode.startOn(direct);
             TestNode node = cutOffNode(through(network, direct))) {
            Fixtures fx = new Fixtures(other);
            Fixtures.Org org = fx.org("close");
            Http admin = node.as(org.adminKey());
            long written = other.appliedRevision();
            Await.until(Duration.ofSeconds(20), "the node applied the other node's writes",
                    () -> node.appliedRevision() >= written);
            // the organization's row is locked by the other node, so the node's write waits in the database ...
            try (var lock = other.node().core().store().jdbi().open()) {
                lock.begin();
                lock.createQuery("SELECT 1 FROM organizations WHERE id = :id FOR UPDATE").bind("id", org.id())
                        .mapTo(Integer.class).one();
                CompletableFuture<Http.Res> inFlight = CompletableFuture.supplyAsync(() -> admin.post(org.path()
                        + "/roles", Map.of("name", "In flight", "permissions", List.of("view_all_leads"))));
                Await.until(Duration.ofSeconds(20), "the write waits for the lock", () -> waitingForLock(other));
                // ... when the network breaks: the node aborts it rather than waiting for TCP to give up
                network.cut();
                Http.Res answer = inFlight.get(60, TimeUnit.SECONDS);
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.get("code").stringValue()).isIn("database_unavailable", "write_outcome_unknown");
                lock.rollback();
            }
            network.restore();
        }
    }

    /**
     * The database goes away under a write before the probe can notice (its interval is a minute here): the pool
     * closes the broken connection, so the batch's rollback fails with the pool's "Connection is closed", which
     * carries no SQL state — the answer is still the retryable 503 of the lost connection, not a 500.
     */
    @Test
    void aConnectionLostUnderAWrite_beforeTheProbeNotices_isARetryable503() throws Exception {
        String direct = TestDatabase.freshDatabaseUrl();
        try (TcpCut network = TcpCut.to(TestDatabase.server().port());
             TestNode other = TestNode.startOn(direct);
             TestNode node = TestNode.startOn(through(network, direct),
                     c -> c.withDatabase(c.database().withProbe(60_000, 60_000)))) {
            Fixtures fx = new Fixtures(other);
            Fixtures.Org org = fx.org("close");
            Http admin = node.as(org.adminKey());
            long written = other.appliedRevision();
            Await.until(Duration.ofSeconds(20), "the node applied the other node's writes",
                    () -> node.appliedRevision() >= written);
            try (var lock = other.node().core().store().jdbi().open()) {
                lock.begin();
                lock.createQuery("SELECT 1 FROM organizations WHERE id = :id FOR UPDATE").bind("id", org.id())
                        .mapTo(Integer.class).one();
                CompletableFuture<Http.Res> inFlight = CompletableFuture.supplyAsync(() -> admin.post(org.path()
                        + "/roles", Map.of("name", "In flight", "permissions", List.of("view_all_leads"))));
                Await.until(Duration.ofSeconds(20), "the write waits for the lock", () -> waitingForLock(other));
                network.reset();
                Http.Res answer = inFlight.get(60, TimeUnit.SECONDS);
                assertThat(answer.status()).as("%s", answer).isEqualTo(503);
                assertThat(answer.get("code").stringValue()).isEqualTo("database_unavailable");
                lock.rollback();
            }
        }
    }

    @Test
    void aDatabaseOutOfDiskOrOtherResource_refusesTheWriteWithARetryable503_notA500() {
        String direct = TestDatabase.freshDatabaseUrl();
        try (TestNode node = TestNode.startOn(direct)) {
            Fixtures fx = new Fixtures(node);
            Fixtures.Org org = fx.org("close");
            Http admin = node.as(org.adminKey());
            TestDatabase.jdbi(direct).useHandle(h -> {
                h.execute("CREATE FUNCTION test_out_of() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.name = 'Full' THEN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; "
                        + "END IF; IF NEW.name = 'Crowded' THEN RAISE EXCEPTION 'sorry, too many clients already' "
                        + "USING ERRCODE = 'too_many_connections'; END IF; RETURN NEW; END $$");
                h.execute("CREATE TRIGGER test_out_of BEFORE INSERT ON groups FOR EACH ROW EXECUTE FUNCTION test_out_of()");
            });

            Http.Res full = admin.post(org.path() + "/groups", Map.of("name", "Full"));
            assertThat(full.status()).as("%s", full).isEqualTo(503);
            assertThat(full.get("code").stringValue()).isEqualTo("database_full");
            assertThat(full.header("Retry-After")).isEqualTo("10");
            Http.Res crowded = admin.post(org.path() + "/groups", Map.of("name", "Crowded"));
            assertThat(crowded.status()).as("%s", crowded).isEqualTo(503);
            assertThat(crowded.get("code").stringValue()).isEqualTo("database_busy");
            assertThat(crowded.header("Retry-After")).isEqualTo("1");
            assertThat(admin.post(org.path() + "/groups", Map.of("name", "Fine")).status()).isEqualTo(201);
        }
    }

    @Test
    void anOutage_isOneWarningOfTheExpiryJob_notOneASecond_andItsEndIsSaid() throws Exception {
        String direct = TestDatabase.freshDatabaseUrl();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger expiryLog = (Logger) LoggerFactory.getLogger(AssignmentExpiry.class);
        log.start();
        expiryLog.addAppender(log);
        try (TcpCut network = TcpCut.to(TestDatabase.server().port());
             TestNode node = cutOffNode(through(network, direct))) {
            network.cut();
            Await.until(Duration.ofSeconds(20), "the node noticed the outage",
                    () -> !node.node().core().store().health().reachable());
            Thread.sleep(4 * AssignmentExpiry.INTERVAL.toMillis()); // the job runs, and fails, every second
            network.restore();
            Await.until(Duration.ofSeconds(30), "the expiry job works again", () -> log.list.stream()
                    .anyMatch(e -> e.getLevel() == Level.INFO && e.getFormattedMessage().contains("works again")));
        } finally {
            expiryLog.detachAppender(log);
        }
        assertThat(log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage))
                .singleElement().asString().startsWith("ending time-bound assignments failed");
    }

    private static boolean waitingForLock(TestNode node) {
        return node.node().core().store().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
                .mapTo(Long.class).one()) > 0;
    }
}
