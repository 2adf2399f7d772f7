package dev.gatehouse.webhook;

import java.util.List;

/**
 * A create or update request, validated for shape at the edge. On update, null fields stay as they are.
 *
 * @param status       {@code active} or {@code paused}, or null
 * @param rotateSecret on update: replace the signing secret (the new one is returned once)
 */
public record WebhookInput(String url, String description, List<String> objectTypes, List<String> actions,
                           String status, boolean rotateSecret) {
    public WebhookInput {
        objectTypes = objectTypes == null ? null : List.copyOf(objectTypes);
        actions = actions == null ? null : List.copyOf(actions);
    }
}
