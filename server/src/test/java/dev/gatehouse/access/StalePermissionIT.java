package dev.gatehouse.access;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.FrozenFeed;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No stale-permission window: a management write is authorized against the state it is serialized after, not
 * against what the node's engine has applied so far. Each race is built deterministically: the test holds the
 * organization's row lock, queues the loss of a privilege (a demotion, a deactivation, a key revocation) and
 * then a write by the losing key behind it, freezes the node's change feed so that its engine cannot learn of
 * the loss, and lets both through. The write must fail, and commit nothing, at once. Across nodes the same
 * holds with the second node's feed frozen: no waiting for its tailer.
 */
class StalePermissionIT {

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

    /** A manager (a member with {@code manage_organization}), its key, and the organization. */
    record Manager(Fixtures.Org org, long memberId, long managerRole, long userRole, String keyId, String token,
                   Http key) {
    }

    static Manager manager(TestNode on, Fixtures fixtures) {
        var org = fixtures.org("close");
        long managerRole = fixtures.role(org, "Manager", List.of("manage_organization", "view_all_leads"));
        long member = fixtures.member(org, "mgr", managerRole);
        Http.Res key = on.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", "mgr"));
        assertThat(key.status()).isEqualTo(201);
        Http manager = on.as(key.get("key").stringValue());
        assertThat(manager.get(org.path() + "/roles").status()).as("the key works, and is cached").isEqualTo(200);
        return new Manager(org, member, managerRole, fixtures.roleId(org, "User"), key.get("id").stringValue(),
                key.get("key").stringValue(), manager);
    }

    /** How the manager loses its privilege, and the status its attempt is then refused with. */
    enum Loss {
        DEMOTION(403) {
            Http.Res lose(Http service, Manager m) {
                return service.patch(m.org().path() + "/members/" + m.memberId(), Map.of("role_id", m.userRole()));
            }
        },
        DEACTIVATION(401) {
            Http.Res lose(Http service, Manager m) {
                return service.patch(m.org().path() + "/members/" + m.memberId(), Map.of("status", "deactivated"));
            }
        },
        KEY_REVOCATION(401) {
            Http.Res lose(Http service, Manager m) {
                return service.delete(m.org().path() + "/members/" + m.memberId() + "/keys/" + m.keyId());
            }
        };

        final int refusedWith;

        Loss(int refusedWith) {
            this.refusedWith = refusedWith;
        }

        abstract Http.Res lose(Http service, Manager m);
    }

    static final String MARK = "Still in charge";

    /** The write a losing key attempts: promote itself back (the reproduction), and leave a mark. */
    static Http.Res attempt(Http key, Manager m) {
        return key.patch(m.org().path() + "/members/" + m.memberId(), Map.of("role_id", m.managerRole(),
                "first_name", MARK));
    }

    /** Whether the attempt committed: the mark is in the database. */
    static boolean attemptCommitted(Manager m) {
        return node.node().core().store().read(h -> h.createQuery("SELECT first_name FROM members WHERE id = :id")
                .bind("id", m.memberId()).mapTo(String.class).findOne()).map(MARK::equals).orElse(false);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Loss.class)
    void aWriteQueuedBehindTheLossOfAPrivilege_isJudgedByTheStateAfterIt(Loss loss) {
        Manager m = manager(node, fx);
        CompletableFuture<Http.Res> lost;
        CompletableFuture<Http.Res> attempted;
        try (OrgRowLock lock = OrgRowLock.hold(node, m.org().id())) {
            lost = CompletableFuture.supplyAsync(() -> loss.lose(node.service(), m));
            Await.until(Duration.ofSeconds(20), "the loss queues on the organization's lock", () -> lock.waiters() == 1);
            attempted = CompletableFuture.supplyAsync(() -> attempt(m.key(), m));
            Await.until(Duration.ofSeconds(20), "the attempt queues behind it", () -> lock.waiters() == 2);
            FrozenFeed frozen = FrozenFeed.of(node);
            try {
                lock.release();
                // The loss commits first (its response waits for the frozen feed); the attempt is then judged
                // while this node's engine still knows nothing of the loss.
                Await.until(Duration.ofSeconds(20), "the attempt is answered, or commits",
                        () -> attempted.isDone() || attemptCommitted(m));
                assertThat(attemptCommitted(m)).as("the attempt committed after the loss").isFalse();
            } finally {
                frozen.close();
            }
        }
        assertThat(lost.join().status()).as("%s", lost.join()).isBetween(200, 204);
        Http.Res refused = attempted.join();
        assertThat(refused.status()).as("%s", refused).isEqualTo(loss.refusedWith);
        assertThat(node.service().get(m.org().path() + "/members/" + m.memberId()).get("role_id").longValue())
                .isEqualTo(loss == Loss.DEMOTION ? m.userRole() : m.managerRole());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Loss.class)
    void aLossOnOneNode_stopsTheKeysWritesOnAnother_withoutWaitingForItsTailer(Loss loss) {
        try (TestNode other = TestNode.startOn(node.databaseUrl())) {
            Manager m = manager(node, fx);
            Http onOther = other.as(m.token());
            long synced = node.appliedRevision();
            Await.until(Duration.ofSeconds(20), "the other node has applied everything",
                    () -> other.appliedRevision() >= synced);
            assertThat(onOther.get(m.org().path() + "/roles").status()).as("the key works there, and is cached")
                    .isEqualTo(200);
            FrozenFeed frozen = FrozenFeed.of(other);
            try {
                assertThat(loss.lose(node.service(), m).status()).isBetween(200, 204);
                long lost = node.appliedRevision();
                CompletableFuture<Http.Res> attempted = CompletableFuture.supplyAsync(() -> attempt(onOther, m));
                Await.until(Duration.ofSeconds(20), "the attempt on the other node is answered, or commits",
                        () -> attempted.isDone() || attemptCommitted(m));
                assertThat(attemptCommitted(m)).as("the attempt committed after the loss").isFalse();
                assertThat(other.appliedRevision()).as("the other node has not applied the loss").isLessThan(lost);
                Http.Res refused = attempted.join();
                assertThat(refused.status()).as("%s", refused).isEqualTo(loss.refusedWith);
            } finally {
                frozen.close();
            }
        }
    }
}
