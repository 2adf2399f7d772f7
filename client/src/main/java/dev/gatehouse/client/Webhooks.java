package dev.gatehouse.client;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An organization's webhook subscriptions ({@code /v1/orgs/{org}/webhooks}) and their delivery attempts
 * (docs/webhooks.md). The URL must lead to a public address. Thread-safe.
 */
public interface Webhooks {

    /** Every subscription, paging by itself. */
    Stream<Webhook> list();

    /** One subscription with where its delivery stands. */
    Webhook get(long webhookId);

    /** Subscribes a URL; the answer carries the signing secret, once. */
    Webhook create(WebhookInput webhook);

    /** Changes the fields {@code changes} sets (paused to active resumes delivery where it stopped). */
    Webhook update(long webhookId, WebhookInput changes);

    /** {@link #update(long, WebhookInput)} if the subscription is still at {@code expectedVersion}. */
    Webhook update(long webhookId, WebhookInput changes, long expectedVersion);

    /** Deletes the subscription and its deliveries log. */
    void delete(long webhookId);

    /** Delivery attempts, newest first, paging by themselves. */
    Stream<Delivery> deliveries(long webhookId);

    /**
     * A subscription.
     *
     * @param status   {@code active} or {@code paused}
     * @param format   {@code gatehouse}, or {@code close} for a subscription made through the Close dialect
     * @param secret   the signing secret: only in the answer to a create or a rotation, else null
     * @param delivery where delivery stands ({@code revision}, {@code attempts}, {@code last_error}, …)
     */
    record Webhook(long id, long orgId, String url, String description, List<String> objectTypes,
                   List<String> actions, String status, String pausedReason, Instant pausedAt, long version,
                   Instant createdAt, Instant updatedAt, String format, JsonNode options, String secret,
                   JsonNode delivery) {

        public Webhook {
            objectTypes = List.copyOf(objectTypes);
            actions = List.copyOf(actions);
        }

        static Webhook from(JsonNode n) {
            return new Webhook(Wire.number(n, "id"), Wire.number(n, "org_id"), Wire.text(n, "url"),
                    Wire.text(n, "description"), Wire.strings(n, "object_types"), Wire.strings(n, "actions"),
                    Wire.text(n, "status"), Wire.text(n, "paused_reason"), Wire.instant(n, "paused_at"),
                    Wire.number(n, "version"), Wire.instant(n, "created_at"), Wire.instant(n, "updated_at"),
                    Wire.text(n, "format"), Wire.node(n, "options"), Wire.text(n, "secret"), Wire.node(n, "delivery"));
        }

        /** Leaves the secret out, so the record can be logged. */
        @Override
        public String toString() {
            return "Webhook[id=" + id + ", orgId=" + orgId + ", url=" + url + ", status=" + status + ", version="
                    + version + ", secret=" + (secret == null ? "null" : "(secret)") + "]";
        }
    }

    /**
     * A subscription to create, or changes to one; null components are not sent.
     *
     * @param objectTypes  the object types to deliver (empty: every type), or null
     * @param actions      the actions to deliver (empty: every action), or null
     * @param status       {@code active} or {@code paused}, or null
     * @param rotateSecret on an update, whether to issue a new signing secret
     */
    record WebhookInput(String url, String description, List<String> objectTypes, List<String> actions,
                        String status, boolean rotateSecret) {

        public WebhookInput {
            objectTypes = objectTypes == null ? null : Arguments.elements(objectTypes, "objectTypes");
            actions = actions == null ? null : Arguments.elements(actions, "actions");
        }

        /** A subscription of {@code url} to every event. */
        public static WebhookInput to(String url) {
            return new WebhookInput(url, null, null, null, null, false);
        }

        /** Changes nothing yet; add what to change with the {@code with…} methods. */
        public static WebhookInput changes() {
            return new WebhookInput(null, null, null, null, null, false);
        }

        public WebhookInput withDescription(String text) {
            return new WebhookInput(url, text, objectTypes, actions, status, rotateSecret);
        }

        public WebhookInput withFilter(List<String> types, List<String> actionNames) {
            return new WebhookInput(url, description, types, actionNames, status, rotateSecret);
        }

        public WebhookInput withStatus(String wanted) {
            return new WebhookInput(url, description, objectTypes, actions, wanted, rotateSecret);
        }

        public WebhookInput rotatingSecret() {
            return new WebhookInput(url, description, objectTypes, actions, status, true);
        }

        ObjectNode json() {
            ObjectNode n = Wire.object();
            Wire.putIfSet(n, "url", url);
            Wire.putIfSet(n, "description", description);
            Wire.putIfSet(n, "object_types", objectTypes);
            Wire.putIfSet(n, "actions", actions);
            Wire.putIfSet(n, "status", status);
            if (rotateSecret) {
                n.put("rotate_secret", true);
            }
            return n;
        }
    }

    /**
     * One delivery attempt.
     *
     * @param statusCode the target's HTTP status, or null when none came
     * @param outcome    {@code succeeded} or {@code failed}
     * @param error      the failure's class ({@code timeout}, {@code http_status 503}, …), or null
     */
    record Delivery(long id, long webhookId, long revision, long attempt, Instant attemptedAt, long durationMs,
                    Long statusCode, String outcome, String error, String nodeId) {

        static Delivery from(JsonNode n) {
            return new Delivery(Wire.number(n, "id"), Wire.number(n, "webhook_id"), Wire.number(n, "revision"),
                    Wire.number(n, "attempt"), Wire.instant(n, "attempted_at"), Wire.number(n, "duration_ms"),
                    Wire.longOrNull(n, "status_code"), Wire.text(n, "outcome"), Wire.text(n, "error"),
                    Wire.text(n, "node_id"));
        }
    }
}
