package dev.gatehouse.webhook;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving a subscription to a new URL, or resuming it, starts its count of attempts and its retry window again — also
 * while a request made before is still in flight: that request's outcome belongs to what the subscription was, and
 * is not recorded against what it is now. The old receiver holds its request on a latch, so the PATCH lands while it
 * is in flight whatever the machine's speed; the node's clock stands still, so a retry that waited for a backoff would
 * never come, and only an attempt due at once arrives.
 */
class WebhookResetIT {

    static final TestClock clock = new TestClock();
    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        // requests may take a minute: the receivers decide when they end, not the time limit
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), c -> WebhooksIT.reachingLoopback(
                c.withWebhooks(c.webhooks().withRetry(Duration.ofHours(1), Duration.ofSeconds(60)))), clock);
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @BeforeEach
    void freeze() {
        clock.freeze();
    }

    @AfterEach
    void run() {
        clock.run();
    }

    /** Fails the first request, holds the second until {@code release} opens and fails it too, accepts the rest. */
    private static Receiver.Behaviour failingTwice_secondHeldUntil(CountDownLatch release) {
        return n -> {
            if (n == 2) {
                release.await(60, TimeUnit.SECONDS);
            }
            return n <= 2 ? 503 : 200;
        };
    }

    private static JsonNode delivery(Fixtures.Org org, long id) {
        return node.service().get(org.path() + "/webhooks/" + id).json().get("delivery");
    }

    /** Subscribes {@code receiver} to roles, creates one, and returns once its second attempt is in flight. */
    private static long secondAttemptInFlight(Fixtures.Org org, Receiver receiver) {
        long id = WebhookFairnessIT.subscribe(node, org, receiver.url(), "role");
        WebhookFairnessIT.role(node, org, "Wanted");
        Await.until(Duration.ofSeconds(30), "a first failed attempt",
                () -> delivery(org, id).get("attempts").intValue() == 1);
        clock.advance(Duration.ofSeconds(1)); // the first backoff
        Await.until(Duration.ofSeconds(30), "the second attempt is in flight", () -> receiver.inFlight() == 1);
        return id;
    }

    @Test
    void movingASubscriptionWhileARequestIsInFlight_sendsAttempt1ToTheNewUrl_atOnce() {
        var org = fx.org("close");
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver old = new Receiver(failingTwice_secondHeldUntil(release));
             Receiver moved = new Receiver(Receiver.ok())) {
            long id = secondAttemptInFlight(org, old);
            long event = old.revisions().get(0);

            Http.Res patched = node.service().patch(org.path() + "/webhooks/" + id, Map.of("url", moved.url()));
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
            assertThat(patched.get("delivery").get("attempts").intValue()).isZero();
            release.countDown();

            Await.until(Duration.ofSeconds(30), "the event reaches the new URL", () -> !moved.requests().isEmpty());
            Receiver.Request first = moved.requests().get(0);
            assertThat(first.revision()).isEqualTo(event);
            assertThat(first.header("Gatehouse-Delivery-Attempt")).as("the count starts again").isEqualTo("1");
            Await.until(Duration.ofSeconds(30), "the delivery is recorded",
                    () -> delivery(org, id).get("revision").longValue() >= event);
            JsonNode after = delivery(org, id);
            assertThat(after.get("attempts").intValue()).isZero();
            assertThat(after.get("failing_since").isNull()).isTrue();
            assertThat(old.requests()).as("the old URL is not asked again").hasSize(2);
            assertThat(moved.requests()).hasSize(1);
        }
    }

    @Test
    void resumingASubscriptionWhileARequestIsInFlight_retriesAtAttempt1_atOnce() {
        var org = fx.org("close");
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver receiver = new Receiver(failingTwice_secondHeldUntil(release))) {
            long id = secondAttemptInFlight(org, receiver);
            long event = receiver.revisions().get(0);

            String path = org.path() + "/webhooks/" + id;
            assertThat(node.service().patch(path, Map.of("status", "paused")).status()).isEqualTo(200);
            Http.Res resumed = node.service().patch(path, Map.of("status", "active"));
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
            assertThat(resumed.get("delivery").get("attempts").intValue()).isZero();
            release.countDown();

            Await.until(Duration.ofSeconds(30), "a third request", () -> receiver.requests().size() >= 3);
            Receiver.Request third = receiver.requests().get(2);
            assertThat(third.revision()).isEqualTo(event);
            assertThat(third.header("Gatehouse-Delivery-Attempt")).as("the count starts again").isEqualTo("1");
            Await.until(Duration.ofSeconds(30), "the delivery is recorded",
                    () -> delivery(org, id).get("revision").longValue() >= event);
            assertThat(delivery(org, id).get("attempts").intValue()).isZero();
            assertThat(receiver.revisions()).containsOnly(event);
        }
    }
}
