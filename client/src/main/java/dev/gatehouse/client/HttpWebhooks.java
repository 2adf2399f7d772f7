package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.Objects;
import java.util.stream.Stream;

/** {@link Webhooks} over the native API. Immutable and thread-safe. */
final class HttpWebhooks implements Webhooks {

    private final Requests requests;
    private final String path;

    HttpWebhooks(Requests requests, String orgPath) {
        this.requests = requests;
        this.path = orgPath + "/webhooks";
    }

    @Override
    public Stream<Webhook> list() {
        return requests.pages(path, Webhook::from);
    }

    @Override
    public Webhook get(long webhookId) {
        return Webhook.from(requests.get(path + "/" + webhookId));
    }

    @Override
    public Webhook create(WebhookInput webhook) {
        return Webhook.from(requests.send("POST", path, Safety.WRITE, Objects.requireNonNull(webhook, "webhook")
                .json(), null));
    }

    @Override
    public Webhook update(long webhookId, WebhookInput changes) {
        return Webhook.from(requests.send("PATCH", path + "/" + webhookId, Safety.WRITE,
                Objects.requireNonNull(changes, "changes").json(), null));
    }

    @Override
    public Webhook update(long webhookId, WebhookInput changes, long expectedVersion) {
        return Webhook.from(requests.send("PATCH", path + "/" + webhookId, Safety.WRITE,
                Objects.requireNonNull(changes, "changes").json(), expectedVersion));
    }

    @Override
    public void delete(long webhookId) {
        requests.send("DELETE", path + "/" + webhookId, Safety.IDEMPOTENT, null, null);
    }

    @Override
    public Stream<Delivery> deliveries(long webhookId) {
        return requests.pages(path + "/" + webhookId + "/deliveries", Delivery::from);
    }
}
