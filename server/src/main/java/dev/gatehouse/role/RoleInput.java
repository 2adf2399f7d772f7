package dev.gatehouse.role;

import java.util.List;

/**
 * What a caller asks to set on a role. For creation every field is meaningful; for an update a null field
 * means "unchanged", except {@code visibility}, which is applied whenever {@code visibilitySet} is true
 * (so it can be cleared with null).
 */
public record RoleInput(String name, String description, List<String> permissions, Boolean external,
                        RoleVisibility visibility, boolean visibilitySet) {
    public RoleInput {
        permissions = permissions == null ? null : List.copyOf(permissions);
    }
}
