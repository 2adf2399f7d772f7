package dev.gatehouse.role;

import dev.gatehouse.json.Fields;
import java.util.List;
import java.util.Set;

/**
 * What a caller asks to set on a role. For creation every field is meaningful; for an update a null field
 * means "unchanged", except {@code visibility}, which is applied whenever {@code visibilitySet} is true
 * (so it can be cleared with null).
 */
public record RoleInput(String name, String description, List<String> permissions, Boolean external,
                        RoleVisibility visibility, boolean visibilitySet) {

    /** The fields {@link #read} reads. */
    public static final Set<String> FIELDS = Set.of("name", "description", "permissions", "external", "visibility");

    public RoleInput {
        permissions = permissions == null ? null : List.copyOf(permissions);
    }

    /**
     * Reads a role's fields, with the same names and bounds wherever a role is written (a native request body, a
     * bulk import's role line); {@code create}: name and permissions required. Problems are noted in {@code f};
     * the caller allows the fields it reads and checks.
     */
    public static RoleInput read(Fields f, boolean create) {
        String name = f.name("name", create, 100);
        String description = f.optionalOrEmpty("description", 2000);
        List<String> permissions = f.strings("permissions", create, 4096, 128);
        Boolean external = f.bool("external");
        RoleVisibility visibility = null;
        Fields v = f.object("visibility", false);
        if (v != null) {
            v.allowOnly(Set.of("user_field_ids", "unassigned"));
            // each id is judged by the service, which knows the ids the role holds (RoleVisibility#fieldIdProblem)
            List<String> fields = v.strings("user_field_ids", true, 100, 128);
            String unassigned = v.string("unassigned", true, 64);
            if (unassigned != null && !RoleVisibility.BEHAVIOURS.contains(unassigned)) {
                v.error("unassigned", "must be one of " + RoleVisibility.BEHAVIOURS);
            } else if (fields != null && unassigned != null) {
                visibility = new RoleVisibility(fields, unassigned);
            }
        }
        return new RoleInput(name, description, permissions, external, visibility, f.has("visibility"));
    }
}
