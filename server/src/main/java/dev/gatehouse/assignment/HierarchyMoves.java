package dev.gatehouse.assignment;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Tx;

/**
 * The rule a change of the resource hierarchy is judged by ({@code resource/ResourceService}, for every API): a
 * resource recorded under a parent, moved to another, taken to the top or deleted (which leaves it at the top, its
 * roles kept) changes, for every member holding no role on it, which ancestor's role decides there and beneath — as
 * removing or giving a role on it would. So it is judged as those assignment writes are
 * ({@link DecidingRoleChange}): what a member gains the caller must hold, itself included, and what another member
 * loses the caller must hold too (403 {@code privilege_escalation}). Without this, a member with assignment
 * management lifted its own restriction by moving the resource out, removing the role and moving it back. Service
 * keys pass without a read. Stateless, thread-safe.
 */
public final class HierarchyMoves {

    private final DecidingRoleChange deciding;

    public HierarchyMoves(Access access) {
        this.deciding = new DecidingRoleChange(access);
    }

    /**
     * 403 {@code privilege_escalation} unless {@code caller} may move resource {@code type} {@code id} from under
     * {@code fromType} {@code fromId} to under {@code toType} {@code toId} (each pair null: at the top, or not
     * recorded) in write {@code tx}, judged from its time on; nothing when the parent stays. Call before the move is
     * written: reads the hierarchy as it stands.
     */
    public void judge(Tx tx, Caller caller, PermissionModel model, long orgId, String type, String id,
                      String fromType, String fromId, String toType, String toId, String what) {
        deciding.judgeMove(tx, caller, model, orgId, type, id, parent(fromType, fromId), parent(toType, toId), what);
    }

    private static DecidingRoleChange.Parent parent(String type, String id) {
        return id == null ? null : new DecidingRoleChange.Parent(type, id);
    }
}
