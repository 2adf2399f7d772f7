package dev.gatehouse.engine;

import java.util.List;
import java.util.Map;

/**
 * Which records a member may see, in a form a product can turn into its own query: either everything, or
 * the records where one of {@code userFieldIds} holds {@code userId}, plus records where none of those fields
 * holds anyone when {@code unassignedVisible}. A member with no access sees nothing ({@code seesNone}).
 *
 * @param roleId the role the filter comes from (the member's company role), null when none applies
 */
public record VisibilityFilter(boolean seesAll, boolean seesNone, String userId, List<String> userFieldIds,
                               boolean unassignedVisible, Long roleId) {
    public VisibilityFilter {
        userFieldIds = List.copyOf(userFieldIds);
    }

    /** Whether a record with these user-reference field values (field id to user ids) passes the filter. */
    public boolean admits(Map<String, List<String>> fields) {
        if (seesNone) {
            return false;
        }
        if (seesAll) {
            return true;
        }
        boolean anyone = false;
        for (String field : userFieldIds) {
            List<String> users = fields.get(field);
            if (users != null && !users.isEmpty()) {
                if (users.contains(userId)) {
                    return true;
                }
                anyone = true;
            }
        }
        return !anyone && unassignedVisible;
    }
}
