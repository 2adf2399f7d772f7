package dev.gatehouse.group;

import dev.gatehouse.store.Tx;
import java.util.HashMap;
import java.util.Map;

/**
 * How many members groups hold inside one write transaction: each group counted once, the first time one of its
 * member changes is recorded, then kept up to date as the transaction adds and removes members — so an import adding
 * thousands of members to one group counts it once, not once per member (a count whose time grew with the group).
 *
 * <p>Exact: the organization's row lock keeps every other writer out of its groups until the transaction ends, every
 * change of a group's members in it goes through {@link GroupService} (a member leaving the organization leaves its
 * groups there first, {@link GroupService#leaveAll}), a new group starts empty, and a deleted group is forgotten.
 * Kept in the transaction ({@link Tx#memo}); not thread-safe.
 */
final class GroupCounts {

    private final GroupStore store;
    private final Tx tx;
    private final Map<Long, Integer> members = new HashMap<>();

    private GroupCounts(GroupStore store, Tx tx) {
        this.store = store;
        this.tx = tx;
    }

    /** The counts of {@code tx}. */
    static GroupCounts of(Tx tx, GroupStore store) {
        return tx.memo(GroupCounts.class, () -> new GroupCounts(store, tx));
    }

    /** A group this transaction has just created: it holds no member. */
    void created(long groupId) {
        members.put(groupId, 0);
    }

    /** A group this transaction has just deleted. */
    void deleted(long groupId) {
        members.remove(groupId);
    }

    /** The members the group holds before one is added, which the caller adds next: counted one more from then on. */
    int adding(long groupId) {
        int before = members.computeIfAbsent(groupId, id -> store.memberCount(tx.handle(), id));
        members.put(groupId, before + 1);
        return before;
    }

    /** The members the group holds after the caller removed one. */
    int removed(long groupId) {
        Integer before = members.get(groupId);
        int after = before == null ? store.memberCount(tx.handle(), groupId) : before - 1;
        members.put(groupId, after);
        return after;
    }
}
