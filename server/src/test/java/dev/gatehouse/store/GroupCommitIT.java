package dev.gatehouse.store;

import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Actor;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleInput;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.Scrape;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestNode;
import dev.gatehouse.testing.WriteLanes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group commit ({@link GroupCommit}) against the real store of a node: writes that wait at the same time commit
 * in one transaction, in order of organization, with gapless revisions; a write that fails inside such a
 * transaction is rolled back alone — whether the database refused a statement of it or its rules refused it —
 * and the others commit. To make writes wait together deterministically, the test holds one organization's row
 * lock while a write of it occupies every lane, queues the writes under test, and then lets go.
 */
class GroupCommitIT {

    private static final Principal SERVICE = new Principal.Service("test");

    static TestNode node;
    static Fixtures fx;
    static Jdbi db;
    static Store store;
    static final TestClock clock = new TestClock();

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), UnaryOperator.identity(), clock);
        fx = new Fixtures(node);
        db = TestDatabase.jdbi(node.databaseUrl());
        db.useHandle(h -> {
            h.execute("CREATE TABLE test_marks (org_id bigint NOT NULL, mark text NOT NULL)");
            // a mark that ends its own session when its transaction commits
            h.execute("CREATE FUNCTION test_end_session() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$");
            h.execute("CREATE CONSTRAINT TRIGGER test_end_session AFTER INSERT ON test_marks DEFERRABLE INITIALLY "
                    + "DEFERRED FOR EACH ROW WHEN (NEW.mark = 'end the session at commit') "
                    + "EXECUTE FUNCTION test_end_session()");
        });
        store = node.node().core().store();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void writesWaitingTogether_commitInOneTransaction_inOrderOfOrganization_withGaplessRevisions() {
        Fixtures.Org first = fx.org("rooms");
        Fixtures.Org second = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        List<CompletableFuture<Written<Role>>> writes = new ArrayList<>();
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            writes.add(queue(() -> createRole(second, "Second A")));
            writes.add(queue(() -> createRole(first, "First A")));
            writes.add(queue(() -> createRole(second, "Second B")));
            writes.add(queue(() -> createRole(first, "First B")));
            lock.release();
        }
        List<Long> revisions = writes.stream().map(w -> w.join().revision()).toList();

        assertThat(transactionsOf(revisions)).as("the four writes' transactions").isEqualTo(1);
        // sorted by organization id, arrival order within one: First A, First B, Second A, Second B
        long lowest = revisions.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(revisions).containsExactly(lowest + 2, lowest, lowest + 3, lowest + 1);
        assertThat(node.appliedRevision()).isGreaterThanOrEqualTo(lowest + 3);
        assertGapless();
    }

    @Test
    void aBatchTakesOneHeavyWriteAtMost_theNextWaitsWithTheLaterWritesOfItsOrganization() {
        Fixtures.Org first = fx.org("rooms");
        Fixtures.Org second = fx.org("rooms");
        Fixtures.Org third = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        CompletableFuture<Written<Role>> heavyFirst;
        CompletableFuture<Written<Role>> heavySecond;
        CompletableFuture<Written<Role>> lightThird;
        CompletableFuture<Written<Role>> lightSecond;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            heavyFirst = queue(() -> Store.heavy(() -> createRole(first, "Heavy")));
            heavySecond = queue(() -> Store.heavy(() -> createRole(second, "Heavy")));
            lightThird = queue(() -> createRole(third, "Light"));
            lightSecond = queue(() -> createRole(second, "Light"));
            lock.release();
        }
        long one = heavyFirst.join().revision();
        long other = heavySecond.join().revision();
        assertThat(transactionsOf(List.of(one, lightThird.join().revision()))).as("a heavy write shares its batch")
                .isEqualTo(1);
        assertThat(transactionsOf(List.of(one, other))).as("two heavy writes, two batches").isEqualTo(2);
        assertThat(transactionsOf(List.of(other, lightSecond.join().revision())))
                .as("the later write of its organization waits with the heavy one").isEqualTo(1);
        assertThat(lightSecond.join().revision()).isGreaterThan(other);
        assertGapless();
    }

    @Test
    void aWriteFailingInsideABatch_isRolledBackAlone_andTheOthersCommit() {
        Fixtures.Org org = fx.org("rooms");
        Fixtures.Org other = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        CompletableFuture<Written<Role>> before;
        CompletableFuture<Written<Object>> statementFails;
        CompletableFuture<Written<Object>> ruleFails;
        CompletableFuture<Written<Role>> after;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            before = queue(() -> createRole(org, "Before"));
            statementFails = queue(() -> store.write(Actor.SYSTEM, org.id(), tx -> {
                mark(tx, org, "division");
                return tx.handle().createQuery("SELECT 1 / 0").mapTo(Integer.class).one();
            }));
            ruleFails = queue(() -> store.write(Actor.SYSTEM, other.id(), tx -> {
                mark(tx, other, "conflict");
                throw new ConflictException("test_conflict", "refused by a rule after writing");
            }));
            after = queue(() -> createRole(org, "After"));
            lock.release();
        }

        assertThatThrownBy(statementFails::join).hasCauseInstanceOf(InvalidInputException.class);
        assertThatThrownBy(ruleFails::join).hasCauseInstanceOf(ConflictException.class);
        long first = before.join().revision();
        long second = after.join().revision();
        assertThat(second).isEqualTo(first + 1);
        assertThat(transactionsOf(List.of(first, second))).isEqualTo(1);
        assertThat(marks()).as("rows written by the failed writes").isZero();
        assertThat(roleNames(org)).contains("Before", "After");
        assertGapless();
    }

    @Test
    void theOrganizationsOfABatch_areLockedInOneStatement_andAMissingOneRefusesOnlyItsOwnWrite() {
        Fixtures.Org first = fx.org("rooms");
        Fixtures.Org second = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        long missing = second.id() + 1_000_000;
        List<String> locks = new CopyOnWriteArrayList<>();
        SqlStatements config = store.jdbi().getConfig(SqlStatements.class);
        SqlLogger before = config.getSqlLogger();
        CompletableFuture<Written<Role>> secondA;
        CompletableFuture<Written<Object>> gone;
        CompletableFuture<Written<Role>> firstA;
        CompletableFuture<Written<Role>> secondB;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            config.setSqlLogger(new SqlLogger() {
                @Override
                public void logBeforeExecution(StatementContext context) {
                    String sql = context.getRenderedSql();
                    if (sql.contains("FROM organizations") && sql.contains("FOR UPDATE")) {
                        locks.add(sql);
                    }
                }
            });
            secondA = queue(() -> createRole(second, "Second A"));
            gone = queue(() -> store.write(Actor.SYSTEM, missing, tx -> "never runs"));
            firstA = queue(() -> createRole(first, "First A"));
            secondB = queue(() -> createRole(second, "Second B"));
            lock.release();
        }
        List<Long> revisions;
        try {
            assertThatThrownBy(gone::join).hasCauseInstanceOf(NotFoundException.class)
                    .hasMessageContaining("organization " + missing + " not found");
            revisions = List.of(firstA.join().revision(), secondA.join().revision(), secondB.join().revision());
        } finally {
            config.setSqlLogger(before);
        }

        assertThat(transactionsOf(revisions)).isEqualTo(1);
        assertThat(revisions.get(1)).isEqualTo(revisions.get(0) + 1);
        assertThat(revisions.get(2)).isEqualTo(revisions.get(0) + 2);
        // every organization of the batch in one statement; the second write of one reads its row again
        assertThat(locks).containsExactly(
                "SELECT id, model_id FROM organizations WHERE id = ANY(:ids) ORDER BY id FOR UPDATE",
                "SELECT model_id FROM organizations WHERE id = :id FOR UPDATE");
        assertThat(roleNames(second)).contains("Second A", "Second B");
        assertGapless();
    }

    @Test
    void writesOfOneBatch_takeTheirTimeFromTheNodesClock() {
        Fixtures.Org org = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        List<CompletableFuture<Written<Role>>> writes = new ArrayList<>();
        Instant expected;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            clock.freeze().advance(Duration.ofDays(400));
            expected = clock.instant().truncatedTo(ChronoUnit.MICROS);
            writes.add(queue(() -> createRole(org, "Timed A")));
            writes.add(queue(() -> createRole(org, "Timed B")));
            lock.release();
            List<Long> revisions = writes.stream().map(w -> w.join().revision()).toList();
            assertThat(transactionsOf(revisions)).isEqualTo(1);
            List<Instant> logged = db.withHandle(h -> h.createQuery("SELECT occurred_at FROM change_log "
                    + "WHERE revision = ANY(:revisions)").bind("revisions", revisions.toArray(new Long[0]))
                    .mapTo(OffsetDateTime.class).list()).stream().map(OffsetDateTime::toInstant).toList();
            assertThat(logged).containsExactly(expected, expected);
            assertThat(writes.stream().map(w -> w.join().value().createdAt()).toList())
                    .containsExactly(expected, expected);
        } finally {
            clock.run();
        }
    }

    /**
     * A write that records nothing answers the revision of the state it found: in a batch, the last record of the
     * writes before it, never one of a write after it (a deletion after a no-op PUT answered that PUT with the
     * deletion's revision, where what it answered no longer held).
     */
    @Test
    void aWriteThatRecordsNothing_inABatch_answersTheRevisionBeforeTheWritesAfterIt() {
        Fixtures.Org org = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        long found = node.appliedRevision();
        CompletableFuture<Written<String>> first;
        CompletableFuture<Written<Role>> before;
        CompletableFuture<Written<String>> between;
        CompletableFuture<Written<Role>> after;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            first = queue(() -> store.write(Actor.SYSTEM, org.id(), tx -> "nothing first"));
            before = queue(() -> createRole(org, "Before"));
            between = queue(() -> store.write(Actor.SYSTEM, org.id(), tx -> "nothing between"));
            after = queue(() -> createRole(org, "After"));
            lock.release();
        }
        long beforeRevision = before.join().revision();
        assertThat(after.join().revision()).isEqualTo(beforeRevision + 1);
        assertThat(transactionsOf(List.of(beforeRevision, beforeRevision + 1))).isEqualTo(1);
        assertThat(between.join().revision()).as("the write between the two").isEqualTo(beforeRevision);
        assertThat(first.join().revision()).as("the write before both").isLessThan(beforeRevision)
                .isGreaterThanOrEqualTo(found);
    }

    @Test
    void aRehearsal_seesCommittedStateOnly_neverTheUncommittedWritesOfABatch() {
        Fixtures.Org org = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        CompletableFuture<Written<Role>> queued;
        CompletableFuture<List<String>> rehearsed;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            queued = queue(() -> createRole(org, "Queued"));
            rehearsed = CompletableFuture.supplyAsync(() -> node.node().core().access().rehearse(SERVICE, org.id(),
                    (tx, caller) -> tx.handle().createQuery("SELECT name FROM roles WHERE org_id = :org")
                            .bind("org", org.id()).mapTo(String.class).list()));
            // a rehearsal queued for a lane would join the queued write's batch, after it
            Await.until(Duration.ofSeconds(20), "the rehearsal ends or waits for a lane",
                    () -> rehearsed.isDone() || store.waitingWrites() == 2);
            lock.release();
        }
        queued.join();
        assertThat(rehearsed.join()).as("roles the rehearsal saw").doesNotContain("Queued");
        assertThat(roleNames(org)).contains("Queued");
    }

    @Test
    void aWriteHeldUpInItsLane_holdsUpTheWritesOfOtherOrganizations_noLongerThanATurn() {
        Fixtures.Org blocked = fx.org("rooms");
        Fixtures.Org other = fx.org("rooms");
        double passed = Scrape.of(node).value("gatehouse_write_batches_total", "turn", "passed");
        try (OrgRowLock lock = OrgRowLock.hold(node, blocked.id())) {
            CompletableFuture<Written<Role>> held = CompletableFuture.supplyAsync(() -> createRole(blocked, "Held"));
            Await.until(Duration.ofSeconds(20), "the write waits for the lock", () -> lock.waiters() == 1);
            // its lane holds the turn until its batch commits; another lane takes the next write without it
            Written<Role> next = CompletableFuture.supplyAsync(() -> createRole(other, "Next"))
                    .orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(next.value().name()).isEqualTo("Next");
            assertThat(held).isNotDone();
            assertThat(Scrape.of(node).value("gatehouse_write_batches_total", "turn", "passed"))
                    .as("the batch that passed the held-up one").isEqualTo(passed + 1);
            lock.release();
            assertThat(held.join().value().name()).isEqualTo("Held");
        }
    }

    @Test
    void aLoneWrite_isAnsweredAtOnce_andAFailedOneChangesNothing() {
        Fixtures.Org org = fx.org("rooms");
        long batches = store.writeBatches(true) + store.writeBatches(false);
        Written<Role> created = createRole(org, "Alone");
        assertThat(created.revision()).isEqualTo(node.appliedRevision());
        assertThat(store.writeBatches(true) + store.writeBatches(false)).as("a batch of one").isEqualTo(batches + 1);
        assertThatThrownBy(() -> store.write(Actor.SYSTEM, org.id(), tx -> {
            mark(tx, org, "alone");
            return tx.handle().createQuery("SELECT 1 / 0").mapTo(Integer.class).one();
        })).isInstanceOf(InvalidInputException.class);
        assertThat(marks()).isZero();
    }

    @Test
    void aNodeWithoutWriteLanes_commitsEachWriteInItsOwnTransaction() {
        try (TestNode alone = TestNode.startOn(node.databaseUrl(),
                c -> c.withDatabase(c.database().withWriteLanes(0)))) {
            Store own = alone.node().core().store();
            assertThat(own.lanes()).isZero();
            assertThat(store.lanes()).as("the test node's lanes, chosen by its pool of 4").isEqualTo(2);
            Fixtures.Org org = fx.org("rooms");
            List<CompletableFuture<Written<Role>>> writes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "Own " + i;
                writes.add(CompletableFuture.supplyAsync(() -> alone.node().directory().roles().create(SERVICE,
                        org.id(), new RoleInput(name, null, List.of(), false, null, false))));
            }
            List<Long> revisions = writes.stream().map(w -> w.join().revision()).toList();
            assertThat(revisions).doesNotHaveDuplicates();
            assertThat(transactionsOf(revisions)).isEqualTo(8);
            assertThat(own.waitingWrites()).isZero();
        }
        assertGapless();
    }

    /**
     * A node that pauses inside a batch's transaction (a long GC pause, SIGSTOP, a frozen VM) for longer than the
     * database's {@code idle_in_transaction_session_timeout} (deployment.md advises it) finds its session ended, and
     * the pool closes the connection, so rolling the paused write back to its savepoint fails too ("Connection is
     * closed"): every write of the batch answers the retryable 503 {@code retry} — nothing could have committed —
     * none a 500, and nothing is written.
     */
    @Test
    void aBatchThatPausedPastTheIdleTimeout_answersEveryWriteWithARetryable503_andWritesNothing() {
        Fixtures.Org first = fx.org("rooms");
        Fixtures.Org second = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        CompletableFuture<Http.Res> before;
        CompletableFuture<Written<Integer>> paused;
        CompletableFuture<Http.Res> after;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            before = queue(() -> first.admin().post(first.path() + "/groups", Map.of("name", "Paused before")));
            paused = queue(() -> store.write(Actor.SYSTEM, first.id(), tx -> {
                mark(tx, first, "paused");
                pausePastIdleTimeout(tx.handle());
                return tx.handle().createQuery("SELECT 1").mapTo(Integer.class).one();
            }));
            after = queue(() -> second.admin().post(second.path() + "/groups", Map.of("name", "Paused after")));
            lock.release();
        }

        assertRetry(paused);
        assertRetry(before.join());
        assertRetry(after.join());
        assertThat(marks()).as("rows written by the paused write").isZero();
        assertThat(groupNames(first)).doesNotContain("Paused before");
        assertThat(groupNames(second)).doesNotContain("Paused after");
    }

    /** A write alone in its batch (no savepoint: its transaction is rolled back whole) that paused likewise. */
    @Test
    void aLoneWriteThatPausedPastTheIdleTimeout_answersARetryable503() {
        Fixtures.Org org = fx.org("rooms");
        CompletableFuture<Written<Integer>> paused = CompletableFuture.supplyAsync(() -> store.write(Actor.SYSTEM,
                org.id(), tx -> {
                    mark(tx, org, "paused alone");
                    pausePastIdleTimeout(tx.handle());
                    return tx.handle().createQuery("SELECT 1").mapTo(Integer.class).one();
                }));

        assertRetry(paused);
        assertThat(marks()).isZero();
        assertThat(org.admin().post(org.path() + "/groups", Map.of("name", "After the pause")).status())
                .as("the next write, on a new connection").isEqualTo(201);
    }

    /** A joint run that paused likewise: rolling it back to its savepoint fails, and the batch answers 503s. */
    @Test
    void aJointRunThatPausedPastTheIdleTimeout_answersEveryWriteOfItsBatchWithARetryable503() {
        Fixtures.Org first = fx.org("rooms");
        Fixtures.Org second = fx.org("rooms");
        Fixtures.Org third = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        Joint<String, String> pausing = entries -> {
            Handle handle = entries.get(0).tx().handle();
            pausePastIdleTimeout(handle);
            handle.createQuery("SELECT 1").mapTo(Integer.class).one();
            entries.forEach(entry -> entry.succeed(entry.op()));
        };
        CompletableFuture<Written<String>> jointFirst;
        CompletableFuture<Written<String>> jointSecond;
        CompletableFuture<Http.Res> other;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            jointFirst = queue(() -> store.write(Actor.SYSTEM, first.id(), tx -> "alone", pausing, "first"));
            jointSecond = queue(() -> store.write(Actor.SYSTEM, second.id(), tx -> "alone", pausing, "second"));
            other = queue(() -> third.admin().post(third.path() + "/groups", Map.of("name", "Beside the run")));
            lock.release();
        }

        assertRetry(jointFirst);
        assertRetry(jointSecond);
        assertRetry(other.join());
        assertThat(groupNames(third)).doesNotContain("Beside the run");
    }

    /**
     * The session ends while the batch commits (here a deferred trigger ends its own backend; a crash writing the
     * commit does it too): the pool closes the connection, so the rollback after it fails too; every write of the
     * batch answers 503 {@code write_outcome_unknown}, none a 500.
     */
    @Test
    void aBatchWhoseSessionEndsWhileItCommits_answersEveryWriteWriteOutcomeUnknown() {
        Fixtures.Org first = fx.org("rooms");
        Fixtures.Org second = fx.org("rooms");
        Fixtures.Org blocked = fx.org("rooms");
        CompletableFuture<Http.Res> before;
        CompletableFuture<Written<String>> ending;
        try (OrgRowLock lock = occupyEveryLane(blocked)) {
            before = queue(() -> first.admin().post(first.path() + "/groups", Map.of("name", "Committing")));
            ending = queue(() -> store.write(Actor.SYSTEM, second.id(), tx -> {
                mark(tx, second, "end the session at commit");
                return "ends";
            }));
            lock.release();
        }

        Http.Res answer = before.join();
        assertThat(answer.status()).as("%s", answer).isEqualTo(503);
        assertThat(answer.get("code").stringValue()).isEqualTo("write_outcome_unknown");
        assertThatThrownBy(ending::join).cause().isInstanceOf(UnavailableException.class)
                .extracting(failure -> ((UnavailableException) failure).code()).isEqualTo("write_outcome_unknown");
        assertThat(marks()).isZero();
        assertThat(groupNames(first)).doesNotContain("Committing");
    }

    private static OrgRowLock occupyEveryLane(Fixtures.Org blocked) {
        return WriteLanes.occupy(node, blocked.id(), n -> createRole(blocked, "Blocker " + n + " " + System.nanoTime()));
    }

    private static <T> CompletableFuture<T> queue(Supplier<T> write) {
        return WriteLanes.queue(store, write);
    }

    private static Written<Role> createRole(Fixtures.Org org, String name) {
        return node.node().directory().roles().create(SERVICE, org.id(),
                new RoleInput(name, null, List.of(), false, null, false));
    }

    /**
     * Ends this session's transaction once it sits idle for 100 ms ({@code idle_in_transaction_session_timeout}, for
     * this transaction alone), then pauses the node's thread far longer, as a frozen node would.
     */
    private static void pausePastIdleTimeout(Handle handle) {
        handle.execute("SET LOCAL idle_in_transaction_session_timeout = '100ms'");
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertRetry(CompletableFuture<? extends Written<?>> write) {
        assertThatThrownBy(write::join).cause().isInstanceOf(UnavailableException.class)
                .extracting(failure -> ((UnavailableException) failure).code()).isEqualTo("retry");
    }

    private static void assertRetry(Http.Res answer) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(503);
        assertThat(answer.get("code").stringValue()).as("%s", answer).isEqualTo("retry");
    }

    private static List<String> groupNames(Fixtures.Org org) {
        return db.withHandle(h -> h.createQuery("SELECT name FROM groups WHERE org_id = :org").bind("org", org.id())
                .mapTo(String.class).list());
    }

    private static void mark(Tx tx, Fixtures.Org org, String mark) {
        tx.handle().createUpdate("INSERT INTO test_marks (org_id, mark) VALUES (:org, :mark)").bind("org", org.id())
                .bind("mark", mark).execute();
    }

    /** How many transactions wrote the change-log rows of these revisions (rows of one transaction share xmin). */
    private static long transactionsOf(List<Long> revisions) {
        return db.withHandle(h -> h.createQuery("SELECT count(DISTINCT CAST(xmin AS text)) FROM change_log "
                + "WHERE revision = ANY(:revisions)").bind("revisions", revisions.toArray(new Long[0]))
                .mapTo(Long.class).one());
    }

    private static long marks() {
        return db.withHandle(h -> h.createQuery("SELECT count(*) FROM test_marks").mapTo(Long.class).one());
    }

    private static List<String> roleNames(Fixtures.Org org) {
        return db.withHandle(h -> h.createQuery("SELECT name FROM roles WHERE org_id = :org").bind("org", org.id())
                .mapTo(String.class).list());
    }

    private static void assertGapless() {
        List<Long> all = db.withHandle(h -> h.createQuery("SELECT revision FROM change_log ORDER BY revision")
                .mapTo(Long.class).list());
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i)).as("revision at position %d", i).isEqualTo(all.get(0) + i);
        }
    }
}
