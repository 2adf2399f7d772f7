package dev.gatehouse.enginefeed;

import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;

/**
 * A committed change record whose snapshot does not hold what its object type's stored shape promises (a field
 * missing or of the wrong kind). The node cannot apply it: the change feed takes the node out of sync and reloads
 * its state from the tables. Carries the record's coordinates and the field, for the log and for programs.
 */
final class UndecodableChangeException extends RuntimeException {

    private final long revision;
    private final ObjectType objectType;
    private final String objectId;
    private final String field;

    UndecodableChangeException(ChangeRecord record, String field, String problem, Throwable cause) {
        super("change-log revision " + record.revision() + " (" + record.objectType() + " " + record.objectId()
                + ") cannot be decoded: " + field + " " + problem, cause);
        this.revision = record.revision();
        this.objectType = record.objectType();
        this.objectId = record.objectId();
        this.field = field;
    }

    public long revision() {
        return revision;
    }

    public ObjectType objectType() {
        return objectType;
    }

    public String objectId() {
        return objectId;
    }

    /** The field at fault, as a path in the record ({@code after.visibility.unassigned}, {@code object_id}). */
    public String field() {
        return field;
    }
}
