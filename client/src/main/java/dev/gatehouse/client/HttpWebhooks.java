package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
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
        return requests.get(path + "/" + webhookId, Webhook::from);
    }

    @Override
    public Webhook create(WebhookInput webhook) {
        return requests.send("POST", path, Safety.WRITE, Arguments.required(webhook, "webhook")
                .json(), null, Webhook::from);
    }

    @Override
    public Webhook update(long webhookId, WebhookInput changes) {
        return requests.send("PATCH", path + "/" + webhookId, Safety.WRITE,
                Arguments.required(changes, "changes").json(), null, Webhook::from);
    }

    @Override
    public Webhook update(long webhookId, WebhookInput changes, long expectedVersion) {
        return requests.send("PATCH", path + "/" + webhookId, Safety.WRITE,
                Arguments.required(changes, "changes").json(), expectedVersion, Webhook::from);
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
