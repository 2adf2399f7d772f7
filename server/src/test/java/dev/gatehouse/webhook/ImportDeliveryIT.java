package dev.gatehouse.webhook;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
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
 * A bulk import reaches webhook subscribers like any writes: one delivery per object it changed, in revision
 * order, filtered by the subscription like single writes; a line that changed nothing is not delivered.
 */
class ImportDeliveryIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), c -> WebhooksIT.reachingLoopback(
                c.withWebhooks(c.webhooks().withRetry(Duration.ofSeconds(30), Duration.ofSeconds(5)))));
        fx = new Fixtures(node);
        WebhooksIT.warmUp(node, fx);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void anImport_isDeliveredAsOneEventPerChangedObject() {
        Fixtures.Org org = fx.org("close");
        try (Receiver receiver = new Receiver(Receiver.ok())) {
            Http.Res hook = node.service().post(org.path() + "/webhooks", Map.of("url", receiver.url(),
                    "object_types", List.of("member")));
            assertThat(hook.status()).as("%s", hook).isEqualTo(201);
            String body = String.join("\n",
                    Json.writeString(Map.of("type", "member", "user_id", "w1", "email", "w1@example.com",
                            "role", "User")),
                    Json.writeString(Map.of("type", "member", "user_id", "w2", "email", "w2@example.com",
                            "role", "User")),
                    Json.writeString(Map.of("type", "group", "name", "Not delivered")),
                    Json.writeString(Map.of("type", "member", "user_id", "w1", "email", "w1@example.com",
                            "role", "User"))) + "\n";
            Http.Res res = node.service().raw("POST", org.path() + "/import", body, "application/x-ndjson");
            assertThat(res.status()).as("%s", res).isEqualTo(200);

            Await.until(Duration.ofSeconds(30), "both member events are delivered",
                    () -> receiver.requests().size() >= 2);
            assertThat(receiver.requests()).hasSize(2);
            assertThat(receiver.requests()).extracting(r -> Json.readTree(r.text()).get("object_type").stringValue()
                    + " " + Json.readTree(r.text()).get("action").stringValue() + " "
                    + Json.readTree(r.text()).get("after").get("user_id").stringValue())
                    .containsExactly("member created w1", "member created w2");
            assertThat(receiver.requests().get(1).revision()).isGreaterThan(receiver.requests().get(0).revision());
        }
    }
}
