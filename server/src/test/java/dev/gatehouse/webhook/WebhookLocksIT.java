package dev.gatehouse.webhook;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An attempt recorded while its subscription is changed or deleted waits for that write, or that write for it, but
 * the two never deadlock (one of them then failed: a PATCH answered 503 {@code retry}). Each test holds the write's
 * transaction open at the step where it meets the recording, runs the recording on a connection of its own until it
 * is done or waits for a lock, then finishes the write. The subscriptions are paused, so that the node's own
 * dispatcher leaves them alone; the test leases them itself.
 */
class WebhookLocksIT {

    static TestNode node;
    static Fixtures fx;
    static Jdbi jdbi;
    final WebhookStore store = new WebhookStore();

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), WebhooksIT::reachingLoopback);
        fx = new Fixtures(node);
        jdbi = node.node().core().store().jdbi();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aDeliveryRecordedWhileTheSubscriptionIsChanged_doesNotDeadlockWithTheChange() throws Exception {
        Subscription s = pausedSubscription();
        try (Handle write = jdbi.open()) {
            write.begin();
            assertThat(store.findForUpdate(write, s.org(), s.id())).isPresent();
            CompletableFuture<?> recording = untilDoneOrWaiting(h -> store.delivered(h, s.id(), s.token(), 1, 1,
                    Instant.now(), 5, 200, "test", Duration.ofMinutes(1)));
            store.resetFailures(write, s.id()); // as a PATCH of its URL does
            write.commit();
            recording.get(30, TimeUnit.SECONDS);
        }
        assertThat(logged(s.id())).isEqualTo(1);
    }

    @Test
    void aDeliveryRecordedWhileTheSubscriptionIsDeleted_doesNotDeadlockWithTheDeletion() throws Exception {
        Subscription s = pausedSubscription();
        try (Handle write = jdbi.open()) {
            write.begin();
            assertThat(store.findForUpdate(write, s.org(), s.id())).isPresent();
            CompletableFuture<?> recording = untilDoneOrWaiting(h -> store.delivered(h, s.id(), s.token(), 1, 1,
                    Instant.now(), 5, 200, "test", Duration.ofMinutes(1)));
            store.delete(write, s.id());
            write.commit();
            recording.get(30, TimeUnit.SECONDS);
        }
        assertThat(logged(s.id())).isZero();
    }

    @Test
    void aFailureRecordedWhileTheSubscriptionIsDeleted_doesNotDeadlockWithTheDeletion_andLogsNothing()
            throws Exception {
        Subscription s = pausedSubscription();
        try (Handle write = jdbi.open()) {
            write.begin();
            assertThat(store.findForUpdate(write, s.org(), s.id())).isPresent();
            // a deletion's first step, which the recording meets while it waits
            write.createQuery("SELECT webhook_id FROM webhook_cursors WHERE webhook_id = :id FOR UPDATE")
                    .bind("id", s.id()).mapTo(Long.class).one();
            CompletableFuture<?> recording = untilDoneOrWaiting(h -> h.inTransaction(tx -> store.fail(tx, s.id(),
                    s.token(), 1, 1, Instant.now(), 5, 503, "http_503", "test", Duration.ofSeconds(1),
                    Duration.ofHours(1), Instant.now())));
            store.delete(write, s.id());
            write.commit();
            assertThat(recording.get(30, TimeUnit.SECONDS)).as("the cursor was deleted with it")
                    .isEqualTo(Optional.empty());
        }
        assertThat(logged(s.id())).isZero();
    }

    private record Subscription(long org, long id, long token) {
    }

    /** A paused subscription (the dispatcher claims active ones only), leased here under the returned token. */
    private static Subscription pausedSubscription() {
        Fixtures.Org org = fx.org("close");
        Http.Res made = node.service().post(org.path() + "/webhooks", Map.of("url", "http://127.0.0.1:9/hook",
                "status", "paused"));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        long id = made.get("id").longValue();
        long token = jdbi.withHandle(h -> h.createQuery("UPDATE webhook_cursors SET lease_owner = 'test', "
                        + "lease_until = now() + interval '1 hour', lease_token = lease_token + 1 "
                        + "WHERE webhook_id = :id RETURNING lease_token")
                .bind("id", id).mapTo(Long.class).one());
        return new Subscription(org.id(), id, token);
    }

    private static int logged(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = :id")
                .bind("id", id).mapTo(Integer.class).one());
    }

    /**
     * Runs {@code work} on a connection of its own, and returns once it is done or waits for a lock (then the
     * returned future completes when it does).
     */
    private static <T> CompletableFuture<T> untilDoneOrWaiting(HandleCallback<T, RuntimeException> work) {
        Handle h = jdbi.open();
        int pid = h.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();
        CompletableFuture<T> done = CompletableFuture.supplyAsync(() -> {
            try (h) {
                return work.withHandle(h);
            }
        });
        Await.until(Duration.ofSeconds(30), "the recording is done or waits for a lock", () -> done.isDone()
                || jdbi.withHandle(q -> q.createQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid "
                        + "AND wait_event_type = 'Lock'").bind("pid", pid).mapTo(Integer.class).one()) == 1);
        return done;
    }
}
