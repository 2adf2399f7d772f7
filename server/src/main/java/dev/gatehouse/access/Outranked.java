package dev.gatehouse.access;

import java.util.List;
import java.util.Objects;

/**
 * What a {@code privilege_escalation} refusal to act on another member is about ({@link Access#requireNotAbove}): what
 * was being done (a phrase such as "removing a member"), the member acted on, the permissions it holds that the caller
 * does not, in the model's order, and the records it sees beyond the caller's (null when none) — for dialects that
 * name members their own way. Immutable.
 */
public record Outranked(String what, long memberId, List<String> permissions, String sees) {

    public Outranked {
        Objects.requireNonNull(what, "what");
        permissions = List.copyOf(permissions);
    }

    /** What the member holds beyond the caller, as a phrase: "the permissions [a, b]" and/or "sees …". */
    public String beyond() {
        return beyond(permissions, sees);
    }

    /** Permissions and records beyond the caller, as a phrase: "the permissions [a, b]" and/or "a role that sees …". */
    static String beyond(List<String> permissions, String sees) {
        String held = permissions.isEmpty() ? "" : "the permissions " + permissions;
        if (sees == null) {
            return held;
        }
        return (held.isEmpty() ? "" : held + " and ") + "a role that sees " + sees;
    }
}
