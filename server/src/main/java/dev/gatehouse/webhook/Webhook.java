package dev.gatehouse.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A webhook subscription of one organization: where to send its events and which ones. Empty
 * {@code objectTypes} or {@code actions} match every value.
 *
 * @param status       {@code active} or {@code paused}
 * @param pausedReason why it is paused (set when delivery failed for longer than the retry window), or null
 * @param format       how its requests look ({@link WebhookFormat}): {@link NativeFormat#NAME} or a dialect's
 * @param options      the format's own settings (its finer filters, …) as its API took them; null for the native
 *                     format. Its object types and actions stay the coarse filter every format is read through.
 * @param createdBy    its creator, on whose authority it is delivered: the member who made it, or last resumed it or
 *                     changed its URL; null when that was a service key
 * @param updatedBy    the member who last changed it through an API, or null (a service key)
 */
public record Webhook(long id, long orgId, String url, String description, List<String> objectTypes,
                      List<String> actions, String status, String pausedReason, Instant pausedAt, int version,
                      Instant createdAt, Instant updatedAt, String format, JsonNode options, Long createdBy,
                      Long updatedBy) {

    public static final String ACTIVE = "active";
    public static final String PAUSED = "paused";

    public Webhook {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(format, "format");
        objectTypes = List.copyOf(objectTypes);
        actions = List.copyOf(actions);
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }

    /**
     * Whether an event with this object type and action may be one this subscription wants: for the native format
     * the whole answer; a format with finer filters decides the rest ({@link WebhookFormat#request}).
     */
    public boolean matches(String objectType, String action) {
        return (objectTypes.isEmpty() || objectTypes.contains(objectType))
                && (actions.isEmpty() || actions.contains(action));
    }

    /** This subscription with another status and pause reason, as the system changes it (its updater stays). */
    Webhook withStatus(String newStatus, String reason, Instant at) {
        return new Webhook(id, orgId, url, description, objectTypes, actions, newStatus, reason, at, version, createdAt,
                updatedAt, format, options, createdBy, updatedBy);
    }
}
