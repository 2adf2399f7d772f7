package dev.gatehouse.resource;

import java.time.Instant;
import java.util.Objects;

/**
 * A resource recorded in the hierarchy: its place under a parent (a resource of its type's parent type, as the
 * model declares it), or at the top. A member's role on the parent applies here unless the member holds a role
 * here of its own. Resources that are not recorded have no parent; assignments do not need a record.
 *
 * @param parentType null exactly when {@code parentId} is
 */
public record Resource(long orgId, String type, String id, String parentType, String parentId, Instant createdAt,
                       Instant updatedAt) {
    public Resource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        if ((parentType == null) != (parentId == null)) {
            throw new IllegalArgumentException("a parent needs both type and id: " + parentType + " " + parentId);
        }
    }

    /** The change-log object id: type and id. */
    public String objectId() {
        return type + "/" + id;
    }
}
