package dev.gatehouse.webhook;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One organization's slow receivers cannot delay another organization's deliveries, nor can one slow
 * subscription keep a worker while others of its organization wait: bounded deliveries per organization,
 * fair order, time-budgeted claims. The receivers hold requests on latches where possible, so the
 * assertions are about order, not speed.
 */
class WebhookFairnessIT {

    static final int ORG_CONCURRENCY = WebhookSettings.DEFAULT_ORG_CONCURRENCY;
    /** A node of this many workers is filled by four organizations whose receivers hang. */
    static final int FORMER_WORKERS = 8;

    static long subscribe(TestNode node, Fixtures.Org org, String url, String objectType) {
        Http.Res res = node.service().post(org.path() + "/webhooks", Map.of("url", url, "object_types",
                List.of(objectType)));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.json().get("id").longValue();
    }

    static long role(TestNode node, Fixtures.Org org, String name) {
        Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", name, "permissions",
                List.of("view_all_leads")));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.revision();
    }

    @Test
    void anOrganizationWhoseReceiversHang_cannotDelayAnotherOrganizationsDeliveries() {
        CountDownLatch release = new CountDownLatch(1);
        // Requests may take a minute: A's receivers hold theirs until the test releases them.
        try (TestNode node = TestNode.start(c -> WebhooksIT.reachingLoopback(
                c.withWebhooks(c.webhooks().withRetry(Duration.ofHours(1), Duration.ofSeconds(60)))));
             Receiver hangingA = new Receiver(Receiver.waitingFor(release));
             Receiver fastB = new Receiver(Receiver.ok())) {
            Fixtures fx = new Fixtures(node);
            var a = fx.org("close");
            var b = fx.org("close");
            int subscriptionsOfA = FORMER_WORKERS + 2;
            for (int i = 0; i < subscriptionsOfA; i++) {
                subscribe(node, a, hangingA.url() + "?n=" + i, "role");
            }
            subscribe(node, b, fastB.url(), "role");
            long eventOfA = role(node, a, "Held");
            // A precondition, not the point: generous, as the node's first requests may be slow on a busy machine.
            Await.until(Duration.ofSeconds(60), "A's deliveries are under way",
                    () -> hangingA.inFlight() >= ORG_CONCURRENCY);

            long eventOfB = role(node, b, "Prompt");
            // A holds its requests for up to the 60 s timeout; the previous dispatcher made B wait all that time.
            Await.until(Duration.ofSeconds(20), "B's event is delivered while A's receivers still hold their requests",
                    () -> fastB.revisions().contains(eventOfB));
            assertThat(hangingA.requests()).as("A's requests, all still held").hasSize(ORG_CONCURRENCY);
            assertThat(hangingA.maxInFlight()).as("A never had more than its share of workers")
                    .isEqualTo(ORG_CONCURRENCY);

            release.countDown();
            Await.until(Duration.ofSeconds(60), "every subscription of A gets its event",
                    () -> hangingA.revisions().stream().filter(r -> r == eventOfA).count() == subscriptionsOfA);
            assertThat(hangingA.maxInFlight()).isLessThanOrEqualTo(ORG_CONCURRENCY);
        } finally {
            release.countDown();
        }
    }

    @Test
    void manyOrganizationsWhoseReceiversHang_moreThanOnceFilledANode_delayNoOtherOrganization() {
        CountDownLatch release = new CountDownLatch(1);
        try (TestNode node = TestNode.start(c -> WebhooksIT.reachingLoopback(
                c.withWebhooks(c.webhooks().withRetry(Duration.ofHours(1), Duration.ofSeconds(60)))));
             Receiver hanging = new Receiver(Receiver.waitingFor(release));
             Receiver fast = new Receiver(Receiver.ok())) {
            Fixtures fx = new Fixtures(node);
            int hangingOrganizations = 3 * FORMER_WORKERS / ORG_CONCURRENCY;
            int held = hangingOrganizations * ORG_CONCURRENCY;
            for (int i = 0; i < hangingOrganizations; i++) {
                var org = fx.org("close");
                for (int s = 0; s < ORG_CONCURRENCY; s++) {
                    subscribe(node, org, hanging.url() + "?org=" + i + "&s=" + s, "role");
                }
                role(node, org, "Held " + i);
            }
            var healthy = fx.org("close");
            subscribe(node, healthy, fast.url(), "role");
            Await.until(Duration.ofSeconds(60), "the hanging organizations hold as many requests as a node had workers",
                    () -> hanging.inFlight() >= FORMER_WORKERS);

            long event = role(node, healthy, "Prompt");
            // The receivers hold their requests for up to the 60 s timeout; a node of 8 workers made this one wait.
            Await.until(Duration.ofSeconds(20), "the healthy organization's event is delivered while the others hang",
                    () -> fast.revisions().contains(event));
            Await.until(Duration.ofSeconds(20), "every hanging organization has its share of requests in flight",
                    () -> hanging.inFlight() == held);
            assertThat(hanging.requests()).as("requests of the hanging organizations, all still held").hasSize(held);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aSlowSubscription_handsItsWorkerBackAfterItsBudget_soOthersOfItsOrganizationGetTheirTurn() {
        try (TestNode node = TestNode.start(c -> WebhooksIT.reachingLoopback(
                c.withWebhooks(c.webhooks().withRetry(Duration.ofHours(1), Duration.ofSeconds(10)))));
             Receiver slow = new Receiver(Receiver.slow(300));
             Receiver fast = new Receiver(Receiver.ok())) {
            Fixtures fx = new Fixtures(node);
            var org = fx.org("close");
            List<Long> slowIds = List.of(subscribe(node, org, slow.url(), "role"), subscribe(node, org, slow.url(), "role"),
                    subscribe(node, org, slow.url(), "role"));
            subscribe(node, org, fast.url(), "group");
            int backlog = 10;
            for (int i = 0; i < backlog; i++) {
                role(node, org, "Backlog " + i);
            }
            Await.until(Duration.ofSeconds(60), "the slow subscriptions are busy",
                    () -> slow.inFlight() >= ORG_CONCURRENCY);
            Http.Res group = node.service().post(org.path() + "/groups", Map.of("name", "Waiting"));
            assertThat(group.status()).isEqualTo(201);
            Await.until(Duration.ofSeconds(30), "the group event is delivered", () -> fast.revisions().size() == 1);
            long servedAt = fast.requests().get(0).receivedNanos();
            for (long id : slowIds) {
                long before = slow.requests().stream()
                        .filter(r -> r.header("Gatehouse-Webhook-Id").equals(String.valueOf(id)))
                        .filter(r -> r.receivedNanos() < servedAt).count();
                assertThat(before).as("events of slow subscription %s sent before the waiting one was served", id)
                        .isLessThan(backlog);
            }
            Await.until(Duration.ofSeconds(60), "every slow subscription gets its backlog",
                    () -> slow.requests().size() == 3 * backlog);
            assertThat(slow.maxInFlight()).isLessThanOrEqualTo(ORG_CONCURRENCY);
        }
    }
}
