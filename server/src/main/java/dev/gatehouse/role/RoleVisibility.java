package dev.gatehouse.role;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Record-visibility settings of a role that does not see all records: the user-reference fields that
 * make a record visible to a member named in them, and what happens to records naming nobody.
 */
public record RoleVisibility(List<String> userFieldIds, String unassigned) {

    public static final String REQUIRE_ASSIGNMENT = "require_assignment";
    public static final String ALLOW_UNASSIGNED = "allow_unassigned";
    public static final Set<String> BEHAVIOURS = Set.of(REQUIRE_ASSIGNMENT, ALLOW_UNASSIGNED);

    public RoleVisibility {
        userFieldIds = List.copyOf(userFieldIds);
        Objects.requireNonNull(unassigned, "unassigned");
        if (!BEHAVIOURS.contains(unassigned)) {
            throw new IllegalArgumentException("unassigned must be one of " + BEHAVIOURS + ": " + unassigned);
        }
    }
}
