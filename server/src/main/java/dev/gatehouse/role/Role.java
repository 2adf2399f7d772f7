package dev.gatehouse.role;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

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
}
