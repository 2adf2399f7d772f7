package dev.gatehouse.webhook;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Scrape;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a node looks for due deliveries (claims): every poll interval (500 ms), and at once for a change of an
 * organization that has a subscription — not for every change a busy write load brings. Counted by
 * {@code gatehouse_webhook_claims_total}, on a node of its own so that no other test's subscriptions wake it.
 */
class WebhookWakeIT {

    private static final long POLL_MILLIS = 500;

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), WebhooksIT::reachingLoopback, new TestClock());
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void changesOfOrganizationsWithoutASubscription_wakeNoClaim_whileASubscribedOnesAreDeliveredAtOnce() {
        var quiet = fx.org("close");
        assertOnlyPolled("no subscription anywhere", quiet);

        var watched = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.ok())) {
            Http.Res subscribed = node.service().post(watched.path() + "/webhooks", Map.of("url", receiver.url()));
            assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
            long revision = role(watched, "Watched");
            // the subscription's own change told the node which organization to watch
            Await.until(Duration.ofSeconds(30), "the watched organization's change is delivered",
                    () -> receiver.revisions().contains(revision));

            assertOnlyPolled("a subscription in another organization", quiet);
        }
    }

    /** Writes 60 changes into {@code org}; the node claims no more often than its poll interval meanwhile. */
    private static void assertOnlyPolled(String when, Fixtures.Org org) {
        double before = claims();
        long start = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            role(org, "Role " + i + " " + start);
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000L;
        double claimed = claims() - before;
        assertThat(claimed).as("claims during %d ms of writes (%s)", elapsed, when)
                .isLessThanOrEqualTo(elapsed / POLL_MILLIS + 2);
    }

    private static long role(Fixtures.Org org, String name) {
        Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", name, "permissions",
                List.of("view_all_leads")));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.revision();
    }

    private static double claims() {
        return Scrape.of(node).value("gatehouse_webhook_claims_total");
    }
}
