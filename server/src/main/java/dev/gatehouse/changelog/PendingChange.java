package dev.gatehouse.changelog;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A change made inside a transaction that is not yet committed; it gets its revision at commit. {@code delta} and
 * {@code objects} as in {@link ChangeRecord}, usually null.
 */
public record PendingChange(Long orgId, ObjectType objectType, String objectId, Action action,
                            List<String> changedFields, JsonNode before, JsonNode after, JsonNode delta,
                            String objects) {
    public PendingChange {
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(action, "action");
        changedFields = List.copyOf(changedFields);
    }

    /** A change of one object. */
    public PendingChange(Long orgId, ObjectType objectType, String objectId, Action action,
                         List<String> changedFields, JsonNode before, JsonNode after, JsonNode delta) {
        this(orgId, objectType, objectId, action, changedFields, before, after, delta, null);
    }
}
