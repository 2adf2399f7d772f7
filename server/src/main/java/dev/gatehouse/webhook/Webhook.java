package dev.gatehouse.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A webhook subscription of one organization: where to send its events and which ones. Empty
 * {@code objectTypes} or {@code actions} match every value.
 *
 * @param status       {@code active} or {@code paused}
 * @param pausedReason why it is paused (set when delivery failed for longer than the retry window), or null
 */
public record Webhook(long id, long orgId, String url, String description, List<String> objectTypes,
                      List<String> actions, String status, String pausedReason, Instant pausedAt, int version,
                      Instant createdAt, Instant updatedAt) {

    public static final String ACTIVE = "active";
    public static final String PAUSED = "paused";

    public Webhook {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(status, "status");
        objectTypes = List.copyOf(objectTypes);
        actions = List.copyOf(actions);
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }

    /** Whether an event with this object type and action is one this subscription wants. */
    public boolean matches(String objectType, String action) {
        return (objectTypes.isEmpty() || objectTypes.contains(objectType))
                && (actions.isEmpty() || actions.contains(action));
    }
}
