package dev.gatehouse.changelog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One committed change: the unit of the change log, of the events API, of webhooks and of the way
 * state enters every node's engine. {@code before} and {@code after} are the object's stored snapshots (null
 * when the object did not exist before or does not exist after), written by the object's own change-log codec
 * (e.g. {@code role/LoggedRole}), never by an API renderer: their field names are a storage format, shown
 * as they are by the events API and webhooks and read by the engine's decoder. {@code delta} says what the
 * change did where the snapshots leave it out to stay small (a group's {@code members_added} and
 * {@code members_removed}); null for most records. {@code objects} is the compact list of the objects a record
 * stands for when it stands for many (a {@link ObjectType#BULK_IMPORT} record: JSON text in the shape its codec,
 * {@code assignment/LoggedImport}, documents), null for every other record; the events API pages it, the engine's
 * decoder expands it.
 *
 * <p>{@code commitLast} is the last revision of the transaction that wrote the record (its own revision when it was
 * written alone, and for rows written before the log kept it): the records of one commit have contiguous revisions
 * and the same {@code commitLast}, and a decision engine applies them together, at that revision, so that no
 * decision is answered from the middle of a commit ({@link ChangeListener#onCommit}).
 */
public record ChangeRecord(long revision, Long orgId, Instant occurredAt, Actor actor, ObjectType objectType,
                           String objectId, Action action, List<String> changedFields, JsonNode before,
                           JsonNode after, JsonNode delta, String objects, long commitLast) {
    public ChangeRecord {
        if (commitLast < revision) {
            throw new IllegalArgumentException("a record's commit ends at or after its revision " + revision
                    + ", not at " + commitLast);
        }
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(action, "action");
        changedFields = List.copyOf(changedFields);
    }

    /** A record committed alone. */
    public ChangeRecord(long revision, Long orgId, Instant occurredAt, Actor actor, ObjectType objectType,
                        String objectId, Action action, List<String> changedFields, JsonNode before,
                        JsonNode after, JsonNode delta, String objects) {
        this(revision, orgId, occurredAt, actor, objectType, objectId, action, changedFields, before, after, delta,
                objects, revision);
    }

    /** Whether this record is the last of its commit. */
    public boolean endsCommit() {
        return revision == commitLast;
    }

    /** A record that stands for one object, committed alone. */
    public ChangeRecord(long revision, Long orgId, Instant occurredAt, Actor actor, ObjectType objectType,
                        String objectId, Action action, List<String> changedFields, JsonNode before,
                        JsonNode after, JsonNode delta) {
        this(revision, orgId, occurredAt, actor, objectType, objectId, action, changedFields, before, after, delta,
                null);
    }

    /** A record without a delta, committed alone. */
    public ChangeRecord(long revision, Long orgId, Instant occurredAt, Actor actor, ObjectType objectType,
                        String objectId, Action action, List<String> changedFields, JsonNode before, JsonNode after) {
        this(revision, orgId, occurredAt, actor, objectType, objectId, action, changedFields, before, after, null, null);
    }
}
