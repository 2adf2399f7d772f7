package dev.gatehouse.webhook;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A create or update request, validated for shape at the edge. On update, null fields stay as they are.
 *
 * @param status       {@code active} or {@code paused}, or null
 * @param rotateSecret on update: replace the signing secret (the new one is returned once)
 * @param format       the subscription's format ({@link WebhookFormat#name}); null is the native one. On update it
 *                     names the format the caller's API speaks: a subscription of another format is not found there,
 *                     and only the API of a subscription's own format may change its filters.
 * @param options      the format's own settings (a non-native format only), or null to keep them
 */
public record WebhookInput(String url, String description, List<String> objectTypes, List<String> actions,
                           String status, boolean rotateSecret, String format,
                           JsonNode options) {
    public WebhookInput {
        objectTypes = objectTypes == null ? null : List.copyOf(objectTypes);
        actions = actions == null ? null : List.copyOf(actions);
    }

    /** A request of the native API. */
    public WebhookInput(String url, String description, List<String> objectTypes, List<String> actions,
                        String status, boolean rotateSecret) {
        this(url, description, objectTypes, actions, status, rotateSecret, null, null);
    }
}
