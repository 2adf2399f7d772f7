package dev.gatehouse.access;

import java.util.List;

/**
 * What a {@code privilege_escalation} refusal to change a role is about ({@link Access#requireMayRedefine}): the role,
 * the permissions it grants that the caller does not hold, in the model's order, and the records it sees beyond the
 * caller's (null when none) — for dialects that name roles their own way. Immutable.
 */
public record Redefining(long roleId, List<String> permissions, String sees) {

    public Redefining {
        permissions = List.copyOf(permissions);
    }

    /** What the role holds beyond the caller, as {@link Outranked#beyond()} says it. */
    public String beyond() {
        return Outranked.beyond(permissions, sees);
    }
}
