package dev.gatehouse.changelog;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A change made inside a transaction that is not yet committed; it gets its revision at commit. {@code delta} as in
 * {@link ChangeRecord}, usually null.
 */
public record PendingChange(Long orgId, String objectType, String objectId, String action,
                            List<String> changedFields, JsonNode before, JsonNode after, JsonNode delta) {
    public PendingChange {
        changedFields = List.copyOf(changedFields);
    }
}
