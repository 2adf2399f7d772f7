package dev.gatehouse.webhook;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores a webhook subscription (object type {@code webhook}; never its secret, nor its
 * delivery state, which changes with every delivery and is not history): the snapshot in a record's
 * {@code before} and {@code after}, with {@code created_by}, the member on whose authority it is delivered (null:
 * a service key's; rows written before it was logged lack it). A storage format, kept apart from the native API's rendering
 * ({@link WebhookSnapshot}); the events API and webhooks show it as stored. A subscription of a dialect's format
 * also has its {@code format} and {@code options} (the native ones have neither). Existing rows hold this shape;
 * change it only compatibly. Stateless.
 */
final class LoggedWebhook {

    private LoggedWebhook() {
    }

    public static ObjectNode of(Webhook w) {
        ObjectNode n = Json.object();
        n.put("id", w.id());
        n.put("org_id", w.orgId());
        n.put("url", w.url());
        n.put("description", w.description());
        ArrayNode types = n.putArray("object_types");
        w.objectTypes().forEach(types::add);
        ArrayNode actions = n.putArray("actions");
        w.actions().forEach(actions::add);
        n.put("status", w.status());
        n.put("paused_reason", w.pausedReason());
        n.put("paused_at", InstantText.of(w.pausedAt()));
        n.put("created_by", w.createdBy()); // on whose authority it is delivered (null: a service key's)
        n.put("version", w.version());
        n.put("created_at", InstantText.of(w.createdAt()));
        n.put("updated_at", InstantText.of(w.updatedAt()));
        if (!NativeFormat.NAME.equals(w.format())) {
            n.put("format", w.format());
            if (w.options() == null) {
                n.putNull("options");
            } else {
                n.set("options", w.options());
            }
        }
        return n;
    }
}
