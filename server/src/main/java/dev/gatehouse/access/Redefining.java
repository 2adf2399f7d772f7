package dev.gatehouse.access;

import java.util.List;

/**
 * What a {@code privilege_escalation} refusal to change or delete a role is about ({@link Access#requireMayRedefine},
 * {@link Access#requireMayDelete}): the role, whether it was being deleted, the permissions it grants that the caller
 * does not hold, in the model's order, and the records it sees beyond the caller's (null when none) — for dialects
 * that name roles their own way. Immutable.
 */
public record Redefining(long roleId, boolean deleting, List<String> permissions, String sees) {

    public Redefining {
        permissions = List.copyOf(permissions);
    }

    /**
     * What was refused, in the native API's words: "deleting role 7", "changing the permissions or record visibility
     * of role 7" (either is a change of what the role grants).
     */
    public String what() {
        return (deleting ? "deleting role " : "changing the permissions or record visibility of role ") + roleId;
    }

    /** What the role holds beyond the caller, as {@link Outranked#beyond()} says it. */
    public String beyond() {
        return Outranked.beyond(permissions, sees);
    }
}
