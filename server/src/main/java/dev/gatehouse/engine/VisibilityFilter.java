package dev.gatehouse.engine;

import java.util.List;

/**
 * Which records a member may see, in a form a product can turn into its own query: either everything, or
 * the records where one of {@code userFieldIds} holds {@code userId}, plus records where none of those
 * fields holds anyone when {@code unassignedVisible}. A member with no access sees nothing
 * ({@code seesNone}).
 */
public record VisibilityFilter(boolean seesAll, boolean seesNone, String userId, List<String> userFieldIds,
                               boolean unassignedVisible, Long roleId) {
    public VisibilityFilter {
        userFieldIds = List.copyOf(userFieldIds);
    }
}
