package dev.gatehouse.changelog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One committed change: the unit of the change log, of the events API, of webhooks and of the way
 * state enters every node's engine. {@code before} and {@code after} are snapshots in the native API's
 * representation (null when the object did not exist before or does not exist after).
 */
public record ChangeRecord(long revision, Long orgId, Instant occurredAt, Actor actor, String objectType,
                           String objectId, String action, List<String> changedFields, JsonNode before,
                           JsonNode after) {
    public ChangeRecord {
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(action, "action");
        changedFields = List.copyOf(changedFields);
    }
}
