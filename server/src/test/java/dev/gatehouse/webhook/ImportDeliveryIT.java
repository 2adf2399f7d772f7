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
 * order, filtered by the subscription like single writes; a line that changed nothing is not delivered; a run of
 * assignments is one {@code bulk_import} delivery summing it up, whose objects the events API lists.
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

    @Test
    void anImportsAssignments_areDeliveredAsOneSummary_whoseObjectsTheEventsApiLists() throws Exception {
        try (var model = ImportDeliveryIT.class.getResourceAsStream("/models/docs.json")) {
            int status = node.service().post("/v1/models", Json.MAPPER.readTree(model)).status();
            assertThat(status).isIn(201, 409);
        }
        Fixtures.Org org = fx.org("docs");
        try (Receiver receiver = new Receiver(Receiver.ok())) {
            Http.Res hook = node.service().post(org.path() + "/webhooks", Map.of("url", receiver.url(),
                    "object_types", List.of("bulk_import")));
            assertThat(hook.status()).as("%s", hook).isEqualTo(201);
            String body = String.join("\n",
                    Json.writeString(Map.of("type", "role", "name", "Reader", "permissions",
                            List.of("doc.read", "records.all"))),
                    Json.writeString(Map.of("type", "member", "user_id", "a1", "email", "a1@example.com",
                            "role", "Reader")),
                    Json.writeString(Map.of("type", "assignment", "resource", Map.of("type", "doc", "id", "d1"),
                            "user_id", "a1", "role", "Reader")),
                    Json.writeString(Map.of("type", "assignment", "resource", Map.of("type", "doc", "id", "d2"),
                            "user_id", "a1", "role", "Reader"))) + "\n";
            Http.Res res = node.service().raw("POST", org.path() + "/import", body, "application/x-ndjson");
            assertThat(res.status()).as("%s", res).isEqualTo(200);

            Await.until(Duration.ofSeconds(30), "the summary is delivered", () -> !receiver.requests().isEmpty());
            assertThat(receiver.requests()).hasSize(1);
            var event = Json.readTree(receiver.requests().get(0).text());
            assertThat(event.get("object_type").stringValue()).isEqualTo("bulk_import");
            assertThat(event.get("action").stringValue()).isEqualTo("imported");
            assertThat(event.get("object_id").stringValue()).isEqualTo("3-4");
            assertThat(event.get("after").get("objects").intValue()).isEqualTo(2);
            assertThat(event.get("revision").longValue()).isEqualTo(res.revision());
            Http.Res objects = node.service().get(org.path() + "/events/" + event.get("revision").longValue()
                    + "/objects");
            assertThat(objects.status()).as("%s", objects).isEqualTo(200);
            assertThat(objects.get("items")).extracting(i -> i.get("after").get("resource").get("id").stringValue())
                    .containsExactly("d1", "d2");
        }
    }
}
