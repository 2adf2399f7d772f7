package dev.gatehouse.member;

import dev.gatehouse.access.Caller;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.role.Role;
import dev.gatehouse.store.Tx;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Who may add, change and remove members: the gate {@link MemberService} applies, whichever API calls it. By
 * default a member key needs the model's member-management permission ({@code management.members}); a model
 * may bring its own rules (the {@code rooms} model gates company users by access level), chosen by model id
 * with {@link #byModel}. Service keys pass every gate. Implementations read what they need through the handle
 * of the request's transaction, so they judge the state the request is serialized after. Thread-safe.
 */
public interface MemberRules {

    /** What is done to the member. */
    enum Action {
        ADD, MANAGE, REMOVE
    }

    /** The model's member-management permission. */
    MemberRules GENERIC = (h, caller, model, action, current, roleAfter, external, what) ->
            caller.require(model.management().members(), what);

    /**
     * 403 unless {@code caller} may do {@code action} to a member.
     *
     * @param current   the member as it is; null when adding one
     * @param roleAfter its company role afterwards (null for an external member, and when removing)
     * @param external  whether the member is, or is to be, external
     * @param what      what is being done, for the error ("updating a member")
     */
    void requireMay(Handle h, Caller caller, PermissionModel model, Action action, Member current, Long roleAfter,
                    boolean external, String what);

    /**
     * 409 when the invitation of {@code invited} may not be accepted now, whoever asks, on every path that accepts
     * one ({@code accept}, a change of status to active, an import's member line); by default it may. The
     * {@code rooms} model refuses it for a Pending user locked out, whom only an unlock lets in.
     */
    default void requireMayAccept(Handle h, PermissionModel model, Member invited) {
    }

    /**
     * What follows when {@code before} is moved to another company role ({@code after}), inside the transaction that
     * moves it, after its gates; by default nothing. The {@code rooms_v5} model takes away the reach the old role
     * gave (its roles on the company, regions and offices).
     */
    default void roleChanged(Tx tx, PermissionModel model, Member before, Member after) {
    }

    /**
     * 403 unless {@code caller} may have the roles {@code member} holds on resources count again by reactivating it
     * (or count by accepting its invitation, or by unlocking a Pending Rooms user), beyond what the member service asks
     * of every model (that each grants nothing beyond the caller); asked inside the activating transaction, before the
     * member changes; by default nothing more. The {@code rooms_v5} model revives a role on the company, a region or an
     * office only by a caller that manages that place.
     */
    default void requireMayReactivate(Handle h, Caller caller, PermissionModel model, Member member) {
    }

    /**
     * Whether {@code caller} sees {@code member} holding {@code role} on resource {@code type}/{@code resourceId}, so
     * that a refusal about that role may name where it is held; by default as resources are seen by default (an
     * internal member sees every resource and every holder, an external one only the resources it holds a role on).
     * The {@code rooms} models: only in a room the caller sees, and not a holder its role hides there.
     */
    default boolean seesHolding(Handle h, Caller caller, PermissionModel model, String type, String resourceId,
                                Member member, Role role) {
        return caller.isService() || !caller.external() || caller.holdsRoleOn(h, type, resourceId);
    }

    /**
     * What follows when {@code member} is removed, inside the transaction that removes it, after its gates and the
     * members' removal hook ({@link MemberRemoval}), just before the member's own record; by default nothing. The
     * {@code rooms} models delete the member's room users and Rooms profile, recording each as deleted.
     */
    default void removing(Tx tx, PermissionModel model, Member member) {
    }

    /** The rules of each model by id, {@link #GENERIC} for any other model. */
    static MemberRules byModel(Map<String, MemberRules> rules) {
        Map<String, MemberRules> copy = Map.copyOf(rules);
        return new MemberRules() {
            @Override
            public void requireMay(Handle h, Caller caller, PermissionModel model, Action action, Member current,
                                   Long roleAfter, boolean external, String what) {
                copy.getOrDefault(model.id(), GENERIC).requireMay(h, caller, model, action, current, roleAfter,
                        external, what);
            }

            @Override
            public void requireMayAccept(Handle h, PermissionModel model, Member invited) {
                copy.getOrDefault(model.id(), GENERIC).requireMayAccept(h, model, invited);
            }

            @Override
            public void requireMayReactivate(Handle h, Caller caller, PermissionModel model, Member member) {
                copy.getOrDefault(model.id(), GENERIC).requireMayReactivate(h, caller, model, member);
            }

            @Override
            public boolean seesHolding(Handle h, Caller caller, PermissionModel model, String type, String resourceId,
                                       Member member, Role role) {
                return copy.getOrDefault(model.id(), GENERIC).seesHolding(h, caller, model, type, resourceId, member,
                        role);
            }

            @Override
            public void roleChanged(Tx tx, PermissionModel model, Member before, Member after) {
                copy.getOrDefault(model.id(), GENERIC).roleChanged(tx, model, before, after);
            }

            @Override
            public void removing(Tx tx, PermissionModel model, Member member) {
                copy.getOrDefault(model.id(), GENERIC).removing(tx, model, member);
            }
        };
    }
}
