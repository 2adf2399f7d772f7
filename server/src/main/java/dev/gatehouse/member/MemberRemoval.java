package dev.gatehouse.member;

import dev.gatehouse.store.Tx;

/**
 * What features built on members undo when a member leaves its organization, inside the removing transaction and
 * before the member's row goes: Rooms refuses to let a room's owner go, groups take it out of each group it is in and
 * record that as a change of the group, grants and assignments delete its own and record each as deleted (the rows
 * would otherwise vanish with the member, unrecorded). Members know nothing of those features; the node hands
 * {@link MemberService} this hook. Implementations are thread-safe.
 */
@FunctionalInterface
public interface MemberRemoval {

    void removing(Tx tx, long orgId, Member member);
}
