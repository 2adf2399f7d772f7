package dev.gatehouse.member;

import java.util.Objects;

/**
 * What a {@code privilege_escalation} refusal to activate a member is about when the caller sees where it holds the
 * role refused ({@link MemberService}: reactivating it, accepting its invitation, unlocking a Pending Rooms user): the
 * member, the resource it holds the role on (its type and id as the native API shows them; a room's id is its Rooms
 * room id), the role's name, what activating the member does to it ({@code effect}: {@link #effect}), and why the caller may not
 * have it count ({@code reason}, the services' words) — for dialects that name resources and members their own way.
 * Immutable.
 */
public record RevivedRole(long memberId, String type, String resourceId, String role, String effect, String reason) {

    /**
     * What activating {@code member} does to the roles it holds: an invited member's never counted, so accepting its
     * invitation has them count; a deactivated (or locked) one's counted before, and would count again.
     */
    public static String effect(Member member) {
        return member.invited() ? "would count" : "would count again";
    }

    public RevivedRole {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(reason, "reason");
    }
}
