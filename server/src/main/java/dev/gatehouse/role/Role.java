package dev.gatehouse.role;

import dev.gatehouse.access.Grant;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A role of one organization: a named set of permissions from the organization's model.
 *
 * @param systemKey  the model's key for system roles (immutable ones), null for custom roles
 * @param visibility record-visibility settings, null when the role sees all records or the model has none
 */
public record Role(long id, long orgId, String systemKey, String name, String description, List<String> permissions,
                   boolean external, boolean defaultForAdmin, RoleVisibility visibility, int version,
                   Instant createdAt, Instant updatedAt) {
    public Role {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        permissions = List.copyOf(permissions);
    }

    public boolean system() {
        return systemKey != null;
    }

    /** System roles are immutable: only a custom role can be edited or deleted. */
    public boolean editable() {
        return !system();
    }

    /** What this role grants: its permissions and the records it sees. */
    public Grant grant() {
        return grant(permissions, visibility);
    }

    /** What a role with these permissions and visibility settings grants (null settings: all records). */
    public static Grant grant(List<String> permissions, RoleVisibility visibility) {
        return new Grant(Set.copyOf(permissions), visibility == null ? null : visibility.userFieldIds(),
                visibility != null && RoleVisibility.ALLOW_UNASSIGNED.equals(visibility.unassigned()));
    }
}
