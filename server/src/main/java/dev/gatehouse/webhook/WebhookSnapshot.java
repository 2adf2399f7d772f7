package dev.gatehouse.webhook;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The native API's representation of a subscription (never its secret), with its delivery state and its format
 * ({@code gatehouse}, or a dialect's with that format's {@code options}); the change log stores
 * {@link LoggedWebhook} instead.
 */
public final class WebhookSnapshot {

    private WebhookSnapshot() {
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
        n.put("version", w.version());
        n.put("created_at", InstantText.of(w.createdAt()));
        n.put("updated_at", InstantText.of(w.updatedAt()));
        n.put("format", w.format());
        // on whose authority it is delivered: a member, or null for a service key (WebhookService, "Whose authority")
        n.put("created_by", w.createdBy());
        if (w.options() == null) {
            n.putNull("options");
        } else {
            n.set("options", w.options());
        }
        return n;
    }

    public static ObjectNode of(Webhook w, DeliveryState d) {
        ObjectNode n = of(w);
        if (d != null) {
            ObjectNode delivery = n.putObject("delivery");
            delivery.put("revision", d.revision());
            delivery.put("attempts", d.attempts());
            delivery.put("failing_since", InstantText.of(d.failingSince()));
            // a paused subscription attempts nothing until resumed, whatever was scheduled before it paused
            delivery.put("next_attempt_at", d.nextAttemptAt() == null || !w.active() ? null
                    : InstantText.of(d.nextAttemptAt()));
            delivery.put("last_error", d.lastError());
            delivery.put("delivering_node", d.deliveringNode());
        }
        return n;
    }

    public static ObjectNode of(Delivery d) {
        ObjectNode n = Json.object();
        n.put("id", d.id());
        n.put("webhook_id", d.webhookId());
        n.put("revision", d.revision());
        n.put("attempt", d.attempt());
        n.put("attempted_at", InstantText.of(d.attemptedAt()));
        n.put("duration_ms", d.durationMs());
        n.put("status_code", d.statusCode());
        n.put("outcome", d.outcome());
        n.put("error", d.error());
        n.put("node_id", d.nodeId());
        return n;
    }
}
