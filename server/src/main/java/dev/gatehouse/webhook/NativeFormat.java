package dev.gatehouse.webhook;

import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.EventJson;
import dev.gatehouse.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Gatehouse's own webhook requests (docs/webhooks.md): the event as the events API shows it, with
 * {@code Gatehouse-Webhook-Id}, {@code Gatehouse-Event-Revision}, {@code Gatehouse-Delivery-Attempt},
 * {@code Gatehouse-Timestamp} and {@code Gatehouse-Signature} ({@link WebhookSigner}). Object types and actions
 * are its only filters. Stateless.
 */
final class NativeFormat implements WebhookFormat {

    static final String NAME = "gatehouse";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String newSecret() {
        return WebhookSigner.newSecret();
    }

    @Override
    public boolean showsSecret() {
        return false;
    }

    @Override
    public Optional<Request> request(Webhook w, ChangeRecord event, String secret, long timestamp, int attempt) {
        byte[] body = Json.write(EventJson.of(event));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Gatehouse-Webhook-Id", String.valueOf(w.id()));
        headers.put("Gatehouse-Event-Revision", String.valueOf(event.revision()));
        headers.put("Gatehouse-Delivery-Attempt", String.valueOf(attempt));
        headers.put("Gatehouse-Timestamp", String.valueOf(timestamp));
        headers.put("Gatehouse-Signature", WebhookSigner.sign(secret, timestamp, body));
        return Optional.of(new Request(body, headers));
    }
}
