package dev.gatehouse.webhook;

import dev.gatehouse.store.Store;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a new subscription's delivery starts: with the first event after its creation — its own {@code webhook
 * created} event — also when the creation waits for its organization together with other writes of that
 * organization, which group commit runs in one transaction before it and records only when that transaction ends.
 * To make them wait together deterministically, the test holds a blocking organization's row lock while a write of
 * it occupies every write lane, and the organization's own lock while the writes under test arrive.
 */
class WebhookStartIT {

    static TestNode node;
    static Fixtures fx;
    static Store store;

    @BeforeAll
    static void start() {
        // connections enough for two write lanes waiting on a lock, the test's two locks and the requests' reads
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), c -> WebhooksIT.reachingLoopback(
                c.withDatabase(c.database().withPoolSize(10).withWriteLanes(2))));
        fx = new Fixtures(node);
        store = node.node().core().store();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aSubscriptionCreatedRightAfterAnotherWriteOfItsOrganization_isNotSentThatEarlierEvent() {
        Fixtures.Org org = fx.org("close");
        Fixtures.Org blocked = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.ok())) {
            CompletableFuture<Http.Res> role;
            CompletableFuture<Http.Res> webhook;
            try (OrgRowLock blocker = occupyEveryLane(blocked); OrgRowLock own = OrgRowLock.hold(node, org.id())) {
                int waiting = store.waitingWrites();
                role = CompletableFuture.supplyAsync(() -> node.service().post(org.path() + "/roles",
                        Map.of("name", "Earlier", "permissions", List.of("view_all_leads"))));
                Await.until(Duration.ofSeconds(20), "the role's write is queued",
                        () -> store.waitingWrites() == waiting + 1);
                webhook = CompletableFuture.supplyAsync(() -> node.service().post(org.path() + "/webhooks",
                        Map.of("url", receiver.url())));
                // queued behind the role's write, or waiting for the organization's lock in a transaction of its
                // own (beside the lanes, which wait for the blocking organization's)
                Await.until(Duration.ofSeconds(20), "the subscription's write waits",
                        () -> store.waitingWrites() == waiting + 2 || own.waiters() == store.lanes() + 1);
                own.release();
                blocker.release();
            }
            Http.Res created = webhook.join();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(role.join().status()).isEqualTo(201);
            long createdAt = created.revision();
            long cursor = created.get("delivery").get("revision").longValue();

            Http.Res before = node.service().get(org.path() + "/events?order=asc&after_revision=" + cursor
                    + "&before_revision=" + createdAt);
            assertThat(before.get("items")).as("events of the organization that delivery would start with, though "
                    + "they precede the subscription").isEmpty();
            Await.until(Duration.ofSeconds(30), "a first delivery", () -> !receiver.requests().isEmpty());
            Receiver.Request first = receiver.requests().get(0);
            assertThat(first.revision()).isEqualTo(createdAt);
            assertThat(first.text()).contains("\"object_type\":\"webhook\"");
        }
    }

    private static OrgRowLock occupyEveryLane(Fixtures.Org blocked) {
        OrgRowLock lock = OrgRowLock.hold(node, blocked.id());
        try {
            // one at a time: two blockers queued together could be taken into one lane's batch
            for (int i = 0; i < store.lanes(); i++) {
                int n = i;
                CompletableFuture.supplyAsync(() -> node.service().post(blocked.path() + "/roles",
                        Map.of("name", "Blocker " + n, "permissions", List.of("view_all_leads"))));
                Await.until(Duration.ofSeconds(20), "lane " + n + " waits for the lock", () -> lock.waiters() == n + 1);
            }
            return lock;
        } catch (RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }
}
